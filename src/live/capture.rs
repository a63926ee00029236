//! The capture thread: opens (and reopens) the source, plays recordings in real time (pause, step, seek, loop a
//! section, speed; photos one at a time, each for its display time), stamps frames with increasing presentation
//! times, and hands the newest frame to the pose thread.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{Shared, SourceFactory, SourceStatus, lock, push_window, set_status, sleep_unless_stopped};
use crate::Frame;
use crate::mailbox::Mailbox;
use crate::source::{FrameSource, SourceInfo, SourceKind};

/// A frame on its way from the capture thread to the pose thread.
pub(super) struct Captured {
    /// The frame, stamped (see [`Timeline`]).
    pub frame: Frame,
    /// When it arrived from the source.
    pub at: Instant,
    /// It is a photo to analyse on its own (an image, or a photo of an image folder played as stills): no tracking
    /// from the frame before, no smoothing.
    pub still: bool,
}

/// The frame rate assumed when a source does not say.
const FALLBACK_FPS: f64 = 30.0;

/// Presentation times that only ever increase (see [`Frame::time_s`]): while a source plays on, a frame's time
/// moves on by as much as its clip time did; after a jump (a loop back to the start, a seek, a restart, a section
/// looping, a source reopened) it moves on by one frame period. The clip time stays in [`Frame::clip_time_s`].
#[derive(Debug, Default)]
pub(super) struct Timeline {
    /// Presentation time and clip time of the last frame stamped.
    last: Option<(f64, f64)>,
    /// The next frame follows a jump.
    jumped: bool,
}

impl Timeline {
    /// The next frame does not follow on from the last one.
    pub fn jump(&mut self) {
        self.jumped = true;
    }

    /// Gives `frame`, at `clip_s` in its source, its presentation time; `period_s` is one frame's duration.
    pub fn stamp(&mut self, frame: &mut Frame, clip_s: f64, period_s: f64) {
        let time = match self.last {
            None => clip_s.max(0.0),
            Some((t, c)) if !self.jumped && clip_s > c => t + (clip_s - c),
            Some((t, _)) => t + period_s,
        };
        self.jumped = false;
        self.last = Some((time, clip_s));
        frame.clip_time_s = clip_s;
        frame.time_s = time;
    }
}

/// How the open source plays.
struct Pace {
    /// Photos one at a time, each for this many seconds, or `None` (frames of a video).
    still_s: Option<f64>,
    /// One frame's duration in clip time.
    period_s: f64,
}

impl Pace {
    fn of(info: &SourceInfo, image_display_s: Option<f64>) -> Pace {
        let photos = matches!(info.kind, SourceKind::Image | SourceKind::ImageFolder);
        let still_s = image_display_s.filter(|_| photos).map(super::clamp_display_s);
        let fps = info.fps.filter(|f| f.is_finite() && *f > 0.0).unwrap_or(FALLBACK_FPS);
        Pace { still_s, period_s: still_s.unwrap_or(1.0 / fps) }
    }

    /// One frame's time on the wall clock at playback `speed`.
    fn wall_period(&self, speed: f32) -> Duration {
        Duration::from_secs_f64(self.period_s / speed as f64)
    }

    /// A frame's place in its source, seconds: photo `i` of a folder played as stills is at `i × display time`.
    fn clip_s(&self, frame: &Frame) -> f64 {
        match self.still_s {
            Some(d) => frame.index as f64 * d,
            None => frame.time_s,
        }
    }
}

/// How long the capture thread sleeps at most between two looks at the playback settings (pause, seek, restart,
/// speed), so that a photo shown for seconds does not hold them up.
const LOOK_EVERY: Duration = Duration::from_millis(15);

