//! The balance tests clinics run, on a pose track: quiet standing and Romberg, tandem stance, single-leg stance and
//! the BESS error count, each giving trials with their frames, stance foot, errors and sway descriptors; and the
//! Romberg quotient and mCTSIB ratios between conditions.
//!
//! - **quiet / romberg / tandem**: every stretch of quiet standing ([`super::stance::Contact::quiet`]) of at least
//!   [`MIN_QUIET_S`] is a trial; sway is the centre of mass against the midpoint of the feet. Eyes closed cannot be
//!   seen reliably: the therapist says which condition a recording is (the command line's `--condition`). The
//!   tandem stance itself (one foot in front of the other) is not checked.
//! - **single-leg**: every single-leg stance of at least 0.5 s ([`super::stance::Contact::single_leg`]); sway
//!   against the stance foot; the time is from lift-off to the end.
//! - **bess**: the whole recording is one trial in the stance it starts in (from the first frame both feet are
//!   placed, or from a lift-off in the first [`BESS_SETTLE_S`] for a one-leg stance), with its errors
//!   ([`super::bess`]).

use serde::Serialize;

use super::bess::{self, BessScore};
use super::body::Space;
use super::descriptors::Descriptors;
use super::stance::{Contact, Episode, Params, StanceEnd};
use super::track::{BaseOfSupport, PoseSample, com_trace};
use super::{BalanceError, sway};
use crate::pose::Side;

/// Shortest quiet-standing trial, s (a shorter one is still reported, with its sway "too short").
pub const MIN_QUIET_S: f64 = 0.5;

/// A BESS recording may begin with the patient lifting a foot into a one-leg stance within this time, s.
pub const BESS_SETTLE_S: f64 = 1.0;

/// Which test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum TestKind {
    /// Quiet standing, feet together or apart.
    Quiet,
    /// Romberg: quiet standing, eyes open or closed (the therapist confirms which).
    Romberg,
    /// Single-leg stance: time until the lifted foot touches down, the stance foot moves or the hands leave the hips.
    SingleLeg,
    /// Tandem stance (heel to toe).
    Tandem,
    /// Balance Error Scoring System: errors in one trial.
    Bess,
}

/// How the centre of mass was measured for a trial.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComMethod {
    /// World landmarks (3D) or the image plane.
    pub space: Space,
    /// Against what: "both feet" or "left foot"/"right foot".
    pub base_of_support: String,
    /// Whether AP could be measured.
    pub ap_observable: bool,
    /// How the scale to cm was found.
    pub scale: String,
}

/// One trial's result.
#[derive(Clone, Debug)]
pub struct TrialResult {
    /// First frame of the trial.
    pub start_frame: u64,
    /// The frame that ended it (the touch-down, the move, …), or the last frame when the recording ended.
    pub end_frame: u64,
    /// Time of `start_frame`, s.
    pub start_time_s: f64,
    /// Time of `end_frame`, s.
    pub end_time_s: f64,
    /// The stance foot (single-leg, and BESS when it starts on one foot), the person's side.
    pub stance_foot: Option<Side>,
    /// Why the trial ended.
    pub ended_by: StanceEnd,
    /// Whether both hands were on the hips at the start.
    pub hands_on_hips_at_start: bool,
    /// BESS errors (the bess test only).
    pub bess: Option<BessScore>,
    /// How the centre of mass was measured, if it could be.
    pub com: Option<ComMethod>,
    /// The sway descriptors of the centre of mass, or why there are none.
    pub descriptors: Result<Descriptors, String>,
}

impl TrialResult {
    /// Duration, s.
    pub fn duration_s(&self) -> f64 {
        self.end_time_s - self.start_time_s
    }
}

fn side_name(s: Side) -> &'static str {
    s.name()
}

/// Marks the descriptors that need AP as not computed (image plane).
pub fn without_ap(mut d: Descriptors) -> Descriptors {
    for x in d.list.iter_mut() {
        let ml_only = x.name.ends_with("_ML") && !x.name.contains("_AND_");
        if !ml_only && x.value.is_ok() {
            x.value = Err("AP is not observable in the image plane (a frontal camera sees no depth)".into());
        }
    }
    d
}

fn trial(
    samples: &[PoseSample],
    contact: &Contact,
    ep: &Episode,
    height_cm: Option<f64>,
    with_bess: bool,
) -> Result<TrialResult, BalanceError> {
    let last = samples.len() - 1;
    let end_index = ep.end.min(last);
    let bos = ep.stance_foot.map_or(BaseOfSupport::BothFeet, BaseOfSupport::Foot);
    let (com, descriptors) = match com_trace(samples, ep.start..ep.end.min(samples.len()), bos, height_cm) {
        Ok(c) => {
            let method = ComMethod {
                space: c.space,
                base_of_support: ep.stance_foot.map_or("both feet".into(), |s| format!("{} foot", side_name(s))),
                ap_observable: c.ap_observable,
                scale: c.scale_note.clone(),
            };
            let d = match sway(&c.trace) {
                Ok((_, d)) if !c.ap_observable => Ok(without_ap(d)),
                Ok((_, d)) => Ok(d),
                Err(e) => Err(e.to_string()),
            };
            (Some(method), d)
        }
        Err(e @ BalanceError::Parameter(_)) => return Err(e),
        Err(e) => (None, Err(e.to_string())),
    };
    Ok(TrialResult {
        start_frame: samples[ep.start].frame,
        end_frame: samples[end_index].frame,
        start_time_s: samples[ep.start].time_s,
        end_time_s: samples[end_index].time_s,
        stance_foot: ep.stance_foot,
        ended_by: ep.ended_by,
        hands_on_hips_at_start: ep.hands_on_hips_at_start,
        bess: with_bess.then(|| bess::score(samples, contact, ep.start..ep.end.min(samples.len()))),
        com,
        descriptors,
    })
}

