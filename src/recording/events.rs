//! The event schema of recordings: what `events.jsonl` holds.
//!
//! ```text
//! {"format":"mirrorcue-events","format_version":1}                                  first line: the header
//! {"time_s":1.267,"kind":"cue","details":{"checkpoint":0,"text":"Push your left knee out"}}
//! {"time_s":3.1,"kind":"rep","details":{"rule":"Squat","count":1}}
//! ```
//! Each later line is one [`EventLine`]: the time in seconds from the start of the recording (the same clock as the
//! video and the pose track, milliseconds), the event's `kind` and its `details`, typed by [`Event`]. Lines are
//! flushed as they happen; a line cut short by a crash is skipped on reading. Files written before the header
//! existed (the same lines, no header) read the same way.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The events file in a recording folder.
pub const EVENTS_FILE: &str = "events.jsonl";
/// The header's format name.
pub const EVENTS_FORMAT: &str = "mirrorcue-events";
/// The header's format version.
pub const EVENTS_VERSION: u32 = 1;

/// The first line of `events.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventsHeader {
    /// Always [`EVENTS_FORMAT`].
    pub format: String,
    /// [`EVENTS_VERSION`].
    pub format_version: u32,
}

impl Default for EventsHeader {
    fn default() -> Self {
        EventsHeader { format: EVENTS_FORMAT.into(), format_version: EVENTS_VERSION }
    }
}

/// Something that happened during a recording, as `kind` and `details` in `events.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "details", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// A cue appeared for the patient.
    Cue {
        /// The checkpoint's index in the protocol.
        checkpoint: usize,
        /// The words shown.
        text: String,
    },
    /// A repetition was counted.
    Rep {
        /// The repetition rule's name.
        rule: String,
        /// The rule's count with this one, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        count: Option<u32>,
    },
}

impl Event {
    /// A cue for checkpoint `checkpoint` with `text`.
    pub fn cue(checkpoint: usize, text: impl Into<String>) -> Event {
        Event::Cue { checkpoint, text: text.into() }
    }

    /// A repetition of rule `rule` (its count so far, if known).
    pub fn rep(rule: impl Into<String>, count: Option<u32>) -> Event {
        Event::Rep { rule: rule.into(), count }
    }

    /// The `kind` written for it: "cue", "rep".
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Cue { .. } => "cue",
            Event::Rep { .. } => "rep",
        }
    }
}

/// One line of `events.jsonl`: an event and when it happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventLine {
    /// Seconds from the start of the recording (the clock of the video and the pose track), to the millisecond.
    pub time_s: f64,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}

impl EventLine {
    /// `event` at `time_s` seconds of the recording (rounded to the millisecond, never negative).
    pub fn new(time_s: f64, event: Event) -> EventLine {
        EventLine { time_s: (time_s.max(0.0) * 1000.0).round() / 1000.0, event }
    }

    /// The line as written (JSON, no newline).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The header line as written (JSON, no newline).
pub fn header_line() -> String {
    serde_json::to_string(&EventsHeader::default()).unwrap_or_default()
}

/// Reads a recording's events: every whole line of `events.jsonl` in order (the header, lines cut short by a crash
/// and kinds this version does not know are skipped). Empty when there is no events file.
pub fn read_events(dir: &Path) -> Vec<EventLine> {
    let Ok(text) = std::fs::read_to_string(dir.join(EVENTS_FILE)) else { return Vec::new() };
    text.lines().filter_map(|l| serde_json::from_str::<EventLine>(l).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_kind_and_details_with_the_time_in_milliseconds() {
        let line = EventLine::new(1.26749, Event::cue(2, "Push your left knee out"));
        assert_eq!(
            line.to_json(),
            r#"{"time_s":1.267,"kind":"cue","details":{"checkpoint":2,"text":"Push your left knee out"}}"#
        );
        let rep = EventLine::new(3.1, Event::rep("Squat", Some(1)));
        assert_eq!(rep.to_json(), r#"{"time_s":3.1,"kind":"rep","details":{"rule":"Squat","count":1}}"#);
        assert_eq!(
            EventLine::new(-0.2, Event::rep("Squat", None)).to_json(),
            r#"{"time_s":0.0,"kind":"rep","details":{"rule":"Squat"}}"#
        );
        assert_eq!((line.event.kind(), rep.event.kind()), ("cue", "rep"));
    }

    #[test]
    fn lines_read_back_typed_skipping_the_header_and_broken_lines() {
        let dir = tempfile::tempdir().unwrap();
        let lines = [
            EventLine::new(0.5, Event::cue(0, "Keep your back straight")),
            EventLine::new(1.0, Event::rep("Squat", Some(1))),
        ];
        let text = format!(
            "{}\n{}\n{}\n{{\"time_s\":2.0,\"kind\":\"wave\",\"details\":{{}}}}\n{{\"time_s\":2.5,\"ki",
            header_line(),
            lines[0].to_json(),
            lines[1].to_json()
        );
        std::fs::write(dir.path().join(EVENTS_FILE), text).unwrap();
        assert_eq!(read_events(dir.path()), lines);
        assert!(read_events(&dir.path().join("missing")).is_empty());
        assert_eq!(header_line(), r#"{"format":"mirrorcue-events","format_version":1}"#);
    }

    #[test]
    fn files_written_before_the_header_read_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let old = "{\"time_s\":0.333,\"kind\":\"cue\",\"details\":{\"checkpoint\":1,\"text\":\"Knee out\"}}\n\
                   {\"time_s\":1.0,\"kind\":\"rep\",\"details\":{\"rule\":\"Squat\"}}\n";
        std::fs::write(dir.path().join(EVENTS_FILE), old).unwrap();
        assert_eq!(
            read_events(dir.path()),
            [EventLine::new(0.333, Event::cue(1, "Knee out")), EventLine::new(1.0, Event::rep("Squat", None))]
        );
    }
}
