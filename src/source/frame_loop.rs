//! The one frame loop: reads a [`FrameSource`] to its end with the skip-or-stop rule, and hands each frame to a
//! consumer.
//!
//! **Skip or stop**: a frame the source cannot read ([`SourceError`] that is not [`fatal`](SourceError::is_fatal))
//! is skipped, counted and reported to the consumer ([`FrameConsumer::skipped`], where the command line warns), and
//! the loop goes on; a fatal error stops the loop and is kept in [`FrameRun::failed`]. The consumer may stop the
//! loop itself ([`Flow::Stop`]: a time limit, a memory bound) or fail it with its own error (a pose model failure, a
//! full disk), which the loop returns as it is.
//!
//! `analyze`, `check`, `record`, `compare` and loading a reference clip all read their input through
//! [`run_frames`] (or [`for_each_frame`], its closure form), so the rule is written once.

use super::{FrameSource, SourceError};
use crate::Frame;

/// What a consumer wants after a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Read the next frame.
    Continue,
    /// Stop reading (the consumer has what it needs).
    Stop,
}

/// Something that takes frames one at a time: the body of a frame loop (see the [module docs](self)).
pub trait FrameConsumer {
    /// The consumer's own failure (it ends the loop and is returned by [`run_frames`]).
    type Error;

    /// Takes the next readable frame.
    fn frame(&mut self, frame: Frame) -> Result<Flow, Self::Error>;

    /// A frame could not be read and was skipped (`error` is not fatal), or comes damaged (`error.is_warning()`:
    /// the frame follows); the loop goes on. Does nothing by default.
    fn skipped(&mut self, error: &SourceError) {
        let _ = error;
    }
}

/// How a frame loop ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunEnd {
    /// The source had no more frames.
    EndOfSource,
    /// The consumer said [`Flow::Stop`].
    Stopped,
    /// The source failed with a fatal error (kept in [`FrameRun::failed`]).
    Failed,
}

/// What a frame loop did.
#[derive(Debug)]
pub struct FrameRun {
    /// Frames handed to the consumer.
    pub frames: u64,
    /// Frames that could not be read and were skipped.
    pub skipped: u64,
    /// Frames read though damaged (a JPEG cut short: [`SourceError::is_warning`]); they are among `frames`.
    pub damaged: u64,
    /// Why the loop ended.
    pub end: RunEnd,
    /// The fatal error that stopped the source, if one did.
    pub failed: Option<SourceError>,
}

impl FrameRun {
    /// Frames that could not be read whole: the skipped and the damaged ones, plus one when a fatal error stopped
    /// the source.
    pub fn unreadable(&self) -> u64 {
        self.skipped + self.damaged + u64::from(self.failed.is_some())
    }
}

/// Reads `source` to its end (or until `consumer` stops or fails) with the skip-or-stop rule; see the
/// [module docs](self).
pub fn run_frames<C: FrameConsumer + ?Sized>(
    source: &mut dyn FrameSource,
    consumer: &mut C,
) -> Result<FrameRun, C::Error> {
    let mut run = FrameRun { frames: 0, skipped: 0, damaged: 0, end: RunEnd::EndOfSource, failed: None };
    while let Some(item) = source.next_frame() {
        match item {
            Ok(frame) => {
                run.frames += 1;
                if consumer.frame(frame)? == Flow::Stop {
                    run.end = RunEnd::Stopped;
                    break;
                }
            }
            Err(e) if e.is_fatal() => {
                run.end = RunEnd::Failed;
                run.failed = Some(e);
                break;
            }
            Err(e) => {
                if e.is_warning() {
                    run.damaged += 1;
                } else {
                    run.skipped += 1;
                }
                consumer.skipped(&e);
            }
        }
    }
    Ok(run)
}

