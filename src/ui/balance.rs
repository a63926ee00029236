//! Balance training in the app: the trial's setup, the running trial ([`crate::balance::live::LiveTrial`]), the
//! trials done in this session, and what the patient screen shows of them (the count-down and timer, the centre
//! of mass as a dot in a target circle over the feet).

use crate::balance::clinical::TestKind;
use crate::balance::live::{LiveResult, LiveTrial, Phase, TrialSetup};
use crate::balance::los::{DIRECTIONS, DirectionResult, LosDrill, LosPhase, LosSetup};
use crate::pose::{Joint, Pose};
use crate::view::ViewTransform;

/// How long the patient screen shows a finished trial's result, s.
pub const RESULT_SHOWN_S: f64 = 10.0;

/// The most trials kept on screen in one session (older ones are in the record).
pub const MAX_RESULTS: usize = 50;

/// What the therapist can ask of balance training.
#[derive(Clone, Debug, PartialEq)]
pub enum BalanceAction {
    /// Use this setup for the next trial.
    SetSetup(TrialSetup),
    /// Start a trial (its count-down first).
    Start,
    /// Use this setup for the next limits-of-stability drill.
    SetDrillSetup(LosSetup),
    /// Start the limits-of-stability drill.
    StartDrill,
    /// Stop the trial or drill now; its result is kept.
    Stop,
    /// The patient lost their balance now.
    MarkLoss,
    /// Show this earlier trial's stabilogram.
    Show(usize),
    /// Forget the trials of this session (they stay in the record).
    Clear,
}

/// The balance UI's state.
#[derive(Default)]
pub struct BalanceState {
    /// The setup of the next trial.
    pub setup: TrialSetup,
    /// The trial running (or counting down).
    pub trial: Option<LiveTrial>,
    /// The setup of the next limits-of-stability drill.
    pub drill_setup: LosSetup,
    /// The drill running.
    pub drill: Option<LosDrill>,
    /// The last drill's results.
    pub drill_results: Option<Vec<DirectionResult>>,
    /// Trials finished in this session, oldest first.
    pub results: Vec<LiveResult>,
    /// The trial whose stabilogram is shown.
    pub shown: Option<usize>,
    /// Why the last request was refused.
    pub message: Option<String>,
    /// The newest time seen on the source, s.
    pub now_s: f64,
    /// When the last trial finished (the source's clock), s.
    pub finished_at_s: Option<f64>,
}

/// The target on the patient screen, in the displayed image's normalised coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TargetDisplay {
    /// The circle's centre (over the base of support).
    pub centre: (f32, f32),
    /// The direction of the person's left on the displayed image (not normalised: a mirrored view turns it).
    pub left: (f32, f32),
    /// The dot, in target radii: (towards the person's left, forwards drawn upwards).
    pub dot: (f32, f32),
    /// The drill's goal, in target radii like the dot.
    pub goal: Option<(f32, f32)>,
    /// Whether the dot is inside the circle.
    pub inside: bool,
}

/// What the patient screen shows of a trial.
#[derive(Clone, Debug, PartialEq)]
pub struct BalanceDisplay {
    /// One calm line: "Get ready… 3", "Stand still: 24 s", "Done: 30 s".
    pub headline: String,
    /// The target and the dot (while the centre of mass is measured).
    pub target: Option<TargetDisplay>,
}

/// What finished on a frame or by the therapist's Stop (for the record).
#[derive(Clone, Debug)]
pub enum Finished {
    /// A trial, with its result.
    Trial(Box<LiveResult>),
    /// A limits-of-stability drill, with each direction's result.
    Drill(Vec<DirectionResult>),
}

impl BalanceState {
    /// Whether a trial or drill is counting down or running.
    pub fn is_running(&self) -> bool {
        self.trial.as_ref().is_some_and(|t| t.result().is_none()) || self.drill.is_some()
    }

    /// Does what the therapist asked; returns what this stopped.
    pub fn apply(&mut self, action: BalanceAction) -> Option<Finished> {
        self.message = None;
        match action {
            BalanceAction::SetSetup(setup) => self.setup = setup,
            BalanceAction::Start if !self.is_running() => match LiveTrial::new(self.setup.clone()) {
                Ok(t) => self.trial = Some(t),
                Err(e) => self.message = Some(e.to_string()),
            },
            BalanceAction::SetDrillSetup(setup) => self.drill_setup = setup,
            BalanceAction::StartDrill if !self.is_running() => match LosDrill::new(self.drill_setup.clone()) {
                Ok(d) => self.drill = Some(d),
                Err(e) => self.message = Some(e.to_string()),
            },
            BalanceAction::Start | BalanceAction::StartDrill => {}
            BalanceAction::Stop => {
                if let Some(t) = self.trial.as_mut() {
                    t.stop();
                }
                if let Some(d) = self.drill.as_mut() {
                    d.stop();
                }
                return self.collect();
            }
            BalanceAction::MarkLoss => {
                if let Some(t) = self.trial.as_mut() {
                    t.mark_loss(self.now_s);
                }
            }
            BalanceAction::Show(i) => self.shown = (i < self.results.len()).then_some(i),
            BalanceAction::Clear => {
                self.results.clear();
                self.shown = None;
            }
        }
        None
    }

