//! A balance trial run live, as the app runs it: a count-down, then the trial's timer; on each frame the centre of
//! mass against a target circle (the patient's feedback); losses of balance the therapist marks; at the end the
//! trial's result through the same code as `mirrorcue balance` ([`super::track::com_trace`], [`super::sway`],
//! [`super::clinical::run`] for the single-leg stance).
//!
//! **The target.** The circle is centred on where the patient's centre of mass stood, relative to the base of
//! support, over the first [`BASELINE_S`] of the trial (balance platforms centre their target on the patient the
//! same way), and its radius is the setup's `target_radius_cm`. The dot is the centre of mass over the last
//! [`FEEDBACK_WINDOW_S`]: ML to the person's left is positive, AP forwards (AP is 0 in the image plane).
//!
//! **Single-leg stance** is timed as `mirrorcue balance --test single-leg` times it: from the lift of a foot to the
//! touch-down, a move of the stance foot, or the hands leaving the hips; the trial stops by itself at that end.
//! **Romberg** is quiet standing whose eyes-closed condition the therapist confirms (it cannot be seen reliably).

use super::clinical::{self, TestKind};
use super::position::{Ellipse, confidence_ellipse};
use super::stance::StanceEnd;
use super::track::{BaseOfSupport, PoseSample, com_trace};
use super::{BalanceError, Descriptors, Stabilogram, Trace, sway};
use crate::pose::{Pose, Side};

/// The time the patient's own centre is taken over at the start of a trial, s.
pub const BASELINE_S: f64 = 1.0;
/// The centre of mass shown is taken over this much of the newest track, s.
pub const FEEDBACK_WINDOW_S: f64 = 0.3;
/// The longest trial, s (the track a trial keeps is bounded by it).
pub const MAX_DURATION_S: f64 = 120.0;
/// The most frames a trial keeps (120 s at 120 fps).
pub const MAX_SAMPLES: usize = 14_400;
/// How often a single-leg trial looks for the end of the stance, s.
const END_CHECK_S: f64 = 0.25;

/// What the therapist set for a trial.
#[derive(Clone, Debug, PartialEq)]
pub struct TrialSetup {
    /// The test: quiet standing, Romberg, tandem or single-leg stance.
    pub test: TestKind,
    /// Eyes closed, as the therapist confirms (Romberg's second condition).
    pub eyes_closed: bool,
    /// Standing on foam (mCTSIB's conditions 3 and 4), as the therapist confirms.
    pub foam: bool,
    /// The trial's length, s (a single-leg trial may end sooner).
    pub duration_s: f64,
    /// The count-down before it, s.
    pub countdown_s: f64,
    /// The patient's height, cm: scales the image plane to cm (BlazePose's world landmarks need none).
    pub height_cm: Option<f64>,
    /// The target circle's radius, cm.
    pub target_radius_cm: f64,
}

impl Default for TrialSetup {
    fn default() -> TrialSetup {
        TrialSetup {
            test: TestKind::Quiet,
            eyes_closed: false,
            foam: false,
            duration_s: 30.0,
            countdown_s: 3.0,
            height_cm: None,
            target_radius_cm: 2.0,
        }
    }
}

impl TrialSetup {
    /// Checks every number against its range; the message names the setting.
    pub fn validate(&self) -> Result<(), BalanceError> {
        let bad = |what: &str, v: f64, range: &str| {
            Err(BalanceError::Parameter(format!("the {what} must be {range}, not {v}")))
        };
        if !(self.duration_s >= 1.0 && self.duration_s <= MAX_DURATION_S) {
            return bad("trial length", self.duration_s, &format!("1 to {MAX_DURATION_S} s"));
        }
        if !(0.0..=10.0).contains(&self.countdown_s) {
            return bad("count-down", self.countdown_s, "0 to 10 s");
        }
        if !(self.target_radius_cm > 0.0 && self.target_radius_cm <= 30.0) {
            return bad("target radius", self.target_radius_cm, "above 0 and at most 30 cm");
        }
        if let Some(h) = self.height_cm
            && !(50.0..=250.0).contains(&h)
        {
            return bad("height", h, "50 to 250 cm");
        }
        if self.test == TestKind::Bess {
            return Err(BalanceError::Parameter(
                "BESS is scored on a recording (mirrorcue balance --test bess)".into(),
            ));
        }
        Ok(())
    }

