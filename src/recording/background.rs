//! Recording from the app: the encoder runs on its own thread so the live view never waits for the disk.
//!
//! Frames go through a short queue (about a second); if the encoder falls behind, frames are dropped and counted
//! rather than delaying the patient's view. Protocol events (cues shown, repetitions counted) go to `events.jsonl`
//! in the same folder ([`super::events`]: one typed JSON object per line after a header), flushed as they happen. A
//! write error (a full disk) stops the recording; what was written is kept and the error is reported by
//! [`Recorder::error`].
//!
//! **Times**: the video, the pose track and the events share one clock, seconds from the first frame pushed
//! ([`RecordingClock`]). It follows the frames' [`Frame::time_s`], and should those go back (a source that starts
//! again and does not say so), it carries on one frame period later instead of going back.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::events::{Event, EventLine, header_line};
use super::{Manifest, RecordError, RecordingWriter};
use crate::Frame;
use crate::pose::{Pose, PoseModel};

enum Msg {
    Frame(Frame, Option<Pose>),
    Event(String),
}

/// The recording's clock: seconds from the first frame, increasing (see the [module docs](self)).
#[derive(Clone, Debug)]
pub struct RecordingClock {
    /// The first frame's time.
    t0: Option<f64>,
    /// Added to `time − t0` after the frames' times went back.
    offset: f64,
    /// The last frame's own time, and its recording time.
    last: Option<(f64, f64)>,
    /// One frame's duration, for a time that went back.
    period_s: f64,
}

impl RecordingClock {
    /// A clock for frames about `fps` per second.
    pub fn new(fps: f64) -> RecordingClock {
        let fps = if fps.is_finite() && fps > 0.0 { fps } else { 30.0 };
        RecordingClock { t0: None, offset: 0.0, last: None, period_s: 1.0 / fps }
    }

    /// The recording time of a frame at `time_s` (its [`Frame::time_s`]); the first frame is at 0.
    pub fn frame_time(&mut self, time_s: f64) -> f64 {
        let t0 = *self.t0.get_or_insert(time_s);
        if let Some((prev, prev_out)) = self.last
            && time_s < prev
        {
            self.offset = prev_out + self.period_s - (time_s - t0);
        }
        let out = (time_s - t0 + self.offset).max(0.0);
        self.last = Some((time_s, out));
        out
    }

    /// The recording time of an event at `time_s` (the time of the frame it happened on); before the first frame, 0.
    pub fn event_time(&self, time_s: f64) -> f64 {
        match self.t0 {
            Some(t0) => (time_s - t0 + self.offset).max(0.0),
            None => 0.0,
        }
    }

    /// The recording time of the last frame (0 before the first).
    pub fn elapsed_s(&self) -> f64 {
        self.last.map_or(0.0, |(_, out)| out)
    }
}

/// A recording running on its own thread.
pub struct Recorder {
    dir: PathBuf,
    tx: Option<SyncSender<Msg>>,
    thread: Option<JoinHandle<Result<Manifest, RecordError>>>,
    error: Arc<Mutex<Option<String>>>,
    frames: Arc<Mutex<u64>>,
    dropped: u64,
    clock: RecordingClock,
}

impl Recorder {
    /// Starts recording into `dir` frames of `width` × `height` at about `fps` (the folder is created).
    pub fn start(
        dir: &Path,
        width: u32,
        height: u32,
        fps: f64,
        model: PoseModel,
        source: &str,
    ) -> Result<Recorder, RecordError> {
        let mut writer = RecordingWriter::create(dir, width, height, fps, model, source)?;
        let events_error =
            |e: std::io::Error| RecordError::Write { dir: dir.to_path_buf(), detail: format!("events.jsonl: {e}") };
        let mut events = File::create(dir.join(super::events::EVENTS_FILE)).map_err(events_error)?;
        writeln!(events, "{}", header_line()).and_then(|_| events.flush()).map_err(events_error)?;
        let (tx, rx) = sync_channel::<Msg>(fps.clamp(5.0, 60.0) as usize);
        let error = Arc::new(Mutex::new(None));
        let frames = Arc::new(Mutex::new(0u64));
        let (err, count) = (error.clone(), frames.clone());
        let thread = std::thread::Builder::new()
            .name("mirrorcue-recorder".into())
            .spawn(move || {
                let mut failed: Option<String> = None;
                for msg in rx {
                    if failed.is_some() {
                        continue; // drain the queue; nothing more is written
                    }
                    let result = match msg {
                        Msg::Frame(f, p) => writer.write(&f, p.as_ref()),
                        Msg::Event(line) => writeln!(events, "{line}").and_then(|_| events.flush()).map_err(|e| {
                            RecordError::Write { dir: writer.dir().to_path_buf(), detail: format!("events.jsonl: {e}") }
                        }),
                    };
                    *count.lock().unwrap_or_else(|e| e.into_inner()) = writer.frames();
                    if let Err(e) = result {
                        let text = e.to_string();
                        *err.lock().unwrap_or_else(|e| e.into_inner()) = Some(text.clone());
                        failed = Some(text);
                    }
                }
                writer.finish(failed)
            })
            .map_err(|e| RecordError::Write { dir: dir.to_path_buf(), detail: format!("cannot start: {e}") })?;
        Ok(Recorder {
            dir: dir.to_path_buf(),
            tx: Some(tx),
            thread: Some(thread),
            error,
            frames,
            dropped: 0,
            clock: RecordingClock::new(fps),
        })
    }