/// [`run_frames`] with two closures: `on_frame` takes each readable frame, `on_skip` hears of each skipped one.
pub fn for_each_frame<E>(
    source: &mut dyn FrameSource,
    on_skip: impl FnMut(&SourceError),
    on_frame: impl FnMut(Frame) -> Result<Flow, E>,
) -> Result<FrameRun, E> {
    struct Closures<S, F>(S, F);
    impl<E, S: FnMut(&SourceError), F: FnMut(Frame) -> Result<Flow, E>> FrameConsumer for Closures<S, F> {
        type Error = E;
        fn frame(&mut self, frame: Frame) -> Result<Flow, E> {
            (self.1)(frame)
        }
        fn skipped(&mut self, error: &SourceError) {
            (self.0)(error)
        }
    }
    run_frames(source, &mut Closures(on_skip, on_frame))
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::path::PathBuf;

    use super::*;
    use crate::source::{SourceInfo, SourceKind};

    /// A source that plays a script: `Some(true)` a frame, `Some(false)` a damaged frame, `None` a fatal error.
    struct Scripted {
        info: SourceInfo,
        script: VecDeque<Option<bool>>,
        index: u64,
    }

    fn scripted(script: &[Option<bool>]) -> Scripted {
        Scripted {
            info: SourceInfo {
                name: "scripted".into(),
                kind: SourceKind::Video,
                width: 4,
                height: 4,
                fps: Some(30.0),
                frame_count: None,
            },
            script: script.iter().copied().collect(),
            index: 0,
        }
    }

    impl FrameSource for Scripted {
        fn info(&self) -> &SourceInfo {
            &self.info
        }
        fn next_frame(&mut self) -> Option<Result<Frame, SourceError>> {
            let step = self.script.pop_front()?;
            let index = self.index;
            self.index += 1;
            Some(match step {
                Some(true) => Ok(Frame::new(image::RgbImage::new(4, 4), index, index as f64 / 30.0, "scripted")),
                Some(false) => {
                    Err(SourceError::BadFrame { path: PathBuf::from("scripted"), index, reason: "damaged".into() })
                }
                None => {
                    self.script.clear();
                    Err(SourceError::ReadFailed {
                        path: PathBuf::from("scripted"),
                        after: index,
                        reason: "gone".into(),
                    })
                }
            })
        }
        fn rewind(&mut self) -> Result<(), SourceError> {
            Ok(())
        }
    }

    #[test]
    fn damaged_frames_are_skipped_counted_and_reported() {
        let mut src = scripted(&[Some(true), Some(false), Some(true), Some(false), Some(true)]);
        let (mut seen, mut warned) = (Vec::new(), 0);
        let run = for_each_frame(
            &mut src,
            |e| {
                assert!(!e.is_fatal());
                warned += 1;
            },
            |f| -> Result<Flow, ()> {
                seen.push(f.index);
                Ok(Flow::Continue)
            },
        )
        .unwrap();
        assert_eq!(seen, [0, 2, 4]);
        assert_eq!(warned, 2);
        assert_eq!((run.frames, run.skipped, run.end, run.unreadable()), (3, 2, RunEnd::EndOfSource, 2));
        assert!(run.failed.is_none());
    }

    #[test]
    fn a_fatal_error_stops_the_loop_and_is_kept() {
        let mut src = scripted(&[Some(true), None, Some(true)]);
        let run = for_each_frame(&mut src, |_| {}, |_| Ok::<_, ()>(Flow::Continue)).unwrap();
        assert_eq!((run.frames, run.skipped, run.end, run.unreadable()), (1, 0, RunEnd::Failed, 1));
        assert!(run.failed.is_some_and(|e| e.is_fatal()));
    }

    #[test]
    fn the_consumer_can_stop_or_fail_the_loop() {
        let mut src = scripted(&[Some(true), Some(true), Some(true)]);
        let run =
            for_each_frame(&mut src, |_| {}, |f| Ok::<_, ()>(if f.index == 1 { Flow::Stop } else { Flow::Continue }))
                .unwrap();
        assert_eq!((run.frames, run.end), (2, RunEnd::Stopped));
        assert_eq!(src.script.len(), 1, "nothing read after the stop");

        let mut src = scripted(&[Some(true), Some(true)]);
        let failed = for_each_frame(&mut src, |_| {}, |_| Err::<Flow, _>("model failed"));
        assert_eq!(failed.err(), Some("model failed"));
    }

    #[test]
    fn a_consumer_type_gets_the_same_rule() {
        #[derive(Default)]
        struct Count {
            frames: u64,
            skipped: u64,
        }
        impl FrameConsumer for Count {
            type Error = std::convert::Infallible;
            fn frame(&mut self, _: Frame) -> Result<Flow, Self::Error> {
                self.frames += 1;
                Ok(Flow::Continue)
            }
            fn skipped(&mut self, _: &SourceError) {
                self.skipped += 1;
            }
        }
        let mut src = scripted(&[Some(false), Some(true), Some(false), Some(true), None]);
        let mut count = Count::default();
        let run = run_frames(&mut src, &mut count).unwrap();
        assert_eq!((count.frames, count.skipped), (2, 2));
        assert_eq!((run.frames, run.skipped, run.end), (2, 2, RunEnd::Failed));
    }
}