    /// The test's name as the therapist reads it ("Romberg, eyes closed").
    pub fn title(&self) -> String {
        let base = match self.test {
            TestKind::Quiet => "Quiet standing",
            TestKind::Romberg => "Romberg",
            TestKind::SingleLeg => "Single-leg stance",
            TestKind::Tandem => "Tandem stance",
            TestKind::Bess => "BESS",
        };
        let surface = if self.foam { ", on foam" } else { "" };
        format!("{base}, eyes {}{surface}", if self.eyes_closed { "closed" } else { "open" })
    }
}

/// Where a trial is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Phase {
    /// Before the trial: this many seconds left.
    CountingDown(f64),
    /// The trial runs: seconds since it began, and seconds left.
    Running {
        /// Since the trial began, s.
        elapsed_s: f64,
        /// Until its set length, s.
        left_s: f64,
    },
    /// Over: the result is there.
    Finished,
}

/// The centre of mass against the target, for the patient's screen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Feedback {
    /// The centre of mass from the target's centre: (ML to the person's left, AP forwards), cm.
    pub offset_cm: (f64, f64),
    /// Whether it is inside the target circle.
    pub inside: bool,
    /// Whether AP could be measured (false in the image plane: AP is then 0).
    pub ap_observable: bool,
}

/// A loss of balance the therapist marked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossMark {
    /// Since the trial began, s.
    pub at_s: f64,
}

/// A finished trial.
#[derive(Clone, Debug)]
pub struct LiveResult {
    /// What was run.
    pub setup: TrialSetup,
    /// The trial's time, s: from start to stop, or (single-leg) the stance's time from the lift to its end.
    pub duration_s: f64,
    /// Why it ended, in words.
    pub ended_by: String,
    /// The stance foot (single-leg), the person's side.
    pub stance_foot: Option<Side>,
    /// Losses of balance marked by the therapist.
    pub losses: Vec<LossMark>,
    /// Time in the target circle, % of the trial's frames with a centre of mass.
    pub time_in_target_pct: Option<f64>,
    /// The stabilogram (centred, filtered, 25 Hz), cm, when the centre of mass could be measured.
    pub stabilogram: Option<Stabilogram>,
    /// The 95 % ellipse of the stabilogram.
    pub ellipse: Option<Ellipse>,
    /// The sway descriptors, or why there are none.
    pub descriptors: Result<Descriptors, String>,
    /// How the centre of mass was scaled to cm.
    pub scale_note: Option<String>,
}

/// One trial, fed frame by frame. See the [module](self).
#[derive(Clone, Debug)]
pub struct LiveTrial {
    setup: TrialSetup,
    /// Time of the first frame seen (the count-down's start), s.
    first_s: Option<f64>,
    /// The trial's frames (after the count-down).
    samples: Vec<PoseSample>,
    centre: Option<(f64, f64)>,
    baseline: Vec<(f64, f64)>,
    inside: (u64, u64),
    losses: Vec<LossMark>,
    last_end_check_s: f64,
    feedback: Option<Feedback>,
    result: Option<LiveResult>,
}

impl LiveTrial {
    /// A trial with `setup`, checked first.
    pub fn new(setup: TrialSetup) -> Result<LiveTrial, BalanceError> {
        setup.validate()?;
        Ok(LiveTrial {
            setup,
            first_s: None,
            samples: Vec::new(),
            centre: None,
            baseline: Vec::new(),
            inside: (0, 0),
            losses: Vec::new(),
            last_end_check_s: 0.0,
            feedback: None,
            result: None,
        })
    }