pub(super) fn capture_loop(mut open: SourceFactory, shared: &Shared, frames: &Mailbox<Captured>) {
    let mut source: Option<Box<dyn FrameSource>> = None;
    let mut timeline = Timeline::default();
    // Real-time pacing of recordings: wall-clock instant of clip time `clock.1`.
    let mut clock: Option<(Instant, f64)> = None;
    // When the first frame after a loop is due: one frame period after the last one was.
    let mut restart_at: Option<Instant> = None;
    let mut last_due: Option<Instant> = None;
    let mut last_speed = 1.0f32;
    let mut last_display = None;
    // A frame read but not due yet (a photo waits its display time here).
    let mut pending: Option<Frame> = None;
    let hand_over = |frame: Frame, still: bool| {
        let at = Instant::now();
        {
            let mut st = lock(&shared.stats);
            st.captured += 1;
            if let Some(&last) = st.capture_times.back() {
                st.extremes.frames_apart(at.saturating_duration_since(last));
            }
            push_window(&mut st.capture_times, at);
        }
        frames.put(Captured { frame, at, still });
    };
    while !shared.stop.load(Ordering::Relaxed) {
        let Some(src) = source.as_mut() else {
            pending = None;
            match open() {
                Ok(s) => {
                    *lock(&shared.source_info) = Some(s.info().clone());
                    set_status(shared, SourceStatus::Running);
                    source = Some(s);
                    clock = None;
                    restart_at = None;
                    timeline.jump();
                }
                Err(e) => {
                    set_status(shared, SourceStatus::Reconnecting(format!("{e} Retrying every second.")));
                    sleep_unless_stopped(shared, Duration::from_secs(1));
                }
            }
            continue;
        };
        let is_file = src.info().kind != SourceKind::Camera;
        let mut pb = *lock(&shared.playback);
        let pace = Pace::of(src.info(), pb.image_display_s);
        if pace.still_s != last_display {
            // Clip times are counted in display times: a new one starts the pacing again.
            last_display = pace.still_s;
            clock = None;
        }
        if pb.restart {
            lock(&shared.playback).restart = false;
            pending = None;
            if let Err(e) = src.rewind() {
                set_status(shared, SourceStatus::Reconnecting(format!("{e}")));
                source = None;
                continue;
            }
            clock = None;
            restart_at = None;
            timeline.jump();
            pb.paused = false;
        }
        if is_file && let Some(target) = pb.seek_to {
            lock(&shared.playback).seek_to = None;
            pending = None;
            match seek(src.as_mut(), target, &pace) {
                Ok(Some(mut frame)) => {
                    clock = None;
                    restart_at = None;
                    timeline.jump();
                    let clip = pace.clip_s(&frame);
                    timeline.stamp(&mut frame, clip, pace.period_s);
                    hand_over(frame, pace.still_s.is_some());
                }
                Ok(None) => {}
                Err(e) => {
                    set_status(shared, SourceStatus::Reconnecting(format!("{e}")));
                    source = None;
                }
            }
            continue;
        }
        if is_file && pb.paused {
            if pb.steps == 0 {
                set_status(shared, SourceStatus::Paused);
                clock = None;
                restart_at = None;
                sleep_unless_stopped(shared, LOOK_EVERY);
                continue;
            }
            lock(&shared.playback).steps -= 1;
        }
        let mut frame = match pending.take() {
            Some(frame) => frame,
            None => match src.next_frame() {
                Some(Ok(frame))
                    if is_file
                        && pb.section.is_some_and(|(a, b)| {
                            let clip = pace.clip_s(&frame);
                            clip > b + 1e-6 || clip < a - 0.5
                        }) =>
                {
                    // Past the loop section (or well before it): back to its start.
                    lock(&shared.playback).seek_to = pb.section.map(|(a, _)| a);
                    continue;
                }
                Some(Ok(frame)) => frame,
                Some(Err(e)) if e.is_fatal() => {
                    set_status(shared, SourceStatus::Reconnecting(format!("{e}")));
                    source = None;
                    sleep_unless_stopped(shared, Duration::from_secs(1));
                    continue;
                }
                Some(Err(_)) => {
                    lock(&shared.stats).skipped += 1;
                    continue;
                }
                None => {
                    if is_file && lock(&shared.playback).looping {
                        if let Err(e) = src.rewind() {
                            set_status(shared, SourceStatus::Reconnecting(format!("{e}")));
                            source = None;
                        }
                        // The last frame keeps its period on screen (a photo its whole display time), then the
                        // first comes again.
                        clock = None;
                        restart_at = last_due.map(|due| due + pace.wall_period(pb.speed));
                        timeline.jump();
                    } else if is_file {
                        set_status(shared, SourceStatus::Ended);
                        sleep_unless_stopped(shared, Duration::from_millis(50));
                    } else {
                        set_status(shared, SourceStatus::Reconnecting("the camera stopped sending frames.".into()));
                        source = None;
                    }
                    continue;
                }
            },
        };
        let clip = pace.clip_s(&frame);
        if is_file && !pb.paused {
            if pb.speed != last_speed {
                clock = None;
                last_speed = pb.speed;
            }
            let anchor = clock_anchor(restart_at.take(), Instant::now());
            let (start, t0) = *clock.get_or_insert((anchor, clip));
            let due = start + Duration::from_secs_f64(((clip - t0) / pb.speed as f64).max(0.0));
            let now = Instant::now();
            if due > now + LOOK_EVERY {
                // Not due for a while: look at the settings again in a moment, the frame waits.
                pending = Some(frame);
                sleep_unless_stopped(shared, LOOK_EVERY);
                continue;
            }
            last_due = Some(due);
            if due > now {
                sleep_unless_stopped(shared, due - now);
            } else if falls_behind(due, now, pace.wall_period(pb.speed)) {
                // Late (a slow decode, the machine busy): the pace goes on from now instead of racing.
                clock = Some((now, clip));
            }
            set_status(shared, SourceStatus::Running);
        } else if !is_file {
            set_status(shared, SourceStatus::Running);
        }
        timeline.stamp(&mut frame, clip, pace.period_s);
        hand_over(frame, pace.still_s.is_some());
    }
}

/// The wall-clock instant the pacing starts from when it starts again: when the first frame after a loop is due (one
/// period after the last one), or now if that has passed (a decoder slow to give its first frame after a rewind must
/// not make the next frames race to catch up: a burst the pose stage cannot take), or now.
fn clock_anchor(restart_at: Option<Instant>, now: Instant) -> Instant {
    restart_at.map_or(now, |due| due.max(now))
}

