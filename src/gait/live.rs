//! A walk in the app: cadence and step-time symmetry over the last steps while the patient walks, cues on a chosen
//! target through the posture cue engine, and the whole walk's analysis when it ends.
//!
//! - Every [`UPDATE_S`] the last [`WINDOW_S`] of poses go through the same timing as a recording
//!   ([`super::timing`]: walker, passes, Zeni events); the steps found are merged into the walk's list of steps
//!   (a step seen again, within [`SAME_STEP_S`], is updated, not counted twice), so a step found once stays counted
//!   when it leaves the window.
//! - The **readout** is over the last [`WalkSetup::last_steps`] steps: cadence (60 / mean step time, steps/min)
//!   and step-time symmetry SI = (R − L) / (0.5 (R + L)) × 100 of the mean right and left step times (0 =
//!   even; positive = the right steps take longer). A left step ends with the left heel strike.
//! - The **cue rule**: with at least [`MIN_STEPS_PER_SIDE`] steps of each foot among the last steps, and the
//!   newest step no older than [`STALE_S`] (a patient turning or standing gets no cue), an SI beyond the target
//!   asks for a longer step on the side whose steps are shorter ("Longer step on your left": the patient's own
//!   side); a cadence under or over the target range asks for quicker or calmer steps. The conditions go through
//!   [`CueEngine`] as checkpoints, so the cues follow the posture rules: one at a time, after a delay, a minimum
//!   time on screen, a quiet gap and a cool-down.

use serde::Serialize;

use super::metrics::{Step, round};
use super::{GaitError, GaitOptions, GaitResult};
use crate::balance::track::PoseSample;
use crate::pose::{Pose, Side};
use crate::posture::checkpoint::CheckState;
use crate::posture::cues::{Cue, CueEngine, CueTiming};

/// How often the window is analysed, s.
pub const UPDATE_S: f64 = 0.5;
/// The window analysed, s (a walkway pass or several treadmill strides).
pub const WINDOW_S: f64 = 10.0;
/// Two steps of one foot closer than this are the same step seen in two windows, s.
pub const SAME_STEP_S: f64 = 0.15;
/// Fewest steps of each foot among the last steps before symmetry is judged.
pub const MIN_STEPS_PER_SIDE: usize = 2;
/// A newest step older than this means the patient is not walking now (turning, standing): no cue, s.
pub const STALE_S: f64 = 3.0;
/// The longest walk kept for its final analysis, s (older poses are dropped).
pub const MAX_WALK_S: f64 = 600.0;

/// Gait cue timing: as posture's, with a longer dwell and cool-down (a step takes half a second, and a patient
/// needs a few steps to change their walk).
pub const CUE_TIMING: CueTiming =
    CueTiming { delay_s: 1.0, cooldown_s: 8.0, min_dwell_s: 4.0, resolve_s: 1.5, gap_s: 2.0 };

/// What the therapist aims at.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GaitTarget {
    /// Largest step-time asymmetry |SI| allowed, %; `None` = no symmetry cue.
    pub max_asymmetry_pct: Option<f64>,
    /// Cadence range, steps/min; `None` = no cadence cue.
    pub cadence_steps_per_min: Option<(f64, f64)>,
}

impl Default for GaitTarget {
    fn default() -> Self {
        GaitTarget { max_asymmetry_pct: Some(10.0), cadence_steps_per_min: None }
    }
}

/// How a walk is measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WalkSetup {
    /// The target the cues aim at.
    pub target: GaitTarget,
    /// How many of the newest steps the readout covers.
    pub last_steps: usize,
    /// The patient's height, cm (scales step length and speed in the final analysis).
    pub height_cm: Option<f64>,
}

impl Default for WalkSetup {
    fn default() -> Self {
        WalkSetup { target: GaitTarget::default(), last_steps: 6, height_cm: None }
    }
}

