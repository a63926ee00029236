//! Body points of one pose in one of two spaces, for the centre of mass and the stance tests.
//!
//! - [`Space::World`]: BlazePose's world landmarks, metres, origin at the centre of the hips, `x` to the image's
//!   right, `y` down, `z` away from the camera (the model's axes follow the camera, not gravity: the camera should
//!   be level).
//! - [`Space::Image`]: the frame, in **pixels** (normalised coordinates times the frame's width and height, so a
//!   distance means the same across and down), origin top-left, `z = 0`.

use crate::pose::{Joint, Pose};

/// The feet's points (ankles, heels, toes), both sides: the base of support.
pub const FEET: [Joint; 6] = [
    Joint::LeftAnkle,
    Joint::RightAnkle,
    Joint::LeftHeel,
    Joint::RightHeel,
    Joint::LeftFootIndex,
    Joint::RightFootIndex,
];

/// Which coordinates the points are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Space {
    /// BlazePose world landmarks (metres, hip-centred).
    World,
    /// The image plane (pixels).
    Image,
}

/// A 3D point or vector.
pub type P3 = [f64; 3];

/// The least keypoint score for a point to be used.
pub const MIN_SCORE: f32 = 0.3;

/// The body points of one pose in one space.
#[derive(Clone, Debug)]
pub struct Body<'a> {
    pose: &'a Pose,
    space: Space,
}

impl<'a> Body<'a> {
    /// The pose's points in `space`; `None` for [`Space::World`] when the pose has no world landmarks.
    pub fn new(pose: &'a Pose, space: Space) -> Option<Body<'a>> {
        if space == Space::World && pose.world.as_ref().is_none_or(|w| w.len() != pose.keypoints.len()) {
            return None;
        }
        Some(Body { pose, space })
    }

    /// The space.
    pub fn space(&self) -> Space {
        self.space
    }

    /// The point of `joint` if the model has it with a score of at least [`MIN_SCORE`].
    pub fn get(&self, joint: Joint) -> Option<P3> {
        let i = self.pose.skeleton.index_of(joint)?;
        let k = self.pose.keypoints.get(i)?;
        if k.score < MIN_SCORE {
            return None;
        }
        match self.space {
            Space::World => {
                let w = self.pose.world.as_ref()?.get(i)?;
                Some([w.x as f64, w.y as f64, w.z as f64])
            }
            Space::Image => {
                Some([k.x as f64 * self.pose.frame_width as f64, k.y as f64 * self.pose.frame_height as f64, 0.0])
            }
        }
    }

    /// The midpoint of two joints (both needed).
    pub fn mid(&self, a: Joint, b: Joint) -> Option<P3> {
        Some(lerp(self.get(a)?, self.get(b)?, 0.5))
    }

    /// The mean of the joints found among `joints` (at least one needed).
    pub fn mean_of(&self, joints: &[Joint]) -> Option<P3> {
        let pts: Vec<P3> = joints.iter().filter_map(|&j| self.get(j)).collect();
        (!pts.is_empty()).then(|| scale(pts.iter().fold([0.0; 3], |a, p| add(a, *p)), 1.0 / pts.len() as f64))
    }
}

/// `a + t·(b − a)`.
pub fn lerp(a: P3, b: P3, t: f64) -> P3 {
    [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])]
}

/// `a + b`.
pub fn add(a: P3, b: P3) -> P3 {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

/// `a − b`.
pub fn sub(a: P3, b: P3) -> P3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// `k·a`.
pub fn scale(a: P3, k: f64) -> P3 {
    [a[0] * k, a[1] * k, a[2] * k]
}

/// `a · b`.
pub fn dot(a: P3, b: P3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// `|a|`.
pub fn norm(a: P3) -> f64 {
    dot(a, a).sqrt()
}

/// `|a − b|`.
pub fn dist(a: P3, b: P3) -> f64 {
    norm(sub(a, b))
}

/// The angle between two vectors, degrees (0 if either is zero).
pub fn angle_deg(a: P3, b: P3) -> f64 {
    let n = norm(a) * norm(b);
    if n == 0.0 { 0.0 } else { (dot(a, b) / n).clamp(-1.0, 1.0).acos().to_degrees() }
}
