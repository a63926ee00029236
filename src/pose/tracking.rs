//! Noticing that a tracked crop is lost: a cut in a recording, a camera switch, a folder of unrelated photos.
//!
//! A tracker reads each frame through a crop made from the previous frame's pose. After a cut that crop shows
//! something else, and a landmark model reading it may still be sure of a "person" there. [`CutWatch`] keeps a
//! small grey thumbnail of the content under the crop and compares it with the same region of the next frame: when
//! the frame size changed or the content no longer correlates, the tracker starts afresh on the whole frame.
//!
//! A tracker also keeps following whom it found first, though a patient may walk in after the start. [`Reconsider`]
//! has it look at the whole frame again every [`RECONSIDER_EVERY`] frames and change to another person who is much
//! bigger or much surer than the followed one at [`RECONSIDER_CHECKS`] looks in a row, measuring the followed one as
//! they usually are ([`Typical`]). And a person followed for a while whom the tracker loses is waited for
//! ([`Patience`]) before anyone else seen elsewhere is taken.

use image::RgbImage;

/// Thumbnail side, cells.
const GRID: usize = 16;
/// Samples per cell side (each cell is the mean of `SUB × SUB` pixels).
const SUB: usize = 3;
/// Below this correlation of the two thumbnails the content under the crop has changed. A person moving inside
/// their crop keeps it above 0.6 (walk, squat, lab clips: lowest 0.7x); unrelated photos and spliced recordings
/// fall below 0.4.
pub const MIN_CORRELATION: f32 = 0.5;
/// Thumbnails whose grey levels vary less than this (standard deviation, 0..255) are flat: compared by their mean.
const FLAT_STD: f32 = 4.0;
/// Two flat thumbnails whose means differ by more than this (0..255) show different content.
const FLAT_MEAN_STEP: f32 = 24.0;

/// The content under a tracker's crop in the previous frame.
#[derive(Clone, Debug, Default)]
pub struct CutWatch {
    last: Option<Remembered>,
}

#[derive(Clone, Debug)]
struct Remembered {
    size: (u32, u32),
    region: [f32; 4],
    thumb: Vec<f32>,
}

impl CutWatch {
    /// Nothing remembered yet.
    pub fn new() -> Self {
        CutWatch::default()
    }

    /// Forgets the remembered content.
    pub fn reset(&mut self) {
        self.last = None;
    }

    /// Remembers what `image` shows in `region` (pixels: x min, y min, x max, y max; clipped to the frame), the
    /// region the tracker will read in the next frame.
    pub fn remember(&mut self, image: &RgbImage, region: [f32; 4]) {
        let region = clip(region, image.width(), image.height());
        self.last = Some(Remembered { size: image.dimensions(), region, thumb: thumbnail(image, region) });
    }

    /// Whether `image` is not the continuation of the remembered frame: its size differs, or the remembered region
    /// shows other content. `false` when nothing is remembered.
    pub fn is_cut(&self, image: &RgbImage) -> bool {
        let Some(last) = &self.last else { return false };
        if last.size != image.dimensions() {
            return true;
        }
        let now = thumbnail(image, last.region);
        !same_content(&last.thumb, &now)
    }

    /// The correlation of the remembered content with the same region of `image` (1 = the same picture), for
    /// measurements; `None` when nothing is remembered or the size differs.
    pub fn correlation(&self, image: &RgbImage) -> Option<f32> {
        let last = self.last.as_ref().filter(|l| l.size == image.dimensions())?;
        Some(correlation(&last.thumb, &thumbnail(image, last.region)))
    }
}

/// `region` clipped to a `width × height` frame; the whole frame when too little of it is left.
fn clip(region: [f32; 4], width: u32, height: u32) -> [f32; 4] {
    let (w, h) = (width as f32, height as f32);
    let r = [region[0].max(0.0), region[1].max(0.0), region[2].min(w), region[3].min(h)];
    let ok = |v: f32| v.is_finite();
    if r.iter().all(|&v| ok(v)) && r[2] - r[0] >= 8.0 && r[3] - r[1] >= 8.0 { r } else { [0.0, 0.0, w, h] }
}