impl WalkSetup {
    /// Checks the setup; the error says what to change.
    pub fn validate(&self) -> Result<(), String> {
        if !(2..=40).contains(&self.last_steps) {
            return Err(format!("the readout covers 2 to 40 steps, not {}", self.last_steps));
        }
        if let Some(a) = self.target.max_asymmetry_pct
            && !(a.is_finite() && (1.0..=100.0).contains(&a))
        {
            return Err(format!("the allowed asymmetry is 1 to 100 %, not {a}"));
        }
        if let Some((lo, hi)) = self.target.cadence_steps_per_min
            && !(lo.is_finite() && hi.is_finite() && 20.0 <= lo && lo < hi && hi <= 250.0)
        {
            return Err(format!(
                "the cadence range is from a lower to a higher value within 20 to 250 steps/min, not {lo} to {hi}"
            ));
        }
        if let Some(h) = self.height_cm
            && !(h.is_finite() && (50.0..=250.0).contains(&h))
        {
            return Err(format!("the patient's height is 50 to 250 cm, not {h}"));
        }
        Ok(())
    }
}

/// What a cue asks of the patient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GaitCue {
    /// Take a longer step with this foot (its steps are the shorter ones).
    LongerStep(Side),
    /// Walk a little quicker (cadence under the target).
    Quicker,
    /// Walk a little slower (cadence over the target).
    Slower,
}

impl GaitCue {
    /// Every cue, in the order the cue engine knows them.
    pub const ALL: [GaitCue; 4] =
        [GaitCue::LongerStep(Side::Left), GaitCue::LongerStep(Side::Right), GaitCue::Quicker, GaitCue::Slower];

    /// The words for the patient (calm, the patient's own side).
    pub fn text(self) -> &'static str {
        match self {
            GaitCue::LongerStep(Side::Left) => "Longer step on your left",
            GaitCue::LongerStep(_) => "Longer step on your right",
            GaitCue::Quicker => "A little quicker",
            GaitCue::Slower => "A little slower, calm steps",
        }
    }

    /// The cue engine's priority (smaller wins): symmetry before pace.
    pub fn priority(self) -> u8 {
        match self {
            GaitCue::LongerStep(_) => 1,
            _ => 2,
        }
    }
}

/// The walk so far, over the last steps.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Readout {
    /// Steps found since the walk started.
    pub steps_total: usize,
    /// Steps the readout covers (the newest, up to [`WalkSetup::last_steps`]).
    pub steps: usize,
    /// Cadence over those steps, steps/min (0.1).
    pub cadence_steps_per_min: Option<f64>,
    /// Mean left step time, s (ms).
    pub left_step_s: Option<f64>,
    /// Mean right step time, s (ms).
    pub right_step_s: Option<f64>,
    /// Step-time symmetry index, % (0.1; positive = right steps longer).
    pub symmetry_index_pct: Option<f64>,
    /// Whether the newest step is recent (the patient is walking now).
    pub walking: bool,
}

