//! A comparison in progress: the patient (live or a recording) beside a reference, kept in step, scored frame by
//! frame and per repetition. Plain state, no UI: the app feeds it the patient's frames and draws what it says.
//!
//! The reference is one of:
//! - a [`Clip`] in memory (a demonstration, an earlier session, a frozen frame), played by its own transport (play,
//!   pause, step, slow motion 0.1–1×, scrub, loop a section) or kept in step with the patient ([`SyncMode`]);
//! - the patient's **other side**: their own image, mirrored, with one side's angles compared against the other's;
//! - the patient **delayed** by 0–30 s, from a memory-bounded [`DelayBuffer`] that can be scrubbed.

use super::clip::{ANGLE_MIN_SCORE, Clip};
use super::delay::DelayBuffer;
use super::follow::MovementFollower;
use super::{angles, features, joint_similarity, side_symmetry};
use crate::Frame;
use crate::pose::{Joint, Pose};

/// What the second pane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceKind {
    /// A clip in memory (demonstration, earlier session, frozen frame).
    Clip,
    /// The patient's own image mirrored: one side compared with the other.
    OtherSide,
    /// The patient's image a few seconds late.
    Delayed,
}

/// How the reference clip keeps time with the patient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncMode {
    /// The reference plays on its own transport.
    Free,
    /// Both play together from a common moment: the reference's marked moment (or its start, or its loop section's
    /// start) lines up with the patient's frame when "play together" was pressed.
    Together,
    /// The reference follows the patient's movement (open-end dynamic time warping on joint angles), so a slower
    /// repetition still lines up with the demonstration.
    Movement,
}

/// Playback of the reference clip.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transport {
    /// Playing (not paused).
    pub playing: bool,
    /// Speed, 0.1× (slow motion) to 1×.
    pub speed: f32,
    /// Start again at the end (of the section, if one is set).
    pub looping: bool,
    /// A section to loop, seconds (start, end).
    pub section: Option<(f64, f64)>,
    /// The time shown, seconds from the clip's start.
    pub position_s: f64,
}

impl Default for Transport {
    fn default() -> Self {
        Transport { playing: true, speed: 1.0, looping: true, section: None, position_s: 0.0 }
    }
}

/// Slowest replay.
pub const MIN_SPEED: f32 = 0.1;
/// Longest delay, seconds.
pub const MAX_DELAY_S: f64 = 30.0;
/// Default memory bound of the delay buffer: 1 GiB (about 12 s of 1280 × 720 at 30 fps; a longer delay at that size
/// needs a larger bound).
pub const DEFAULT_DELAY_BYTES: usize = 1 << 30;

/// Time constant of the scores' smoothing, seconds of the patient's time.
pub const SCORE_SMOOTHING_S: f64 = 0.5;
/// A joint not seen for this long (seconds) shows no score.
pub const SCORE_HOLD_S: f64 = 1.0;

/// The scores of one frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Scores {
    /// Per compared angle: (name, similarity 0..1). For the other side: per joint pair ("elbow").
    pub joints: Vec<(String, Option<f32>)>,
    /// Mean of the joints seen.
    pub overall: Option<f32>,
}

/// One joint's range of motion on each side over the session, degrees.
#[derive(Clone, Debug, PartialEq)]
pub struct SideRange {
    /// The joint, without side ("knee").
    pub joint: String,
    /// (min, max) on the patient's left.
    pub left: Option<(f32, f32)>,
    /// (min, max) on the patient's right.
    pub right: Option<(f32, f32)>,
    /// The smaller range over the larger, 0..1 (1 = the same range on both sides).
    pub symmetry: Option<f32>,
}

/// A comparison in progress.
pub struct CompareSession {
    /// What the second pane shows.
    pub kind: ReferenceKind,
    /// The reference clip, if one is loaded.
    pub clip: Option<Clip>,
    /// The reference clip's playback.
    pub transport: Transport,
    /// How the clip keeps time with the patient.
    pub sync: SyncMode,
    /// A marked moment in the reference, seconds (where "play together" starts).
    pub mark_s: Option<f64>,
    /// The delay buffer.
    pub delay: DelayBuffer,
    /// How late the delayed image is, seconds (0–30).
    pub delay_s: f64,
    /// While set, the delayed pane shows this point of the buffer (0 = oldest, 1 = newest) and the buffer is frozen.
    pub delay_scrub: Option<f64>,
    /// Mean similarity of each completed repetition, 0..1.
    pub reps: Vec<f32>,
    anchor: Option<(f64, f64)>,
    follower: Option<(MovementFollower, usize)>,
    last_patient_t: Option<f64>,
    /// The last frame's scores, unsmoothed.
    frame_scores: Option<Scores>,
    /// The scores as shown: each joint smoothed over time, overall their mean.
    shown: Option<Scores>,
    /// Per joint: (smoothed similarity, time last seen in seconds).
    smooth: Vec<Option<(f32, f64)>>,
    /// The patient time of the last scored frame, seconds.
    last_score_t: Option<f64>,
    rep_acc: (f32, u32),
    rom: Vec<Option<(f32, f32)>>,
}

