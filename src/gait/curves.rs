//! Joint angles over the gait cycle: each stride (heel strike to the same foot's next one) resampled to 0–100% in
//! 101 points, the mean and standard deviation over strides per side, the mean toe-off %, and per-cycle values.

use serde::{Deserialize, Serialize};

use super::events::GaitEvent;
use super::kinematics::Angles;
use super::metrics::{round, strides};
use super::series::Series;
use crate::pose::Side;

/// Points per normalised cycle (0, 1, …, 100%).
pub const POINTS: usize = 101;

/// One side's curve of one angle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SideCurve {
    /// Mean over strides at 0, 1, …, 100% of the cycle, degrees (0.1°).
    pub mean_deg: Vec<f64>,
    /// Standard deviation over strides, degrees (0.1°); 0 with a single stride.
    pub sd_deg: Vec<f64>,
    /// Strides averaged.
    pub strides: usize,
    /// Mean toe-off, % of the cycle.
    pub toe_off_pct: Option<f64>,
}

/// One angle, left and right.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JointCurve {
    /// The person's left side.
    pub left: Option<SideCurve>,
    /// The person's right side.
    pub right: Option<SideCurve>,
}

impl JointCurve {
    /// The curve of `side`.
    pub fn side(&self, side: Side) -> Option<&SideCurve> {
        if side == Side::Left { self.left.as_ref() } else { self.right.as_ref() }
    }
}

/// The four curves.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JointCurves {
    /// Hip flexion (+) / extension (−).
    pub hip_flexion: JointCurve,
    /// Knee flexion.
    pub knee_flexion: JointCurve,
    /// Ankle dorsiflexion (+) / plantarflexion (−).
    pub ankle_dorsiflexion: JointCurve,
    /// Trunk lean, forwards positive (over each side's strides).
    pub trunk_lean: JointCurve,
}

impl JointCurves {
    /// The rows of the clinical plot, from the trunk and hip down to the ankle, with their titles.
    pub fn rows(&self) -> [(&'static str, &JointCurve); 4] {
        [
            ("Trunk lean (forwards +)", &self.trunk_lean),
            ("Hip flexion (+) / extension (−)", &self.hip_flexion),
            ("Knee flexion", &self.knee_flexion),
            ("Ankle dorsiflexion (+) / plantarflexion (−)", &self.ankle_dorsiflexion),
        ]
    }
}

/// Values of one stride.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CycleValues {
    /// The foot.
    #[serde(serialize_with = "side_name")]
    pub foot: Side,
    /// Frame of the heel strike that starts it.
    pub first_frame: u64,
    /// Frame of the next heel strike of the same foot.
    pub last_frame: u64,
    /// Stride time, s.
    pub stride_time_s: f64,
    /// Toe-off, % of the cycle.
    pub toe_off_pct: Option<f64>,
    /// Largest knee flexion in swing (toe-off to heel strike; the last 40% without a toe-off), degrees.
    pub peak_knee_flexion_swing_deg: Option<f64>,
    /// Knee flexion at the heel strike, degrees.
    pub knee_flexion_at_heel_strike_deg: Option<f64>,
}

fn side_name<S: serde::Serializer>(s: &Side, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.name())
}

/// `v` (per sample, at `times`) resampled at 101 points from `t0` to `t1`; `None` if any point is not a number.
pub fn normalise(v: &[f64], times: &[f64], t0: f64, t1: f64) -> Option<Vec<f64>> {
    (0..POINTS)
        .map(|k| {
            let t = t0 + (t1 - t0) * k as f64 / (POINTS - 1) as f64;
            let j = times.partition_point(|x| *x < t);
            let y = if j == 0 {
                v.first().copied()?
            } else if j >= times.len() {
                v.last().copied()?
            } else {
                let (ta, tb) = (times[j - 1], times[j]);
                let f = if tb > ta { (t - ta) / (tb - ta) } else { 0.0 };
                v[j - 1] + (v[j] - v[j - 1]) * f
            };
            y.is_finite().then_some(y)
        })
        .collect()
}

