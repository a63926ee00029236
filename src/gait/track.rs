//! Reading a recording into the pose track the gait analysis needs.
//!
//! The model follows a person from frame to frame (its crop comes from the previous frame's landmarks, which holds
//! on where the person detector alone misses a side-on walker), and every [`REDETECT_S`] seconds the person
//! detector searches the whole frame again and takes the biggest person: a patient who walks in after the start is
//! found within that time, and nobody else is followed for longer. (Searching only while the followed person stands
//! still was tried: on the walk clip it lost the woman's first steps and let a left/right flip through.)
//! [`super::walker`] then keeps the person who walks; [`super::series`] keeps the sides steady and smooths.

use crate::balance::track::PoseSample;
use crate::pose::{EstimatorConfig, PersonSelector, PoseError, PoseEstimator, PoseModel};
use crate::source::{Flow, FrameRun, FrameSource, SourceError, for_each_frame};

/// How often the whole frame is searched for the biggest person, s.
pub const REDETECT_S: f64 = 0.33;

/// The estimator settings for gait: `model` on a video, the biggest person, no smoothing (the gait series are
/// low-passed once the walker is chosen).
pub fn estimator_config(model: PoseModel) -> EstimatorConfig {
    EstimatorConfig { smoothing: None, selector: PersonSelector::Largest, ..EstimatorConfig::video(model) }
}

/// Reads `source` to its end with `estimator` (made with [`estimator_config`]), searching the whole frame again
/// every [`REDETECT_S`]; `on_skip` hears of unreadable frames.
pub fn read(
    source: &mut dyn FrameSource,
    estimator: &mut PoseEstimator,
    on_skip: impl FnMut(&SourceError),
) -> Result<(Vec<PoseSample>, FrameRun), PoseError> {
    let mut samples = Vec::new();
    let mut last_look: Option<f64> = None;
    let run = for_each_frame(source, on_skip, |frame| -> Result<Flow, PoseError> {
        if last_look.is_some_and(|t| frame.time_s - t >= REDETECT_S - 1e-6) {
            estimator.reset();
            last_look = None;
        }
        if last_look.is_none() {
            last_look = Some(frame.time_s);
        }
        let pose = estimator.estimate(&frame)?.map(|mut p| {
            p.mask = None;
            p
        });
        samples.push(PoseSample { frame: frame.index, time_s: frame.time_s, pose });
        Ok(Flow::Continue)
    })?;
    Ok((samples, run))
}
