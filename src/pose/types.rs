//! The one output type of every pose model: [`Pose`].

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::keypoints::{Joint, Skeleton};

/// One keypoint of a pose.
///
/// Position is in **normalised image coordinates**: `x` from 0 (left edge) to 1 (right edge), `y` from 0 (top edge)
/// to 1 (bottom edge) of the frame the pose was estimated on. Keypoints may lie slightly outside `0..1` when the
/// model places a joint beyond the image border.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Keypoint {
    /// Horizontal position, normalised, 0 = left edge of the frame.
    pub x: f32,
    /// Vertical position, normalised, 0 = top edge of the frame.
    pub y: f32,
    /// Confidence in `0..1` (MoveNet's score; BlazePose's visibility).
    pub score: f32,
    /// BlazePose's presence probability (`None` for MoveNet).
    pub presence: Option<f32>,
    /// BlazePose's relative depth as a fraction of the frame width, like `x` (smaller = nearer the camera);
    /// `None` for MoveNet.
    pub z: Option<f32>,
}

impl Keypoint {
    /// Position in pixels for a frame of `width` × `height`.
    pub fn to_pixels(&self, width: u32, height: u32) -> (f32, f32) {
        (self.x * width as f32, self.y * height as f32)
    }
}

/// A 3D landmark in metres, origin at the centre of the hips (BlazePose world landmarks): `x` to the image's right,
/// `y` down, `z` away from the camera, as the model defines them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorldPoint {
    /// Metres, towards the image's right.
    pub x: f32,
    /// Metres, down.
    pub y: f32,
    /// Metres, away from the camera.
    pub z: f32,
}

/// A person-segmentation mask as the landmark model produced it: probabilities on a square grid in the model's crop,
/// plus the mapping from that grid to the frame, so it can be sampled at any frame position.
#[derive(Clone, Debug)]
pub struct SegmentationMask {
    /// Side of the square grid in cells.
    pub size: usize,
    /// Person probability per cell, row-major.
    pub probability: Vec<f32>,
    /// Maps a frame pixel (x, y) to grid coordinates: `[a, b, c, d, e, f]` with
    /// `u = a·x + b·y + c`, `v = d·x + e·y + f`.
    pub frame_to_grid: [f32; 6],
    /// Frame width in pixels.
    pub frame_width: u32,
    /// Frame height in pixels.
    pub frame_height: u32,
}

impl SegmentationMask {
    /// Probability that the person covers normalised frame position (`x`, `y`); 0 outside the crop.
    pub fn sample(&self, x: f32, y: f32) -> f32 {
        let px = x * self.frame_width as f32;
        let py = y * self.frame_height as f32;
        let m = &self.frame_to_grid;
        let u = m[0] * px + m[1] * py + m[2];
        let v = m[3] * px + m[4] * py + m[5];
        super::imgproc::bilinear_f32(&self.probability, self.size, self.size, u - 0.5, v - 0.5)
    }

    /// The mask resampled to a `width` × `height` grid covering the whole frame (row-major probabilities).
    pub fn to_frame_grid(&self, width: usize, height: usize) -> Vec<f32> {
        let mut out = Vec::with_capacity(width * height);
        for j in 0..height {
            for i in 0..width {
                out.push(self.sample((i as f32 + 0.5) / width as f32, (j as f32 + 0.5) / height as f32));
            }
        }
        out
    }
}

/// A person's pose in one frame.
///
/// Keypoints are in the model's own order ([`Skeleton::joints`]); look them up by name with [`Pose::get`]. Names
/// are anatomical: `left_*` is always the person's own left, also when the frame was mirrored (the estimator swaps
/// the labels of poses found on mirrored frames, see [`crate::Frame::mirrored`]).
#[derive(Clone, Debug)]
pub struct Pose {
    /// Which keypoints, in which order.
    pub skeleton: Skeleton,
    /// One keypoint per joint of the skeleton, in its order.
    pub keypoints: Vec<Keypoint>,
    /// Overall confidence that this is a person, `0..1`.
    pub score: f32,
    /// BlazePose's world landmarks in metres (same order as `keypoints`), if the model gives them.
    pub world: Option<Vec<WorldPoint>>,
    /// Person segmentation, if requested and the model gives it.
    pub mask: Option<Arc<SegmentationMask>>,
    /// Width of the frame the pose belongs to, in pixels.
    pub frame_width: u32,
    /// Height of the frame the pose belongs to, in pixels.
    pub frame_height: u32,
}

impl Pose {
    /// The keypoint of `joint`, if this skeleton has it.
    pub fn get(&self, joint: Joint) -> Option<&Keypoint> {
        self.skeleton.index_of(joint).and_then(|i| self.keypoints.get(i))
    }

    /// How the person is framed: the whole body, or head to waist (hips out of view); see [`super::Framing`].
    pub fn framing(&self) -> super::Framing {
        super::Framing::of(self)
    }

    /// The keypoint of `joint` if its score reaches `min_score`.
    pub fn get_confident(&self, joint: Joint, min_score: f32) -> Option<&Keypoint> {
        self.get(joint).filter(|k| k.score >= min_score)
    }

