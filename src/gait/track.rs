//! Reading a recording into the pose track the gait analysis needs.
//!
//! The person detector runs on **every frame** and the biggest person of each frame is taken (no tracking from
//! frame to frame): a patient who walks in after the start is found at once, and nobody else's crop is followed
//! across the walk. [`super::walker`] then keeps the person who walks; [`super::series`] keeps the sides steady and
//! smooths.

use crate::balance::track::{PoseSample, collect};
use crate::pose::{EstimatorConfig, PersonSelector, PoseError, PoseEstimator, PoseModel, RunMode};
use crate::source::{FrameRun, FrameSource, SourceError};

/// The estimator settings for gait: `model` on every frame afresh, the biggest person, no smoothing (the gait
/// series are low-passed after the walker is chosen).
pub fn estimator_config(model: PoseModel) -> EstimatorConfig {
    EstimatorConfig {
        mode: RunMode::Stills,
        smoothing: None,
        selector: PersonSelector::Largest,
        ..EstimatorConfig::video(model)
    }
}

/// Reads `source` to its end with `estimator` (made with [`estimator_config`]); `on_skip` hears of unreadable
/// frames.
pub fn read(
    source: &mut dyn FrameSource,
    estimator: &mut PoseEstimator,
    on_skip: impl FnMut(&SourceError),
) -> Result<(Vec<PoseSample>, FrameRun), PoseError> {
    collect(source, estimator, on_skip)
}
