//! The body's centre of mass from a pose, with a segment model.
//!
//! **Table**: de Leva P. (1996), *Adjustments to Zatsiorsky–Seluyanov's segment inertia parameters*, Journal of
//! Biomechanics 29(9):1223–1230, Table 4 (adult males): each segment's mass as a fraction of body mass, and its
//! centre of mass as a fraction of the segment's length from the first end point.
//!
//! | segment | end points on BlazePose | mass | CoM from the first end |
//! |---|---|---|---|
//! | head (with neck) | mid-ears (standing in for the vertex/ear canal; the head's CoM is taken there) | 6.94 % | at the point |
//! | trunk | mid-shoulders (for cervicale C7) → mid-hips | 43.46 % | 51.38 % |
//! | upper arm ×2 | shoulder → elbow | 2.71 % | 57.72 % |
//! | forearm ×2 | elbow → wrist | 1.62 % | 45.74 % |
//! | hand ×2 | wrist → mid(index, pinky knuckles) (for the 3rd metacarpal) | 0.61 % | 79.00 % |
//! | thigh ×2 | hip → knee | 14.16 % | 40.95 % |
//! | shank ×2 | knee → ankle | 4.33 % | 44.59 % |
//! | foot ×2 | heel → foot index (toe tip) | 1.37 % | 44.15 % |
//!
//! The masses add up to 100 %. A segment whose points are missing (low score, or MoveNet's 17 keypoints without
//! hands and feet) is left out and the others' masses are rescaled to 100 %; the trunk and both thighs must be
//! there.
//!
//! **Limits**: BlazePose's joint centres are estimates (a few cm in the image, more in depth); mid-shoulders and
//! mid-ears stand in for C7 and the vertex; the table is for young adult males (female values differ by at most a
//! few percent of a segment). The centre of mass is good for **sway** (its movement over a trial, a few cm), not as
//! an absolute position.

use super::body::{Body, P3, add, lerp, scale};
use crate::pose::Joint;

/// One segment of the model: end points, mass fraction, CoM fraction from the first end.
struct Segment {
    from: &'static [Joint],
    to: &'static [Joint],
    mass: f64,
    com: f64,
    required: bool,
}

use Joint::*;

const SEGMENTS: [Segment; 14] = [
    Segment { from: &[LeftEar, RightEar], to: &[LeftEar, RightEar], mass: 0.0694, com: 0.0, required: false },
    Segment {
        from: &[LeftShoulder, RightShoulder],
        to: &[LeftHip, RightHip],
        mass: 0.4346,
        com: 0.5138,
        required: true,
    },
    Segment { from: &[LeftShoulder], to: &[LeftElbow], mass: 0.0271, com: 0.5772, required: false },
    Segment { from: &[RightShoulder], to: &[RightElbow], mass: 0.0271, com: 0.5772, required: false },
    Segment { from: &[LeftElbow], to: &[LeftWrist], mass: 0.0162, com: 0.4574, required: false },
    Segment { from: &[RightElbow], to: &[RightWrist], mass: 0.0162, com: 0.4574, required: false },
    Segment { from: &[LeftWrist], to: &[LeftIndex, LeftPinky], mass: 0.0061, com: 0.79, required: false },
    Segment { from: &[RightWrist], to: &[RightIndex, RightPinky], mass: 0.0061, com: 0.79, required: false },
    Segment { from: &[LeftHip], to: &[LeftKnee], mass: 0.1416, com: 0.4095, required: true },
    Segment { from: &[RightHip], to: &[RightKnee], mass: 0.1416, com: 0.4095, required: true },
    Segment { from: &[LeftKnee], to: &[LeftAnkle], mass: 0.0433, com: 0.4459, required: false },
    Segment { from: &[RightKnee], to: &[RightAnkle], mass: 0.0433, com: 0.4459, required: false },
    Segment { from: &[LeftHeel], to: &[LeftFootIndex], mass: 0.0137, com: 0.4415, required: false },
    Segment { from: &[RightHeel], to: &[RightFootIndex], mass: 0.0137, com: 0.4415, required: false },
];

/// Mean of all listed joints (each needed).
fn all_of(body: &Body<'_>, joints: &[Joint]) -> Option<P3> {
    let mut s = [0.0; 3];
    for &j in joints {
        s = add(s, body.get(j)?);
    }
    Some(scale(s, 1.0 / joints.len() as f64))
}

/// The centre of mass of `body` (same space and unit), or `None` if the trunk or a thigh is missing.
pub fn centre_of_mass(body: &Body<'_>) -> Option<P3> {
    let mut sum = [0.0; 3];
    let mut mass = 0.0;
    for seg in &SEGMENTS {
        let point = all_of(body, seg.from).and_then(|a| all_of(body, seg.to).map(|b| lerp(a, b, seg.com)));
        match point {
            Some(p) => {
                sum = add(sum, scale(p, seg.mass));
                mass += seg.mass;
            }
            None if seg.required => return None,
            None => {}
        }
    }
    Some(scale(sum, 1.0 / mass))
}

/// The table's total mass fraction (1 up to rounding), for tests.
pub fn total_mass() -> f64 {
    SEGMENTS.iter().map(|s| s.mass).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::balance::body::Space;
    use crate::balance::testing::{Figure, PX_PER_M, standing_pose};

    #[test]
    fn the_table_adds_up_to_the_whole_body() {
        assert!((total_mass() - 1.0).abs() < 1e-9, "{}", total_mass());
    }

    #[test]
    fn a_symmetric_standing_body_has_its_com_on_the_midline_just_above_the_hips() {
        let pose = standing_pose(0.0, 0.0);
        let body = Body::new(&pose, Space::World).unwrap();
        let c = centre_of_mass(&body).unwrap();
        assert!(c[0].abs() < 1e-6, "{c:?}");
        // World y is down, hips at 0, shoulders at -0.5 m, ankles at +0.85 m: the CoM sits a few cm above the hips
        // (about 55-57 % of stature from the floor).
        assert!(c[1] < 0.0 && c[1] > -0.15, "{c:?}");
        // Moving the whole figure 3 cm sideways moves the image CoM by 3 cm and leaves the hip-centred one.
        let mut f = Figure::standing();
        let before = centre_of_mass(&Body::new(&f.pose(), Space::Image).unwrap()).unwrap();
        f.translate([0.03, 0.0, 0.0]);
        let pose = f.pose();
        let after = centre_of_mass(&Body::new(&pose, Space::Image).unwrap()).unwrap();
        assert!((after[0] - before[0] - 0.03 * PX_PER_M).abs() < 1e-3, "{before:?} {after:?}");
        let world = centre_of_mass(&Body::new(&pose, Space::World).unwrap()).unwrap();
        assert!((world[0] - c[0]).abs() < 1e-6);
    }

    #[test]
    fn a_missing_thigh_gives_no_com_and_missing_hands_are_left_out() {
        let mut pose = standing_pose(0.0, 0.0);
        let i = pose.skeleton.index_of(Joint::LeftKnee).unwrap();
        pose.keypoints[i].score = 0.0;
        assert!(centre_of_mass(&Body::new(&pose, Space::World).unwrap()).is_none());
        let mut pose = standing_pose(0.0, 0.0);
        for j in [Joint::LeftIndex, Joint::LeftPinky] {
            let i = pose.skeleton.index_of(j).unwrap();
            pose.keypoints[i].score = 0.0;
        }
        assert!(centre_of_mass(&Body::new(&pose, Space::World).unwrap()).is_some());
    }
}