/// Runs test `kind` over a pose track; `height_cm` scales the centre of mass (see [`super::track`]). Fails when
/// nobody is visible or no trial of the kind is found (the message says what was looked for).
pub fn run(samples: &[PoseSample], kind: TestKind, height_cm: Option<f64>) -> Result<Vec<TrialResult>, BalanceError> {
    if samples.iter().all(|s| s.pose.is_none()) {
        return Err(BalanceError::NoMeasurement("nobody visible in any frame".into()));
    }
    let contact = Contact::new(samples, Params::default());
    let episodes = match kind {
        TestKind::Quiet | TestKind::Romberg | TestKind::Tandem => contact.quiet(MIN_QUIET_S),
        TestKind::SingleLeg => contact.single_leg(),
        TestKind::Bess => {
            // The trial starts once both feet's states are known: planted, or up.
            let settled =
                |t: usize| (0..2).all(|s| contact.up[t][s] == Some(true) || contact.planted[t][s] != (None, None));
            let Some(settled_at) = (0..samples.len()).find(|&t| settled(t)) else {
                return Err(BalanceError::NoMeasurement("the feet are not visible in any frame".into()));
            };
            // Getting into a one-leg stance in the first second starts the trial at the lift-off.
            let t0 = samples[settled_at].time_s;
            let lift = (settled_at + 1..samples.len())
                .take_while(|&t| samples[t].time_s - t0 <= BESS_SETTLE_S)
                .find(|&t| (0..2).any(|s| contact.up[t][s] == Some(true) && contact.up[t - 1][s] == Some(false)));
            let start = lift.unwrap_or(settled_at);
            let stance_foot = match contact.up[start] {
                [Some(true), Some(true)] => {
                    return Err(BalanceError::NoMeasurement(format!(
                        "both feet off the floor at the start (frame {})",
                        samples[start].frame
                    )));
                }
                [Some(false), Some(true)] => Some(Side::Left),
                [Some(true), Some(false)] => Some(Side::Right),
                _ => None,
            };
            vec![Episode {
                start,
                end: samples.len(),
                stance_foot,
                ended_by: StanceEnd::EndOfRecording,
                hands_on_hips_at_start: contact.feet[start].hand_on_hip.iter().all(|h| *h == Some(true)),
            }]
        }
    };
    if episodes.is_empty() {
        let what = match kind {
            TestKind::SingleLeg => "no single-leg stance of at least 0.5 s (one foot lifted, the other still)",
            _ => "no quiet standing of at least 0.5 s (both feet still on the floor, knees straight)",
        };
        return Err(BalanceError::NoMeasurement(what.into()));
    }
    episodes.iter().map(|ep| trial(samples, &contact, ep, height_cm, kind == TestKind::Bess)).collect()
}

/// The Romberg quotient of a descriptor: eyes closed over eyes open (> 1: more sway without vision). `None` if
/// either is missing or the eyes-open value is 0.
pub fn romberg_quotient(eyes_open: &Descriptors, eyes_closed: &Descriptors, name: &str) -> Option<f64> {
    let (o, c) = (eyes_open.get(name)?, eyes_closed.get(name)?);
    (o > 0.0).then(|| c / o)
}

/// The mCTSIB ratios of one sway descriptor (e.g. `mean_velocity_ML_AND_AP` or
/// `confidence_ellipse_area_ML_AND_AP`) over the four conditions, each against condition 1 (firm surface, eyes
/// open): **somatosensory** = C2/C1 (firm, eyes closed: standing on the feet's sense alone), **vision** = C3/C1
/// (foam, eyes open), **vestibular** = C4/C1 (foam, eyes closed). Values above 1 mean more sway than on firm ground
/// with eyes open.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MctsibRatios {
    /// C2 / C1.
    pub somatosensory: f64,
    /// C3 / C1.
    pub vision: f64,
    /// C4 / C1.
    pub vestibular: f64,
}

/// The mCTSIB ratios of descriptor `name` for conditions `c` = [C1, C2, C3, C4]; `None` if a value is missing or
/// C1 is 0.
pub fn mctsib_ratios(c: [&Descriptors; 4], name: &str) -> Option<MctsibRatios> {
    let v: Vec<f64> = c.iter().map(|d| d.get(name)).collect::<Option<Vec<_>>>()?;
    (v[0] > 0.0).then(|| MctsibRatios { somatosensory: v[1] / v[0], vision: v[2] / v[0], vestibular: v[3] / v[0] })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::balance::descriptors::Descriptor;

    fn with(name: &str, v: f64) -> Descriptors {
        Descriptors {
            n_samples: 10,
            fs_hz: 25.0,
            list: vec![Descriptor { name: name.into(), unit: "cm/s", value: Ok(v) }],
        }
    }

    #[test]
    fn romberg_and_mctsib_ratios() {
        let n = "mean_velocity_ML_AND_AP";
        assert_eq!(romberg_quotient(&with(n, 0.5), &with(n, 1.0), n), Some(2.0));
        assert_eq!(romberg_quotient(&with(n, 0.0), &with(n, 1.0), n), None);
        let r = mctsib_ratios([&with(n, 0.5), &with(n, 0.75), &with(n, 1.0), &with(n, 2.0)], n).unwrap();
        assert_eq!(r, MctsibRatios { somatosensory: 1.5, vision: 2.0, vestibular: 4.0 });
        assert!(mctsib_ratios([&with(n, 0.5), &with(n, 0.75), &with(n, 1.0), &with("other", 2.0)], n).is_none());
    }
}
