//! Sagittal joint angles per frame, in degrees, from the 2D positions of a side view.
//!
//! Vectors are turned so that "forwards" is the walking direction and "up" is up in the picture. Then:
//! - **trunk lean**: the trunk (mid-hip → mid-shoulder) from the vertical, forwards positive;
//! - **hip flexion**: the thigh (hip → knee) from the trunk's line, flexion positive (thigh forwards of the trunk);
//! - **knee flexion**: the shank (knee → ankle) from the thigh's line, flexion positive (0 = straight);
//! - **ankle dorsiflexion**: the foot (heel → toes) against the perpendicular to the shank, dorsiflexion positive,
//!   plantarflexion negative (the pose's heel–toe line stands for the sole, so neutral carries its offset).
//!
//! 2D angles from one camera are projections: accurate when the limb moves in the picture's plane.

use super::passes::Pass;
use super::series::Series;
use crate::pose::{Joint, Side};

/// The angles of one side, per sample (NaN outside passes).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SideAngles {
    /// Hip flexion, degrees.
    pub hip: Vec<f64>,
    /// Knee flexion, degrees.
    pub knee: Vec<f64>,
    /// Ankle dorsiflexion, degrees.
    pub ankle: Vec<f64>,
}

/// Every angle, per sample.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Angles {
    /// The person's left side.
    pub left: SideAngles,
    /// The person's right side.
    pub right: SideAngles,
    /// Trunk lean, degrees.
    pub trunk: Vec<f64>,
}

impl Angles {
    /// The angles of one side.
    pub fn side(&self, side: Side) -> &SideAngles {
        if side == Side::Left { &self.left } else { &self.right }
    }

    /// Computes the angles at every sample of every pass.
    pub fn from_series(series: &Series, passes: &[Pass]) -> Angles {
        let n = series.len();
        let mut a = Angles {
            left: SideAngles { hip: vec![f64::NAN; n], knee: vec![f64::NAN; n], ankle: vec![f64::NAN; n] },
            right: SideAngles { hip: vec![f64::NAN; n], knee: vec![f64::NAN; n], ankle: vec![f64::NAN; n] },
            trunk: vec![f64::NAN; n],
        };
        for pass in passes {
            let dir = pass.direction.sign();
            for i in pass.start..=pass.end.min(n.saturating_sub(1)) {
                // (forwards, up)
                let v = |from: [f64; 2], to: [f64; 2]| [(to[0] - from[0]) * dir, from[1] - to[1]];
                let pelvis = series.pelvis(i);
                let trunk = v(pelvis, series.mid(Joint::LeftShoulder, Joint::RightShoulder, i));
                let lean = trunk[0].atan2(trunk[1]).to_degrees();
                a.trunk[i] = lean;
                for side in [Side::Left, Side::Right] {
                    let j = |l: Joint| if side == Side::Left { l } else { l.twin() };
                    let (hip, knee, ankle) = (
                        series.at(j(Joint::LeftHip), i),
                        series.at(j(Joint::LeftKnee), i),
                        series.at(j(Joint::LeftAnkle), i),
                    );
                    let (heel, toe) = (series.at(j(Joint::LeftHeel), i), series.at(j(Joint::LeftFootIndex), i));
                    let angles = joint_angles(lean, v(hip, knee), v(knee, ankle), v(heel, toe));
                    let s = if side == Side::Left { &mut a.left } else { &mut a.right };
                    (s.hip[i], s.knee[i], s.ankle[i]) = angles;
                }
            }
        }
        a
    }
}

/// Hip flexion, knee flexion and ankle dorsiflexion (degrees) from the trunk lean (degrees) and the thigh, shank
/// and foot vectors as (forwards, up).
pub fn joint_angles(lean_deg: f64, thigh: [f64; 2], shank: [f64; 2], foot: [f64; 2]) -> (f64, f64, f64) {
    // Segment angles from the downward vertical, forwards positive.
    let down = |v: [f64; 2]| v[0].atan2(-v[1]).to_degrees();
    let (thigh, shank) = (down(thigh), down(shank));
    let foot = foot[1].atan2(foot[0]).to_degrees();
    (thigh + lean_deg, thigh - shank, foot - shank)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(deg_from_down: f64) -> [f64; 2] {
        let r = deg_from_down.to_radians();
        [r.sin(), -r.cos()]
    }

    #[test]
    fn upright_and_straight_is_zero() {
        let (h, k, a) = joint_angles(0.0, unit(0.0), unit(0.0), [1.0, 0.0]);
        assert!(h.abs() < 1e-9 && k.abs() < 1e-9 && a.abs() < 1e-9);
    }

    #[test]
    fn signs_follow_the_clinical_conventions() {
        // Thigh 30° forwards, shank 10° backwards of the vertical: hip 30, knee 40.
        let (h, k, _) = joint_angles(0.0, unit(30.0), unit(-10.0), [1.0, 0.0]);
        assert!((h - 30.0).abs() < 1e-9 && (k - 40.0).abs() < 1e-9);
        // Leaning 10° forwards over a vertical thigh flexes the hip 10°.
        let (h, _, _) = joint_angles(10.0, unit(0.0), unit(0.0), [1.0, 0.0]);
        assert!((h - 10.0).abs() < 1e-9);
        // Toes up 15° on a vertical shank: dorsiflexion 15; the shank leaning forwards 10° over a flat foot: 10.
        let up15 = [15f64.to_radians().cos(), 15f64.to_radians().sin()];
        assert!((joint_angles(0.0, unit(0.0), unit(0.0), up15).2 - 15.0).abs() < 1e-9);
        assert!((joint_angles(0.0, unit(0.0), unit(-10.0), [1.0, 0.0]).2 - 10.0).abs() < 1e-9);
        // Toes pointing down (push-off): plantarflexion is negative.
        assert!(joint_angles(0.0, unit(-20.0), unit(-30.0), [1.0, -1.0]).2 < 0.0);
    }
}
