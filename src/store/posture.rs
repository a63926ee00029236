//! A posture protocol's session filed in the record: one postural-retraining activity, each checkpoint's value once
//! a second while it runs (so an interrupted session keeps what it measured), and at the end the summary's totals
//! (time in tolerance, its share of the time checked, cues, range of motion per side, repetitions, holds) as
//! measurements.
//!
//! Measure names are the same for both sides, the side goes in its own column: the checkpoint "left knee over the
//! foot" files "knee over the foot: maximum" on the left; a repetition rule on the left knee angle files
//! "knee angle: minimum" on the left and "squats: repetitions".

use std::collections::HashSet;

use super::db::{Store, StoreError};
use super::filing::ActivityFiling;
use super::sessions::{ActivityKind, BodySide, NewActivity, Session};
use super::writer::{ActivityRef, RecordWriter, Sample};
use crate::posture::keyframe::KeyFrame;
use crate::posture::keyframe::KeyFramePicker;
use crate::posture::{FrameResult, Measure, PostureSession, Protocol, Summary};

/// The name of a sided measure without its side ("left knee over the foot" → "knee over the foot").
pub fn without_side(name: &str) -> String {
    let words: Vec<&str> = name
        .split_whitespace()
        .filter(|w| !w.eq_ignore_ascii_case("left") && !w.eq_ignore_ascii_case("right"))
        .collect();
    if words.is_empty() { name.trim().to_lowercase() } else { words.join(" ").to_lowercase() }
}

/// The side a measure is on (`None` for the trunk, a symmetry, a midline).
pub fn measure_side(m: &Measure) -> Option<BodySide> {
    if m.is_sided() { m.focus().and_then(|j| BodySide::of(j.side())) } else { None }
}

/// A measure's name without side: a joint angle by its vertex ("knee angle"), otherwise `fallback` without side.
fn measure_name(m: &Measure, fallback: &str) -> String {
    match m {
        Measure::JointAngle { .. } => match m.focus() {
            Some(j) => format!("{} angle", without_side(&j.name().replace('_', " "))),
            None => without_side(fallback),
        },
        _ => without_side(fallback),
    }
}

/// The summary of a posture session as measurements at `time_s` (its end): per checkpoint the time in tolerance,
/// time checked, longest time in tolerance, cues, holds and range (minimum, maximum) per side; per repetition rule
/// the count and the range of its measure per side.
pub fn summary_samples(protocol: &Protocol, summary: &Summary) -> Vec<Sample> {
    let t = summary.duration_s;
    let mut out = Vec::new();
    let mut ranges_done: HashSet<(String, Option<BodySide>)> = HashSet::new();
    let push = |out: &mut Vec<Sample>, measure: String, side: Option<BodySide>, value: f64, unit: &str| {
        if value.is_finite() {
            out.push(Sample { measure, side, value, unit: unit.to_string(), time_s: t });
        }
    };
    let mut range = |out: &mut Vec<Sample>, base: &str, side, min: Option<f64>, max: Option<f64>, unit: &str| {
        if !ranges_done.insert((base.to_string(), side)) {
            return;
        }
        if let Some(v) = min {
            push(out, format!("{base}: minimum"), side, v, unit);
        }
        if let Some(v) = max {
            push(out, format!("{base}: maximum"), side, v, unit);
        }
    };
    for c in &summary.checkpoints {
        let def = protocol.checkpoints.iter().find(|p| p.name == c.name);
        let side = def.and_then(|d| measure_side(&d.measure));
        let base = without_side(&c.name);
        let unit = c.unit.key();
        push(&mut out, format!("{base}: time in tolerance"), side, c.time_in_tolerance_s, "seconds");
        push(&mut out, format!("{base}: time checked"), side, c.time_checked_s, "seconds");
        push(&mut out, format!("{base}: longest in tolerance"), side, c.longest_in_tolerance_s, "seconds");
        if c.time_checked_s > 0.0 {
            let share = crate::units::round_to(100.0 * c.time_in_tolerance_s / c.time_checked_s, 1);
            push(&mut out, format!("{base}: share in tolerance"), side, share, "percent");
        }
        push(&mut out, format!("{base}: cues"), side, c.cues as f64, "cues");
        if c.hold_s.is_some() {
            push(&mut out, format!("{base}: holds"), side, c.holds as f64, "holds");
        }
        range(&mut out, &base, side, c.min, c.max, unit);
        if let Some(s) = side {
            range(&mut out, &base, Some(s.other()), c.other_side_min, c.other_side_max, unit);
        }
    }
    for r in &summary.reps {
        let def = protocol.reps.iter().find(|p| p.name == r.name);
        push(&mut out, format!("{}: repetitions", r.name.to_lowercase()), None, r.count as f64, "repetitions");
        let (base, side) = match def {
            Some(d) => (measure_name(&d.measure, &r.name), measure_side(&d.measure)),
            None => (without_side(&r.name), None),
        };
        range(&mut out, &base, side, r.min, r.max, r.unit.key());
    }
    out
}

