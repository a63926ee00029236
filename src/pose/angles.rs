//! Joint angles in the image plane, in degrees.

use serde::{Deserialize, Serialize};

use super::keypoints::Joint;
use super::types::Pose;

/// The angle at `b` between the segments to `a` and to `c`, in degrees (0..=180), from pixel positions.
pub fn angle_deg(a: (f32, f32), b: (f32, f32), c: (f32, f32)) -> Option<f32> {
    let (ux, uy) = (a.0 - b.0, a.1 - b.1);
    let (vx, vy) = (c.0 - b.0, c.1 - b.1);
    let (nu, nv) = ((ux * ux + uy * uy).sqrt(), (vx * vx + vy * vy).sqrt());
    if nu < 1e-6 || nv < 1e-6 {
        return None;
    }
    let cos = ((ux * vx + uy * vy) / (nu * nv)).clamp(-1.0, 1.0);
    Some(cos.acos().to_degrees())
}

/// Joint angles a therapist commonly watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JointAngle {
    /// Elbow flexion: shoulder–elbow–wrist.
    LeftElbow,
    /// Elbow flexion: shoulder–elbow–wrist.
    RightElbow,
    /// Shoulder abduction: hip–shoulder–elbow.
    LeftShoulder,
    /// Shoulder abduction: hip–shoulder–elbow.
    RightShoulder,
    /// Hip: shoulder–hip–knee.
    LeftHip,
    /// Hip: shoulder–hip–knee.
    RightHip,
    /// Knee flexion: hip–knee–ankle.
    LeftKnee,
    /// Knee flexion: hip–knee–ankle.
    RightKnee,
}

impl JointAngle {
    /// Every angle.
    pub const ALL: [JointAngle; 8] = [
        JointAngle::LeftElbow,
        JointAngle::RightElbow,
        JointAngle::LeftShoulder,
        JointAngle::RightShoulder,
        JointAngle::LeftHip,
        JointAngle::RightHip,
        JointAngle::LeftKnee,
        JointAngle::RightKnee,
    ];

    /// The three joints (end, vertex, end).
    pub fn joints(self) -> [Joint; 3] {
        use Joint::*;
        match self {
            JointAngle::LeftElbow => [LeftShoulder, LeftElbow, LeftWrist],
            JointAngle::RightElbow => [RightShoulder, RightElbow, RightWrist],
            JointAngle::LeftShoulder => [LeftHip, LeftShoulder, LeftElbow],
            JointAngle::RightShoulder => [RightHip, RightShoulder, RightElbow],
            JointAngle::LeftHip => [LeftShoulder, LeftHip, LeftKnee],
            JointAngle::RightHip => [RightShoulder, RightHip, RightKnee],
            JointAngle::LeftKnee => [LeftHip, LeftKnee, LeftAnkle],
            JointAngle::RightKnee => [RightHip, RightKnee, RightAnkle],
        }
    }

    /// Words for people, with the patient's side.
    pub fn label(self) -> &'static str {
        match self {
            JointAngle::LeftElbow => "Left elbow",
            JointAngle::RightElbow => "Right elbow",
            JointAngle::LeftShoulder => "Left shoulder",
            JointAngle::RightShoulder => "Right shoulder",
            JointAngle::LeftHip => "Left hip",
            JointAngle::RightHip => "Right hip",
            JointAngle::LeftKnee => "Left knee",
            JointAngle::RightKnee => "Right knee",
        }
    }

    /// The angle in `pose` (degrees), if its three joints are seen with at least `min_score`. Measured in
    /// frame pixels, so a non-square frame does not distort it.
    pub fn measure(self, pose: &Pose, min_score: f32) -> Option<f32> {
        let [a, b, c] = self.joints();
        let px = |j: Joint| pose.get_confident(j, min_score).map(|k| k.to_pixels(pose.frame_width, pose.frame_height));
        angle_deg(px(a)?, px(b)?, px(c)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_and_straight_angles() {
        assert!((angle_deg((0.0, 1.0), (0.0, 0.0), (1.0, 0.0)).unwrap() - 90.0).abs() < 1e-4);
        assert!((angle_deg((-1.0, 0.0), (0.0, 0.0), (1.0, 0.0)).unwrap() - 180.0).abs() < 1e-4);
        assert!((angle_deg((1.0, 1.0), (0.0, 0.0), (1.0, 0.0)).unwrap() - 45.0).abs() < 1e-4);
        assert_eq!(angle_deg((0.0, 0.0), (0.0, 0.0), (1.0, 0.0)), None);
    }
}