    /// The setup.
    pub fn setup(&self) -> &TrialSetup {
        &self.setup
    }

    /// The result, once finished.
    pub fn result(&self) -> Option<&LiveResult> {
        self.result.as_ref()
    }

    /// The newest feedback (while running).
    pub fn feedback(&self) -> Option<Feedback> {
        self.feedback
    }

    /// Losses marked so far.
    pub fn losses(&self) -> &[LossMark] {
        &self.losses
    }

    /// Where the trial is at time `now_s` (the source's clock).
    pub fn phase(&self, now_s: f64) -> Phase {
        if self.result.is_some() {
            return Phase::Finished;
        }
        let Some(first) = self.first_s else { return Phase::CountingDown(self.setup.countdown_s) };
        let since = now_s - first;
        if since < self.setup.countdown_s {
            return Phase::CountingDown(self.setup.countdown_s - since);
        }
        let elapsed_s = since - self.setup.countdown_s;
        Phase::Running { elapsed_s, left_s: (self.setup.duration_s - elapsed_s).max(0.0) }
    }

    /// Takes one frame (its index, capture time and pose); returns the phase after it. A frame from before the
    /// last one (a recording that looped) finishes the trial.
    pub fn update(&mut self, frame: u64, time_s: f64, pose: Option<&Pose>) -> Phase {
        if self.result.is_some() {
            return Phase::Finished;
        }
        if self.samples.last().is_some_and(|s| time_s < s.time_s) {
            self.finish("the recording started again");
            return Phase::Finished;
        }
        let first = *self.first_s.get_or_insert(time_s);
        let elapsed = time_s - first - self.setup.countdown_s;
        if elapsed < 0.0 {
            return self.phase(time_s);
        }
        if elapsed >= self.setup.duration_s {
            self.finish("the set time was reached");
            return Phase::Finished;
        }
        let mut pose = pose.cloned();
        if let Some(p) = pose.as_mut() {
            p.mask = None;
        }
        self.samples.push(PoseSample { frame, time_s, pose });
        self.feedback = self.measure_feedback();
        if self.samples.len() >= MAX_SAMPLES {
            self.finish("the trial's frame limit was reached");
            return Phase::Finished;
        }
        if self.setup.test == TestKind::SingleLeg && time_s - self.last_end_check_s >= END_CHECK_S {
            self.last_end_check_s = time_s;
            if let Some(end) = self.single_leg_end() {
                self.finish(&end);
                return Phase::Finished;
            }
        }
        self.phase(time_s)
    }

    /// The therapist marks a loss of balance now (`now_s`, the source's clock); ignored outside the trial.
    pub fn mark_loss(&mut self, now_s: f64) {
        if let Phase::Running { elapsed_s, .. } = self.phase(now_s) {
            self.losses.push(LossMark { at_s: elapsed_s });
        }
    }

    /// Stops the trial now (the therapist's Stop) and computes its result.
    pub fn stop(&mut self) {
        if self.result.is_none() {
            self.finish("stopped by the therapist");
        }
    }

    fn base(&self) -> BaseOfSupport {
        BaseOfSupport::BothFeet
    }

    /// The centre of mass over the newest frames against the target.
    fn measure_feedback(&mut self) -> Option<Feedback> {
        let last = self.samples.last()?.time_s;
        let from = self.samples.iter().rposition(|s| last - s.time_s > FEEDBACK_WINDOW_S).map_or(0, |i| i + 1);
        let bos = match self.setup.test {
            TestKind::SingleLeg => self.stance_foot_now().map_or(self.base(), BaseOfSupport::Foot),
            _ => self.base(),
        };
        let c = com_trace(&self.samples, from..self.samples.len(), bos, self.setup.height_cm).ok()?;
        let n = c.trace.len() as f64;
        let now = (c.trace.ml_cm.iter().sum::<f64>() / n, c.trace.ap_cm.iter().sum::<f64>() / n);
        let elapsed = last - self.samples[0].time_s;
        let centre = match self.centre {
            Some(c) => c,
            None if elapsed < BASELINE_S => {
                self.baseline.push(now);
                mean2(&self.baseline)
            }
            None => *self.centre.insert(mean2(&self.baseline)),
        };
        let offset_cm = (now.0 - centre.0, now.1 - centre.1);
        let inside = offset_cm.0.hypot(offset_cm.1) <= self.setup.target_radius_cm;
        self.inside.1 += 1;
        self.inside.0 += u64::from(inside);
        Some(Feedback { offset_cm, inside, ap_observable: c.ap_observable })
    }