impl Default for CompareSession {
    fn default() -> Self {
        CompareSession::new(DEFAULT_DELAY_BYTES)
    }
}

impl CompareSession {
    /// An empty comparison whose delay buffer holds at most `delay_bytes`.
    pub fn new(delay_bytes: usize) -> Self {
        CompareSession {
            kind: ReferenceKind::Clip,
            clip: None,
            transport: Transport::default(),
            sync: SyncMode::Free,
            mark_s: None,
            delay: DelayBuffer::new(delay_bytes),
            delay_s: 3.0,
            delay_scrub: None,
            reps: Vec::new(),
            anchor: None,
            follower: None,
            last_patient_t: None,
            frame_scores: None,
            shown: None,
            smooth: Vec::new(),
            last_score_t: None,
            rep_acc: (0.0, 0),
            rom: vec![None; features().len()],
        }
    }

    /// Uses `clip` as the reference, from its start, playing on its own.
    pub fn set_clip(&mut self, clip: Clip) {
        self.clip = Some(clip);
        self.kind = ReferenceKind::Clip;
        self.transport = Transport::default();
        self.sync = SyncMode::Free;
        self.mark_s = None;
        self.anchor = None;
        self.follower = None;
        self.reset_scores();
    }

    /// Switches what the second pane shows (scores start afresh).
    pub fn set_kind(&mut self, kind: ReferenceKind) {
        if kind != self.kind {
            self.kind = kind;
            self.reset_scores();
            if kind != ReferenceKind::Delayed {
                self.delay.clear();
                self.delay_scrub = None;
            }
        }
    }

    /// Sets the delay (clamped to 0–30 s).
    pub fn set_delay(&mut self, seconds: f64) {
        self.delay_s = seconds.clamp(0.0, MAX_DELAY_S);
    }

    /// Forgets the scores, repetitions and ranges of motion so far.
    pub fn reset_scores(&mut self) {
        self.frame_scores = None;
        self.shown = None;
        self.smooth.clear();
        self.last_score_t = None;
        self.rep_acc = (0.0, 0);
        self.reps.clear();
        self.rom = vec![None; features().len()];
        if let Some((f, _)) = self.follower.as_mut() {
            f.restart();
        }
    }

    /// The section (or the whole clip) as (first, last) seconds.
    fn bounds(&self) -> (f64, f64) {
        let end = self.clip.as_ref().map(|c| c.duration_s()).unwrap_or(0.0);
        self.transport.section.map(|(a, b)| (a.clamp(0.0, end), b.clamp(0.0, end))).unwrap_or((0.0, end))
    }

    /// Moves the reference's clock on by `dt_s` seconds of wall time (free playback only).
    pub fn advance(&mut self, dt_s: f64) {
        if self.kind != ReferenceKind::Clip || self.sync != SyncMode::Free || !self.transport.playing {
            return;
        }
        let (a, b) = self.bounds();
        let mut p = self.transport.position_s + dt_s.max(0.0) * self.transport.speed as f64;
        if p < a - 1e-9 {
            p = a;
        }
        if p > b + 1e-9 {
            if self.transport.looping && b > a {
                p = (a + (p - b) % (b - a + self.frame_s())).min(b);
            } else {
                p = b;
                self.transport.playing = false;
            }
        }
        self.transport.position_s = p;
    }

    fn frame_s(&self) -> f64 {
        1.0 / self.clip.as_ref().map(|c| c.fps).unwrap_or(30.0).max(1.0)
    }

    /// Pauses or plays the reference.
    pub fn set_playing(&mut self, playing: bool) {
        self.transport.playing = playing;
        if playing {
            let (a, b) = self.bounds();
            if self.transport.position_s >= b - 1e-9 {
                self.transport.position_s = a;
            }
        }
    }

