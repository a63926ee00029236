//! Gait from one camera: steps, timing and joint curves, from a pose track.
//!
//! ```text
//! pose track ─▶ walker (whom) ─▶ series (sides kept, gaps filled, low-passed) ─▶ passes (direction, view)
//!            ─▶ events (heel strike, toe-off) ─▶ metrics (steps, strides, cadence, stance, symmetry)
//!                                            ─▶ kinematics ─▶ curves (0–100% of the cycle), per-cycle values
//! ```
//! - [`track`]: a recording read into a pose track (the detector on every frame);
//! - [`walker`]: which person walks, when several are seen one after another or together;
//! - [`series`]: the per-frame positions the analysis reads, in frame heights, gaps bridged, low-passed;
//! - [`passes`]: the walking direction found from the pelvis, turns splitting the walk into passes, side or front
//!   view;
//! - [`events`]: heel strikes and toe-offs (Zeni et al. 2008, as Stenum et al. 2021 applied it to video);
//! - [`metrics`]: step and stride time, cadence, stance, swing, double support, symmetry, step length and speed;
//! - [`kinematics`]: hip, knee and ankle flexion and trunk lean per frame (degrees);
//! - [`curves`]: the angles normalised to the gait cycle (101 points), mean and band, per-cycle values;
//! - [`earlier`]: the last measured walk of an earlier session, read back from the record (today's curves against
//!   it);
//! - [`live`]: a walk in the app: cadence and step-time symmetry over the last steps, and cues on a target;
//! - [`plot`]: the clinical plot (rows hip to ankle, left against right, toe-off lines) as SVG.
//!
//! Left and right are always the person's own sides: the pose's labels, kept steady by
//! [`crate::pose::sides::SideKeeper`]. Frames are the recording's frame indices; times in seconds.

pub mod curves;
pub mod earlier;
pub mod events;
pub mod kinematics;
pub mod live;
pub mod metrics;
pub mod passes;
pub mod plot;
pub mod series;
pub mod track;
pub mod walker;

use serde::Serialize;
use thiserror::Error;

pub use curves::{CycleValues, JointCurves, SideCurve};
pub use events::{EventKind, GaitEvent};
pub use metrics::{Step, Summary};
pub use passes::{Pass, View};

use crate::balance::track::PoseSample;

/// Why a recording gave no gait result.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum GaitError {
    /// No frame held a person.
    #[error("no person was found in the recording")]
    NoPerson,
    /// A person was seen but did not walk (the pelvis hardly moved, or the walk was too short to time).
    #[error("no walking was found: {0}")]
    NoWalking(String),
    /// Walking was seen, but fewer than two heel strikes could be timed.
    #[error("too few steps to measure: {0}")]
    TooFewSteps(String),
}

/// Settings of the analysis.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GaitOptions {
    /// The patient's height in cm: scales step length and speed (otherwise they are not given).
    pub height_cm: Option<f64>,
}

/// Everything measured on one recording.
#[derive(Clone, Debug, Serialize)]
pub struct GaitResult {
    /// Frames per second of the recording (from its timestamps).
    pub fps: f64,
    /// The frames of the person analysed (first, last), and how many other people were set aside.
    pub walker: walker::WalkerInfo,
    /// Side or front view.
    pub view: View,
    /// The passes (one per direction of walking).
    pub passes: Vec<Pass>,
    /// Heel strikes and toe-offs, in time order.
    pub events: Vec<GaitEvent>,
    /// One entry per step (from one heel strike to the next of the other foot).
    pub steps: Vec<Step>,
    /// The summary measures.
    pub summary: Summary,
    /// Joint angles over the gait cycle (side view only).
    pub curves: Option<JointCurves>,
    /// Per-cycle values (peak knee flexion in swing, knee angle at heel strike).
    pub cycles: Vec<CycleValues>,
    /// Metres per frame height, when the patient's height was given.
    pub metres_per_unit: Option<f64>,
}

/// The timing part of the analysis: who walks, the series, the view, the passes and the events, without steps,
/// measures or curves (what live training reads every half second, see [`live`]).
pub struct Timing {
    /// The person analysed.
    pub walker: walker::WalkerInfo,
    /// The walker's positions.
    pub series: series::Series,
    /// Side or front view.
    pub view: View,
    /// The passes.
    pub passes: Vec<Pass>,
    /// Heel strikes and toe-offs, in time order.
    pub events: Vec<GaitEvent>,
}

/// Finds the walker, the passes and the events of a pose track (see [`analyze`]).
pub fn timing(samples: &[PoseSample]) -> Result<Timing, GaitError> {
    let (track, walker) = walker::pick(samples).ok_or(GaitError::NoPerson)?;
    let series = series::Series::from_track(&track)
        .ok_or_else(|| GaitError::NoWalking("the person was seen in too few frames (at least 1 s is needed)".into()))?;
    let (view, passes) = passes::find(&series)?;
    let events = events::detect(&series, &passes, view);
    Ok(Timing { walker, series, view, passes, events })
}

/// Analyses a pose track: finds the walker, the passes, the events, the measures and the curves.
///
/// The track is one entry per frame (a pose or none), as [`crate::balance::track::collect`] gives it; `options`
/// scales distances. Errors say why nothing could be measured (no person, no walking, too few steps); a track
/// that holds walking never makes this panic.
pub fn analyze(samples: &[PoseSample], options: &GaitOptions) -> Result<GaitResult, GaitError> {
    let Timing { walker: info, series, view, passes, events } = timing(samples)?;
    let heel_strikes = events.iter().filter(|e| e.kind == EventKind::HeelStrike).count();
    if heel_strikes < 2 {
        return Err(GaitError::TooFewSteps(format!(
            "{heel_strikes} heel strike(s) found; at least two (one step) are needed"
        )));
    }
    let metres_per_unit = options.height_cm.and_then(|h| series.metres_per_unit(h));
    let angles = kinematics::Angles::from_series(&series, &passes);
    let steps = metrics::steps(&events, &series, metres_per_unit);
    let summary = metrics::summary(&events, &steps, &passes, &series, view, metres_per_unit);
    let (curves, cycles) = if view == View::Side {
        let (c, v) = curves::build(&angles, &events, &series);
        (Some(c), v)
    } else {
        (None, Vec::new())
    };
    Ok(GaitResult {
        fps: series.fps,
        walker: info,
        view,
        passes,
        events,
        steps,
        summary,
        curves,
        cycles,
        metres_per_unit,
    })
}