    /// Feeds one frame to the running trial or drill; returns what this frame finished.
    pub fn frame(&mut self, index: u64, time_s: f64, pose: Option<&Pose>) -> Option<Finished> {
        self.now_s = time_s;
        if let Some(d) = self.drill.as_mut() {
            d.update(index, time_s, pose);
        } else if let Some(t) = self.trial.as_mut() {
            t.update(index, time_s, pose);
        }
        self.collect()
    }

    /// Moves a finished trial's or drill's result to where it is shown; returns it.
    fn collect(&mut self) -> Option<Finished> {
        if let Some(d) = &self.drill {
            d.trial().result()?;
            let r = d.results().to_vec();
            self.drill = None;
            self.drill_results = Some(r.clone());
            return Some(Finished::Drill(r));
        }
        let r = self.trial.as_ref()?.result()?.clone();
        self.trial = None;
        if self.results.len() >= MAX_RESULTS {
            self.results.remove(0);
        }
        self.results.push(r.clone());
        self.shown = Some(self.results.len() - 1);
        self.finished_at_s = Some(self.now_s);
        Some(Finished::Trial(Box::new(r)))
    }

    /// What the patient screen shows now: the running trial's phase and target, else the last result for
    /// [`RESULT_SHOWN_S`].
    pub fn display(&self, pose: Option<&Pose>, view: Option<&ViewTransform>) -> Option<BalanceDisplay> {
        if let Some(d) = &self.drill {
            let (headline, goal) = match d.phase(self.now_s) {
                LosPhase::Preparing => ("Get ready: stand still".to_string(), None),
                LosPhase::Target { index, left_s } => {
                    let g = LosDrill::goal(index);
                    (format!("Lean {}: {} s", lean_words(index), left_s.ceil() as u32), Some((g.0 as f32, g.1 as f32)))
                }
                LosPhase::Finished => ("Done".to_string(), None),
            };
            let target = target(d.trial(), pose, view).map(|t| TargetDisplay { goal, ..t });
            return Some(BalanceDisplay { headline, target });
        }
        let Some(trial) = &self.trial else {
            let recent = self.finished_at_s.is_some_and(|t| (0.0..RESULT_SHOWN_S).contains(&(self.now_s - t)));
            let r = self.results.last().filter(|_| recent)?;
            return Some(BalanceDisplay { headline: result_headline(r), target: None });
        };
        let headline = match trial.phase(self.now_s) {
            Phase::CountingDown(left) => format!("Get ready… {}", left.ceil().max(1.0) as u32),
            Phase::Running { left_s, .. } => {
                let what = match trial.setup().test {
                    TestKind::SingleLeg => "Stand on one leg",
                    _ => "Stand still",
                };
                format!("{what}: {} s", left_s.ceil() as u32)
            }
            Phase::Finished => "Done".into(),
        };
        Some(BalanceDisplay { headline, target: target(trial, pose, view) })
    }
}

/// The trial's target and dot where `view` shows the feet.
fn target(trial: &LiveTrial, pose: Option<&Pose>, view: Option<&ViewTransform>) -> Option<TargetDisplay> {
    let (fb, pose, view) = (trial.feedback()?, pose?, view?);
    let base = feet_centre(pose)?;
    let centre = view.map_real(base.0, base.1);
    let (l, r) = (pose.get(Joint::LeftHip)?, pose.get(Joint::RightHip)?);
    let (lx, ly) = view.map_real(l.x, l.y);
    let (rx, ry) = view.map_real(r.x, r.y);
    let radius = trial.setup().target_radius_cm;
    Some(TargetDisplay {
        centre,
        left: (lx - rx, ly - ry),
        dot: ((fb.offset_cm.0 / radius) as f32, (fb.offset_cm.1 / radius) as f32),
        goal: None,
        inside: fb.inside,
    })
}

/// The drill's direction `index` in the patient's words ("forwards and to your right").
pub fn lean_words(index: usize) -> &'static str {
    match DIRECTIONS[index.min(7)].0 {
        "forwards" => "forwards",
        "forwards-right" => "forwards and to your right",
        "right" => "to your right",
        "backwards-right" => "backwards and to your right",
        "backwards" => "backwards",
        "backwards-left" => "backwards and to your left",
        "left" => "to your left",
        _ => "forwards and to your left",
    }
}

/// A finished trial in one line for the patient: "Done: 30 s in the target 92 % of the time".
pub fn result_headline(r: &LiveResult) -> String {
    let time = crate::units::format_seconds(r.duration_s);
    match r.time_in_target_pct {
        Some(p) if r.setup.test != TestKind::SingleLeg => {
            format!("Done: {time}, {}% in the target", p.round() as i64)
        }
        _ => format!("Done: {time}"),
    }
}

