//! The rotated square crop the hand landmark model reads, and MediaPipe's two rules for placing it: from a palm
//! detection (the first frame, or after the hand was lost) and from the previous frame's landmarks (tracking).
//!
//! Everything here is in frame pixels. A rotation θ turns the crop clockwise on screen (y points down); θ = 0 when
//! the wrist-to-fingers line points straight up.
//!
//! **Sampling convention.** MediaPipe's CPU path (OpenCV `warpPerspective` with the crop's corners mapped onto the
//! tensor's corners) reads tensor pixel (u, v) at frame position `centre + side·R(θ)·(u/N − ½, v/N − ½)` with pixel
//! centres at integer coordinates in both images. [`HandRoi::sampling_map`] gives that mapping in the form
//! [`sample_rgb`](crate::pose::imgproc::sample_rgb) expects (which puts centres at `i + ½`), so the crop is the
//! one MediaPipe makes, to the pixel.

pub use super::types::HandRoi;
use super::types::{NUM_LANDMARKS, PalmDetection};
use crate::pose::imgproc::Affine;

/// Scale of the crop around a palm detection's box (MediaPipe's PalmDetectionDetectionToRoi: 2.6).
const PALM_SCALE: f32 = 2.6;
/// Shift of the crop from the palm box towards the fingers, in box heights.
const PALM_SHIFT_Y: f32 = -0.5;
/// Scale of the crop around the previous frame's landmarks (HandLandmarkLandmarksToRoi: 2.0).
const TRACK_SCALE: f32 = 2.0;
/// Shift of the crop from the landmarks' box towards the fingers, in box heights.
const TRACK_SHIFT_Y: f32 = -0.1;
/// The landmarks MediaPipe's tracking rectangle is built from: the wrist, the thumb's first three joints and each
/// finger's MCP and PIP (the fingertips, which move most, are left out).
const TRACK_LANDMARKS: [usize; 12] = [0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18];

/// MediaPipe's NormalizeRadians: the same angle in `[−π, π)`.
pub(crate) fn normalize_radians(a: f32) -> f32 {
    use std::f32::consts::PI;
    a - 2.0 * PI * ((a + PI) / (2.0 * PI)).floor()
}

/// The rotation that makes the line from `from` to `to` (pixels) point straight up in the crop.
fn rotation_between(from: [f32; 2], to: [f32; 2]) -> f32 {
    normalize_radians(std::f32::consts::FRAC_PI_2 - (-(to[1] - from[1])).atan2(to[0] - from[0]))
}

/// MediaPipe's RectTransformationCalculator on a rectangle in pixels (centre, width, height, rotation): shift along
/// the rectangle's own y axis by `shift_y` heights, make it square with the longer side, scale by `scale`.
fn transform(cx: f32, cy: f32, w: f32, h: f32, rotation: f32, shift_y: f32, scale: f32) -> HandRoi {
    let (sin, cos) = rotation.sin_cos();
    let (cx, cy) =
        if rotation == 0.0 { (cx, cy + h * shift_y) } else { (cx - h * shift_y * sin, cy + h * shift_y * cos) };
    HandRoi { cx, cy, side: w.max(h) * scale, rotation }
}

impl HandRoi {
    /// The crop around a palm (MediaPipe's PalmDetectionDetectionToRoi): the palm box rotated so that the wrist
    /// (keypoint 0) to middle-finger knuckle (keypoint 2) line points up, moved half a box height towards the
    /// fingers, squared with the longer side and scaled by 2.6. `palm` is normalised to a `width` × `height` frame.
    pub fn from_palm(palm: &PalmDetection, width: u32, height: u32) -> HandRoi {
        let (w, h) = (width as f32, height as f32);
        let px = |p: [f32; 2]| [p[0] * w, p[1] * h];
        let rotation = rotation_between(px(palm.keypoints[0]), px(palm.keypoints[2]));
        let [xmin, ymin, bw, bh] = palm.bbox;
        transform((xmin + bw / 2.0) * w, (ymin + bh / 2.0) * h, bw * w, bh * h, rotation, PALM_SHIFT_Y, PALM_SCALE)
    }