/// Whether a frame handed over at `now`, due at `due`, is late enough that the frames after it must keep their pace
/// from now: more than a quarter of a `period`. Racing to catch up would hand the pose stage two frames closer than
/// it takes for one, and it would drop one; a recording that slips a few ms behind the wall clock drops none.
fn falls_behind(due: Instant, now: Instant, period: Duration) -> bool {
    now.saturating_duration_since(due) > period / 4
}

/// Rewinds `src` and reads on to the first frame at or after `target` seconds of clip time (the last frame if it ends
/// first).
fn seek(src: &mut dyn FrameSource, target: f64, pace: &Pace) -> Result<Option<Frame>, crate::source::SourceError> {
    src.rewind()?;
    let mut last = None;
    while let Some(item) = src.next_frame() {
        match item {
            Ok(f) if pace.clip_s(&f) + 1e-6 >= target => return Ok(Some(f)),
            Ok(f) => last = Some(f),
            Err(e) if e.is_fatal() => return Err(e),
            Err(_) => {}
        }
    }
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(index: u64, time_s: f64) -> Frame {
        Frame::new(image::RgbImage::new(2, 2), index, time_s, "t")
    }

    fn stamp(t: &mut Timeline, clip: f64) -> (f64, f64) {
        let mut f = frame(0, clip);
        t.stamp(&mut f, clip, 0.1);
        (f.time_s, f.clip_time_s)
    }

    #[test]
    fn presentation_time_follows_the_clip_and_never_goes_back() {
        let mut t = Timeline::default();
        assert_eq!(stamp(&mut t, 0.0), (0.0, 0.0));
        assert_eq!(stamp(&mut t, 0.1), (0.1, 0.1));
        assert_eq!(stamp(&mut t, 0.2), (0.2, 0.2));
        // Looped back to the start: one period on, the clip time restarts.
        t.jump();
        let (time, clip) = stamp(&mut t, 0.0);
        assert!((time - 0.3).abs() < 1e-9 && clip == 0.0, "{time}");
        let (time, clip) = stamp(&mut t, 0.1);
        assert!((time - 0.4).abs() < 1e-9 && clip == 0.1);
        // A source that goes back without saying so (a reopened camera) is a jump too.
        let (after, _) = stamp(&mut t, 0.0);
        assert!((after - 0.5).abs() < 1e-9, "{after}");
        // A seek forward is a jump: one period on, not the distance sought.
        t.jump();
        let (sought, clip) = stamp(&mut t, 30.0);
        assert!((sought - 0.6).abs() < 1e-9 && clip == 30.0, "{sought}");
    }

    /// After a loop the decoder takes longer for its first frame (about two periods for the walk clip, 1768×994):
    /// the frames after it must keep their pace from when it came, not race to catch up with when it was due. They
    /// came 8–17 ms apart, and the pose stage, busy with the first frame after the cut, dropped one at every loop of
    /// the one-hour soak (8 a minute).
    #[test]
    fn a_loop_whose_first_frame_comes_late_does_not_catch_up() {
        let now = Instant::now();
        let due = now - Duration::from_millis(37);
        assert_eq!(clock_anchor(Some(due), now), now, "late: pace from now");
        let later = now + Duration::from_millis(20);
        assert_eq!(clock_anchor(Some(later), now), later, "early: wait until it is due");
        assert_eq!(clock_anchor(None, now), now);
    }

    /// A frame decoded 20 ms late within a 30 fps clip must not make the next one come 13 ms after it (the pace
    /// caught up only from 500 ms late): the pace goes on from when it came.
    #[test]
    fn a_frame_late_by_more_than_a_quarter_period_restarts_the_pace() {
        let period = Duration::from_secs_f64(1.0 / 30.0);
        let due = Instant::now();
        assert!(falls_behind(due, due + Duration::from_millis(20), period), "20 ms late");
        assert!(!falls_behind(due, due + Duration::from_millis(3), period), "a late wake-up keeps the clock");
        assert!(!falls_behind(due + Duration::from_millis(5), due, period), "early");
    }

    #[test]
    fn photos_of_a_folder_are_spaced_by_the_display_time() {
        let info = SourceInfo {
            name: "coco".into(),
            kind: SourceKind::ImageFolder,
            width: 2,
            height: 2,
            fps: Some(30.0),
            frame_count: Some(7),
        };
        let stills = Pace::of(&info, Some(3.0));
        assert_eq!((stills.still_s, stills.period_s), (Some(3.0), 3.0));
        assert_eq!(stills.clip_s(&frame(4, 4.0 / 30.0)), 12.0);
        let video = Pace::of(&info, None);
        assert_eq!(video.still_s, None);
        assert!((video.period_s - 1.0 / 30.0).abs() < 1e-12);
        assert_eq!(video.clip_s(&frame(4, 4.0 / 30.0)), 4.0 / 30.0);
        let a_video = SourceInfo { kind: SourceKind::Video, ..info };
        assert_eq!(Pace::of(&a_video, Some(3.0)).still_s, None, "display time is for photos only");
    }
}