    /// Iterates over (joint, keypoint) pairs in the model's order.
    pub fn iter(&self) -> impl Iterator<Item = (Joint, &Keypoint)> {
        self.skeleton.joints().iter().copied().zip(self.keypoints.iter())
    }

    /// Swaps the labels of left and right joints, keeping every position where it is.
    ///
    /// This is what a pose found on a **mirrored** image needs: the model calls the person's left arm "right"
    /// because in the mirrored pixels it looks like a right arm. Positions stay in the mirrored frame's
    /// coordinates; only the names are put right.
    pub fn swap_sides(&mut self) {
        let joints = self.skeleton.joints();
        let old = self.keypoints.clone();
        let old_world = self.world.clone();
        for (i, joint) in joints.iter().enumerate() {
            if let Some(src) = self.skeleton.index_of(joint.twin()) {
                self.keypoints[i] = old[src];
                if let (Some(w), Some(ow)) = (self.world.as_mut(), old_world.as_ref()) {
                    w[i] = ow[src];
                }
            }
        }
        if let Some(w) = self.world.as_mut() {
            // World x points to the image's right; in a mirrored image that axis is reversed.
            for p in w.iter_mut() {
                p.x = -p.x;
            }
        }
    }

    /// The same pose as it appears in the horizontally flipped frame: every keypoint's `x` becomes `1 - x`, and
    /// every name stays (a mirrored view moves where a joint is drawn, never what it is called).
    pub fn flipped_horizontally(&self) -> Pose {
        let mut p = self.clone();
        for k in p.keypoints.iter_mut() {
            k.x = 1.0 - k.x;
        }
        p.mask = None;
        p
    }

    /// The keypoints as `[x_px, y_px, score]` in the model's order, for export.
    pub fn to_pixel_triples(&self) -> Vec<[f32; 3]> {
        self.keypoints
            .iter()
            .map(|k| {
                let (x, y) = k.to_pixels(self.frame_width, self.frame_height);
                [x, y, k.score]
            })
            .collect()
    }

    /// The pose's 17 COCO keypoints in COCO order as `[x_px, y_px, score]` (BlazePose's are picked out by name).
    pub fn to_coco17_pixels(&self) -> Vec<[f32; 3]> {
        super::keypoints::COCO_17
            .iter()
            .map(|&j| match self.get(j) {
                Some(k) => {
                    let (x, y) = k.to_pixels(self.frame_width, self.frame_height);
                    [x, y, k.score]
                }
                None => [0.0, 0.0, 0.0],
            })
            .collect()
    }

    /// Bounding box of the keypoints with at least `min_score`, normalised: (x_min, y_min, x_max, y_max).
    pub fn bounding_box(&self, min_score: f32) -> Option<(f32, f32, f32, f32)> {
        let mut it = self.keypoints.iter().filter(|k| k.score >= min_score);
        let first = it.next()?;
        Some(it.fold((first.x, first.y, first.x, first.y), |(a, b, c, d), k| {
            (a.min(k.x), b.min(k.y), c.max(k.x), d.max(k.y))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pose_with(skeleton: Skeleton) -> Pose {
        let n = skeleton.joints().len();
        Pose {
            skeleton,
            keypoints: (0..n)
                .map(|i| Keypoint { x: i as f32 / 100.0, y: 0.5, score: 0.9, presence: None, z: None })
                .collect(),
            score: 1.0,
            world: None,
            mask: None,
            frame_width: 100,
            frame_height: 50,
        }
    }

    #[test]
    fn swap_sides_exchanges_twins_and_keeps_the_nose() {
        let p = pose_with(Skeleton::Coco17);
        let mut q = p.clone();
        q.swap_sides();
        assert_eq!(q.get(Joint::LeftWrist), p.get(Joint::RightWrist));
        assert_eq!(q.get(Joint::RightAnkle), p.get(Joint::LeftAnkle));
        assert_eq!(q.get(Joint::Nose), p.get(Joint::Nose));
        q.swap_sides();
        assert_eq!(q.keypoints, p.keypoints);
    }

    #[test]
    fn flipping_moves_positions_not_names() {
        let p = pose_with(Skeleton::BlazePose33);
        let f = p.flipped_horizontally();
        for (j, k) in p.iter() {
            let fk = f.get(j).expect("same skeleton");
            assert!((fk.x - (1.0 - k.x)).abs() < 1e-6);
            assert_eq!(fk.y, k.y);
        }
    }

    #[test]
    fn pixel_export_scales_by_frame_size() {
        let p = pose_with(Skeleton::Coco17);
        let t = p.to_pixel_triples();
        assert_eq!(t.len(), 17);
        assert!((t[10][0] - 10.0).abs() < 1e-4 && (t[10][1] - 25.0).abs() < 1e-4);
        let c = pose_with(Skeleton::BlazePose33).to_coco17_pixels();
        // COCO index 9 is left_wrist, BlazePose index 15.
        assert!((c[9][0] - 15.0).abs() < 1e-4);
    }
}