/// A finished walk.
#[derive(Clone, Debug)]
pub struct WalkResult {
    /// Its setup.
    pub setup: WalkSetup,
    /// Its length, s.
    pub duration_s: f64,
    /// The whole walk's analysis (events, steps, measures, curves), or why there is none.
    pub analysis: Result<GaitResult, GaitError>,
    /// The readout when it ended.
    pub last: Readout,
    /// Each cue shown, with how many times.
    pub cues: Vec<(&'static str, u32)>,
}

impl WalkResult {
    /// The numbers a clinic files: (measure, value, unit), rounded to what they mean; the per-side ones with their
    /// side.
    pub fn measures(&self) -> Vec<(&'static str, Option<Side>, f64, &'static str)> {
        let mut out = vec![("walk time", None, round(self.duration_s, 1), "seconds")];
        let Ok(a) = &self.analysis else { return out };
        let s = &a.summary;
        out.push(("steps", None, s.steps as f64, "count"));
        let mut push = |name, side, v: Option<f64>, unit| {
            if let Some(v) = v.filter(|v| v.is_finite()) {
                out.push((name, side, v, unit));
            }
        };
        push("cadence", None, s.cadence_steps_per_min, "steps_per_min");
        push("step-time symmetry index", None, s.step_time_symmetry_index_pct, "percent");
        push("step time", Some(Side::Left), s.step_time_s.left, "seconds");
        push("step time", Some(Side::Right), s.step_time_s.right, "seconds");
        push("stance", Some(Side::Left), s.stance_pct.left, "percent");
        push("stance", Some(Side::Right), s.stance_pct.right, "percent");
        push("double support", None, s.double_support_pct, "percent");
        push("step length", Some(Side::Left), s.step_length_m.left.map(|m| round(m * 100.0, 1)), "cm");
        push("step length", Some(Side::Right), s.step_length_m.right.map(|m| round(m * 100.0, 1)), "cm");
        push("gait speed", None, s.speed_m_per_s, "m_per_s");
        out
    }
}

/// A walk being measured. See the [module](self).
#[derive(Debug)]
pub struct LiveWalk {
    setup: WalkSetup,
    samples: Vec<PoseSample>,
    steps: Vec<Step>,
    started_s: Option<f64>,
    now_s: f64,
    analysed_s: Option<f64>,
    readout: Readout,
    cues: CueEngine,
    stopped: bool,
    time_offset_s: f64,
    segment_start_s: f64,
}

impl LiveWalk {
    /// A walk with `setup`; an error says what is wrong with it.
    pub fn new(setup: WalkSetup) -> Result<LiveWalk, String> {
        setup.validate()?;
        Ok(LiveWalk {
            setup,
            samples: Vec::new(),
            steps: Vec::new(),
            started_s: None,
            now_s: 0.0,
            analysed_s: None,
            readout: Readout::default(),
            cues: CueEngine::new(GaitCue::ALL.len(), CUE_TIMING),
            stopped: false,
            time_offset_s: 0.0,
            segment_start_s: f64::NEG_INFINITY,
        })
    }

    /// Its setup.
    pub fn setup(&self) -> &WalkSetup {
        &self.setup
    }

    /// Seconds since the first frame.
    pub fn elapsed_s(&self) -> f64 {
        self.started_s.map_or(0.0, |s| self.now_s - s)
    }

    /// The walk so far.
    pub fn readout(&self) -> &Readout {
        &self.readout
    }

    /// The steps found so far, oldest first.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The cue on screen.
    pub fn cue(&self) -> Option<&Cue> {
        self.cues.current()
    }

    /// Feeds one frame (its index, its time and the pose seen, if any); returns the cue to show.
    /// A recording that starts again from its beginning (looping) continues the walk's clock where it was.
    pub fn update(&mut self, frame: u64, time_s: f64, pose: Option<&Pose>) -> Option<&Cue> {
        if self.stopped || !time_s.is_finite() {
            return self.cues.current();
        }
        let mut time_s = time_s + self.time_offset_s;
        if let Some(last) = self.samples.last().map(|s| s.time_s)
            && time_s <= last
        {
            // The recording went back to its start: continue one frame after the last.
            let step = self.samples.windows(2).last().map_or(1.0 / 30.0, |w| w[1].time_s - w[0].time_s);
            self.time_offset_s += last + step - time_s;
            time_s = last + step;
            // The picture jumps: the windows analysed start afresh there.
            self.segment_start_s = time_s;
        }
        self.started_s.get_or_insert(time_s);
        self.now_s = time_s;
        let pose = pose.cloned().map(|mut p| {
            p.mask = None;
            p
        });
        self.samples.push(PoseSample { frame, time_s, pose });
        let keep_from = self.samples.partition_point(|s| s.time_s < time_s - MAX_WALK_S);
        if keep_from > 0 {
            self.samples.drain(..keep_from);
        }
        if self.analysed_s.is_none_or(|t| time_s - t >= UPDATE_S) {
            self.analysed_s = Some(time_s);
            self.analyse_window();
        }
        self.readout.walking = self.steps.last().is_some_and(|s| time_s - s.time_s <= STALE_S);
        let states = self.states();
        let texts: Vec<&str> = GaitCue::ALL.iter().map(|c| c.text()).collect();
        let priorities: Vec<u8> = GaitCue::ALL.iter().map(|c| c.priority()).collect();
        self.cues.update(time_s, &states, &texts, &priorities)
    }

