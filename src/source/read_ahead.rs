//! [`ReadAhead`]: a source decoded on a thread of its own, up to [`AHEAD`] frames ahead of its reader, so that
//! decoding and the pose model run at the same time. `analyze`, `check`, `record` and `compare` read their input
//! through it ([`read_ahead`]).
//!
//! ```text
//! decoding thread: next_frame ──[bounded channel, AHEAD frames]──▶ reader (pose, output)
//! ```
//! The frames, the skipped and damaged ones and the end come to the reader in the order the source gave them, so
//! the skip-or-stop rule ([`run_frames`](super::run_frames)) works on it unchanged. Memory is bounded: at most
//! [`AHEAD`] frames wait (three 1768 × 994 frames are 16 MB). Rewinding stops the thread, rewinds the source and
//! starts it again. A panic on the decoding thread is raised again on the reader's, as if it had decoded there.

use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::{FrameSource, SourceError, SourceInfo};
use crate::Frame;

/// Frames decoded ahead of the reader, at most.
pub const AHEAD: usize = 3;

type Item = Option<Result<Frame, SourceError>>;

/// A source decoded on its own thread (see the [module docs](self)).
pub struct ReadAhead {
    info: SourceInfo,
    state: State,
}

enum State {
    /// The decoding thread runs and gives the source back when it stops.
    Running { frames: Receiver<Item>, thread: JoinHandle<Option<Box<dyn FrameSource>>> },
    /// The source read on the reader's thread (a thread could not be started).
    Inline(Box<dyn FrameSource>),
    /// Between two states (only while changing state).
    Empty,
}

/// `source` decoded on a thread of its own, [`AHEAD`] frames ahead; read on the caller's thread if no thread can be
/// started.
pub fn read_ahead(source: Box<dyn FrameSource>) -> Box<dyn FrameSource> {
    Box::new(ReadAhead { info: source.info().clone(), state: start(source) })
}

/// Starts the decoding thread on `source` (or keeps the source inline if the thread cannot start).
fn start(source: Box<dyn FrameSource>) -> State {
    let (tx, frames) = sync_channel::<Item>(AHEAD);
    // The slot gives the source back if the thread cannot be started.
    let slot = Arc::new(Mutex::new(Some(source)));
    let theirs = slot.clone();
    let spawned = std::thread::Builder::new().name("mirrorcue-decode".into()).spawn(move || {
        let mut source = theirs.lock().unwrap_or_else(|e| e.into_inner()).take()?;
        loop {
            let item = source.next_frame();
            let last = match &item {
                None => true,
                Some(Err(e)) => e.is_fatal(),
                Some(Ok(_)) => false,
            };
            // The reader is gone, or wants the source back: stop.
            if tx.send(item).is_err() || last {
                return Some(source);
            }
        }
    });
    match spawned {
        Ok(thread) => State::Running { frames, thread },
        Err(_) => match slot.lock().unwrap_or_else(|e| e.into_inner()).take() {
            Some(source) => State::Inline(source),
            None => State::Empty,
        },
    }
}

impl ReadAhead {
    /// Stops the decoding thread (frames decoded ahead are dropped) and takes the source back.
    fn stop(&mut self) -> Option<Box<dyn FrameSource>> {
        match std::mem::replace(&mut self.state, State::Empty) {
            State::Running { frames, thread } => {
                drop(frames);
                thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }
            State::Inline(source) => Some(source),
            State::Empty => None,
        }
    }
}

impl FrameSource for ReadAhead {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn next_frame(&mut self) -> Option<Result<Frame, SourceError>> {
        match &mut self.state {
            State::Running { frames, .. } => match frames.recv() {
                Ok(item) => item,
                // The thread stopped after the source's last item (or panicked): say so as the source would.
                Err(_) => {
                    let source = self.stop()?;
                    self.state = State::Inline(source);
                    None
                }
            },
            State::Inline(source) => source.next_frame(),
            State::Empty => None,
        }
    }

    fn rewind(&mut self) -> Result<(), SourceError> {
        let Some(mut source) = self.stop() else { return Ok(()) };
        let rewound = source.rewind();
        self.state = start(source);
        rewound
    }
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        if let State::Running { frames, thread } = std::mem::replace(&mut self.state, State::Empty) {
            drop(frames);
            // A panic on the decoding thread is not raised again while dropping.
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceKind;

    /// A source of `n` numbered 2 × 2 frames, with frame 2 unreadable (skipped) and, if `fatal_at`, a fatal error
    /// there instead of the frame.
    struct Numbered {
        info: SourceInfo,
        next: u64,
        n: u64,
        fatal_at: Option<u64>,
    }

    impl Numbered {
        fn boxed(n: u64, fatal_at: Option<u64>) -> Box<dyn FrameSource> {
            let info = SourceInfo {
                name: "numbered".into(),
                kind: SourceKind::Video,
                width: 2,
                height: 2,
                fps: Some(30.0),
                frame_count: Some(n),
            };
            Box::new(Numbered { info, next: 0, n, fatal_at })
        }
    }

    impl FrameSource for Numbered {
        fn info(&self) -> &SourceInfo {
            &self.info
        }
        fn next_frame(&mut self) -> Option<Result<Frame, SourceError>> {
            let i = self.next;
            if i >= self.n || self.fatal_at.is_some_and(|f| i > f) {
                return None;
            }
            self.next += 1;
            let path = std::path::PathBuf::from("numbered.mp4");
            if self.fatal_at == Some(i) {
                return Some(Err(SourceError::ReadFailed { path, after: i, reason: "cut short".into() }));
            }
            if i == 2 {
                return Some(Err(SourceError::BadFrame { path, index: i, reason: "corrupt".into() }));
            }
            Some(Ok(Frame::new(image::RgbImage::new(2, 2), i, i as f64 / 30.0, "numbered")))
        }
        fn rewind(&mut self) -> Result<(), SourceError> {
            self.next = 0;
            Ok(())
        }
    }

    fn read_all(src: &mut dyn FrameSource) -> Vec<String> {
        std::iter::from_fn(|| src.next_frame())
            .map(|item| match item {
                Ok(f) => f.index.to_string(),
                Err(e) if e.is_fatal() => "fatal".into(),
                Err(_) => "skipped".into(),
            })
            .collect()
    }

    #[test]
    fn frames_errors_and_the_end_come_in_the_source_order() {
        let mut plain = Numbered::boxed(40, None);
        let mut ahead = read_ahead(Numbered::boxed(40, None));
        assert_eq!(read_all(ahead.as_mut()), read_all(plain.as_mut()));
        assert_eq!(ahead.next_frame().map(|r| r.is_ok()), None, "the end stays the end");
        assert_eq!(ahead.info().name, "numbered");
    }

    #[test]
    fn a_fatal_error_ends_it_as_the_source_would() {
        let mut ahead = read_ahead(Numbered::boxed(40, Some(5)));
        assert_eq!(read_all(ahead.as_mut()), ["0", "1", "skipped", "3", "4", "fatal"]);
    }

    #[test]
    fn rewinding_starts_again_from_the_first_frame() {
        let mut ahead = read_ahead(Numbered::boxed(10, None));
        // Part way, with frames decoded ahead waiting.
        for _ in 0..4 {
            ahead.next_frame();
        }
        ahead.rewind().unwrap();
        assert_eq!(read_all(ahead.as_mut()), ["0", "1", "skipped", "3", "4", "5", "6", "7", "8", "9"]);
        // And after the end.
        ahead.rewind().unwrap();
        assert_eq!(read_all(ahead.as_mut()).len(), 10);
    }
}
