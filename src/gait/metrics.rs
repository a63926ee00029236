//! Steps, strides and the summary measures, from the events.
//!
//! - **step time**: from one foot's heel strike to the other foot's next one, counted for the foot that lands
//!   (a left step ends with a left heel strike); **stride time**: heel strike to the same foot's next one;
//! - **cadence**: 60 / mean step time, steps per minute;
//! - **stance** and **swing**: heel strike to the same foot's toe-off, and toe-off to the next heel strike, as % of
//!   that foot's stride; **double support**: the time both feet are down (from a heel strike to the other foot's
//!   toe-off, twice per stride), % of the stride;
//! - **step-time symmetry**: SI = (R − L) / (0.5 (R + L)) × 100, from the mean right and left step times
//!   (0 = symmetric; positive = right steps longer);
//! - **step length** (with the patient's height): the distance between the heels along the walking direction at
//!   heel strike; **speed**: the pelvis's travel over the passes' stepping time.
//!
//! Steps and strides only count within one pass, and a missed heel strike (the same foot twice) breaks the chain
//! rather than giving a step twice as long. Numbers are rounded to what they mean: ms, 0.1%, 0.1 step/min, mm.

use serde::Serialize;

use super::events::{EventKind, GaitEvent};
use super::passes::{Pass, View};
use super::series::Series;
use crate::pose::{Joint, Side};

/// A stride longer than this is not a stride (a pause, or missed events), s.
pub const MAX_STRIDE_S: f64 = 2.5;

/// One step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// The foot that lands at the end of the step.
    #[serde(serialize_with = "side_name")]
    pub foot: Side,
    /// Frame of its heel strike.
    pub frame: u64,
    /// Time of its heel strike, s.
    pub time_s: f64,
    /// Step time, s.
    pub step_time_s: f64,
    /// Step length, m (with the patient's height, side view).
    pub step_length_m: Option<f64>,
    /// Index of the pass.
    pub pass: usize,
}

fn side_name<S: serde::Serializer>(s: &Side, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.name())
}

/// A value per side and their mean.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PerSide {
    /// The person's left.
    pub left: Option<f64>,
    /// The person's right.
    pub right: Option<f64>,
    /// Over both sides (every value, not the mean of the two means).
    pub mean: Option<f64>,
}

/// The summary measures of a recording.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Steps counted.
    pub steps: usize,
    /// Strides counted (both feet).
    pub strides: usize,
    /// Steps per minute.
    pub cadence_steps_per_min: Option<f64>,
    /// Step time, s.
    pub step_time_s: PerSide,
    /// Stride time, s.
    pub stride_time_s: PerSide,
    /// Stance, % of the stride (side view).
    pub stance_pct: PerSide,
    /// Swing, % of the stride (side view).
    pub swing_pct: PerSide,
    /// Double support, % of the stride (side view).
    pub double_support_pct: Option<f64>,
    /// SI = (R − L) / (0.5 (R + L)) × 100 of the mean step times, %.
    pub step_time_symmetry_index_pct: Option<f64>,
    /// Step length, m (with the patient's height, side view).
    pub step_length_m: PerSide,
    /// Walking speed, m/s (with the patient's height, side view).
    pub speed_m_per_s: Option<f64>,
}