    /// Replay speed, clamped to 0.1–1×.
    pub fn set_speed(&mut self, speed: f32) {
        self.transport.speed = speed.clamp(MIN_SPEED, 1.0);
    }

    /// Moves the reference by `n` frames (negative: back) and pauses it.
    pub fn step(&mut self, n: i64) {
        let Some(clip) = &self.clip else { return };
        let i = clip.index_at(self.transport.position_s) as i64 + n;
        self.transport.position_s = clip.time_of(i.clamp(0, clip.len() as i64 - 1) as usize);
        self.transport.playing = false;
        self.sync = SyncMode::Free;
    }

    /// Shows the reference at `fraction` (0..1) of its length; playback goes on from there.
    pub fn scrub(&mut self, fraction: f64) {
        let d = self.clip.as_ref().map(|c| c.duration_s()).unwrap_or(0.0);
        self.transport.position_s = fraction.clamp(0.0, 1.0) * d;
        self.sync = SyncMode::Free;
    }

    /// Marks the reference's current moment (for "play together").
    pub fn mark(&mut self) {
        // The moment of the frame on screen (the one the therapist sees), not the clock between two frames.
        let at = self.clip.as_ref().map(|c| c.time_of(c.index_at(self.transport.position_s)));
        self.mark_s = Some(at.unwrap_or(self.transport.position_s));
    }

    /// Starts (`true`) or ends (`false`) the loop section at the reference's current moment.
    pub fn set_section_edge(&mut self, start: bool) {
        let end = self.clip.as_ref().map(|c| c.duration_s()).unwrap_or(0.0);
        let p = self.transport.position_s;
        let (a, b) = self.transport.section.unwrap_or((0.0, end));
        self.transport.section = Some(if start { (p, b.max(p)) } else { (a.min(p), p) });
        self.transport.looping = true;
        // (A follower is built for the section when following starts; a running one is rebuilt for the new one.)
        if self.sync == SyncMode::Movement {
            self.follow_movement();
        }
    }

    /// Loops the whole clip again.
    pub fn clear_section(&mut self) {
        self.transport.section = None;
        if self.sync == SyncMode::Movement {
            self.follow_movement();
        }
    }

    /// Plays the reference together with the patient from the next patient frame: the marked moment (or the
    /// section's or clip's start) lines up with it.
    pub fn play_together(&mut self) {
        self.sync = SyncMode::Together;
        self.transport.playing = true;
        self.anchor = None;
        self.rep_acc = (0.0, 0);
    }

    /// Lets the reference follow the patient's movement (dynamic time warping on joint angles) from the next frame.
    pub fn follow_movement(&mut self) {
        self.sync = SyncMode::Movement;
        self.transport.playing = true;
        let (a, b) = self.bounds();
        self.follower = self.clip.as_ref().map(|c| {
            let (i0, i1) = (c.index_at(a), c.index_at(b));
            (MovementFollower::new(c.angles[i0..=i1.max(i0)].to_vec()), i0)
        });
        self.rep_acc = (0.0, 0);
    }

    /// Lets the reference play on its own again.
    pub fn play_free(&mut self) {
        self.sync = SyncMode::Free;
    }