/// The middle of the feet on the image (ankles, heels and toes found), normalised.
pub fn feet_centre(pose: &Pose) -> Option<(f32, f32)> {
    let pts: Vec<(f32, f32)> = crate::balance::body::FEET
        .iter()
        .filter_map(|&j| pose.get(j).filter(|k| k.score >= 0.3))
        .map(|k| (k.x, k.y))
        .collect();
    if pts.len() < 2 {
        return None;
    }
    let n = pts.len() as f32;
    Some((pts.iter().map(|p| p.0).sum::<f32>() / n, pts.iter().map(|p| p.1).sum::<f32>() / n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::balance::testing::Figure;
    use crate::view::{MirrorMode, Seam, ViewTransform};

    fn run(state: &mut BalanceState, from: usize, frames: usize, lean: f64) {
        let mut f = Figure::standing();
        f.lean(lean, 0.0);
        let pose = f.pose();
        for i in from..from + frames {
            state.frame(i as u64, i as f64 / 30.0, Some(&pose));
        }
    }

    #[test]
    fn the_dot_moves_towards_the_persons_left_on_screen_in_either_view() {
        let mut state = BalanceState::default();
        state.apply(BalanceAction::SetSetup(TrialSetup { countdown_s: 0.0, ..Default::default() }));
        state.apply(BalanceAction::Start);
        run(&mut state, 0, 45, 0.0);
        run(&mut state, 45, 15, 0.05);
        let f = Figure::standing();
        let mut leaned = f.clone();
        leaned.lean(0.05, 0.0);
        let pose = leaned.pose();
        for (mode, screen_left_is_right) in [(MirrorMode::Off, true), (MirrorMode::Mirror, false)] {
            let view = ViewTransform::new(mode, 1000, 1000, Seam::vertical(500.0), None, false, 0.0);
            let d = state.display(Some(&pose), Some(&view)).unwrap();
            assert!(d.headline.starts_with("Stand still"), "{}", d.headline);
            let t = d.target.unwrap();
            assert!(!t.inside && t.dot.0 > 1.0, "{t:?}");
            // Facing the camera, the person's left is on the image's right; a mirror puts it on the left.
            assert_eq!(t.left.0 > 0.0, screen_left_is_right, "{mode:?}: {t:?}");
            assert!(t.centre.1 > 0.8, "the target is at the feet: {t:?}");
        }
    }

    #[test]
    fn a_stopped_trial_is_kept_and_shown_and_a_bad_setup_is_refused_with_a_reason() {
        let mut state = BalanceState::default();
        state.apply(BalanceAction::SetSetup(TrialSetup { countdown_s: 0.0, ..Default::default() }));
        state.apply(BalanceAction::Start);
        run(&mut state, 0, 90, 0.0);
        assert!(state.is_running());
        state.apply(BalanceAction::MarkLoss);
        state.apply(BalanceAction::Stop);
        assert!(!state.is_running());
        assert_eq!(state.results.len(), 1);
        assert_eq!(state.results[0].losses.len(), 1);
        assert_eq!(state.shown, Some(0));
        let d = state.display(None, None).unwrap();
        assert!(d.headline.starts_with("Done: 3.0 s"), "{}", d.headline);
        // Ten seconds later the patient screen is clear again.
        run(&mut state, 90, 301, 0.0);
        assert!(state.display(None, None).is_none());
        state.apply(BalanceAction::SetSetup(TrialSetup { duration_s: -1.0, ..Default::default() }));
        state.apply(BalanceAction::Start);
        assert!(state.trial.is_none());
        assert!(state.message.as_ref().unwrap().contains("trial length"), "{:?}", state.message);
    }

    #[test]
    fn the_drill_shows_one_goal_at_a_time_in_the_patients_words() {
        let mut state = BalanceState::default();
        let setup = LosSetup { countdown_s: 0.0, per_target_s: 2.0, ..Default::default() };
        state.apply(BalanceAction::SetDrillSetup(setup));
        state.apply(BalanceAction::StartDrill);
        // The centre (1 s), the first target (2 s), and into the second.
        run(&mut state, 0, 95, 0.0);
        let pose = Figure::standing().pose();
        let view = ViewTransform::new(MirrorMode::Off, 1000, 1000, Seam::vertical(500.0), None, false, 0.0);
        let d = state.display(Some(&pose), Some(&view)).unwrap();
        assert!(d.headline.starts_with("Lean forwards and to your right"), "{}", d.headline);
        let goal = d.target.unwrap().goal.unwrap();
        // The person's right is ML negative; forwards is AP positive.
        assert!(goal.0 < 0.0 && goal.1 > 0.0, "{goal:?}");
        run(&mut state, 95, 30 * 16, 0.0);
        assert!(state.drill.is_none());
        assert_eq!(state.drill_results.as_ref().unwrap().len(), 8);
    }
}
