//! Checkpoints and their states, with hysteresis so a value wavering at a boundary does not flicker.

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
}

impl CheckState {
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            CheckState::InTolerance => "in tolerance",
            CheckState::NearEdge => "near the edge",
            CheckState::Out => "out",
            CheckState::NotVisible => "not visible",
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

    /// The state of `value`, given the previous state (for hysteresis): once out, a value must come back
    /// [`HYSTERESIS`] × tolerance inside the band before it is in again.
    pub fn classify(&self, value: Option<f32>, previous: CheckState) -> CheckState {
        let Some(v) = value else { return CheckState::NotVisible };
        let d = (v - self.target).abs();
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
}