    /// Takes the patient's newest frame: feeds the delay buffer, keeps the reference in step, and scores.
    pub fn on_patient_frame(&mut self, frame: &Frame, pose: Option<&Pose>) {
        let t = frame.time_s;
        let went_back = self.last_patient_t.is_some_and(|last| t + 1e-6 < last);
        let dt = self.last_patient_t.map(|last| (t - last).clamp(0.0, 0.2)).unwrap_or(0.0);
        self.last_patient_t = Some(t);
        if self.kind == ReferenceKind::Delayed && self.delay_scrub.is_none() {
            if went_back {
                // A recording started again: delayed frames from before would come out of order.
                self.delay.clear();
            }
            self.delay.push(frame.clone(), pose.cloned());
        }
        let patient_angles = angles(pose, ANGLE_MIN_SCORE);
        if self.kind == ReferenceKind::Clip
            && let Some(clip) = &self.clip
        {
            match self.sync {
                SyncMode::Free => {}
                SyncMode::Together => {
                    let (a, b) = self.bounds();
                    let start = self.mark_s.filter(|m| (a..=b).contains(m)).unwrap_or(a);
                    if went_back || self.anchor.is_none() {
                        self.anchor = Some((t, start));
                    }
                    let (t0, r0) = self.anchor.unwrap_or((t, start));
                    let mut p = r0 + (t - t0);
                    if p > b {
                        if self.transport.looping && b > a {
                            let span = b - a + 1.0 / clip.fps.max(1.0);
                            p = (a + (p - a) % span).min(b);
                        } else {
                            p = b;
                        }
                    }
                    // A pass through the section is one repetition.
                    if p + 1e-9 < self.transport.position_s && self.transport.looping {
                        self.close_rep();
                    }
                    self.transport.position_s = p;
                }
                SyncMode::Movement => {
                    if let Some((f, i0)) = self.follower.as_mut() {
                        if went_back {
                            f.restart();
                        }
                        let step = f.push(&patient_angles);
                        let target = clip.time_of(*i0 + step.position);
                        let current = self.transport.position_s;
                        let (a, b) = self.bounds();
                        // The follower's frame-by-frame answer is noisy (holds, small jumps): the reference glides
                        // toward it at up to twice the patient's pace instead, and only a new repetition (or a
                        // large step back) jumps.
                        self.transport.position_s = if step.rep_done.is_some()
                            || target < current - 0.25 * (b - a)
                            || !(a..=b).contains(&current)
                        {
                            target
                        } else {
                            let most = 2.0 * dt.max(1.0 / clip.fps.max(1.0));
                            current + (target - current).clamp(-0.5 * most, most)
                        };
                        if let Some(score) = step.rep_done {
                            self.reps.push(score);
                            self.rep_acc = (0.0, 0);
                        }
                    }
                }
            }
        }
        self.score(pose, &patient_angles, t);
    }

    /// Ends the current repetition (the app calls this when the protocol counts one; a pass through the loop
    /// section does it by itself).
    pub fn close_rep(&mut self) {
        if self.rep_acc.1 > 0 {
            self.reps.push(self.rep_acc.0 / self.rep_acc.1 as f32);
        }
        self.rep_acc = (0.0, 0);
    }

    fn score(&mut self, pose: Option<&Pose>, patient_angles: &[Option<f32>], t: f64) {
        for (r, a) in self.rom.iter_mut().zip(patient_angles) {
            if let Some(a) = *a {
                *r = Some(r.map_or((a, a), |(lo, hi)| (lo.min(a), hi.max(a))));
            }
        }
        let scores = match self.kind {
            ReferenceKind::OtherSide => pose.map(|p| {
                let pairs = side_symmetry(p, ANGLE_MIN_SCORE);
                Scores::from_pairs(pairs.into_iter().map(|s| (s.joint, s.similarity)).collect())
            }),
            // The patient against their own image a few seconds ago: a "match" that means nothing (it depends on
            // the delay against the movement's pace), so none is given.
            ReferenceKind::Delayed => None,
            ReferenceKind::Clip => self.reference().map(|(_, rp)| {
                let reference = angles(rp, ANGLE_MIN_SCORE);
                let names = features();
                Scores::from_pairs(
                    names
                        .iter()
                        .zip(reference.iter().zip(patient_angles))
                        .map(|((n, _), (r, p))| (n.to_string(), r.zip(*p).map(|(r, p)| joint_similarity(r, p))))
                        .collect(),
                )
            }),
        };
        if let Some(o) = scores.as_ref().and_then(|s| s.overall)
            && (self.sync != SyncMode::Movement || self.kind != ReferenceKind::Clip)
        {
            self.rep_acc.0 += o;
            self.rep_acc.1 += 1;
        }
        self.shown = scores.as_ref().map(|s| self.smooth_scores(s, t));
        self.frame_scores = scores;
    }

    /// Smooths each joint's similarity over time (an exponential average with time constant
    /// [`SCORE_SMOOTHING_S`], from the frames' timestamps, so the numbers are the same at 10 or 30 poses a second);
    /// a joint not seen for [`SCORE_HOLD_S`] shows none. The overall score is the mean of the smoothed joints, so
    /// the badge and the table always agree.
    fn smooth_scores(&mut self, frame: &Scores, t: f64) -> Scores {
        let dt = self.last_score_t.map(|last| t - last);
        if dt.is_some_and(|d| d < 0.0) || self.smooth.len() != frame.joints.len() {
            // A recording started again (or a different set of joints): start afresh.
            self.smooth = vec![None; frame.joints.len()];
        }
        self.last_score_t = Some(t);
        let k = dt.filter(|d| *d >= 0.0).map_or(1.0, |d| 1.0 - (-d / SCORE_SMOOTHING_S).exp()) as f32;
        let joints = frame
            .joints
            .iter()
            .zip(self.smooth.iter_mut())
            .map(|((name, now), state)| {
                *state = match (*now, *state) {
                    (Some(x), Some((v, _))) => Some((v + k * (x - v), t)),
                    (Some(x), None) => Some((x, t)),
                    (None, Some((v, seen))) if t - seen <= SCORE_HOLD_S => Some((v, seen)),
                    (None, _) => None,
                };
                (name.clone(), state.map(|(v, _)| v))
            })
            .collect();
        Scores::from_pairs(joints)
    }