    /// The foot bearing the weight now: the one that is lower on the image (a lifted foot is higher).
    fn stance_foot_now(&self) -> Option<Side> {
        let pose = self.samples.last()?.pose.as_ref()?;
        let y = |j| pose.get(j).map(|k| k.y);
        let (l, r) = (y(crate::pose::Joint::LeftAnkle)?, y(crate::pose::Joint::RightAnkle)?);
        let lift = 0.02;
        if l - r > lift {
            Some(Side::Left)
        } else if r - l > lift {
            Some(Side::Right)
        } else {
            None
        }
    }

    /// The end of a single-leg stance that has begun and ended, in words.
    fn single_leg_end(&self) -> Option<String> {
        let trials = clinical::run(&self.samples, TestKind::SingleLeg, self.setup.height_cm).ok()?;
        let t = trials.first()?;
        (t.ended_by != StanceEnd::EndOfRecording).then(|| end_words(t.ended_by).to_string())
    }

    fn finish(&mut self, why: &str) {
        self.feedback = None;
        let height = self.setup.height_cm;
        let mut result = LiveResult {
            setup: self.setup.clone(),
            duration_s: match (self.samples.first(), self.samples.last()) {
                (Some(a), Some(b)) => b.time_s - a.time_s,
                _ => 0.0,
            },
            ended_by: why.to_string(),
            stance_foot: None,
            losses: self.losses.clone(),
            time_in_target_pct: (self.inside.1 > 0).then(|| 100.0 * self.inside.0 as f64 / self.inside.1 as f64),
            stabilogram: None,
            ellipse: None,
            descriptors: Err("no frames were measured".into()),
            scale_note: None,
        };
        let mut range = 0..self.samples.len();
        let mut bos = self.base();
        if self.setup.test == TestKind::SingleLeg {
            match clinical::run(&self.samples, TestKind::SingleLeg, height) {
                Ok(trials) if !trials.is_empty() => {
                    let t = &trials[0];
                    result.duration_s = t.duration_s();
                    result.stance_foot = t.stance_foot;
                    if t.ended_by != StanceEnd::EndOfRecording {
                        result.ended_by = end_words(t.ended_by).to_string();
                    }
                    let start = self.samples.iter().position(|s| s.frame == t.start_frame).unwrap_or(0);
                    let end = self.samples.iter().position(|s| s.frame == t.end_frame).map_or(range.end, |i| i + 1);
                    range = start..end;
                    bos = t.stance_foot.map_or(bos, BaseOfSupport::Foot);
                }
                Ok(_) | Err(_) => {
                    result.duration_s = 0.0;
                    result.ended_by = "no single-leg stance was seen (one foot lifted, the other still)".into();
                    result.descriptors = Err(result.ended_by.clone());
                    self.result = Some(result);
                    return;
                }
            }
        }
        match com_trace(&self.samples, range, bos, height) {
            Ok(c) => {
                result.scale_note = Some(c.scale_note.clone());
                match sway(&c.trace) {
                    Ok((s, d)) => {
                        result.ellipse = confidence_ellipse(&s.ml_cm, &s.ap_cm);
                        result.descriptors = Ok(if c.ap_observable { d } else { clinical::without_ap(d) });
                        result.stabilogram = Some(s);
                    }
                    Err(e) => result.descriptors = Err(e.to_string()),
                }
            }
            Err(e) => result.descriptors = Err(e.to_string()),
        }
        self.result = Some(result);
    }
}