/// A `GRID × GRID` grey thumbnail of `region` of `image` (each cell the mean of a few pixels).
fn thumbnail(image: &RgbImage, region: [f32; 4]) -> Vec<f32> {
    let (w, h) = (image.width(), image.height());
    let mut out = Vec::with_capacity(GRID * GRID);
    if w == 0 || h == 0 {
        return vec![0.0; GRID * GRID];
    }
    let n = (GRID * SUB) as f32;
    let (rw, rh) = (region[2] - region[0], region[3] - region[1]);
    for gy in 0..GRID {
        for gx in 0..GRID {
            let mut sum = 0.0;
            for sy in 0..SUB {
                for sx in 0..SUB {
                    let fx = region[0] + ((gx * SUB + sx) as f32 + 0.5) / n * rw;
                    let fy = region[1] + ((gy * SUB + sy) as f32 + 0.5) / n * rh;
                    let x = (fx as u32).min(w - 1);
                    let y = (fy as u32).min(h - 1);
                    let p = image.get_pixel(x, y).0;
                    sum += 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32;
                }
            }
            out.push(sum / (SUB * SUB) as f32);
        }
    }
    out
}

fn mean_std(v: &[f32]) -> (f32, f32) {
    let n = v.len().max(1) as f32;
    let mean = v.iter().sum::<f32>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / n;
    (mean, var.sqrt())
}

/// Zero-mean normalised cross-correlation of two thumbnails (−1..1); 1 when both are flat.
fn correlation(a: &[f32], b: &[f32]) -> f32 {
    let ((ma, sa), (mb, sb)) = (mean_std(a), mean_std(b));
    if sa < FLAT_STD || sb < FLAT_STD {
        return if sa < FLAT_STD && sb < FLAT_STD { 1.0 } else { 0.0 };
    }
    let n = a.len().max(1) as f32;
    a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum::<f32>() / n / (sa * sb)
}

fn same_content(a: &[f32], b: &[f32]) -> bool {
    let ((ma, sa), (mb, sb)) = (mean_std(a), mean_std(b));
    if sa < FLAT_STD && sb < FLAT_STD {
        return (ma - mb).abs() <= FLAT_MEAN_STEP;
    }
    correlation(a, b) >= MIN_CORRELATION
}

/// While a person is followed, the whole frame is looked at again every this many frames (one detector run, or one
/// whole-frame MoveNet run: about a tenth more work).
pub const RECONSIDER_EVERY: u32 = 10;
/// Another person replaces the followed one after being much bigger or surer at this many looks in a row.
pub const RECONSIDER_CHECKS: u32 = 2;
/// "Much bigger": this many times the followed person's body size.
pub const MUCH_BIGGER: f32 = 1.5;
/// "Much surer": this much more confidence (0..1) than the followed person.
pub const MUCH_SURER: f32 = 0.25;

/// A person as [`Reconsider`] compares them: body size (any length unit, the same for both) and confidence 0..1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// A body length (mid-hip to shoulders, pixels).
    pub size: f32,
    /// Confidence, 0..1 (0 for a followed person the whole-frame look did not find).
    pub score: f32,
}

impl Candidate {
    /// Whether `self` is much bigger or much surer than `followed`.
    pub fn much_better_than(&self, followed: &Candidate) -> bool {
        self.size >= followed.size * MUCH_BIGGER || self.score >= followed.score + MUCH_SURER
    }
}

/// A person followed for at least this many poses in a row is waited for when the tracker loses them
/// ([`WAIT_FRAMES`]), rather than taking at once whoever is seen elsewhere.
pub const LONG_FOLLOWED: u32 = 10;
/// How many frames a long-followed person who is lost is waited for while someone else is in view elsewhere (about
/// a second at 30 fps): a patient momentarily unsure (leaning, an arm across the face) is kept, a patient who left
/// is replaced.
pub const WAIT_FRAMES: u32 = 30;

/// Waiting for a long-followed person whom the tracker lost, rather than taking at once someone else seen elsewhere.
/// On the lab clip cut at mid-chest (a patient seen from the head to the chest, a woman in the background seen
/// whole), following the clearest person, the patient leaning with an arm across his face was lost for a few frames
/// and the trackers took the woman and kept her: MoveNet Thunder at frame 68, BlazePose lite at frame 83 of the clip
/// cut at 640 px.
#[derive(Clone, Copy, Debug, Default)]
pub struct Patience {
    followed_for: u32,
    waited: u32,
}

