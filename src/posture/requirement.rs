//! The pose model a protocol needs, and whether a given model satisfies it.
//!
//! A protocol names the model it was made and tuned for (`model = "blazepose-full"`), and each checkpoint or
//! repetition rule says whether it is measured in 3D (`plane = "world"`), which only BlazePose's world landmarks
//! give. On a model without them a 3D measure falls back to the picture, where a knee bending towards the camera
//! looks straighter than it is: the shipped squat protocol then counts no squats at all. So the app switches (and
//! says so) and `mirrorcue check` warns, rather than count on the wrong model without a word.

use super::protocol::Protocol;
use crate::pose::PoseModel;

/// What a protocol needs of the pose model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelRequirement {
    /// The protocol's name.
    pub protocol: String,
    /// The model it was made and tuned for (`None`: any).
    pub model: Option<PoseModel>,
    /// The checkpoints and rules measured in 3D (empty: the picture is enough).
    pub needs_3d: Vec<String>,
}

/// Whether a model suits a protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelFit {
    /// It is the model the protocol was made for, or the protocol needs nothing particular.
    Suitable,
    /// It works (it has what the measures need), but the thresholds were set on another model.
    Different {
        /// The model the protocol was made for.
        made_for: PoseModel,
        /// In words.
        note: String,
    },
    /// It cannot measure what the protocol needs: switch.
    Unsuitable {
        /// The model to switch to.
        switch_to: PoseModel,
        /// Why, in words.
        reason: String,
    },
}

/// Whether `model` gives 3D world landmarks (BlazePose does; MoveNet sees only the picture).
pub fn has_world_landmarks(model: PoseModel) -> bool {
    model.is_blazepose()
}

impl Protocol {
    /// What this protocol needs of the pose model.
    pub fn requirement(&self) -> ModelRequirement {
        let needs_3d = self
            .checkpoints
            .iter()
            .filter(|c| c.measure.uses_world(c.plane))
            .map(|c| c.name.clone())
            .chain(self.reps.iter().filter(|r| r.measure.uses_world(r.plane)).map(|r| r.name.clone()))
            .collect();
        ModelRequirement { protocol: self.name.clone(), model: self.model, needs_3d }
    }
}

impl ModelRequirement {
    /// The model to run the protocol on: the one it names, else BlazePose full when it needs 3D, else `fallback`.
    pub fn preferred(&self, fallback: PoseModel) -> PoseModel {
        match self.model {
            Some(m) if self.needs_3d.is_empty() || has_world_landmarks(m) => m,
            _ if !self.needs_3d.is_empty() => PoseModel::BlazeposeFull,
            _ => fallback,
        }
    }

    /// Whether `model` satisfies the protocol, and what to switch to if not.
    pub fn check(&self, model: PoseModel) -> ModelFit {
        if !self.needs_3d.is_empty() && !has_world_landmarks(model) {
            let switch_to = self.preferred(PoseModel::BlazeposeFull);
            return ModelFit::Unsuitable {
                switch_to,
                reason: format!(
                    "\"{}\" measures {} in 3D, which only BlazePose gives; {} sees only the picture, where a joint \
                     bending towards the camera looks straighter than it is, so its checks and repetitions would be \
                     wrong (squats may not count at all). Use {}.",
                    self.protocol,
                    self.needs_3d.join(", "),
                    model.label(),
                    switch_to.label()
                ),
            };
        }
        match self.model {
            Some(m) if m != model => ModelFit::Different {
                made_for: m,
                note: format!(
                    "\"{}\" was made for {}; on {} its targets and thresholds may need adjusting.",
                    self.protocol,
                    m.label(),
                    model.label()
                ),
            },
            _ => ModelFit::Suitable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn squat() -> Protocol {
        Protocol::load(&crate::assets::locate("assets/protocols").join("squat_knee_alignment.toml")).unwrap()
    }

    /// Defect 1: the squat protocol on MoveNet Lightning is unsuitable, with BlazePose full to switch to.
    #[test]
    fn the_squat_protocol_needs_blazepose() {
        let r = squat().requirement();
        assert_eq!(r.model, Some(PoseModel::BlazeposeFull));
        assert_eq!(r.needs_3d, vec!["squats".to_string()]);
        match r.check(PoseModel::MovenetLightning) {
            ModelFit::Unsuitable { switch_to, reason } => {
                assert_eq!(switch_to, PoseModel::BlazeposeFull);
                assert!(reason.contains("3D") && reason.contains("MoveNet Lightning"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(r.check(PoseModel::BlazeposeFull), ModelFit::Suitable);
        assert!(matches!(r.check(PoseModel::BlazeposeLite), ModelFit::Different { .. }));
        assert_eq!(r.preferred(PoseModel::MovenetLightning), PoseModel::BlazeposeFull);
    }

    #[test]
    fn a_picture_protocol_runs_anywhere() {
        let mut p = squat();
        p.reps.clear();
        p.model = None;
        let r = p.requirement();
        assert_eq!(r.check(PoseModel::MovenetLightning), ModelFit::Suitable);
        assert_eq!(r.preferred(PoseModel::MovenetThunder), PoseModel::MovenetThunder);
    }
}
