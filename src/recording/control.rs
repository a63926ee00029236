//! The recording state an app keeps: idle or recording, what has been written, and what to tell the user.
//!
//! [`RecordingControl`] is what the ⏺ Record button drives: [`start`](RecordingControl::start) makes a new
//! recording folder under the recordings folder and starts a [`Recorder`];
//! [`push`](RecordingControl::push) hands it each new frame with its pose and the protocol events the frame caused;
//! [`stop`](RecordingControl::stop) closes it. A recording stopped by a full disk stops itself on the next push,
//! keeps what was written and says so. [`status`](RecordingControl::status) and
//! [`status_text`](RecordingControl::status_text) are for the screen; no egui here.

use std::path::{Path, PathBuf};

use super::events::Event;
use super::naming::{new_recording_dir, unix_now};
use super::{Manifest, RecordError, Recorder};
use crate::Frame;
use crate::pose::{Pose, PoseModel};

/// Where a recording stands, for the screen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordingStatus {
    /// Recording now.
    pub recording: bool,
    /// The folder being recorded, or the last one recorded.
    pub dir: Option<PathBuf>,
    /// Seconds recorded (of the one running, or of the last one when it closed properly).
    pub seconds: f64,
    /// Frames written.
    pub frames: u64,
    /// Frames dropped because the disk was slower than the camera.
    pub dropped: u64,
    /// Why the last recording stopped early (a full disk), or could not start.
    pub error: Option<String>,
}

struct Active {
    recorder: Recorder,
    dir: PathBuf,
}

/// The app's recording: idle, or one recording running. See the [module docs](self).
#[derive(Default)]
pub struct RecordingControl {
    active: Option<Active>,
    last: Option<PathBuf>,
    last_status: RecordingStatus,
    message: Option<String>,
}

impl RecordingControl {
    /// Idle, nothing recorded yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a recording is running.
    pub fn is_recording(&self) -> bool {
        self.active.is_some()
    }

    /// Starts recording into a new folder under `base` (named by [`super::naming::recording_folder_name`]) frames
    /// like `first` (its size and source name) at about `fps`, with poses from `model`. Returns the folder. A
    /// recording already running is stopped first. On failure nothing runs and the message says why.
    pub fn start(&mut self, base: &Path, first: &Frame, model: PoseModel, fps: f64) -> Result<PathBuf, RecordError> {
        self.start_in(&new_recording_dir(base, unix_now()), first, model, fps)
    }

    /// As [`start`](Self::start), into the folder `dir` itself (created if needed).
    pub fn start_in(&mut self, dir: &Path, first: &Frame, model: PoseModel, fps: f64) -> Result<PathBuf, RecordError> {
        self.stop();
        match Recorder::start(dir, first.width(), first.height(), fps, model, &first.source) {
            Ok(recorder) => {
                self.active = Some(Active { recorder, dir: dir.to_path_buf() });
                self.message = None;
                self.last_status = RecordingStatus::default();
                Ok(dir.to_path_buf())
            }
            Err(e) => {
                self.message = Some(e.to_string());
                self.last_status = RecordingStatus { error: Some(e.to_string()), ..RecordingStatus::default() };
                Err(e)
            }
        }
    }

    /// Hands the running recording a new frame, its pose and the events it caused (nothing when idle). A recording
    /// whose disk filled is stopped here: what was written is kept and [`message`](Self::message) says so.
    pub fn push(&mut self, frame: &Frame, pose: Option<&Pose>, events: &[Event]) {
        let Some(active) = self.active.as_mut() else { return };
        active.recorder.push(frame, pose);
        for event in events {
            active.recorder.record_event(frame.time_s, event);
        }
        if let Some(e) = active.recorder.error() {
            // What was kept is in the status and the message; the manifest says why it stopped.
            let _ = self.finish(Some(format!("Recording stopped: {e}")));
        }
    }

    /// Stops the running recording (nothing when idle) and returns its manifest; the message says how long it
    /// lasted and where it is.
    pub fn stop(&mut self) -> Option<Result<Manifest, RecordError>> {
        self.active.as_ref()?;
        Some(self.finish(None))
    }

    fn finish(&mut self, failure: Option<String>) -> Result<Manifest, RecordError> {
        let Some(Active { recorder, dir }) = self.active.take() else {
            return Err(RecordError::Write { dir: PathBuf::new(), detail: "not recording".into() });
        };
        let dropped = recorder.dropped();
        let error = recorder.error();
        let result = recorder.stop();
        self.last_status = RecordingStatus {
            recording: false,
            dir: Some(dir.clone()),
            seconds: result.as_ref().map_or(0.0, |m| m.duration_s),
            frames: result.as_ref().map_or(0, |m| m.frames),
            dropped,
            error: error.or_else(|| result.as_ref().err().map(ToString::to_string)),
        };
        self.message = Some(match (&failure, &result) {
            (Some(f), _) => f.clone(),
            (None, Ok(m)) => finished_text(m, &dir, dropped),
            (None, Err(e)) => e.to_string(),
        });
        self.last = Some(dir);
        result
    }

    /// The folder of the last recording that ended (offered as a reference).
    pub fn last_recording(&self) -> Option<&Path> {
        self.last.as_deref()
    }