impl Patience {
    /// Nobody followed yet, or another person from now on (their first pose is yet to be [`seen`](Self::seen)).
    pub fn reset(&mut self) {
        *self = Patience::default();
    }

    /// A pose of the followed person.
    pub fn seen(&mut self) {
        self.followed_for = self.followed_for.saturating_add(1);
        self.waited = 0;
    }

    /// Poses in a row of the person followed now.
    pub fn followed_for(&self) -> u32 {
        self.followed_for
    }

    /// The followed person is lost (nobody, or only someone else elsewhere, is found): `true` to wait for them this
    /// frame (counted), `false` to take whoever is found now (the lost person was not followed long, or has been
    /// waited for [`WAIT_FRAMES`] frames).
    pub fn wait(&mut self) -> bool {
        if self.followed_for >= LONG_FOLLOWED && self.waited < WAIT_FRAMES {
            self.waited += 1;
            true
        } else {
            false
        }
    }
}

/// The followed person's measures averaged over the frames since the last look at the whole frame and at the look,
/// so that they are compared with another person as they usually are, not as they are at the look: a patient leaning
/// with an arm across the face is unsure, and seen from the head to the chest of unknown size, for a frame or two
/// (the lab clip cut at mid-chest: MoveNet Thunder took the woman in the background at such a look).
#[derive(Clone, Copy, Debug, Default)]
pub struct Typical {
    size: f32,
    sized: u32,
    score: f32,
    scored: u32,
}

impl Typical {
    /// Adds one frame's measures: the body size when it could be measured, and the confidence.
    pub fn add(&mut self, size: Option<f32>, score: f32) {
        if let Some(s) = size.filter(|s| s.is_finite()) {
            self.size += s;
            self.sized += 1;
        }
        if score.is_finite() {
            self.score += score;
            self.scored += 1;
        }
    }

    /// The mean measures (size 0 when never measured, score 0 when nothing was added).
    pub fn mean(&self) -> Candidate {
        let mean = |sum: f32, n: u32| if n == 0 { 0.0 } else { sum / n as f32 };
        Candidate { size: mean(self.size, self.sized), score: mean(self.score, self.scored) }
    }
}

/// When to look at the whole frame again, and whether the other person seen there has been better for long enough.
#[derive(Clone, Debug, Default)]
pub struct Reconsider {
    frames: u32,
    better: u32,
}

impl Reconsider {
    /// A new follow: nothing counted.
    pub fn new() -> Self {
        Reconsider::default()
    }

    /// Starts counting again (a new person followed, tracking lost).
    pub fn reset(&mut self) {
        *self = Reconsider::default();
    }

    /// Counts one tracked frame; `true` when the whole frame should be looked at again now.
    pub fn due(&mut self) -> bool {
        self.frames += 1;
        self.frames.is_multiple_of(RECONSIDER_EVERY)
    }