fn mean2(v: &[(f64, f64)]) -> (f64, f64) {
    let n = v.len().max(1) as f64;
    (v.iter().map(|p| p.0).sum::<f64>() / n, v.iter().map(|p| p.1).sum::<f64>() / n)
}

/// Why a stance ended, in words for the therapist.
pub fn end_words(e: StanceEnd) -> &'static str {
    match e {
        StanceEnd::LiftedFootTouchedDown => "the lifted foot touched down",
        StanceEnd::StanceFootMoved => "the stance foot moved",
        StanceEnd::BothFeetOffTheFloor => "both feet left the floor",
        StanceEnd::HandsLeftHips => "the hands left the hips",
        StanceEnd::PersonLost => "the patient was out of view",
        StanceEnd::OutOfPosition => "out of position",
        StanceEnd::EndOfRecording => "the recording ended",
    }
}

/// The sensory ratios of a session's two-footed trials, each from the newest trial of its condition: the Romberg
/// quotient (eyes closed over open, firm ground) and the mCTSIB ratios ([`clinical::mctsib_ratios`]), of the
/// descriptor `name` (e.g. `confidence_ellipse_area_ML_AND_AP`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SensoryRatios {
    /// Eyes closed over eyes open, firm ground.
    pub romberg: Option<f64>,
    /// The four mCTSIB conditions against firm ground with eyes open.
    pub mctsib: Option<clinical::MctsibRatios>,
}

/// See [`SensoryRatios`]; single-leg trials do not count.
pub fn sensory_ratios(results: &[LiveResult], name: &str) -> SensoryRatios {
    let newest = |closed: bool, foam: bool| {
        results.iter().rev().find_map(|r| {
            let s = &r.setup;
            let two_feet = matches!(s.test, TestKind::Quiet | TestKind::Romberg);
            (two_feet && s.eyes_closed == closed && s.foam == foam).then_some(r.descriptors.as_ref().ok()).flatten()
        })
    };
    let (c1, c2, c3, c4) = (newest(false, false), newest(true, false), newest(false, true), newest(true, true));
    SensoryRatios {
        romberg: c1.zip(c2).and_then(|(o, c)| clinical::romberg_quotient(o, c, name)),
        mctsib: match (c1, c2, c3, c4) {
            (Some(a), Some(b), Some(c), Some(d)) => clinical::mctsib_ratios([a, b, c, d], name),
            _ => None,
        },
    }
}

/// The trace of a result's stabilogram (for plots): ML and AP, cm.
pub fn stabilogram_points(s: &Stabilogram) -> Vec<(f64, f64)> {
    s.ml_cm.iter().copied().zip(s.ap_cm.iter().copied()).collect()
}

impl LiveResult {
    /// The headline numbers for the therapist and the record: (name, value, unit key), units as the record
    /// stores them.
    pub fn headline(&self) -> Vec<(&'static str, f64, &'static str)> {
        let mut out = vec![("trial time", self.duration_s, "seconds")];
        if let Some(p) = self.time_in_target_pct {
            out.push(("time in target", p, "percent"));
        }
        out.push(("losses of balance", self.losses.len() as f64, "count"));
        if let Ok(d) = &self.descriptors {
            for (name, label, unit) in [
                ("confidence_ellipse_area_ML_AND_AP", "sway area (95% ellipse)", "cm2"),
                ("mean_velocity_ML_AND_AP", "mean sway velocity", "cm_per_s"),
                ("rms_ML", "sway RMS (ML)", "cm"),
                ("rms_AP", "sway RMS (AP)", "cm"),
            ] {
                if let Some(v) = d.get(name).filter(|v| v.is_finite()) {
                    out.push((label, v, unit));
                }
            }
        }
        out
    }
}

