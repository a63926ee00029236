//! The limits-of-stability drill: the patient leans their centre of mass toward eight targets around them, one
//! after the other, and back, without moving the feet. For each direction: the **reach** (the furthest the centre
//! of mass went along it, cm and % of the target's distance) and the **time** until it first reached the target.
//!
//! The centre of mass and its target circle come from a [`LiveTrial`] of quiet standing (its first
//! [`super::live::BASELINE_S`] set the centre); the targets are on a circle of `reach_cm` around it. Directions
//! are the person's: forwards, forwards-right, right, … (right = towards the person's right, ML negative). AP
//! (forwards and backwards) needs BlazePose's world landmarks; in the image plane only the sideways directions
//! can be measured, and the others say so.

use super::BalanceError;
use super::clinical::TestKind;
use super::live::{BASELINE_S, LiveTrial, Phase, TrialSetup};
use crate::pose::Pose;

/// The eight directions, clockwise from forwards, as (name, unit vector (ML to the left, AP forwards)).
pub const DIRECTIONS: [(&str, (f64, f64)); 8] = [
    ("forwards", (0.0, 1.0)),
    ("forwards-right", (-std::f64::consts::FRAC_1_SQRT_2, std::f64::consts::FRAC_1_SQRT_2)),
    ("right", (-1.0, 0.0)),
    ("backwards-right", (-std::f64::consts::FRAC_1_SQRT_2, -std::f64::consts::FRAC_1_SQRT_2)),
    ("backwards", (0.0, -1.0)),
    ("backwards-left", (std::f64::consts::FRAC_1_SQRT_2, -std::f64::consts::FRAC_1_SQRT_2)),
    ("left", (1.0, 0.0)),
    ("forwards-left", (std::f64::consts::FRAC_1_SQRT_2, std::f64::consts::FRAC_1_SQRT_2)),
];

/// The drill's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct LosSetup {
    /// The targets' distance from the centre, cm.
    pub reach_cm: f64,
    /// Time given for each direction (lean and come back), s.
    pub per_target_s: f64,
    /// The count-down before the first target, s.
    pub countdown_s: f64,
    /// The patient's height, cm (see [`TrialSetup::height_cm`]).
    pub height_cm: Option<f64>,
}

impl Default for LosSetup {
    fn default() -> LosSetup {
        LosSetup { reach_cm: 8.0, per_target_s: 6.0, countdown_s: 3.0, height_cm: None }
    }
}

/// One direction's result.
#[derive(Clone, Debug, PartialEq)]
pub struct DirectionResult {
    /// Its name ("forwards-right").
    pub direction: &'static str,
    /// The furthest the centre of mass went along it, cm (`None` when it could not be measured).
    pub reach_cm: Option<f64>,
    /// The reach in % of the target's distance.
    pub reach_pct: Option<f64>,
    /// From the target's appearance until the centre of mass first reached it, s (`None`: not reached).
    pub time_s: Option<f64>,
}

/// The drill, fed frame by frame.
pub struct LosDrill {
    setup: LosSetup,
    trial: LiveTrial,
    results: Vec<DirectionResult>,
    ap_observable: bool,
}

/// Where the drill is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LosPhase {
    /// Before the first target (count-down, then the centre is taken while the patient stands still).
    Preparing,
    /// Target `index` of [`DIRECTIONS`] is shown; `left_s` remain for it.
    Target {
        /// Which direction.
        index: usize,
        /// Seconds left for it.
        left_s: f64,
    },
    /// All eight done.
    Finished,
}

impl LosDrill {
    /// A drill with `setup` (checked).
    pub fn new(setup: LosSetup) -> Result<LosDrill, BalanceError> {
        if !(setup.reach_cm > 0.0 && setup.reach_cm <= 40.0) {
            return Err(BalanceError::Parameter(format!(
                "the reach must be above 0 and at most 40 cm, not {}",
                setup.reach_cm
            )));
        }
        if !(2.0..=20.0).contains(&setup.per_target_s) {
            return Err(BalanceError::Parameter(format!(
                "the time per target must be 2 to 20 s, not {}",
                setup.per_target_s
            )));
        }
        let trial = LiveTrial::new(TrialSetup {
            test: TestKind::Quiet,
            eyes_closed: false,
            foam: false,
            duration_s: BASELINE_S + 8.0 * setup.per_target_s,
            countdown_s: setup.countdown_s,
            height_cm: setup.height_cm,
            target_radius_cm: setup.reach_cm,
        })?;
        let results = DIRECTIONS
            .iter()
            .map(|(name, _)| DirectionResult { direction: name, reach_cm: None, reach_pct: None, time_s: None })
            .collect();
        Ok(LosDrill { setup, trial, results, ap_observable: true })
    }

