//! Delayed feedback: the live image shown N seconds late, from a buffer whose memory stays within a bound the user
//! sets. The patient performs, then watches.

use std::collections::VecDeque;

use crate::Frame;
use crate::pose::Pose;

/// Frames of the last seconds, within a memory bound.
pub struct DelayBuffer {
    frames: VecDeque<(Frame, Option<Pose>)>,
    bytes: usize,
    max_bytes: usize,
}

fn frame_bytes(f: &Frame, p: &Option<Pose>) -> usize {
    f.image.as_raw().len() + p.as_ref().map_or(0, |p| p.keypoints.len() * std::mem::size_of::<crate::pose::Keypoint>())
}

impl DelayBuffer {
    /// A buffer that holds at most `max_bytes` of frames.
    pub fn new(max_bytes: usize) -> Self {
        DelayBuffer { frames: VecDeque::new(), bytes: 0, max_bytes }
    }

    /// A buffer for `seconds` of `width` × `height` video at `fps`, capped at `max_bytes`.
    pub fn for_delay(seconds: f64, width: u32, height: u32, fps: f64, max_bytes: usize) -> Self {
        let need = (seconds * fps).ceil().max(1.0) as usize * (width as usize * height as usize * 3);
        DelayBuffer::new(need.min(max_bytes))
    }

    /// Bytes of frames held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The memory bound.
    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// Changes the memory bound; the oldest frames go at once if the buffer holds more.
    pub fn set_max_bytes(&mut self, max_bytes: usize) {
        self.max_bytes = max_bytes;
        while self.bytes > self.max_bytes {
            match self.frames.pop_front() {
                Some((f, p)) => self.bytes -= frame_bytes(&f, &p),
                None => break,
            }
        }
    }

    /// Frames held.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Whether the buffer is empty.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Seconds of video held.
    pub fn span_s(&self) -> f64 {
        match (self.frames.front(), self.frames.back()) {
            (Some(a), Some(b)) => b.0.time_s - a.0.time_s,
            _ => 0.0,
        }
    }

    /// Adds the newest frame, dropping the oldest ones to stay within the bound. (The pixels are shared with the
    /// live view, so a frame costs its size once.)
    pub fn push(&mut self, frame: Frame, pose: Option<Pose>) {
        let size = frame_bytes(&frame, &pose);
        if size > self.max_bytes {
            return;
        }
        self.bytes += size;
        self.frames.push_back((frame, pose));
        while self.bytes > self.max_bytes {
            if let Some((f, p)) = self.frames.pop_front() {
                self.bytes -= frame_bytes(&f, &p);
            }
        }
    }

    /// The frame shown `delay_s` seconds behind the newest one (the oldest held if the buffer is shorter).
    pub fn delayed(&self, delay_s: f64) -> Option<&(Frame, Option<Pose>)> {
        let newest = self.frames.back()?.0.time_s;
        let target = newest - delay_s;
        // The last frame at or before the target time.
        let i = self.frames.partition_point(|(f, _)| f.time_s <= target);
        self.frames.get(i.saturating_sub(1))
    }

    /// The frame at `fraction` (0 = oldest, 1 = newest) of the buffer, for scrubbing.
    pub fn scrub(&self, fraction: f64) -> Option<&(Frame, Option<Pose>)> {
        if self.frames.is_empty() {
            return None;
        }
        let i = (fraction.clamp(0.0, 1.0) * (self.frames.len() - 1) as f64).round() as usize;
        self.frames.get(i)
    }

    /// Empties the buffer.
    pub fn clear(&mut self) {
        self.frames.clear();
        self.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(i: u64, fps: f64) -> Frame {
        Frame::new(image::RgbImage::new(64, 48), i, i as f64 / fps, "test")
    }

    #[test]
    fn memory_stays_within_the_bound() {
        let one = 64 * 48 * 3;
        let mut b = DelayBuffer::new(10 * one + 100);
        for i in 0..1000 {
            b.push(frame(i, 30.0), None);
            assert!(b.bytes() <= b.max_bytes(), "{} > {}", b.bytes(), b.max_bytes());
        }
        assert_eq!(b.len(), 10);
        assert_eq!(b.delayed(0.0).unwrap().0.index, 999);
        // The user lowers the bound: the oldest frames go at once, the newest stay.
        b.set_max_bytes(4 * one);
        assert!(b.bytes() <= 4 * one && b.len() == 4);
        assert_eq!(b.delayed(0.0).unwrap().0.index, 999);
    }

    #[test]
    fn delay_and_scrub() {
        let mut b = DelayBuffer::for_delay(2.0, 64, 48, 30.0, usize::MAX);
        for i in 0..300 {
            b.push(frame(i, 30.0), None);
        }
        // 2 s at 30 fps: the buffer holds about 60 frames, and the delayed frame is 60 behind.
        assert!((b.span_s() - 2.0).abs() < 0.1, "{}", b.span_s());
        assert_eq!(b.delayed(1.0).unwrap().0.index, 269);
        assert_eq!(b.delayed(10.0).unwrap().0.index, b.scrub(0.0).unwrap().0.index);
        assert_eq!(b.scrub(1.0).unwrap().0.index, 299);
        // A user bound smaller than the delay needs wins.
        let small = DelayBuffer::for_delay(30.0, 1280, 720, 30.0, 256 << 20);
        assert_eq!(small.max_bytes(), 256 << 20);
    }
}