/// A trace made of the result's stabilogram (for exports that want time, ML, AP).
pub fn result_trace(r: &LiveResult) -> Option<Trace> {
    let s = r.stabilogram.as_ref()?;
    Trace::new(s.time_s.clone(), s.ml_cm.clone(), s.ap_cm.clone()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::balance::testing::Figure;

    /// Feeds `figures` as frames `from`, `from + 1`, … at `fps`.
    fn feed(trial: &mut LiveTrial, from: usize, figures: impl Iterator<Item = Figure>, fps: f64) -> Phase {
        let mut phase = Phase::CountingDown(0.0);
        for (i, f) in figures.enumerate() {
            let i = from + i;
            phase = trial.update(i as u64, i as f64 / fps, Some(&f.pose()));
        }
        phase
    }

    fn swaying(i: usize, amp: f64) -> Figure {
        let mut f = Figure::standing();
        let t = i as f64 / 30.0;
        f.lean(amp * (t * 2.0).sin(), amp * (t * 1.3).cos());
        f
    }

    #[test]
    fn a_quiet_trial_counts_down_runs_its_time_and_measures_the_sway() {
        let setup = TrialSetup { duration_s: 10.0, ..Default::default() };
        let mut trial = LiveTrial::new(setup).unwrap();
        assert_eq!(trial.update(0, 0.0, Some(&Figure::standing().pose())), Phase::CountingDown(3.0));
        let phase = feed(&mut trial, 0, (0..30 * 8).map(|i| swaying(i, 0.01)), 30.0);
        match phase {
            Phase::Running { elapsed_s, left_s } => {
                assert!((elapsed_s - (239.0 / 30.0 - 3.0)).abs() < 1e-9);
                assert!((left_s - (10.0 - elapsed_s)).abs() < 1e-9);
            }
            p => panic!("{p:?}"),
        }
        let fb = trial.feedback().unwrap();
        assert!(fb.ap_observable);
        trial.mark_loss(7.0);
        let phase = feed(&mut trial, 240, (240..30 * 14).map(|i| swaying(i, 0.01)), 30.0);
        assert_eq!(phase, Phase::Finished);
        let r = trial.result().unwrap();
        assert_eq!(r.ended_by, "the set time was reached");
        assert!((r.duration_s - 10.0).abs() < 0.1, "{}", r.duration_s);
        assert_eq!(r.losses, vec![LossMark { at_s: 4.0 }]);
        let d = r.descriptors.as_ref().unwrap();
        let area = d.get("confidence_ellipse_area_ML_AND_AP").unwrap();
        let e = r.ellipse.unwrap();
        assert!((std::f64::consts::PI * e.semi_major * e.semi_minor - area).abs() < 1e-9 * area);
        // About 1 cm of lean at the hips: a sway of the order of a centimetre.
        assert!(area > 0.1 && area < 20.0, "{area}");
        assert!(r.time_in_target_pct.unwrap() > 50.0);
        let names: Vec<&str> = r.headline().iter().map(|h| h.0).collect();
        assert!(names.contains(&"sway area (95% ellipse)") && names.contains(&"losses of balance"), "{names:?}");
    }

    #[test]
    fn the_dot_follows_a_lean_to_the_left_out_of_the_target() {
        let setup = TrialSetup { countdown_s: 0.0, target_radius_cm: 2.0, ..Default::default() };
        let mut trial = LiveTrial::new(setup).unwrap();
        for i in 0..45 {
            trial.update(i, i as f64 / 30.0, Some(&Figure::standing().pose()));
        }
        let still = trial.feedback().unwrap();
        assert!(still.inside && still.offset_cm.0.abs() < 0.1, "{still:?}");
        // The figure's left is +x; 8 cm at the hips moves the centre of mass well past 2 cm.
        let mut leaning = Figure::standing();
        leaning.lean(0.08, 0.0);
        for i in 45..60 {
            trial.update(i, i as f64 / 30.0, Some(&leaning.pose()));
        }
        let out = trial.feedback().unwrap();
        assert!(!out.inside && out.offset_cm.0 > 2.0 && out.offset_cm.1.abs() < 1.0, "{out:?}");
    }

    #[test]
    fn a_single_leg_trial_times_the_stance_and_stops_at_the_touch_down() {
        let setup = TrialSetup { test: TestKind::SingleLeg, countdown_s: 0.0, ..Default::default() };
        let mut trial = LiveTrial::new(setup).unwrap();
        let fps = 30.0;
        let mut frames = Vec::new();
        for i in 0..200 {
            let mut f = Figure::standing().hands_on_hips();
            // Both feet for 1 s, the left foot up for 4 s, then down again.
            if (30..150).contains(&i) {
                f.lift_foot(true, 0.15);
            }
            frames.push(f);
        }
        let phase = feed(&mut trial, 0, frames.into_iter(), fps);
        assert_eq!(phase, Phase::Finished);
        let r = trial.result().unwrap();
        assert_eq!(r.stance_foot, Some(Side::Right));
        assert!((r.duration_s - 4.0).abs() < 0.2, "{}", r.duration_s);
        assert_eq!(r.ended_by, "the lifted foot touched down");
    }

    #[test]
    fn nobody_in_view_gives_a_reason_not_a_number_and_bad_settings_are_refused() {
        let mut trial = LiveTrial::new(TrialSetup { countdown_s: 0.0, duration_s: 2.0, ..Default::default() }).unwrap();
        for i in 0..90 {
            trial.update(i, i as f64 / 30.0, None);
        }
        let r = trial.result().unwrap();
        assert!(r.descriptors.as_ref().unwrap_err().contains("nobody visible"), "{:?}", r.descriptors);
        assert!(r.time_in_target_pct.is_none());
        for bad in [
            TrialSetup { duration_s: f64::NAN, ..Default::default() },
            TrialSetup { duration_s: 0.0, ..Default::default() },
            TrialSetup { target_radius_cm: -1.0, ..Default::default() },
            TrialSetup { height_cm: Some(f64::INFINITY), ..Default::default() },
            TrialSetup { countdown_s: -3.0, ..Default::default() },
        ] {
            assert!(LiveTrial::new(bad.clone()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_looping_recording_ends_the_trial() {
        let mut trial = LiveTrial::new(TrialSetup { countdown_s: 0.0, ..Default::default() }).unwrap();
        for i in 0..60 {
            trial.update(i, i as f64 / 30.0, Some(&swaying(i as usize, 0.01).pose()));
        }
        assert_eq!(trial.update(0, 0.0, Some(&Figure::standing().pose())), Phase::Finished);
        assert_eq!(trial.result().unwrap().ended_by, "the recording started again");
    }

    #[test]
    fn ratios_come_from_the_newest_trial_of_each_condition() {
        let trial = |closed: bool, foam: bool, amp: f64| {
            let setup =
                TrialSetup { countdown_s: 0.0, duration_s: 4.0, eyes_closed: closed, foam, ..Default::default() };
            let mut t = LiveTrial::new(setup).unwrap();
            for i in 0..150 {
                t.update(i as u64, i as f64 / 30.0, Some(&swaying(i, amp).pose()));
            }
            t.result().unwrap().clone()
        };
        let name = "confidence_ellipse_area_ML_AND_AP";
        let eo = trial(false, false, 0.01);
        let ec = trial(true, false, 0.02);
        let r = sensory_ratios(&[eo.clone(), ec.clone()], name);
        let (a, b) =
            (eo.descriptors.as_ref().unwrap().get(name).unwrap(), ec.descriptors.as_ref().unwrap().get(name).unwrap());
        assert!((r.romberg.unwrap() - b / a).abs() < 1e-12 && r.romberg.unwrap() > 2.0, "{r:?}");
        assert!(r.mctsib.is_none());
        let all = [eo, ec, trial(false, true, 0.015), trial(true, true, 0.03)];
        let m = sensory_ratios(&all, name).mctsib.unwrap();
        assert!(m.vestibular > m.vision && m.vision > 1.0, "{m:?}");
    }
}