    /// The folder being recorded now.
    pub fn dir(&self) -> Option<&Path> {
        self.active.as_ref().map(|a| a.dir.as_path())
    }

    /// What the user should read about the last start or stop ("Recorded 20.0 s into …", "Recording stopped: …"),
    /// until the next start.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Says why a recording could not start (nothing to record yet, no folder); nothing else changes.
    pub fn refuse(&mut self, why: impl Into<String>) {
        self.message = Some(why.into());
    }

    /// Seconds recorded so far (`None` when idle): for the indicator on the patient's screen.
    pub fn elapsed_s(&self) -> Option<f64> {
        self.active.as_ref().map(|a| a.recorder.elapsed_s())
    }

    /// Where the recording stands.
    pub fn status(&self) -> RecordingStatus {
        match &self.active {
            Some(a) => RecordingStatus {
                recording: true,
                dir: Some(a.dir.clone()),
                seconds: a.recorder.elapsed_s(),
                frames: a.recorder.frames(),
                dropped: a.recorder.dropped(),
                error: a.recorder.error(),
            },
            None => self.last_status.clone(),
        }
    }

    /// One line for the screen: "⏺ Recording 12.3 s (368 frames)" while recording (with the frames dropped, if
    /// any), else the last [`message`](Self::message).
    pub fn status_text(&self) -> Option<String> {
        if !self.is_recording() {
            return self.message.clone();
        }
        let s = self.status();
        let frames = if s.frames == 1 { "1 frame".to_string() } else { format!("{} frames", s.frames) };
        let dropped = match s.dropped {
            0 => String::new(),
            n => format!(", {n} skipped: the disk is slow"),
        };
        Some(format!("⏺ Recording {:.1} s ({frames}{dropped})", s.seconds))
    }
}

/// "Recorded 20.0 s into DIR" (and the frames skipped, if any).
fn finished_text(m: &Manifest, dir: &Path, dropped: u64) -> String {
    let skipped = match dropped {
        0 => String::new(),
        1 => " (1 frame skipped: the disk was slow)".to_string(),
        n => format!(" ({n} frames skipped: the disk was slow)"),
    };
    format!("Recorded {:.1} s into {}{skipped}.", m.duration_s, dir.display())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::events::{EventLine, read_events};
    use crate::recording::read_manifest;

    fn frame(i: u64, t: f64) -> Frame {
        Frame::new(image::RgbImage::new(32, 24), i, t, "test clip")
    }

    #[test]
    fn start_push_stop_with_status_and_messages() {
        let base = tempfile::tempdir().unwrap();
        let mut rec = RecordingControl::new();
        assert!(!rec.is_recording() && rec.status_text().is_none() && rec.stop().is_none());
        // 30 fps gives a queue of 30 frames: the 11 frames pushed at once all fit, however late the writer thread
        // starts (at 10 fps the queue holds 10, and a busy machine dropped the 11th).
        let dir = rec.start(base.path(), &frame(0, 7.0), PoseModel::MovenetLightning, 30.0).unwrap();
        assert!(dir.file_name().unwrap().to_string_lossy().starts_with("recording-"));
        assert_eq!(rec.dir(), Some(dir.as_path()));
        for i in 0..11 {
            let events = if i == 4 { vec![Event::cue(0, "Knee out")] } else { Vec::new() };
            rec.push(&frame(i, 7.0 + i as f64 / 10.0), None, &events);
        }
        let status = rec.status();
        assert!(status.recording && (status.seconds - 1.0).abs() < 1e-9, "{status:?}");
        assert!(rec.status_text().unwrap().starts_with("⏺ Recording 1.0 s ("), "{:?}", rec.status_text());
        let m = rec.stop().unwrap().unwrap();
        assert!(m.complete && (m.duration_s - 1.0).abs() < 1e-3, "{m:?}");
        assert_eq!(rec.message(), Some(format!("Recorded 1.0 s into {}.", dir.display()).as_str()));
        assert_eq!(rec.last_recording(), Some(dir.as_path()));
        let status = rec.status();
        assert!(!status.recording && status.frames == 11 && status.error.is_none(), "{status:?}");
        assert_eq!(read_events(&dir), [EventLine::new(0.4, Event::cue(0, "Knee out"))]);
        assert_eq!(read_manifest(&dir).unwrap().source, "test clip");
        // Pushing while idle does nothing.
        rec.push(&frame(20, 9.0), None, &[Event::cue(0, "ignored")]);
        assert_eq!(read_events(&dir).len(), 1);
    }

    #[test]
    fn a_folder_that_cannot_be_made_is_a_message_not_a_recording() {
        let base = tempfile::tempdir().unwrap();
        let file = base.path().join("a file");
        std::fs::write(&file, b"x").unwrap();
        let mut rec = RecordingControl::new();
        assert!(rec.start(&file, &frame(0, 0.0), PoseModel::MovenetLightning, 30.0).is_err());
        assert!(!rec.is_recording());
        assert!(rec.message().unwrap().starts_with("cannot write the recording"), "{:?}", rec.message());
        assert!(rec.status().error.is_some());
    }
}
