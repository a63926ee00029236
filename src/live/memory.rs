//! [`MemorySource`]: frames held in memory, played as a camera or a file would be (for benchmarks and tests of the
//! live path).

use std::sync::Arc;
use std::time::Duration;

use crate::Frame;
use crate::source::{FrameSource, SourceError, SourceKind};

/// A source of frames held in memory, played at `fps` in real time (for benchmarks and tests of the live path).
pub struct MemorySource {
    frames: Vec<Arc<image::RgbImage>>,
    info: crate::source::SourceInfo,
    next: usize,
    fps: f64,
    /// After this many frames, fail as an unplugged camera would (`None` = never).
    pub fail_after: Option<u64>,
    delivered: u64,
    /// Each frame is delivered this many times.
    repeat: usize,
}

impl MemorySource {
    /// Plays `frames` at `fps`, as a camera named `name` if `camera`.
    pub fn new(name: &str, frames: Vec<image::RgbImage>, fps: f64, camera: bool) -> MemorySource {
        let (w, h) = frames.first().map(|f| f.dimensions()).unwrap_or((0, 0));
        MemorySource {
            info: crate::source::SourceInfo {
                name: name.to_string(),
                kind: if camera { SourceKind::Camera } else { SourceKind::Video },
                width: w,
                height: h,
                fps: Some(fps),
                frame_count: Some(frames.len() as u64),
            },
            frames: frames.into_iter().map(Arc::new).collect(),
            next: 0,
            fps,
            fail_after: None,
            delivered: 0,
            repeat: 1,
        }
    }

    /// Delivers each frame `n` times: a recording made at a lower frame rate, played at its own pace by a camera of
    /// `fps` (a 5 fps clip repeated 6 times at 30 fps moves as fast as the person did).
    pub fn with_repeat(mut self, n: usize) -> MemorySource {
        self.repeat = n.max(1);
        self
    }
}

impl FrameSource for MemorySource {
    fn info(&self) -> &crate::source::SourceInfo {
        &self.info
    }

    fn next_frame(&mut self) -> Option<Result<Frame, SourceError>> {
        if self.fail_after.is_some_and(|n| self.delivered >= n) {
            return Some(Err(SourceError::ReadFailed {
                path: self.info.name.clone().into(),
                after: self.delivered,
                reason: "the device stopped sending frames (unplugged?)".into(),
            }));
        }
        if self.frames.is_empty() {
            return None;
        }
        let i = self.next;
        let img = if self.info.kind == SourceKind::Camera {
            // A camera never ends; it paces itself.
            std::thread::sleep(Duration::from_secs_f64(1.0 / self.fps));
            self.frames[(i / self.repeat) % self.frames.len()].clone()
        } else {
            self.frames.get(i / self.repeat)?.clone()
        };
        self.next += 1;
        self.delivered += 1;
        Some(Ok(Frame {
            image: img,
            index: i as u64,
            time_s: i as f64 / self.fps,
            clip_time_s: i as f64 / self.fps,
            source: self.info.name.clone(),
            mirrored: false,
        }))
    }

    fn rewind(&mut self) -> Result<(), SourceError> {
        self.next = 0;
        Ok(())
    }
}