/// Rounds `x` to `decimals`.
pub fn round(x: f64, decimals: i32) -> f64 {
    let k = 10f64.powi(decimals);
    (x * k).round() / k
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn per_side(values: &[(Side, f64)], decimals: i32) -> PerSide {
    let of = |s: Option<Side>| {
        let v: Vec<f64> = values.iter().filter(|(f, _)| s.is_none_or(|s| *f == s)).map(|(_, x)| *x).collect();
        mean(&v).map(|m| round(m, decimals))
    };
    PerSide { left: of(Some(Side::Left)), right: of(Some(Side::Right)), mean: of(None) }
}

fn heel(side: Side) -> Joint {
    if side == Side::Left { Joint::LeftHeel } else { Joint::RightHeel }
}

/// The steps: consecutive heel strikes of alternate feet within a pass.
pub fn steps(events: &[GaitEvent], series: &Series, metres_per_unit: Option<f64>) -> Vec<Step> {
    let hs: Vec<&GaitEvent> = events.iter().filter(|e| e.kind == EventKind::HeelStrike).collect();
    hs.windows(2)
        .filter(|w| w[0].pass == w[1].pass && w[0].foot != w[1].foot)
        .filter(|w| w[1].time_s - w[0].time_s <= MAX_STRIDE_S / 2.0)
        .map(|w| {
            let i = w[1].index;
            let length = metres_per_unit.map(|m| {
                let d = series.at(heel(w[1].foot), i)[0] - series.at(heel(w[0].foot), i)[0];
                round(d.abs() * m, 3)
            });
            Step {
                foot: w[1].foot,
                frame: w[1].frame,
                time_s: round(w[1].time_s, 3),
                step_time_s: round(w[1].time_s - w[0].time_s, 3),
                step_length_m: length,
                pass: w[1].pass,
            }
        })
        .collect()
}

/// One stride of one foot: its heel strike, the next, and the events in between.
#[derive(Clone, Debug, PartialEq)]
pub struct Stride {
    /// The foot.
    pub foot: Side,
    /// Its heel strike (start).
    pub start: GaitEvent,
    /// Its next heel strike (end).
    pub end: GaitEvent,
    /// Its toe-off in between, if found.
    pub toe_off: Option<GaitEvent>,
    /// The other foot's toe-off after the start and before this foot's toe-off (end of initial double support).
    pub other_toe_off: Option<GaitEvent>,
    /// The other foot's heel strike in between (start of terminal double support).
    pub other_heel_strike: Option<GaitEvent>,
}

impl Stride {
    /// Stride time, s.
    pub fn time_s(&self) -> f64 {
        self.end.time_s - self.start.time_s
    }
}

/// The strides of both feet, within passes.
pub fn strides(events: &[GaitEvent]) -> Vec<Stride> {
    let mut out = Vec::new();
    for foot in [Side::Left, Side::Right] {
        let hs: Vec<&GaitEvent> = events.iter().filter(|e| e.kind == EventKind::HeelStrike && e.foot == foot).collect();
        for w in hs.windows(2) {
            let (a, b) = (w[0], w[1]);
            if a.pass != b.pass || b.time_s - a.time_s > MAX_STRIDE_S {
                continue;
            }
            let between = |f: Side, k: EventKind, until: u64| {
                events.iter().find(|e| e.foot == f && e.kind == k && e.frame > a.frame && e.frame < until).cloned()
            };
            let toe_off = between(foot, EventKind::ToeOff, b.frame);
            let other = foot.opposite();
            let limit = toe_off.as_ref().map_or(b.frame, |t| t.frame);
            out.push(Stride {
                foot,
                start: a.clone(),
                end: b.clone(),
                toe_off: toe_off.clone(),
                other_toe_off: between(other, EventKind::ToeOff, limit),
                other_heel_strike: between(other, EventKind::HeelStrike, b.frame),
            });
        }
    }
    out.sort_by_key(|s| s.start.frame);
    out
}

/// The summary measures.
pub fn summary(
    events: &[GaitEvent],
    steps: &[Step],
    passes: &[Pass],
    series: &Series,
    view: View,
    metres_per_unit: Option<f64>,
) -> Summary {
    let step_times: Vec<(Side, f64)> = steps.iter().map(|s| (s.foot, s.step_time_s)).collect();
    let all: Vec<f64> = step_times.iter().map(|(_, t)| *t).collect();
    let strides = strides(events);
    let stride_times: Vec<(Side, f64)> = strides.iter().map(|s| (s.foot, s.time_s())).collect();
    let mut stance = Vec::new();
    let mut swing = Vec::new();
    let mut double = Vec::new();
    if view == View::Side {
        for s in &strides {
            let Some(to) = &s.toe_off else { continue };
            let st = 100.0 * (to.time_s - s.start.time_s) / s.time_s();
            stance.push((s.foot, st));
            swing.push((s.foot, 100.0 - st));
            if let (Some(oto), Some(ohs)) = (&s.other_toe_off, &s.other_heel_strike)
                && ohs.frame < to.frame
            {
                double.push(100.0 * ((oto.time_s - s.start.time_s) + (to.time_s - ohs.time_s)) / s.time_s());
            }
        }
    }
    let step_time = per_side(&step_times, 3);
    let si = match (step_time.left, step_time.right) {
        (Some(l), Some(r)) if l + r > 0.0 => Some(round((r - l) / (0.5 * (r + l)) * 100.0, 1)),
        _ => None,
    };
    let lengths: Vec<(Side, f64)> = steps.iter().filter_map(|s| s.step_length_m.map(|l| (s.foot, l))).collect();
    let speed = metres_per_unit.filter(|_| view == View::Side).and_then(|m| {
        let (mut dist, mut time) = (0.0, 0.0);
        for (k, _) in passes.iter().enumerate() {
            let hs: Vec<&GaitEvent> =
                events.iter().filter(|e| e.pass == k && e.kind == EventKind::HeelStrike).collect();
            if let (Some(a), Some(b)) = (hs.first(), hs.last())
                && b.index > a.index
            {
                dist += (series.pelvis(b.index)[0] - series.pelvis(a.index)[0]).abs() * m;
                time += b.time_s - a.time_s;
            }
        }
        (time > 0.0).then(|| round(dist / time, 2))
    });
    Summary {
        steps: steps.len(),
        strides: strides.len(),
        cadence_steps_per_min: mean(&all).filter(|m| *m > 0.0).map(|m| round(60.0 / m, 1)),
        step_time_s: step_time,
        stride_time_s: per_side(&stride_times, 3),
        stance_pct: per_side(&stance, 1),
        swing_pct: per_side(&swing, 1),
        double_support_pct: mean(&double).map(|d| round(d, 1)),
        step_time_symmetry_index_pct: si,
        step_length_m: per_side(&lengths, 3),
        speed_m_per_s: speed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gait::series::testing::{CYCLE_S, STANCE, STRIDE, walk};
    use crate::gait::{events, passes};

    fn ev(frame: u64, foot: Side, kind: EventKind) -> GaitEvent {
        GaitEvent { frame, time_s: frame as f64 / 30.0, foot, kind, pass: 0, index: frame as usize }
    }

    #[test]
    fn symmetry_index_and_cadence_from_known_events() {
        use EventKind::*;
        use Side::*;
        // Left steps 0.5 s, right steps 0.6 s; stance 0.7 s of a 1.1 s stride.
        let events = vec![
            ev(0, Left, HeelStrike),
            ev(6, Right, ToeOff),
            ev(18, Right, HeelStrike),
            ev(21, Left, ToeOff),
            ev(33, Left, HeelStrike),
            ev(39, Right, ToeOff),
            ev(51, Right, HeelStrike),
            ev(54, Left, ToeOff),
            ev(66, Left, HeelStrike),
        ];
        let series = crate::gait::series::Series::from_track(&walk(2.5, 0.1, 1.0, 0)).unwrap();
        let steps = steps(&events, &series, None);
        assert_eq!(steps.len(), 4);
        let s = summary(&events, &steps, &[], &series, View::Side, None);
        assert_eq!(s.step_time_s.right, Some(0.6));
        assert_eq!(s.step_time_s.left, Some(0.5));
        // (0.6 − 0.5) / 0.55 × 100 = 18.2
        assert_eq!(s.step_time_symmetry_index_pct, Some(18.2));
        assert_eq!(s.cadence_steps_per_min, Some(109.1));
        assert_eq!(s.stride_time_s.left, Some(1.1));
        // Left stance 0 → 21 of 33 frames.
        assert_eq!(s.stance_pct.left, Some(63.6));
        // Double support: 0 → 6 and 18 → 21 of 33.
        assert_eq!(s.double_support_pct, Some(round(100.0 * 9.0 / 33.0, 1)));
    }

    #[test]
    fn a_missed_heel_strike_breaks_the_chain() {
        use EventKind::*;
        use Side::*;
        let events = vec![ev(0, Left, HeelStrike), ev(33, Left, HeelStrike), ev(51, Right, HeelStrike)];
        let series = crate::gait::series::Series::from_track(&walk(2.5, 0.1, 1.0, 0)).unwrap();
        let steps = steps(&events, &series, None);
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].step_time_s, 0.6);
    }

    #[test]
    fn the_constructed_walk_measures_what_it_was_made_with() {
        let track = walk(6.0, 0.1, 1.0, 0);
        let series = crate::gait::series::Series::from_track(&track).unwrap();
        let (view, passes) = passes::find(&series).unwrap();
        let events = events::detect(&series, &passes, view);
        let m = series.metres_per_unit(170.0).unwrap();
        let steps = steps(&events, &series, Some(m));
        let s = summary(&events, &steps, &passes, &series, view, Some(m));
        let cadence = 120.0 / CYCLE_S;
        assert!((s.cadence_steps_per_min.unwrap() - cadence).abs() < 0.03 * cadence, "{s:?}");
        assert!(s.step_time_symmetry_index_pct.unwrap().abs() < 5.0);
        assert!((s.stance_pct.mean.unwrap() - STANCE * 100.0).abs() < 6.0, "{s:?}");
        let speed = STRIDE / CYCLE_S * m;
        assert!((s.speed_m_per_s.unwrap() - speed).abs() < 0.05 * speed + 0.01, "{s:?} vs {speed}");
        assert!((s.step_length_m.mean.unwrap() - STRIDE / 2.0 * m).abs() < 0.1 * STRIDE * m, "{s:?}");
    }
}