    /// One look at the whole frame: the followed person and the best other person seen (if any). `true` when the
    /// other has been much better for [`RECONSIDER_CHECKS`] looks in a row: follow them from now on.
    pub fn judge(&mut self, followed: Candidate, other: Option<Candidate>) -> bool {
        if other.is_some_and(|o| o.much_better_than(&followed)) {
            self.better += 1;
        } else {
            self.better = 0;
        }
        if self.better >= RECONSIDER_CHECKS {
            self.reset();
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A picture of soft stripes, shifted by `shift` pixels and brightened by `gain`.
    fn stripes(w: u32, h: u32, period: f32, shift: f32, gain: f32, vertical: bool) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            let t = if vertical { x as f32 + shift } else { y as f32 + shift };
            let v = (128.0 + 80.0 * (t / period * std::f32::consts::TAU).sin()) * gain;
            let v = v.clamp(0.0, 255.0) as u8;
            image::Rgb([v, v, v])
        })
    }

    #[test]
    fn the_same_scene_moving_a_little_is_no_cut() {
        let mut w = CutWatch::new();
        assert!(!w.is_cut(&stripes(200, 100, 60.0, 0.0, 1.0, true)), "nothing remembered: no cut");
        w.remember(&stripes(200, 100, 60.0, 0.0, 1.0, true), [20.0, 10.0, 180.0, 90.0]);
        // A few pixels of motion and an exposure change keep the content.
        assert!(!w.is_cut(&stripes(200, 100, 60.0, 4.0, 1.2, true)));
        assert!(w.correlation(&stripes(200, 100, 60.0, 4.0, 1.2, true)).unwrap() > 0.8);
    }

    #[test]
    fn other_content_or_another_size_is_a_cut() {
        let mut w = CutWatch::new();
        w.remember(&stripes(200, 100, 60.0, 0.0, 1.0, true), [20.0, 10.0, 180.0, 90.0]);
        assert!(w.is_cut(&stripes(200, 100, 60.0, 0.0, 1.0, false)), "stripes the other way");
        assert!(w.is_cut(&stripes(200, 120, 60.0, 0.0, 1.0, true)), "another frame size");
        // Flat pictures: a dark room and a bright wall differ; two dark frames do not.
        let flat = |v: u8| RgbImage::from_pixel(64, 64, image::Rgb([v, v, v]));
        w.remember(&flat(10), [0.0, 0.0, 64.0, 64.0]);
        assert!(!w.is_cut(&flat(14)));
        assert!(w.is_cut(&flat(200)));
        w.reset();
        assert!(!w.is_cut(&flat(200)));
    }

    #[test]
    fn a_much_bigger_person_is_followed_after_two_looks() {
        let small = Candidate { size: 100.0, score: 0.9 };
        let big = Candidate { size: 250.0, score: 0.8 };
        let alike = Candidate { size: 120.0, score: 0.95 };
        let mut r = Reconsider::new();
        let looks: Vec<bool> = (0..2 * RECONSIDER_EVERY).map(|_| r.due()).collect();
        assert_eq!(looks.iter().filter(|&&l| l).count(), 2, "a look every {RECONSIDER_EVERY} frames");
        assert!(!r.judge(small, Some(alike)), "someone alike: stay");
        assert!(!r.judge(small, Some(big)), "once is not enough");
        assert!(!r.judge(small, None), "the other one gone: start counting again");
        assert!(!r.judge(small, Some(big)));
        assert!(r.judge(small, Some(big)), "twice in a row: change");
        // A followed person the whole-frame look does not find counts as unsure.
        assert!(alike.much_better_than(&Candidate { size: 100.0, score: 0.0 }));
        assert!(!small.much_better_than(&big));
    }

    #[test]
    fn a_long_followed_person_is_waited_for_a_while() {
        let mut p = Patience::default();
        for _ in 1..LONG_FOLLOWED {
            p.seen();
        }
        assert!(!p.wait(), "followed for less than LONG_FOLLOWED poses: the other is taken");
        p.seen();
        assert_eq!(p.followed_for(), LONG_FOLLOWED);
        let waits = (0..2 * WAIT_FRAMES).take_while(|_| p.wait()).count();
        assert_eq!(waits as u32, WAIT_FRAMES, "waited for WAIT_FRAMES frames, then the other is taken");
        // Seen again: the wait starts afresh.
        p.seen();
        assert!(p.wait());
        p.reset();
        assert_eq!(p.followed_for(), 0);
        assert!(!p.wait(), "a new follow: nothing to wait for");
    }

    #[test]
    fn the_followed_person_is_measured_as_usual() {
        let mut t = Typical::default();
        for (size, score) in [(Some(200.0), 0.5), (None, 0.1), (Some(100.0), 0.3)] {
            t.add(size, score);
        }
        assert_eq!(t.mean(), Candidate { size: 150.0, score: 0.3 });
        let mut t = Typical::default();
        t.add(None, f32::NAN);
        assert_eq!(t.mean(), Candidate { size: 0.0, score: 0.0 }, "nothing measured");
    }

    #[test]
    fn regions_off_the_frame_are_clipped() {
        assert_eq!(clip([-50.0, -10.0, 300.0, 90.0], 200, 100), [0.0, 0.0, 200.0, 90.0]);
        assert_eq!(clip([150.0, 10.0, 155.0, 90.0], 200, 100), [0.0, 0.0, 200.0, 100.0], "too thin: whole frame");
        assert_eq!(clip([f32::NAN, 0.0, 1.0, 1.0], 200, 100), [0.0, 0.0, 200.0, 100.0]);
    }
}
