//! Checkpoints and their states, with hysteresis so a value wavering at a boundary does not flicker.
//!
//! A checkpoint's limit is two-sided (the value stays within `target ± tolerance`) or one-sided: `at_most`
//! (anything up to `target + tolerance` is fine: "the knee no more than 0.10 torso lengths inside the hip–ankle
//! line", however far outside) or `at_least` (anything from `target − tolerance` up). A checkpoint can apply only
//! in a phase of a movement (`when = { rep = "squats", phase = "end" }`: at the bottom of a squat); outside it,
//! its state is [`CheckState::Inactive`] and it neither cues nor counts time.

use serde::{Deserialize, Serialize};

use super::measure::{Measure, Plane};
use crate::pose::Pose;

fn default_priority() -> u8 {
    1
}
fn default_min_score() -> f32 {
    0.3
}

/// A posture checkpoint: a measure, its target and tolerance, and the cue the patient gets when out of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// A short name ("left shoulder elevation").
    pub name: String,
    /// What is measured.
    pub measure: Measure,
    /// Image plane or BlazePose's 3D world landmarks.
    #[serde(default)]
    pub plane: Plane,
    /// The target value (degrees, or torso lengths).
    pub target: f32,
    /// How far from the target still counts as in tolerance.
    pub tolerance: f32,
    /// Priority: 1 is the most important; one cue at a time, highest priority first.
    #[serde(default = "default_priority")]
    pub priority: u8,
    /// What the patient reads when out of tolerance ("keep your shoulder down").
    pub cue: String,
    /// Seconds the posture must be held in tolerance to count as a hold (optional).
    #[serde(default)]
    pub hold_s: Option<f32>,
    /// Keypoints below this confidence make the checkpoint "not visible".
    #[serde(default = "default_min_score")]
    pub min_score: f32,
    /// Which side of the target is checked (format 2; default both).
    #[serde(default, skip_serializing_if = "Limit::is_both")]
    pub limit: Limit,
    /// Checked only in this phase of a repetition rule's movement (format 2; default always).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<PhaseCondition>,
}

/// Which side of the target a checkpoint checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// Out when the value is more than `tolerance` from the target on either side.
    #[default]
    Both,
    /// Out only when the value is above `target + tolerance`; any value below is in tolerance.
    AtMost,
    /// Out only when the value is below `target − tolerance`; any value above is in tolerance.
    AtLeast,
}

impl Limit {
    /// Whether this is the two-sided default.
    pub fn is_both(&self) -> bool {
        *self == Limit::Both
    }

    /// How far `value` is beyond the target on the checked side(s) (0 on the free side).
    pub fn excess(self, value: f32, target: f32) -> f32 {
        match self {
            Limit::Both => (value - target).abs(),
            Limit::AtMost => (value - target).max(0.0),
            Limit::AtLeast => (target - value).max(0.0),
        }
    }
}

/// A phase of a repetition rule's movement, from where its measure is against the rule's two thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// On the re-arm side of `reset_at` (standing, before a squat; arm down, before a raise).
    Rest,
    /// Between the two thresholds (on the way down or up).
    Moving,
    /// Past `count_at` (the bottom of a squat, the top of a raise).
    End,
    /// Anywhere but at rest (moving or at the end).
    Away,
}

impl Phase {
    /// Whether `self` includes the measured phase `now` (one of rest, moving, end).
    pub fn includes(self, now: Phase) -> bool {
        self == now || (self == Phase::Away && matches!(now, Phase::Moving | Phase::End))
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Rest => "at rest",
            Phase::Moving => "moving",
            Phase::End => "at the end of the movement",
            Phase::Away => "away from rest",
        }
    }
}

/// "Only in this phase of that repetition rule": `when = { rep = "squats", phase = "end" }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseCondition {
    /// The name of a `[[rep]]` rule of the same protocol.
    pub rep: String,
    /// The phase of its movement in which the checkpoint applies.
    pub phase: Phase,
}

/// Where a value stands against its checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    /// Within tolerance, comfortably.
    InTolerance,
    /// Within tolerance, but in its outer quarter.
    NearEdge,
    /// Out of tolerance.
    Out,
    /// A keypoint it needs is not seen with confidence: no verdict.
    NotVisible,
    /// Not checked now: outside the phase of the movement it applies to.
    Inactive,
}

impl CheckState {
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            CheckState::InTolerance => "in tolerance",
            CheckState::NearEdge => "near the edge",
            CheckState::Out => "out",
            CheckState::NotVisible => "not visible",
            CheckState::Inactive => "not checked in this phase",
        }
    }
}

/// Fraction of the tolerance by which a value must come back inside before an "out" ends (hysteresis).
pub const HYSTERESIS: f32 = 0.1;
/// The outer fraction of the tolerance band that counts as "near the edge".
pub const NEAR_EDGE: f32 = 0.25;

impl Checkpoint {
    /// The measured value in `pose` (`None` = not visible).
    pub fn value(&self, pose: &Pose) -> Option<f32> {
        self.measure.evaluate(pose, self.plane, self.min_score)
    }

    /// The measured value in a frame's body `pose` and `hands` (hand measures read the hands; `None` = not
    /// visible).
    pub fn value_in(&self, pose: Option<&Pose>, hands: &[crate::hands::Hand]) -> Option<f32> {
        self.measure.evaluate_in(pose, hands, self.plane, self.min_score)
    }