    /// Analyses the last [`WINDOW_S`] and merges the steps found into the walk's steps; updates the readout.
    fn analyse_window(&mut self) {
        let since = (self.now_s - WINDOW_S).max(self.segment_start_s);
        let from = self.samples.partition_point(|s| s.time_s < since);
        let Ok(t) = super::timing(&self.samples[from..]) else { return };
        for s in super::metrics::steps(&t.events, &t.series, None) {
            match self.steps.iter_mut().find(|k| k.foot == s.foot && (k.time_s - s.time_s).abs() <= SAME_STEP_S) {
                Some(known) => *known = s,
                None => {
                    let at = self.steps.partition_point(|k| k.time_s < s.time_s);
                    self.steps.insert(at, s);
                }
            }
        }
        self.readout = readout(&self.steps, self.setup.last_steps);
    }

    /// Each cue's state now, in [`GaitCue::ALL`]'s order.
    fn states(&self) -> Vec<CheckState> {
        let r = &self.readout;
        let recent = self.steps.len().saturating_sub(self.setup.last_steps);
        let per_side =
            |side: Side| self.steps[recent..].iter().filter(|s| s.foot == side).count() >= MIN_STEPS_PER_SIDE;
        let judged = r.walking && per_side(Side::Left) && per_side(Side::Right);
        GaitCue::ALL
            .iter()
            .map(|c| {
                let out = match c {
                    GaitCue::LongerStep(side) => {
                        match (self.setup.target.max_asymmetry_pct, r.symmetry_index_pct) {
                            // SI > 0: the right steps take longer, so the left ones are the short ones.
                            (Some(max), Some(si)) => Some(si.abs() > max && (si > 0.0) == (*side == Side::Left)),
                            _ => None,
                        }
                    }
                    GaitCue::Quicker | GaitCue::Slower => {
                        match (self.setup.target.cadence_steps_per_min, r.cadence_steps_per_min) {
                            (Some((lo, hi)), Some(c_now)) => {
                                Some(if *c == GaitCue::Quicker { c_now < lo } else { c_now > hi })
                            }
                            _ => None,
                        }
                    }
                };
                match (judged, out) {
                    (true, Some(true)) => CheckState::Out,
                    (true, Some(false)) => CheckState::InTolerance,
                    _ => CheckState::NotVisible,
                }
            })
            .collect()
    }

