//! Constructed people for tests and demonstrations: a standing figure facing the camera whose joints can be moved
//! (lean, lift a foot, move a hand), turned into a BlazePose-like [`Pose`] with image keypoints and hip-centred
//! world landmarks, as the model would give them.
//!
//! The scene is in metres with `x` to the image's right, `y` down and `z` away from the camera; the figure faces
//! the camera, so its **left** side is on the image's **right** (`x > 0`). The camera is orthographic: a frame of
//! 1000 × 1000 pixels shows 2.5 m, the hips' centre at (500, 450) px when the figure stands at the origin.

use super::body::{FEET, P3};
use super::track::PoseSample;
use crate::pose::{Joint, Keypoint, Pose, Skeleton, WorldPoint};

/// The pose track of `figures` seen one after another at `fps` frames per second (frame `i` at `i / fps` s).
pub fn track(figures: &[Figure], fps: f64) -> Vec<PoseSample> {
    figures
        .iter()
        .enumerate()
        .map(|(i, f)| PoseSample { frame: i as u64, time_s: i as f64 / fps, pose: Some(f.pose()) })
        .collect()
}

/// Frame size of the constructed poses, pixels.
pub const FRAME_PX: u32 = 1000;
/// Pixels per metre of the constructed camera.
pub const PX_PER_M: f64 = 400.0;

/// A figure: one scene point per BlazePose joint.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// Scene positions in BlazePose-33 order, metres.
    pub points: [P3; 33],
}

fn idx(j: Joint) -> usize {
    Joint::ALL.iter().position(|&k| k == j).unwrap_or(0)
}

impl Figure {
    /// A 1.75 m person standing upright with the arms hanging, feet 20 cm apart, hips' centre at the origin.
    pub fn standing() -> Figure {
        use Joint::*;
        let mut points = [[0.0; 3]; 33];
        let both = |l: Joint, r: Joint, x: f64, y: f64, z: f64, p: &mut [P3; 33]| {
            p[idx(l)] = [x, y, z];
            p[idx(r)] = [-x, y, z];
        };
        points[idx(Nose)] = [0.0, -0.68, -0.1];
        both(LeftEyeInner, RightEyeInner, 0.02, -0.71, -0.08, &mut points);
        both(LeftEye, RightEye, 0.035, -0.71, -0.08, &mut points);
        both(LeftEyeOuter, RightEyeOuter, 0.05, -0.71, -0.08, &mut points);
        both(LeftEar, RightEar, 0.08, -0.69, 0.0, &mut points);
        both(MouthLeft, MouthRight, 0.025, -0.64, -0.09, &mut points);
        both(LeftShoulder, RightShoulder, 0.2, -0.5, 0.0, &mut points);
        both(LeftElbow, RightElbow, 0.23, -0.22, 0.0, &mut points);
        both(LeftWrist, RightWrist, 0.24, 0.03, 0.0, &mut points);
        both(LeftPinky, RightPinky, 0.25, 0.11, 0.0, &mut points);
        both(LeftIndex, RightIndex, 0.24, 0.12, -0.02, &mut points);
        both(LeftThumb, RightThumb, 0.23, 0.08, -0.03, &mut points);
        both(LeftHip, RightHip, 0.1, 0.0, 0.0, &mut points);
        both(LeftKnee, RightKnee, 0.1, 0.43, 0.0, &mut points);
        both(LeftAnkle, RightAnkle, 0.1, 0.85, 0.0, &mut points);
        both(LeftHeel, RightHeel, 0.1, 0.91, 0.05, &mut points);
        both(LeftFootIndex, RightFootIndex, 0.1, 0.93, -0.15, &mut points);
        Figure { points }
    }