    /// The quiet-standing trial underneath (its feedback is the dot on the patient screen).
    pub fn trial(&self) -> &LiveTrial {
        &self.trial
    }

    /// The results so far (all eight directions, unmeasured ones empty).
    pub fn results(&self) -> &[DirectionResult] {
        &self.results
    }

    /// Where the drill is at `now_s`.
    pub fn phase(&self, now_s: f64) -> LosPhase {
        match self.trial.phase(now_s) {
            Phase::Finished => LosPhase::Finished,
            Phase::CountingDown(_) => LosPhase::Preparing,
            Phase::Running { elapsed_s, .. } if elapsed_s < BASELINE_S => LosPhase::Preparing,
            Phase::Running { elapsed_s, .. } => {
                let t = elapsed_s - BASELINE_S;
                let index = ((t / self.setup.per_target_s) as usize).min(7);
                LosPhase::Target { index, left_s: (index as f64 + 1.0) * self.setup.per_target_s - t }
            }
        }
    }

    /// Takes one frame; returns the phase after it.
    pub fn update(&mut self, frame: u64, time_s: f64, pose: Option<&Pose>) -> LosPhase {
        self.trial.update(frame, time_s, pose);
        let phase = self.phase(time_s);
        if let (LosPhase::Target { index, left_s }, Some(fb)) = (phase, self.trial.feedback()) {
            self.ap_observable = fb.ap_observable;
            let u = DIRECTIONS[index].1;
            let along = fb.offset_cm.0 * u.0 + fb.offset_cm.1 * u.1;
            let r = &mut self.results[index];
            if u.1 != 0.0 && !fb.ap_observable {
                return phase;
            }
            if r.reach_cm.is_none_or(|best| along > best) {
                r.reach_cm = Some(along);
                r.reach_pct = Some(100.0 * along / self.setup.reach_cm);
            }
            if r.time_s.is_none() && along >= self.setup.reach_cm {
                r.time_s = Some(self.setup.per_target_s - left_s);
            }
        }
        phase
    }

    /// Stops the drill now.
    pub fn stop(&mut self) {
        self.trial.stop();
    }

    /// Whether AP could be measured (false in the image plane: the forwards and backwards targets stay empty).
    pub fn ap_observable(&self) -> bool {
        self.ap_observable
    }

    /// The goal of target `index` in target radii (ML to the left, AP forwards): on the circle.
    pub fn goal(index: usize) -> (f64, f64) {
        DIRECTIONS[index.min(7)].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::balance::testing::Figure;

    #[test]
    fn a_patient_who_reaches_left_and_right_but_not_forwards_is_measured_so() {
        let setup = LosSetup { reach_cm: 4.0, per_target_s: 3.0, countdown_s: 0.0, height_cm: None };
        let mut drill = LosDrill::new(setup).unwrap();
        let fps = 30.0;
        let mut i = 0u64;
        let mut phase = LosPhase::Preparing;
        while phase != LosPhase::Finished && i < 2000 {
            let t = i as f64 / fps;
            let mut f = Figure::standing();
            if let LosPhase::Target { index, left_s } = drill.phase(t) {
                // Sideways: lean 10 cm at the hips after 1 s; forwards and backwards: stay upright.
                let lean = if 3.0 - left_s > 1.0 { 0.10 } else { 0.0 };
                match DIRECTIONS[index].0 {
                    // The figure's left is +x.
                    "left" => f.lean(lean, 0.0),
                    "right" => f.lean(-lean, 0.0),
                    _ => {}
                }
            }
            phase = drill.update(i, t, Some(&f.pose()));
            i += 1;
        }
        assert_eq!(phase, LosPhase::Finished);
        let by = |name: &str| drill.results().iter().find(|r| r.direction == name).unwrap().clone();
        for side in ["left", "right"] {
            let r = by(side);
            assert!(r.reach_cm.unwrap() > 4.0, "{r:?}");
            let t = r.time_s.unwrap();
            assert!(t > 1.0 && t < 2.0, "{r:?}");
        }
        let f = by("forwards");
        assert!(f.reach_cm.unwrap() < 1.0 && f.time_s.is_none(), "{f:?}");
        assert!(LosDrill::new(LosSetup { reach_cm: f64::NAN, ..Default::default() }).is_err());
    }
}