    /// Ends the walk: analyses all of it (as `mirrorcue gait` analyses a recording) and gives the result.
    pub fn finish(&mut self) -> WalkResult {
        self.stopped = true;
        let options = GaitOptions { height_cm: self.setup.height_cm };
        let analysis =
            if self.samples.is_empty() { Err(GaitError::NoPerson) } else { super::analyze(&self.samples, &options) };
        let cues =
            GaitCue::ALL.iter().zip(&self.cues.shown).filter(|(_, n)| **n > 0).map(|(c, n)| (c.text(), *n)).collect();
        WalkResult {
            setup: self.setup.clone(),
            duration_s: self.elapsed_s(),
            analysis,
            last: self.readout.clone(),
            cues,
        }
    }
}

/// The readout over the newest `last` of `steps` (oldest first).
pub fn readout(steps: &[Step], last: usize) -> Readout {
    let recent = &steps[steps.len().saturating_sub(last)..];
    let mean = |side: Option<Side>| {
        let v: Vec<f64> = recent.iter().filter(|s| side.is_none_or(|d| s.foot == d)).map(|s| s.step_time_s).collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    let (left, right) = (mean(Some(Side::Left)), mean(Some(Side::Right)));
    Readout {
        steps_total: steps.len(),
        steps: recent.len(),
        cadence_steps_per_min: mean(None).filter(|m| *m > 0.0).map(|m| round(60.0 / m, 1)),
        left_step_s: left.map(|v| round(v, 3)),
        right_step_s: right.map(|v| round(v, 3)),
        symmetry_index_pct: match (left, right) {
            (Some(l), Some(r)) if l + r > 0.0 => Some(round((r - l) / (0.5 * (r + l)) * 100.0, 1)),
            _ => None,
        },
        walking: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gait::series::testing::{CYCLE_S, STRIDE, walk, walk_limping};

    /// Feeds `track` to `walk`, gathering each new cue's text and time.
    fn feed(walk: &mut LiveWalk, track: &[PoseSample]) -> Vec<(f64, String)> {
        let mut shown: Vec<(f64, String)> = Vec::new();
        for s in track {
            let cue = walk.update(s.frame, s.time_s, s.pose.as_ref()).map(|c| (c.since_s, c.text.clone()));
            if let Some(c) = cue
                && shown.last().is_none_or(|l| l.0 != c.0)
            {
                shown.push(c);
            }
        }
        shown
    }

    #[test]
    fn an_even_walk_reads_its_cadence_and_no_asymmetry_and_gets_no_cue() {
        let mut w = LiveWalk::new(WalkSetup::default()).unwrap();
        let track = walk(8.0, 0.1, 1.0, 0);
        let cues = feed(&mut w, &track);
        let r = w.readout().clone();
        let cadence = 120.0 / CYCLE_S;
        assert!(r.walking && r.steps == 6, "{r:?}");
        assert!((r.cadence_steps_per_min.unwrap() - cadence).abs() < 0.03 * cadence, "{r:?}");
        assert!(r.symmetry_index_pct.unwrap().abs() < 5.0, "{r:?}");
        assert!(cues.is_empty(), "{cues:?}");
        // Steps found in several windows are counted once: 8 s at 100 steps/min is about 13 steps.
        assert!((10..=14).contains(&r.steps_total), "{r:?}: {:?}", w.steps());
        let result = w.finish();
        let a = result.analysis.as_ref().unwrap();
        assert!((a.summary.steps as i64 - r.steps_total as i64).abs() <= 1, "{:?} vs {r:?}", a.summary);
        assert!(result.measures().iter().any(|m| m.0 == "cadence" && m.3 == "steps_per_min"));
    }

    #[test]
    fn short_right_steps_ask_for_a_longer_step_on_the_right_once_and_calmly() {
        let mut w = LiveWalk::new(WalkSetup::default()).unwrap();
        // The right heel strikes 0.4 of a cycle after the left: right steps 0.48 s, left steps 0.72 s.
        let track = walk_limping(10.0, 0.1, 1.0, 0, 0.4);
        let cues = feed(&mut w, &track);
        let r = w.readout();
        assert!(r.symmetry_index_pct.unwrap() < -30.0, "{r:?}");
        assert!(r.right_step_s.unwrap() < r.left_step_s.unwrap(), "{r:?}");
        assert_eq!(cues.len(), 1, "one calm cue, held: {cues:?}");
        assert_eq!(cues[0].1, "Longer step on your right");
        // Not before enough steps of each foot were seen.
        assert!(cues[0].0 > 2.0 * CYCLE_S, "{cues:?}");
        // The same walk mirrored (walking towards the picture's left) names the same side: the person's own.
        let mut back = LiveWalk::new(WalkSetup::default()).unwrap();
        let cues = feed(&mut back, &walk_limping(10.0, 0.1 + 10.0 * STRIDE / CYCLE_S, -1.0, 0, 0.4));
        assert_eq!(cues.first().map(|c| c.1.as_str()), Some("Longer step on your right"), "{cues:?}");
        assert_eq!(w.finish().cues, vec![("Longer step on your right", 1)]);
    }

    #[test]
    fn a_cadence_under_the_target_asks_for_quicker_steps_and_standing_still_cues_nothing() {
        let target = GaitTarget { max_asymmetry_pct: None, cadence_steps_per_min: Some((110.0, 130.0)) };
        let mut w = LiveWalk::new(WalkSetup { target, ..Default::default() }).unwrap();
        let cues = feed(&mut w, &walk(8.0, 0.1, 1.0, 0));
        assert_eq!(cues.iter().map(|c| c.1.as_str()).collect::<Vec<_>>(), vec!["A little quicker"]);
        // Standing for 6 s: the readout goes stale and the cue ends; no new one comes.
        let x = 0.1 + 8.0 * STRIDE / CYCLE_S;
        let standing: Vec<PoseSample> = (240..420)
            .map(|i| PoseSample {
                frame: i,
                time_s: i as f64 / 30.0,
                pose: Some(crate::gait::series::testing::walker_pose(0.0, x, 0.0)),
            })
            .collect();
        let more: Vec<_> = feed(&mut w, &standing).into_iter().filter(|c| c.0 >= 8.0).collect();
        assert!(more.is_empty(), "{more:?}");
        assert!(!w.readout().walking && w.cue().is_none(), "{:?}", w.readout());
    }

    #[test]
    fn a_bad_setup_is_refused_with_a_reason_and_no_pose_is_no_person() {
        let bad = WalkSetup { last_steps: 1, ..Default::default() };
        assert!(LiveWalk::new(bad).unwrap_err().contains("2 to 40 steps"));
        let bad = WalkSetup {
            target: GaitTarget { max_asymmetry_pct: None, cadence_steps_per_min: Some((120.0, 100.0)) },
            ..Default::default()
        };
        assert!(LiveWalk::new(bad).unwrap_err().contains("cadence range"));
        let mut w = LiveWalk::new(WalkSetup::default()).unwrap();
        for i in 0..60 {
            w.update(i, i as f64 / 30.0, None);
        }
        assert_eq!(w.finish().analysis.unwrap_err(), GaitError::NoPerson);
        assert_eq!(w.readout().steps_total, 0);
    }

    #[test]
    fn the_readout_is_over_the_newest_steps() {
        let step = |foot, time_s: f64, step_time_s| Step {
            foot,
            frame: (time_s * 30.0) as u64,
            time_s,
            step_time_s,
            step_length_m: None,
            pass: 0,
        };
        // Old uneven steps, then four even ones of 0.5 s.
        let mut steps = vec![step(Side::Left, 0.5, 0.9), step(Side::Right, 1.0, 0.3)];
        for k in 0..4 {
            steps.push(step(if k % 2 == 0 { Side::Left } else { Side::Right }, 1.5 + 0.5 * k as f64, 0.5));
        }
        let r = readout(&steps, 4);
        assert_eq!((r.steps, r.steps_total), (4, 6));
        assert_eq!(r.cadence_steps_per_min, Some(120.0));
        assert_eq!(r.symmetry_index_pct, Some(0.0));
        let r = readout(&steps, 6);
        // Left 0.9, 0.5, 0.5 → 0.633; right 0.3, 0.5, 0.5 → 0.433: SI = −0.2 / 0.533 × 100 = −37.5.
        assert_eq!(r.symmetry_index_pct, Some(-37.5));
    }

    #[test]
    fn a_looping_recording_continues_the_walk() {
        let mut w = LiveWalk::new(WalkSetup::default()).unwrap();
        let track = walk(4.0, 0.1, 1.0, 0);
        feed(&mut w, &track);
        let first = w.readout().steps_total;
        // The recording starts again at 0 s: the walk goes on counting.
        feed(&mut w, &track);
        assert!(first >= 4 && w.readout().steps_total >= first + 4, "{first} then {:?}", w.readout());
        assert!((w.elapsed_s() - 8.0).abs() < 0.1, "{}", w.elapsed_s());
    }
}
