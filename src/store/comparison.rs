//! A comparison with a reference filed in the record (`mirrorcue compare --patient`): one movement-comparison
//! activity with the overall similarity and, per joint angle, its similarity and mean difference. Names carry no
//! side; the side goes in its own column ("elbow: similarity" on the left), as for posture.

use super::posture::{measure_side, without_side};
use super::writer::Sample;
use crate::compare::{Comparison, features};
use crate::units::{Unit, round, round_to};

/// The measures of a comparison, at `time_s` from the session's start (its end). Joints never seen in both
/// recordings are left out rather than filed as zero.
pub fn comparison_samples(c: &Comparison, time_s: f64) -> Vec<Sample> {
    let at = |measure: String, side, value: f64, unit: &str| Sample {
        measure,
        side,
        value,
        unit: unit.to_string(),
        time_s: crate::units::round_s(time_s),
    };
    let mut out = Vec::new();
    if c.joints.iter().any(|j| j.similarity.is_some()) {
        out.push(at("similarity".into(), None, round_to(f64::from(c.overall), 2), "score"));
    }
    for (j, (name, measure)) in c.joints.iter().zip(features()) {
        debug_assert_eq!(j.name, name, "joints come in the order of compare::features");
        let side = measure_side(&measure);
        let joint = without_side(name);
        if let Some(s) = j.similarity {
            out.push(at(format!("{joint}: similarity"), side, round_to(f64::from(s), 2), "score"));
        }
        if let Some(d) = j.mean_difference_deg {
            out.push(at(
                format!("{joint}: mean angle difference"),
                side,
                round(f64::from(d), Unit::Degrees),
                "degrees",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::BodySide;

    #[test]
    fn a_comparison_files_its_joints_by_side_and_leaves_out_the_unseen() {
        // Reference and input: the elbows bent alike (left 90° / 80°), the trunk never seen.
        let frame = |l: f32, r: f32| {
            let mut v = vec![None; features().len()];
            v[0] = Some(l);
            v[1] = Some(r);
            v
        };
        let reference: Vec<_> = (0..20).map(|_| frame(90.0, 120.0)).collect();
        let input: Vec<_> = (0..20).map(|_| frame(80.0, 120.0)).collect();
        let c = crate::compare::compare(&reference, &input, 30.0);
        let s = comparison_samples(&c, 12.345);
        let find = |m: &str, side| s.iter().find(|x| x.measure == m && x.side == side).map(|x| x.value);
        assert_eq!(find("elbow: mean angle difference", Some(BodySide::Left)), Some(10.0));
        assert_eq!(find("elbow: mean angle difference", Some(BodySide::Right)), Some(0.0));
        assert_eq!(find("elbow: similarity", Some(BodySide::Right)), Some(1.0));
        assert!(find("elbow: similarity", Some(BodySide::Left)).unwrap() < 1.0);
        assert!(find("similarity", None).is_some());
        assert!(!s.iter().any(|x| x.measure.starts_with("trunk")), "the trunk was never seen: {s:?}");
        assert!(s.iter().all(|x| x.time_s == 12.35 && !x.measure.contains("left")));
    }
}