    /// The same figure with its hands on its hips (as the BESS and single-leg stance ask), elbows out.
    pub fn hands_on_hips(mut self) -> Figure {
        use Joint::*;
        for (sign, elbow, wrist, hand) in [
            (1.0, LeftElbow, LeftWrist, [LeftPinky, LeftIndex, LeftThumb]),
            (-1.0, RightElbow, RightWrist, [RightPinky, RightIndex, RightThumb]),
        ] {
            self.set(elbow, [sign * 0.34, -0.25, 0.05]);
            self.set(wrist, [sign * 0.17, -0.03, 0.0]);
            for h in hand {
                self.set(h, [sign * 0.13, -0.01, -0.03]);
            }
        }
        self
    }

    /// The scene point of `joint`.
    pub fn get(&self, joint: Joint) -> P3 {
        self.points[idx(joint)]
    }

    /// Sets the scene point of `joint`.
    pub fn set(&mut self, joint: Joint, p: P3) {
        self.points[idx(joint)] = p;
    }

    /// Moves `joint` by `d`.
    pub fn shift(&mut self, joint: Joint, d: P3) {
        let p = self.get(joint);
        self.set(joint, [p[0] + d[0], p[1] + d[1], p[2] + d[2]]);
    }

    /// Moves the whole figure by `d` metres (a step of the whole body, feet included).
    pub fn translate(&mut self, d: P3) {
        for p in self.points.iter_mut() {
            *p = [p[0] + d[0], p[1] + d[1], p[2] + d[2]];
        }
    }

    /// Leans the body over fixed feet like an inverted pendulum: a point moves by `(dx, dz)` metres times its
    /// height above the floor over the hips' height (the feet do not move).
    pub fn lean(&mut self, dx: f64, dz: f64) {
        let floor = 0.93;
        for (i, p) in self.points.iter_mut().enumerate() {
            if FEET.contains(&Joint::ALL[i]) {
                continue;
            }
            let k = (floor - p[1]) / floor;
            p[0] += dx * k;
            p[2] += dz * k;
        }
    }

    /// Lifts the foot of `left` (true) or right side by `height` metres, bending the knee (the thigh stays).
    pub fn lift_foot(&mut self, left: bool, height: f64) {
        use Joint::*;
        let joints = if left { [LeftAnkle, LeftHeel, LeftFootIndex] } else { [RightAnkle, RightHeel, RightFootIndex] };
        for j in joints {
            self.shift(j, [0.0, -height, 0.1 * height]);
        }
        self.shift(if left { LeftKnee } else { RightKnee }, [0.0, -0.3 * height, -0.3 * height]);
    }

    /// The pose a model would give: image keypoints (score 0.99) and world landmarks centred on the hips.
    pub fn pose(&self) -> Pose {
        let hips = {
            let (l, r) = (self.get(Joint::LeftHip), self.get(Joint::RightHip));
            [(l[0] + r[0]) / 2.0, (l[1] + r[1]) / 2.0, (l[2] + r[2]) / 2.0]
        };
        let size = FRAME_PX as f64;
        let keypoints = self
            .points
            .iter()
            .map(|p| Keypoint {
                x: ((size / 2.0 + p[0] * PX_PER_M) / size) as f32,
                y: ((450.0 + p[1] * PX_PER_M) / size) as f32,
                score: 0.99,
                presence: Some(0.99),
                z: Some((p[2] * PX_PER_M / size) as f32),
            })
            .collect();
        let world = self
            .points
            .iter()
            .map(|p| WorldPoint { x: (p[0] - hips[0]) as f32, y: (p[1] - hips[1]) as f32, z: (p[2] - hips[2]) as f32 })
            .collect();
        Pose {
            skeleton: Skeleton::BlazePose33,
            keypoints,
            score: 0.99,
            world: Some(world),
            mask: None,
            frame_width: FRAME_PX,
            frame_height: FRAME_PX,
        }
    }
}

/// A standing pose leaned by (`dx`, `dz`) metres at the hips (see [`Figure::lean`]).
pub fn standing_pose(dx: f64, dz: f64) -> Pose {
    let mut f = Figure::standing();
    f.lean(dx, dz);
    f.pose()
}