    /// The next frame's crop from this frame's landmarks (pixels), as MediaPipe tracks a hand
    /// (HandLandmarksToRectCalculator, then scale 2.0, shift −0.1, square): rotated so that the wrist to
    /// ((index MCP + ring MCP)/2 + middle MCP)/2 line points up, around the bounding box of the wrist, thumb CMC, MCP,
    /// IP and each finger's MCP and PIP in that rotated frame.
    pub fn from_landmarks(px: &[[f32; 2]; NUM_LANDMARKS]) -> HandRoi {
        let p: Vec<[f32; 2]> = TRACK_LANDMARKS.iter().map(|&i| px[i]).collect();
        let (index, middle, ring) = (p[4], p[6], p[8]);
        let toward = [((index[0] + ring[0]) / 2.0 + middle[0]) / 2.0, ((index[1] + ring[1]) / 2.0 + middle[1]) / 2.0];
        let rotation = rotation_between(p[0], toward);
        let bounds = |pts: &mut dyn Iterator<Item = [f32; 2]>| {
            pts.fold([f32::INFINITY, f32::INFINITY, f32::NEG_INFINITY, f32::NEG_INFINITY], |b, q| {
                [b[0].min(q[0]), b[1].min(q[1]), b[2].max(q[0]), b[3].max(q[1])]
            })
        };
        let aa = bounds(&mut p.iter().copied());
        let (acx, acy) = ((aa[0] + aa[2]) / 2.0, (aa[1] + aa[3]) / 2.0);
        let (sin_r, cos_r) = (-rotation).sin_cos();
        let rb = bounds(&mut p.iter().map(|q| {
            let (x, y) = (q[0] - acx, q[1] - acy);
            [x * cos_r - y * sin_r, x * sin_r + y * cos_r]
        }));
        let (pcx, pcy) = ((rb[0] + rb[2]) / 2.0, (rb[1] + rb[3]) / 2.0);
        let (sin, cos) = rotation.sin_cos();
        let cx = pcx * cos - pcy * sin + acx;
        let cy = pcx * sin + pcy * cos + acy;
        transform(cx, cy, rb[2] - rb[0], rb[3] - rb[1], rotation, TRACK_SHIFT_Y, TRACK_SCALE)
    }

    /// A crop seeded by the body pose (BlazePose's wrist, index and pinky points, pixels): centred between the index
    /// and pinky points, rotated so that the wrist to that centre points up, side 4 × their distance (at least
    /// 24 px). Not a MediaPipe rule (its hand graph does not read the body pose); the crop the shared model check
    /// used around BlazePose's hands.
    pub fn from_body(wrist: [f32; 2], index: [f32; 2], pinky: [f32; 2]) -> HandRoi {
        let mid = [(index[0] + pinky[0]) / 2.0, (index[1] + pinky[1]) / 2.0];
        let len = ((mid[0] - wrist[0]).powi(2) + (mid[1] - wrist[1]).powi(2)).sqrt();
        HandRoi { cx: mid[0], cy: mid[1], side: (4.0 * len).max(24.0), rotation: rotation_between(wrist, mid) }
    }

    /// Maps a point of the `size` × `size` model input (pixels, edge coordinates 0..size) to frame pixels
    /// (MediaPipe's LandmarkProjectionCalculator).
    pub fn project(&self, u: f32, v: f32, size: usize) -> [f32; 2] {
        let (du, dv) = (u / size as f32 - 0.5, v / size as f32 - 0.5);
        let (sin, cos) = self.rotation.sin_cos();
        [self.cx + self.side * (cos * du - sin * dv), self.cy + self.side * (sin * du + cos * dv)]
    }

    /// The resampling map of this crop into a `size` × `size` tensor, MediaPipe's way (see the module docs).
    pub fn sampling_map(&self, size: usize) -> Affine {
        mediapipe_map(self.cx, self.cy, self.side, self.side, self.rotation, size, size)
    }