/// Each visible checkpoint's value on a frame, as filed once a second, at `t` s from the session's start.
pub fn frame_samples(session: &PostureSession, result: &FrameResult, t: f64) -> Vec<Sample> {
    let checkpoints = session.protocol().checkpoints.iter().zip(&result.values);
    checkpoints
        .filter_map(|(c, v)| {
            Some(Sample {
                measure: without_side(&c.name),
                side: measure_side(&c.measure),
                value: crate::units::round(f64::from((*v)?), c.unit()),
                unit: c.unit().key().to_string(),
                time_s: crate::units::round_s(t),
            })
        })
        .collect()
}

/// The hands' open/close repetitions and finger tapping as measurements at `time_s`, each on its hand's side:
/// "hand open/close: repetitions" and ": rate" (per minute), "finger tapping: taps", ": rate" (taps per second) and
/// ": amplitude" (palm lengths); with the affected side known, the affected hand's rates as a percentage of the
/// healthy hand's ("…: rate against the healthy hand", on the affected side).
pub fn hand_exercise_samples(c: &crate::hands::exercise::HandsComparison, time_s: f64) -> Vec<Sample> {
    let mut out = Vec::new();
    let mut push = |measure: &str, side: crate::pose::Side, value: Option<f64>, unit: &str| {
        if let Some(v) = value.filter(|v| v.is_finite()) {
            out.push(Sample {
                measure: measure.to_string(),
                side: BodySide::of(side),
                value: v,
                unit: unit.into(),
                time_s,
            });
        }
    };
    for (i, side) in [c.healthy, c.healthy.opposite()].into_iter().enumerate() {
        let (o, t) = (&c.open_close[i], &c.tapping[i]);
        push("hand open/close: repetitions", side, Some(f64::from(o.count)), "repetitions");
        push("hand open/close: rate", side, o.per_minute.map(|v| crate::units::round_to(v, 0)), "per_minute");
        push("finger tapping: taps", side, Some(f64::from(t.count)), "count");
        push("finger tapping: rate", side, t.rate_hz.map(|v| crate::units::round_to(v, 1)), "hz");
        push(
            "finger tapping: amplitude",
            side,
            t.amplitude.map(|v| crate::units::round_to(f64::from(v), 2)),
            "palm_lengths",
        );
    }
    let affected = c.healthy.opposite();
    push("hand open/close: rate against the healthy hand", affected, c.open_close_percent, "percent");
    push("finger tapping: rate against the healthy hand", affected, c.tapping_percent, "percent");
    out
}

/// The postural-retraining activity of a protocol: its name, checkpoints and repetition rules in the details;
/// `source` is the recording it runs on, if any.
fn activity(p: &Protocol, source: Option<String>) -> NewActivity {
    let details = serde_json::json!({
        "protocol": p.name,
        "checkpoints": p.checkpoints.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
        "repetition_rules": p.reps.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
    });
    NewActivity {
        kind: ActivityKind::PosturalRetraining,
        name: p.name.clone(),
        side: None,
        source,
        details: details.to_string(),
    }
}

/// Files a running posture session: see the [module](self).
pub struct PostureFiling {
    filing: ActivityFiling,
}

impl PostureFiling {
    /// Starts a session for `patient` with one postural-retraining activity for `session`'s protocol; `source` is
    /// the recording it runs on, if any.
    pub fn start(
        store: Store,
        patient: &str,
        session: &PostureSession,
        source: Option<String>,
    ) -> Result<PostureFiling, StoreError> {
        Ok(PostureFiling { filing: ActivityFiling::start(store, patient, activity(session.protocol(), source))? })
    }

    /// The session being written.
    pub fn session(&self) -> &Session {
        self.filing.session()
    }

    /// After each frame: once a second of session time, each visible checkpoint's value and the minutes so far.
    pub fn frame(&mut self, session: &PostureSession, result: &FrameResult) {
        let t = session.elapsed_s();
        if self.filing.tick(t) {
            for sample in frame_samples(session, result, t) {
                self.filing.measure(sample);
            }
        }
    }

    /// Files one more measurement with the activity (a hand exercise's results: [`hand_exercise_samples`]).
    pub fn measure(&mut self, sample: Sample) {
        self.filing.measure(sample);
    }

    /// Files the summary and the key frame (the best repetition, if one was picked) and finishes the session;
    /// gives back the store and the session as written.
    pub fn finish(mut self, session: &PostureSession, key: Option<KeyFrame>) -> Result<(Store, Session), StoreError> {
        for s in summary_samples(session.protocol(), session.summary()) {
            self.filing.measure(s);
        }
        if let Some(key) = key {
            self.filing.key_frame(key);
        }
        self.filing.finish(session.elapsed_s())
    }
}

