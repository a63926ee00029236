//! Gait training in the app: the walk's setup, the walk being measured ([`crate::gait::live::LiveWalk`]), the
//! walks done in this session, and what the patient screen shows of them (one calm cue at a time, and the steps
//! counted).

use crate::gait::live::{LiveWalk, Readout, WalkResult, WalkSetup};

/// The most walks kept on screen in one session (older ones are in the record).
pub const MAX_WALKS: usize = 20;

/// What the therapist can ask of gait training.
#[derive(Clone, Debug, PartialEq)]
pub enum GaitAction {
    /// Use this setup for the next walk.
    SetSetup(WalkSetup),
    /// Start measuring a walk.
    Start,
    /// End the walk; the whole walk is analysed and kept.
    Stop,
    /// Show this earlier walk's results.
    Show(usize),
}

/// The gait UI's state.
#[derive(Debug, Default)]
pub struct GaitState {
    /// The setup of the next walk.
    pub setup: WalkSetup,
    /// The walk being measured.
    pub walk: Option<LiveWalk>,
    /// Walks finished in this session, oldest first.
    pub results: Vec<WalkResult>,
    /// The walk whose results are shown.
    pub shown: Option<usize>,
    /// Why the last request was refused.
    pub message: Option<String>,
}

impl GaitState {
    /// Whether a walk is being measured.
    pub fn is_running(&self) -> bool {
        self.walk.is_some()
    }

    /// Does what the therapist asked; returns the walk this ended.
    pub fn apply(&mut self, action: GaitAction) -> Option<WalkResult> {
        self.message = None;
        match action {
            GaitAction::SetSetup(setup) => self.setup = setup,
            GaitAction::Start if self.walk.is_none() => match LiveWalk::new(self.setup.clone()) {
                Ok(w) => self.walk = Some(w),
                Err(e) => self.message = Some(e),
            },
            GaitAction::Start => {}
            GaitAction::Stop => {
                let r = self.walk.take()?.finish();
                if self.results.len() >= MAX_WALKS {
                    self.results.remove(0);
                }
                self.results.push(r.clone());
                self.shown = Some(self.results.len() - 1);
                return Some(r);
            }
            GaitAction::Show(i) => self.shown = (i < self.results.len()).then_some(i),
        }
        None
    }

    /// Feeds one frame to the walk being measured.
    pub fn frame(&mut self, index: u64, time_s: f64, pose: Option<&crate::pose::Pose>) {
        if let Some(w) = self.walk.as_mut() {
            w.update(index, time_s, pose);
        }
    }

    /// The walk's readout, while one is measured.
    pub fn readout(&self) -> Option<&Readout> {
        self.walk.as_ref().map(|w| w.readout())
    }

    /// The cue's words for the patient screen, while a walk is measured.
    pub fn cue_text(&self) -> Option<&str> {
        Some(self.walk.as_ref()?.cue()?.text.as_str())
    }

    /// A line for the patient screen while a walk is measured ("12 steps").
    pub fn patient_line(&self) -> Option<String> {
        let r = self.readout()?;
        Some(crate::units::count(r.steps_total as u64, "step", "steps"))
    }
}

/// The readout in words for the therapist: "Cadence 104.2 steps/min · step-time symmetry +4.3 % (right steps
/// longer) over the last 6 steps", or what is still missing.
pub fn readout_words(r: &Readout) -> String {
    let Some(c) = r.cadence_steps_per_min else {
        return format!(
            "{}: walking is timed from the first steps",
            crate::units::count(r.steps_total as u64, "step", "steps")
        );
    };
    let si = match r.symmetry_index_pct {
        Some(s) if s.abs() < 0.05 => ", step-time symmetry 0.0 % (even)".to_string(),
        Some(s) => {
            format!(", step-time symmetry {:+.1} % ({} steps longer)", s, if s > 0.0 { "right" } else { "left" })
        }
        None => String::new(),
    };
    format!(
        "Cadence {} steps/min{si} over the last {}",
        crate::units::fixed(c, 1),
        crate::units::count(r.steps as u64, "step", "steps")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gait::series::testing::walk_limping;

    #[test]
    fn a_walk_is_measured_cued_and_kept_when_stopped() {
        let mut state = GaitState::default();
        state.apply(GaitAction::Start);
        assert!(state.is_running());
        for s in walk_limping(10.0, 0.1, 1.0, 0, 0.4) {
            state.frame(s.frame, s.time_s, s.pose.as_ref());
        }
        assert_eq!(state.cue_text().unwrap(), "Longer step on your right");
        let words = readout_words(state.readout().unwrap());
        assert!(words.contains("steps/min") && words.contains("left steps longer"), "{words}");
        assert!(state.patient_line().unwrap().ends_with("steps"));
        let r = state.apply(GaitAction::Stop).unwrap();
        assert!(r.analysis.is_ok());
        assert!(!state.is_running() && state.cue_text().is_none());
        assert_eq!((state.results.len(), state.shown), (1, Some(0)));
        state.apply(GaitAction::SetSetup(WalkSetup { last_steps: 0, ..Default::default() }));
        state.apply(GaitAction::Start);
        assert!(!state.is_running());
        assert!(state.message.as_ref().unwrap().contains("2 to 40 steps"), "{:?}", state.message);
    }
}
