//! Recording from the app: the encoder runs on its own thread so the live view never waits for the disk.
//!
//! Frames go through a short queue (about a second); if the encoder falls behind, frames are dropped and counted
//! rather than delaying the patient's view. Protocol events (cues shown, repetitions counted) go to `events.jsonl`
//! in the same folder, one JSON object per line, flushed as they happen. A write error (a full disk) stops the
//! recording; what was written is kept and the error is reported by [`Recorder::error`].

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::{Manifest, RecordError, RecordingWriter};
use crate::Frame;
use crate::pose::{Pose, PoseModel};

enum Msg {
    Frame(Frame, Option<Pose>),
    Event(serde_json::Value),
}

/// A recording running on its own thread.
pub struct Recorder {
    dir: PathBuf,
    tx: Option<SyncSender<Msg>>,
    thread: Option<JoinHandle<Result<Manifest, RecordError>>>,
    error: Arc<Mutex<Option<String>>>,
    frames: Arc<Mutex<u64>>,
    dropped: u64,
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
        let mut events = File::create(dir.join("events.jsonl"))
            .map_err(|e| RecordError::Write { dir: dir.to_path_buf(), detail: format!("events.jsonl: {e}") })?;
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
                        Msg::Event(v) => writeln!(events, "{v}").and_then(|_| events.flush()).map_err(|e| {
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
        Ok(Recorder { dir: dir.to_path_buf(), tx: Some(tx), thread: Some(thread), error, frames, dropped: 0 })
    }

    /// The recording folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Queues a frame; drops it (counted) if the encoder is a second behind.
    pub fn push(&mut self, frame: &Frame, pose: Option<&Pose>) {
        if let Some(tx) = &self.tx
            && let Err(TrySendError::Full(_)) = tx.try_send(Msg::Frame(frame.clone(), pose.cloned()))
        {
            self.dropped += 1;
        }
    }

    /// Writes a protocol event (`kind`, the frame's time, and details) to `events.jsonl`.
    pub fn event(&mut self, time_s: f64, kind: &str, details: serde_json::Value) {
        if let Some(tx) = &self.tx {
            let v =
                serde_json::json!({ "time_s": (time_s * 1000.0).round() / 1000.0, "kind": kind, "details": details });
            // Events are small and rare: wait for room rather than lose one.
            let _ = tx.send(Msg::Event(v));
        }
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
}