    /// The reference frame and its pose to show now (`None` for the other side: the app shows the patient's own
    /// frame, mirrored).
    pub fn reference(&self) -> Option<(&Frame, Option<&Pose>)> {
        match self.kind {
            ReferenceKind::Clip => {
                let clip = self.clip.as_ref()?;
                let f = clip.frames.get(clip.index_at(self.transport.position_s))?;
                Some((&f.frame, f.pose.as_ref()))
            }
            ReferenceKind::Delayed => {
                let (f, p) = match self.delay_scrub {
                    Some(x) => self.delay.scrub(x)?,
                    None => self.delay.delayed(self.delay_s)?,
                };
                Some((f, p.as_ref()))
            }
            ReferenceKind::OtherSide => None,
        }
    }

    /// The index of the reference clip's frame on screen.
    pub fn reference_index(&self) -> Option<usize> {
        self.clip.as_ref().map(|c| c.index_at(self.transport.position_s))
    }

    /// The ghost to draw over the patient (the reference's pose placed on the patient's torso, or for the other
    /// side the patient's pose reflected across their midline), with the joints that differ most (distance in torso
    /// lengths, at least 0.25, largest first).
    pub fn ghost(&self, patient: &Pose, min_score: f32) -> Option<(Pose, Vec<(Joint, f32)>)> {
        let g = match self.kind {
            ReferenceKind::OtherSide => super::ghost::other_side(patient, min_score)?,
            _ => super::ghost::ghost(self.reference()?.1?, patient, min_score)?,
        };
        let mut d = super::ghost::largest_differences(&g, patient, min_score, 3);
        d.retain(|(_, dist)| *dist >= 0.25);
        Some((g, d))
    }

    /// The scores as the therapist's table and the patient's badge show them: each joint's similarity smoothed
    /// over [`SCORE_SMOOTHING_S`] of the patient's time, and overall their mean. `None` before a scored frame and
    /// for the delayed pane (no match score against the patient's own image).
    pub fn scores(&self) -> Option<&Scores> {
        self.shown.as_ref()
    }

    /// The last frame's scores, unsmoothed (for export and tests; the screen shows [`CompareSession::scores`]).
    pub fn frame_scores(&self) -> Option<&Scores> {
        self.frame_scores.as_ref()
    }

    /// Overall similarity as shown (0..1): the mean of [`CompareSession::scores`]' joints.
    pub fn smoothed_overall(&self) -> Option<f32> {
        self.shown.as_ref()?.overall
    }

    /// The patient's badge: "Match 86%" against a reference clip, "Sides alike 90%" for the other side; `None`
    /// for the delayed pane and before anything is scored. The same number as the table's overall line.
    pub fn badge(&self) -> Option<String> {
        let pct = (self.smoothed_overall()? * 100.0).round();
        match self.kind {
            ReferenceKind::Clip => Some(format!("Match {pct:.0}%")),
            ReferenceKind::OtherSide => Some(format!("Sides alike {pct:.0}%")),
            ReferenceKind::Delayed => None,
        }
    }

    /// The therapist's overall line under the table: "Overall 86% (mean of the joints, over the last 0.5 s)".
    pub fn overall_text(&self) -> Option<String> {
        let pct = (self.smoothed_overall()? * 100.0).round();
        Some(format!("Overall {pct:.0}% (mean of the joints above, over the last {SCORE_SMOOTHING_S} s)"))
    }

    /// Each left/right joint's range of motion over the session, and how alike the two ranges are.
    pub fn range_of_motion(&self) -> Vec<SideRange> {
        let names = features();
        let mut out = Vec::new();
        let mut k = 0;
        while k + 1 < names.len() && names[k].0.starts_with("left") {
            let (l, r) = (self.rom[k], self.rom[k + 1]);
            let symmetry = match (l, r) {
                (Some(l), Some(r)) => {
                    let (a, b) = (l.1 - l.0, r.1 - r.0);
                    (a.max(b) > 1.0).then(|| a.min(b) / a.max(b))
                }
                _ => None,
            };
            out.push(SideRange {
                joint: names[k].0.trim_start_matches("left ").to_string(),
                left: l,
                right: r,
                symmetry,
            });
            k += 2;
        }
        out
    }
}