    /// The state of `value`, given the previous state (for hysteresis): once out, a value must come back
    /// [`HYSTERESIS`] × tolerance inside the band before it is in again.
    pub fn classify(&self, value: Option<f32>, previous: CheckState) -> CheckState {
        let Some(v) = value else { return CheckState::NotVisible };
        let d = self.limit.excess(v, self.target);
        let tol = self.tolerance.max(0.0);
        let limit = if previous == CheckState::Out { tol * (1.0 - HYSTERESIS) } else { tol };
        if d > limit {
            CheckState::Out
        } else if d > tol * (1.0 - NEAR_EDGE) {
            CheckState::NearEdge
        } else {
            CheckState::InTolerance
        }
    }

    /// Whether the value is above the target (the cue's arrow points the other way).
    pub fn above_target(&self, value: f32) -> bool {
        value > self.target
    }

    /// The unit of its values.
    pub fn unit(&self) -> crate::units::Unit {
        self.measure.unit_kind()
    }

    /// A value of this checkpoint for people, its unit written out ("12.3°", "0.12 torso lengths").
    pub fn format_value(&self, value: f32) -> String {
        crate::units::format_value(value as f64, self.unit())
    }

    /// The limit in words for people: "90.0° ± 10.0°", "at most 0.10 torso lengths", "at least 150.0°", with the
    /// phase when it applies only in one.
    pub fn describe_limit(&self) -> String {
        let u = self.unit();
        let f = |v: f32| crate::units::format_value(v as f64, u);
        let limit = match self.limit {
            Limit::Both => {
                let tol = crate::units::format_value(self.tolerance as f64, u);
                format!("{} ± {tol}", f(self.target))
            }
            Limit::AtMost => format!("at most {}", f(self.target + self.tolerance)),
            Limit::AtLeast => format!("at least {}", f(self.target - self.tolerance)),
        };
        match &self.when {
            Some(w) => format!("{limit}, {} ({})", w.phase.label(), w.rep),
            None => limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::Joint;

    fn elbow() -> Checkpoint {
        Checkpoint {
            name: "elbow".into(),
            measure: Measure::angle(Joint::LeftShoulder, Joint::LeftElbow, Joint::LeftWrist),
            plane: Plane::Image,
            target: 90.0,
            tolerance: 10.0,
            priority: 1,
            cue: "bend your elbow".into(),
            hold_s: None,
            min_score: 0.3,
            limit: Limit::Both,
            when: None,
        }
    }

    #[test]
    fn states_and_hysteresis() {
        let c = elbow();
        assert_eq!(c.classify(Some(91.0), CheckState::InTolerance), CheckState::InTolerance);
        assert_eq!(c.classify(Some(98.0), CheckState::InTolerance), CheckState::NearEdge);
        assert_eq!(c.classify(Some(100.5), CheckState::InTolerance), CheckState::Out);
        // Wavering at the boundary: once out, 99.5 is still out (must come back within 9).
        assert_eq!(c.classify(Some(99.5), CheckState::Out), CheckState::Out);
        assert_eq!(c.classify(Some(98.5), CheckState::Out), CheckState::NearEdge);
        assert_eq!(c.classify(None, CheckState::Out), CheckState::NotVisible);
    }

    /// Defect 3: a knee already outside the hip–ankle line (negative offset) is not "out" for an "at most" limit;
    /// only a knee too far inside is.
    #[test]
    fn one_sided_limits() {
        let mut c = elbow();
        c.target = 0.0;
        c.tolerance = 0.1;
        c.limit = Limit::AtMost;
        assert_eq!(c.classify(Some(-0.3), CheckState::InTolerance), CheckState::InTolerance);
        assert_eq!(c.classify(Some(0.05), CheckState::InTolerance), CheckState::InTolerance);
        assert_eq!(c.classify(Some(0.09), CheckState::InTolerance), CheckState::NearEdge);
        assert_eq!(c.classify(Some(0.12), CheckState::InTolerance), CheckState::Out);
        c.limit = Limit::AtLeast;
        c.target = 170.0;
        c.tolerance = 20.0;
        assert_eq!(c.classify(Some(178.0), CheckState::InTolerance), CheckState::InTolerance);
        assert_eq!(c.classify(Some(140.0), CheckState::InTolerance), CheckState::Out);
        assert_eq!(c.describe_limit(), "at least 150.0°");
        c.measure = Measure::OffsetFromLine {
            joint: crate::posture::Point::Joint(Joint::LeftKnee),
            line_a: crate::posture::Point::Joint(Joint::LeftHip),
            line_b: crate::posture::Point::Joint(Joint::LeftAnkle),
        };
        c.limit = Limit::AtMost;
        c.target = 0.0;
        c.tolerance = 0.1;
        c.when = Some(PhaseCondition { rep: "squats".into(), phase: Phase::End });
        assert_eq!(c.describe_limit(), "at most 0.10 torso lengths, at the end of the movement (squats)");
        assert_eq!(c.format_value(-0.0001), "0.00 torso lengths");
        assert!(Phase::Away.includes(Phase::End) && !Phase::Away.includes(Phase::Rest));
    }
}