fn mean_sd(curves: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
    let n = curves.len() as f64;
    (0..POINTS)
        .map(|k| {
            let m = curves.iter().map(|c| c[k]).sum::<f64>() / n;
            let var =
                if curves.len() > 1 { curves.iter().map(|c| (c[k] - m).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
            (round(m, 1), round(var.sqrt(), 1))
        })
        .unzip()
}

/// The curves and the per-cycle values of every stride with its angles measured.
pub fn build(angles: &Angles, events: &[GaitEvent], series: &Series) -> (JointCurves, Vec<CycleValues>) {
    let strides = strides(events);
    let mut curves = JointCurves::default();
    let mut cycles = Vec::new();
    for side in [Side::Left, Side::Right] {
        let a = angles.side(side);
        let mut sets: [Vec<Vec<f64>>; 4] = Default::default();
        let mut toe_offs = Vec::new();
        for s in strides.iter().filter(|s| s.foot == side) {
            let (t0, t1) = (s.start.time_s, s.end.time_s);
            let toe_off_pct = s.toe_off.as_ref().map(|t| 100.0 * (t.time_s - t0) / (t1 - t0));
            let norm: Vec<Option<Vec<f64>>> = [&angles.trunk, &a.hip, &a.knee, &a.ankle]
                .iter()
                .map(|v| normalise(v, &series.times, t0, t1))
                .collect();
            let knee = norm[2].as_ref();
            let swing_from = toe_off_pct.map_or(60, |p| p.round() as usize).min(POINTS - 1);
            cycles.push(CycleValues {
                foot: side,
                first_frame: s.start.frame,
                last_frame: s.end.frame,
                stride_time_s: round(t1 - t0, 3),
                toe_off_pct: toe_off_pct.map(|p| round(p, 1)),
                peak_knee_flexion_swing_deg: knee
                    .map(|k| round(k[swing_from..].iter().copied().fold(f64::NEG_INFINITY, f64::max), 1)),
                knee_flexion_at_heel_strike_deg: knee.map(|k| round(k[0], 1)),
            });
            if norm.iter().all(Option::is_some) {
                for (set, n) in sets.iter_mut().zip(norm) {
                    set.push(n.expect("checked"));
                }
                if let Some(p) = toe_off_pct {
                    toe_offs.push(p);
                }
            }
        }
        if sets[0].is_empty() {
            continue;
        }
        let toe_off_pct =
            (!toe_offs.is_empty()).then(|| round(toe_offs.iter().sum::<f64>() / toe_offs.len() as f64, 1));
        let make = |set: &Vec<Vec<f64>>| {
            let (mean_deg, sd_deg) = mean_sd(set);
            Some(SideCurve { mean_deg, sd_deg, strides: set.len(), toe_off_pct })
        };
        let targets =
            [&mut curves.trunk_lean, &mut curves.hip_flexion, &mut curves.knee_flexion, &mut curves.ankle_dorsiflexion];
        for (target, set) in targets.into_iter().zip(sets.iter()) {
            let c = make(set);
            if side == Side::Left {
                target.left = c;
            } else {
                target.right = c;
            }
        }
    }
    cycles.sort_by_key(|c| c.first_frame);
    (curves, cycles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gait::series::testing::{STANCE, walk};
    use crate::gait::{events, kinematics, passes};

    #[test]
    fn normalising_hits_the_ends_and_interpolates() {
        let times = [0.0, 1.0, 2.0];
        let v = [0.0, 10.0, 20.0];
        let n = normalise(&v, &times, 0.5, 1.5).unwrap();
        assert_eq!(n.len(), POINTS);
        assert!((n[0] - 5.0).abs() < 1e-9 && (n[50] - 10.0).abs() < 1e-9 && (n[100] - 15.0).abs() < 1e-9);
        assert!(normalise(&[f64::NAN, 1.0, 2.0], &times, 0.0, 2.0).is_none());
    }

    #[test]
    fn the_constructed_walk_gives_both_sides_curves_with_toe_off_near_stance() {
        let track = walk(6.0, 0.1, 1.0, 0);
        let s = Series::from_track(&track).unwrap();
        let (view, ps) = passes::find(&s).unwrap();
        let ev = events::detect(&s, &ps, view);
        let a = kinematics::Angles::from_series(&s, &ps);
        let (c, cycles) = build(&a, &ev, &s);
        for side in [Side::Left, Side::Right] {
            let k = c.knee_flexion.side(side).expect("knee curve");
            assert_eq!(k.mean_deg.len(), POINTS);
            assert!(k.strides >= 3);
            assert!((k.toe_off_pct.unwrap() - STANCE * 100.0).abs() < 8.0, "{:?}", k.toe_off_pct);
            // The swing foot lifts: the knee bends more in swing than at heel strike.
            let peak = k.mean_deg[70..].iter().copied().fold(f64::MIN, f64::max);
            assert!(peak > k.mean_deg[0] + 2.0, "{k:?}");
        }
        assert!(cycles.iter().all(|c| c.peak_knee_flexion_swing_deg.is_some()));
    }
}