impl Scores {
    fn from_pairs(joints: Vec<(String, Option<f32>)>) -> Scores {
        let seen: Vec<f32> = joints.iter().filter_map(|j| j.1).collect();
        let overall = (!seen.is_empty()).then(|| seen.iter().sum::<f32>() / seen.len() as f32);
        Scores { joints, overall }
    }

    /// The joints below `threshold` similarity, least similar first.
    pub fn differing(&self, threshold: f32) -> Vec<(&str, f32)> {
        let mut d: Vec<(&str, f32)> =
            self.joints.iter().filter_map(|(n, s)| s.filter(|s| *s < threshold).map(|s| (n.as_str(), s))).collect();
        d.sort_by(|a, b| a.1.total_cmp(&b.1));
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clip(n: u64, fps: f64) -> Clip {
        Clip::from_frames(
            "ref",
            (0..n).map(|i| (Frame::new(image::RgbImage::new(4, 4), i, i as f64 / fps, "r"), None)).collect(),
            fps,
        )
    }

    fn patient(i: u64) -> Frame {
        Frame::new(image::RgbImage::new(4, 4), i, 100.0 + i as f64 / 30.0, "p")
    }

    #[test]
    fn free_playback_slow_motion_loops_the_section() {
        let mut s = CompareSession::new(1 << 20);
        s.set_clip(clip(90, 30.0)); // 3 s
        s.set_speed(0.25);
        assert_eq!(s.transport.speed, 0.25);
        s.advance(2.0); // 0.5 s of clip
        assert_eq!(s.reference_index(), Some(15));
        s.set_speed(0.01);
        assert_eq!(s.transport.speed, MIN_SPEED);
        s.set_speed(1.0);
        s.transport.position_s = 1.0;
        s.set_section_edge(true);
        s.transport.position_s = 2.0;
        s.set_section_edge(false);
        assert_eq!(s.transport.section, Some((1.0, 2.0)));
        for _ in 0..100 {
            s.advance(0.1);
            assert!((1.0..=2.0 + 1e-9).contains(&s.transport.position_s), "{}", s.transport.position_s);
        }
        s.step(-1);
        assert!(!s.transport.playing);
        s.scrub(1.0);
        assert_eq!(s.reference_index(), Some(89));
        // Without looping, playback stops at the end.
        s.clear_section();
        s.transport.looping = false;
        s.set_playing(true);
        assert_eq!(s.reference_index(), Some(0), "playing from the end starts again");
        s.advance(10.0);
        assert_eq!(s.reference_index(), Some(89));
        assert!(!s.transport.playing);
    }

    #[test]
    fn playing_together_lines_the_mark_up_with_the_patient() {
        let mut s = CompareSession::new(1 << 20);
        s.set_clip(clip(90, 30.0));
        s.scrub(0.5);
        s.mark();
        s.play_together();
        for i in 0..10 {
            s.on_patient_frame(&patient(i), None);
        }
        // The patient's 10th frame is 9 frames after the mark.
        assert_eq!(s.reference_index(), Some(s.clip.as_ref().unwrap().index_at(s.mark_s.unwrap()) + 9));
        // A free advance does not move a synced reference.
        let before = s.transport.position_s;
        s.advance(1.0);
        assert_eq!(s.transport.position_s, before);
    }

    #[test]
    fn the_delayed_pane_is_late_and_scrubs() {
        let mut s = CompareSession::new(64 << 20);
        s.set_kind(ReferenceKind::Delayed);
        s.set_delay(1.0);
        for i in 0..90 {
            s.on_patient_frame(&patient(i), None);
        }
        assert_eq!(s.reference().unwrap().0.index, 59);
        s.set_delay(99.0);
        assert_eq!(s.delay_s, MAX_DELAY_S);
        assert_eq!(s.reference().unwrap().0.index, 0);
        s.delay_scrub = Some(0.5);
        let held = s.delay.len();
        s.on_patient_frame(&patient(90), None);
        assert_eq!(s.delay.len(), held, "a scrubbed buffer is frozen");
        assert_eq!(s.reference().unwrap().0.index, 45);
    }
}