    /// Intersection over union of the two squares' axis-aligned extents (rotation ignored, as MediaPipe's
    /// AssociationNormRectCalculator does).
    pub fn iou(&self, other: &HandRoi) -> f32 {
        let b = |r: &HandRoi| [r.cx - r.side / 2.0, r.cy - r.side / 2.0, r.cx + r.side / 2.0, r.cy + r.side / 2.0];
        let (a, c) = (b(self), b(other));
        let ix = (a[2].min(c[2]) - a[0].max(c[0])).max(0.0);
        let iy = (a[3].min(c[3]) - a[1].max(c[1])).max(0.0);
        let inter = ix * iy;
        let union = self.side * self.side + other.side * other.side - inter;
        if union <= 0.0 { 0.0 } else { inter / union }
    }
}

/// The [`Affine`] for [`sample_rgb`](crate::pose::imgproc::sample_rgb) that reads an `out_w` × `out_h` tensor from the
/// rectangle centred at (`cx`, `cy`) of size `w` × `h` rotated by `rotation`, with MediaPipe's convention: tensor
/// pixel (u, v) reads frame index position `centre + R(θ)·((u/out_w − ½)·w, (v/out_h − ½)·h)`.
pub(crate) fn mediapipe_map(cx: f32, cy: f32, w: f32, h: f32, rotation: f32, out_w: usize, out_h: usize) -> Affine {
    let (sin, cos) = rotation.sin_cos();
    let (a, b) = (cos * w / out_w as f32, -sin * h / out_h as f32);
    let (d, e) = (sin * w / out_w as f32, cos * h / out_h as f32);
    let x0 = cx - cos * w / 2.0 + sin * h / 2.0;
    let y0 = cy - sin * w / 2.0 - cos * h / 2.0;
    // sample_rgb reads index position a·(u + ½) + b·(v + ½) + c − ½: absorb the half pixels into c and f.
    Affine { m: [a, b, x0 - 0.5 * (a + b) + 0.5, d, e, y0 - 0.5 * (d + e) + 0.5] }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f32::consts::FRAC_PI_2;

    fn palm(kp0: [f32; 2], kp2: [f32; 2], bbox: [f32; 4]) -> PalmDetection {
        let mut keypoints = [[0.0; 2]; 7];
        keypoints[0] = kp0;
        keypoints[2] = kp2;
        PalmDetection { score: 0.9, bbox, keypoints }
    }

    #[test]
    fn upright_palm_crop_moves_towards_the_fingers() {
        // A 100 × 100 frame; the palm box 0.2 × 0.1 at the centre, the fingers up.
        let r = HandRoi::from_palm(&palm([0.5, 0.6], [0.5, 0.4], [0.4, 0.45, 0.2, 0.1]), 100, 100);
        assert!(r.rotation.abs() < 1e-6, "{r:?}");
        assert!((r.cx - 50.0).abs() < 1e-4);
        // Shifted up by half the box height (10 px × 0.5).
        assert!((r.cy - 45.0).abs() < 1e-4, "{r:?}");
        // Square with the longer side (20 px) × 2.6.
        assert!((r.side - 52.0).abs() < 1e-4);
    }

    #[test]
    fn fingers_to_the_right_rotate_the_crop_clockwise_and_shift_right() {
        // Wrist on the left, knuckle on the right: the crop turns by +90° (clockwise on screen).
        let r = HandRoi::from_palm(&palm([0.4, 0.5], [0.6, 0.5], [0.45, 0.4, 0.1, 0.2]), 200, 100);
        assert!((r.rotation - FRAC_PI_2).abs() < 1e-5, "{r:?}");
        // Box height 20 px: the centre moves 10 px to the right (towards the fingers).
        assert!((r.cx - 110.0).abs() < 1e-3 && (r.cy - 50.0).abs() < 1e-3, "{r:?}");
        // The top middle of the crop is the fingers' side: to the right of the centre.
        let top = r.project(112.0, 0.0, 224);
        assert!(top[0] > r.cx + r.side / 2.0 - 1e-3, "{top:?}");
    }

    #[test]
    fn tracking_rect_of_an_upright_hand() {
        // An upright hand: wrist at (50, 100), knuckles at y = 60, PIPs at y = 40.
        let mut px = [[50.0f32, 100.0]; NUM_LANDMARKS];
        px[1] = [35.0, 90.0];
        px[2] = [30.0, 80.0];
        px[3] = [28.0, 70.0];
        for (mcp, x) in [(5, 40.0), (9, 50.0), (13, 60.0), (17, 70.0)] {
            px[mcp] = [x, 60.0];
            px[mcp + 1] = [x, 40.0];
        }
        let r = HandRoi::from_landmarks(&px);
        assert!(r.rotation.abs() < 1e-6, "{r:?}");
        // Box x 28..70 (42 wide), y 40..100 (60 high): centre (49, 70), shifted up 6 px; side 60 × 2.
        assert!((r.cx - 49.0).abs() < 1e-3 && (r.cy - 64.0).abs() < 1e-3, "{r:?}");
        assert!((r.side - 120.0).abs() < 1e-3, "{r:?}");
    }

    #[test]
    fn tracking_rect_turns_with_the_hand() {
        // The same hand turned 90° clockwise on screen (fingers pointing right) gives the same crop turned.
        let mut px = [[0.0f32; 2]; NUM_LANDMARKS];
        let upright: [[f32; 2]; NUM_LANDMARKS] = {
            let mut u = [[0.0f32, 40.0]; NUM_LANDMARKS];
            u[1] = [-15.0, 30.0];
            u[2] = [-20.0, 20.0];
            u[3] = [-22.0, 10.0];
            for (mcp, x) in [(5, -10.0), (9, 0.0), (13, 10.0), (17, 20.0)] {
                u[mcp] = [x, 0.0];
                u[mcp + 1] = [x, -20.0];
            }
            u
        };
        for (q, u) in px.iter_mut().zip(upright) {
            // Clockwise on screen by 90°: (x, y) → (−y, x).
            *q = [100.0 - u[1], 100.0 + u[0]];
        }
        let r = HandRoi::from_landmarks(&px);
        assert!((r.rotation - FRAC_PI_2).abs() < 1e-5, "{r:?}");
        assert!((r.side - 120.0).abs() < 1e-3, "{r:?}");
    }

    #[test]
    fn projection_and_sampling_map_agree_with_mediapipe() {
        let r = HandRoi { cx: 300.0, cy: 200.0, side: 224.0, rotation: 0.3 };
        // The tensor's centre is the crop's centre.
        let c = r.project(112.0, 112.0, 224);
        assert!((c[0] - 300.0).abs() < 1e-3 && (c[1] - 200.0).abs() < 1e-3);
        // sample_rgb reads output pixel (u, v) at index position m·(u + ½, v + ½) − ½; MediaPipe at
        // centre + side·R·(u/N − ½, v/N − ½).
        let m = r.sampling_map(224);
        for (u, v) in [(0.0f32, 0.0f32), (10.0, 200.0), (223.0, 5.0)] {
            let (x, y) = m.apply(u + 0.5, v + 0.5);
            let want = r.project(u, v, 224);
            assert!((x - 0.5 - want[0]).abs() < 1e-3 && (y - 0.5 - want[1]).abs() < 1e-3, "{u},{v}");
        }
    }

    #[test]
    fn body_seeded_crop_points_along_the_hand() {
        // Wrist below, index and pinky 20 px above it: centred between them, upright, side 80 px.
        let r = HandRoi::from_body([100.0, 100.0], [95.0, 80.0], [105.0, 80.0]);
        assert!((r.cx - 100.0).abs() < 1e-4 && (r.cy - 80.0).abs() < 1e-4 && r.rotation.abs() < 1e-6, "{r:?}");
        assert!((r.side - 80.0).abs() < 1e-4);
        // A tiny hand still gets a 24 px crop.
        assert_eq!(HandRoi::from_body([0.0, 0.0], [0.0, -1.0], [0.0, -1.0]).side, 24.0);
    }

    #[test]
    fn iou_of_squares() {
        let a = HandRoi { cx: 0.0, cy: 0.0, side: 10.0, rotation: 0.0 };
        assert!((a.iou(&a) - 1.0).abs() < 1e-6);
        let b = HandRoi { cx: 5.0, ..a };
        assert!((a.iou(&b) - 50.0 / 150.0).abs() < 1e-6);
        assert_eq!(a.iou(&HandRoi { cx: 100.0, ..a }), 0.0);
    }
}