    /// The recording folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Queues a frame, at its recording time (see the [module docs](self)); drops it (counted) if the encoder is a
    /// second behind.
    pub fn push(&mut self, frame: &Frame, pose: Option<&Pose>) {
        let time_s = self.clock.frame_time(frame.time_s);
        if let Some(tx) = &self.tx {
            let mut frame = frame.clone();
            frame.time_s = time_s;
            if let Err(TrySendError::Full(_)) = tx.try_send(Msg::Frame(frame, pose.cloned())) {
                self.dropped += 1;
            }
        }
    }

    /// Writes `event`, which happened on the frame at `time_s` ([`Frame::time_s`]), to `events.jsonl` at its
    /// recording time.
    pub fn record_event(&mut self, time_s: f64, event: &Event) {
        let line = EventLine::new(self.clock.event_time(time_s), event.clone()).to_json();
        self.send_event(line);
    }

    /// Writes a protocol event given as `kind` and `details` (the frame's time, as for
    /// [`record_event`](Self::record_event)) to `events.jsonl`. Prefer [`record_event`](Self::record_event), whose
    /// [`Event`] is the schema.
    pub fn event(&mut self, time_s: f64, kind: &str, details: serde_json::Value) {
        let t = (self.clock.event_time(time_s) * 1000.0).round() / 1000.0;
        self.send_event(serde_json::json!({ "time_s": t, "kind": kind, "details": details }).to_string());
    }

    fn send_event(&mut self, line: String) {
        if let Some(tx) = &self.tx {
            // Events are small and rare: wait for room rather than lose one.
            let _ = tx.send(Msg::Event(line));
        }
    }

    /// Seconds recorded so far: the recording time of the last frame pushed.
    pub fn elapsed_s(&self) -> f64 {
        self.clock.elapsed_s()
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        *self.frames.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Frames dropped because the encoder fell behind.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Why the recording stopped early (a full disk), if it did.
    pub fn error(&self) -> Option<String> {
        self.error.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Stops: writes what is queued, closes the video and the manifest.
    pub fn stop(mut self) -> Result<Manifest, RecordError> {
        self.tx = None;
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(r)) => r,
            _ => Err(RecordError::Write { dir: self.dir.clone(), detail: "the recording thread failed".into() }),
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_frames_and_events_on_its_own_thread() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("rec");
        let mut r = Recorder::start(&out, 64, 48, 30.0, PoseModel::MovenetLightning, "test").unwrap();
        for i in 0..30 {
            let mut img = image::RgbImage::new(64, 48);
            img.pixels_mut().for_each(|p| *p = image::Rgb([(i * 8) as u8, 100, 50]));
            r.push(&Frame::new(img, i, i as f64 / 30.0, "test"), None);
            if i == 10 {
                r.event(i as f64 / 30.0, "cue", serde_json::json!({"text": "Keep your back straight"}));
            }
        }
        let m = r.stop().unwrap();
        assert!(m.complete);
        assert!(m.frames >= 20, "{} frames", m.frames);
        let events = std::fs::read_to_string(out.join("events.jsonl")).unwrap();
        assert!(events.contains("Keep your back straight") && events.contains("\"kind\":\"cue\""), "{events}");
    }

    #[test]
    fn the_clock_starts_at_the_first_frame_and_never_goes_back() {
        let mut c = RecordingClock::new(10.0);
        assert_eq!(c.event_time(5.0), 0.0, "before the first frame");
        assert_eq!(c.frame_time(12.0), 0.0);
        assert!((c.frame_time(12.1) - 0.1).abs() < 1e-9);
        assert!((c.event_time(12.1) - 0.1).abs() < 1e-9, "an event is at its frame's time");
        // The frames' times start again (a loop the source did not smooth over): one period on.
        assert!((c.frame_time(0.0) - 0.2).abs() < 1e-9);
        assert!((c.frame_time(0.1) - 0.3).abs() < 1e-9);
        assert!((c.event_time(0.1) - 0.3).abs() < 1e-9);
        assert!((c.elapsed_s() - 0.3).abs() < 1e-9);
        assert_eq!(RecordingClock::new(f64::NAN).period_s, 1.0 / 30.0);
    }

    #[test]
    fn typed_events_are_written_at_recording_time_after_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("rec");
        let mut r = Recorder::start(&out, 32, 32, 10.0, PoseModel::MovenetLightning, "test").unwrap();
        for i in 0..5 {
            let t = 100.0 + i as f64 / 10.0;
            r.push(&Frame::new(image::RgbImage::new(32, 32), i, t, "test"), None);
            if i == 3 {
                r.record_event(t, &Event::rep("Squat", Some(1)));
            }
        }
        assert!((r.elapsed_s() - 0.4).abs() < 1e-9);
        r.stop().unwrap();
        let text = std::fs::read_to_string(out.join("events.jsonl")).unwrap();
        assert_eq!(text.lines().next(), Some(header_line().as_str()));
        assert_eq!(super::super::events::read_events(&out), [EventLine::new(0.3, Event::rep("Squat", Some(1)))]);
        let poses = super::super::read_poses(&out);
        assert_eq!(poses.iter().map(|p| p.1).collect::<Vec<_>>(), [0.0, 0.1, 0.2, 0.3, 0.4]);
    }
}