/// The posture protocol run in the app's session ([`super::LiveSession`]), filed through the session's writer: the
/// activity's time by the frames' clock, each checkpoint's value once a second, and when it ends (another protocol,
/// a new source, the session's end) the summary's totals and the best repetition's key frame.
pub struct PostureActivity {
    activity: ActivityRef,
    protocol: String,
    seconds: f64,
    last_elapsed: f64,
    next_second: f64,
    summary: Vec<Sample>,
    key: KeyFramePicker,
    has_reps: bool,
}

impl PostureActivity {
    /// Begins the activity for `session`'s protocol.
    pub(crate) fn begin(writer: &mut RecordWriter, session: &PostureSession) -> PostureActivity {
        let p = session.protocol();
        let activity = writer.begin_activity(activity(p, None));
        PostureActivity {
            activity,
            protocol: p.name.clone(),
            seconds: 0.0,
            last_elapsed: session.elapsed_s(),
            next_second: 0.0,
            summary: Vec::new(),
            key: KeyFramePicker::new(),
            has_reps: !p.reps.is_empty(),
        }
    }

    /// Whether `session` is still the one this activity files: the same protocol, its time not started again.
    pub(crate) fn is_of(&self, session: &PostureSession) -> bool {
        session.protocol().name == self.protocol && session.elapsed_s() >= self.last_elapsed
    }

    /// After a frame that lasted `dt_s`, at `t` s from the clinic session's start.
    pub(crate) fn frame(&mut self, writer: &mut RecordWriter, f: PostureFrame<'_>) {
        self.last_elapsed = f.session.elapsed_s();
        self.key.on_frame(f.frame, f.pose, f.result, self.has_reps);
        if f.dt_s.is_finite() && f.dt_s > 0.0 && f.dt_s < 5.0 {
            self.seconds += f.dt_s;
        }
        if f.t < self.next_second {
            return;
        }
        self.next_second = f.t.floor() + 1.0;
        for sample in frame_samples(f.session, f.result, f.t) {
            writer.measure(Some(self.activity), sample);
        }
        writer.set_activity_seconds(self.activity, crate::units::round_s(self.seconds));
        self.summary = summary_samples(f.session.protocol(), f.session.summary())
            .into_iter()
            .map(|s| Sample { time_s: crate::units::round_s(f.t), ..s })
            .collect();
    }

    /// Files the totals (as of its last second) and the key frame.
    pub(crate) fn end(self, writer: &mut RecordWriter) {
        writer.set_activity_seconds(self.activity, crate::units::round_s(self.seconds));
        for s in self.summary {
            writer.measure(Some(self.activity), s);
        }
        if let Some(key) = self.key.finish() {
            writer.key_frame(self.activity, key);
        }
    }
}

/// One frame of a posture protocol run in the app, as [`super::LiveSession::posture_frame`] files it.
pub struct PostureFrame<'a> {
    /// How long the frame lasted, s (the frames' clock: a paused recording does not count).
    pub dt_s: f64,
    /// Seconds from the clinic session's start.
    pub t: f64,
    /// The posture session.
    pub session: &'a PostureSession,
    /// Its result on this frame.
    pub result: &'a FrameResult,
    /// The frame (for the key frame's picture).
    pub frame: &'a crate::frame::Frame,
    /// The pose on it.
    pub pose: Option<&'a crate::pose::Pose>,
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn side_words_are_taken_out_of_names() {
        assert_eq!(without_side("left knee over the foot"), "knee over the foot");
        assert_eq!(without_side("Trunk upright"), "trunk upright");
        assert_eq!(without_side("Left"), "left");
    }

    #[test]
    fn the_squat_protocol_files_ranges_per_side_once() {
        let p = Protocol::load(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/protocols/squat_knee_alignment.toml"
        )))
        .unwrap();
        let mut s = PostureSession::new(p.clone());
        for i in 0..10 {
            s.update(i as f64 / 30.0, None);
        }
        let samples = summary_samples(&p, s.summary());
        let names: Vec<(String, Option<BodySide>)> = samples.iter().map(|s| (s.measure.clone(), s.side)).collect();
        assert!(names.contains(&("knee over the foot: time in tolerance".into(), Some(BodySide::Left))));
        assert!(names.contains(&("knee over the foot: time in tolerance".into(), Some(BodySide::Right))));
        assert!(names.contains(&("trunk upright: cues".into(), None)));
        assert!(names.contains(&("squats: repetitions".into(), None)));
        let unique: HashSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "no measure filed twice: {names:?}");
        assert!(samples.iter().all(|s| s.value.is_finite() && !s.unit.is_empty()));
    }
}
