//! Mirror therapy views: the camera image as the patient should see it, and where each keypoint goes.
//!
//! - [`MirrorMode::Off`]: the camera image as it is.
//! - [`MirrorMode::Mirror`]: flipped left to right, like a bathroom mirror (the selfie view patients expect).
//! - [`MirrorMode::Split`]: one half of the body reflected onto the other across a seam on the body's midline, so
//!   the patient sees two healthy limbs (a digital mirror box). The therapist picks the source by the patient's
//!   anatomy ("show the patient's left arm on both sides"), or the upper or lower half across a horizontal seam.
//!
//! A [`ViewTransform`] maps pixels and keypoints together, so the overlay cannot drift from the image. Joint names
//! never change: in a mirrored view the patient's left wrist is still `left_wrist`, only drawn elsewhere; in a split
//! view the copies of the source side's joints are marked [`ShownKeypoint::reflected`], and the hidden side's own
//! joints are not shown at all (their pixels are covered by the reflection).

use serde::{Deserialize, Serialize};

use crate::pose::{Joint, Pose, Side};

/// Which half of the body a split reflection shows on both sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SplitSource {
    /// The patient's own left half (vertical seam).
    PatientLeft,
    /// The patient's own right half (vertical seam).
    PatientRight,
    /// The upper half, reflected downwards (horizontal seam).
    Upper,
    /// The lower half, reflected upwards (horizontal seam).
    Lower,
}

impl SplitSource {
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            SplitSource::PatientLeft => "patient's left side on both sides",
            SplitSource::PatientRight => "patient's right side on both sides",
            SplitSource::Upper => "upper half reflected down",
            SplitSource::Lower => "lower half reflected up",
        }
    }

    fn vertical_seam(self) -> bool {
        matches!(self, SplitSource::PatientLeft | SplitSource::PatientRight)
    }
}

/// How the image is mirrored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum MirrorMode {
    /// The camera image as it is.
    Off,
    /// A mirror image (the selfie view).
    #[default]
    Mirror,
    /// One half reflected onto the other; `selfie` also flips the result like a mirror.
    Split {
        /// The half shown on both sides.
        source: SplitSource,
        /// Also flip the result left to right.
        selfie: bool,
    },
}

impl MirrorMode {
    /// Words for people.
    pub fn label(&self) -> String {
        match self {
            MirrorMode::Off => "Off (camera view)".to_string(),
            MirrorMode::Mirror => "Mirror".to_string(),
            MirrorMode::Split { source, .. } => format!("Split reflection: {}", source.label()),
        }
    }
}

/// A straight seam in frame pixels: a point on it and its unit direction.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Seam {
    /// A point on the seam (pixels).
    pub point: (f32, f32),
    /// Unit direction along the seam.
    pub dir: (f32, f32),
}

impl Seam {
    /// A vertical seam at `x` pixels.
    pub fn vertical(x: f32) -> Seam {
        Seam { point: (x, 0.0), dir: (0.0, 1.0) }
    }

    /// A horizontal seam at `y` pixels.
    pub fn horizontal(y: f32) -> Seam {
        Seam { point: (0.0, y), dir: (1.0, 0.0) }
    }

    /// The seam through two points (pixels), or a vertical one if they coincide.
    pub fn through(a: (f32, f32), b: (f32, f32)) -> Seam {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt();
        if len < 1e-3 { Seam::vertical(a.0) } else { Seam { point: a, dir: (dx / len, dy / len) } }
    }

    /// Signed distance of `p` from the seam (pixels): positive on the seam's right-hand side (`dir` rotated by
    /// +90° in image coordinates, y down).
    pub fn signed_distance(&self, p: (f32, f32)) -> f32 {
        let (nx, ny) = (-self.dir.1, self.dir.0);
        (p.0 - self.point.0) * nx + (p.1 - self.point.1) * ny
    }

    /// The reflection of `p` across the seam.
    pub fn reflect(&self, p: (f32, f32)) -> (f32, f32) {
        let (vx, vy) = (p.0 - self.point.0, p.1 - self.point.1);
        let t = vx * self.dir.0 + vy * self.dir.1;
        let (fx, fy) = (self.point.0 + t * self.dir.0, self.point.1 + t * self.dir.1);
        (2.0 * fx - p.0, 2.0 * fy - p.1)
    }
}

/// Where the seam comes from.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeamSettings {
    /// Follow the body's midline (mid-shoulder to mid-hip) from the pose.
    pub follow_body: bool,
    /// The seam's position when not following the body, or before a body is seen: normalised x (vertical seams)
    /// or y (horizontal seams).
    pub manual: f32,
    /// Smoothing of the followed midline, 0 (none) to 1 (very steady).
    pub smoothing: f32,
    /// Width of the soft blend across the seam, as a fraction of the frame's width.
    pub feather: f32,
}

impl Default for SeamSettings {
    fn default() -> Self {
        SeamSettings { follow_body: true, manual: 0.5, smoothing: 0.8, feather: 0.02 }
    }
}

/// Keeps the seam steady: follows the body's midline with smoothing, or stays where the therapist put it.
#[derive(Clone, Debug, Default)]
pub struct SeamTracker {
    /// Smoothed top and bottom points of the midline, normalised.
    state: Option<((f32, f32), (f32, f32))>,
}

impl SeamTracker {
    /// A tracker with no history.
    pub fn new() -> Self {
        SeamTracker::default()
    }

    /// Forgets the followed midline.
    pub fn reset(&mut self) {
        self.state = None;
    }

    /// The seam for this frame (pixels of a `width` × `height` frame), updated from `pose` when following the
    /// body. `horizontal` asks for a horizontal seam (through the hips when following the body).
    pub fn update(
        &mut self,
        pose: Option<&Pose>,
        settings: &SeamSettings,
        horizontal: bool,
        width: u32,
        height: u32,
    ) -> Seam {
        let (w, h) = (width as f32, height as f32);
        if !settings.follow_body {
            return if horizontal {
                Seam::horizontal(settings.manual * h)
            } else {
                Seam::vertical(settings.manual * w)
            };
        }
        if let Some(p) = pose {
            let mid = |a: Joint, b: Joint| -> Option<(f32, f32)> {
                let (ka, kb) = (p.get_confident(a, 0.3)?, p.get_confident(b, 0.3)?);
                Some(((ka.x + kb.x) / 2.0, (ka.y + kb.y) / 2.0))
            };
            let top = mid(Joint::LeftShoulder, Joint::RightShoulder);
            let bottom = mid(Joint::LeftHip, Joint::RightHip);
            let measured = if horizontal {
                // Through the hips, along the hip line.
                match (p.get_confident(Joint::LeftHip, 0.3), p.get_confident(Joint::RightHip, 0.3)) {
                    (Some(l), Some(r)) => Some(((l.x, l.y), (r.x, r.y))),
                    _ => None,
                }
            } else {
                match (top, bottom) {
                    (Some(t), Some(b)) => Some((t, b)),
                    (Some(t), None) => Some((t, (t.0, t.1 + 0.5))),
                    (None, Some(b)) => Some(((b.0, b.1 - 0.5), b)),
                    _ => None,
                }
            };
            if let Some((a, b)) = measured {
                let k = 1.0 - settings.smoothing.clamp(0.0, 0.98);
                self.state = Some(match self.state {
                    Some((sa, sb)) => (
                        (sa.0 + k * (a.0 - sa.0), sa.1 + k * (a.1 - sa.1)),
                        (sb.0 + k * (b.0 - sb.0), sb.1 + k * (b.1 - sb.1)),
                    ),
                    None => (a, b),
                });
            }
        }
        match self.state {
            // A vertical seam at the midline's mean x, or a horizontal one at the hips' mean y: following the body
            // without tilting the picture (a tilted reflection would turn the room around the patient).
            Some((a, b)) if horizontal => Seam::horizontal((a.1 + b.1) / 2.0 * h),
            Some((a, b)) => Seam::vertical((a.0 + b.0) / 2.0 * w),
            None if horizontal => Seam::horizontal(settings.manual * h),
            None => Seam::vertical(settings.manual * w),
        }
    }
}

/// How one frame is shown: pixels and keypoints map through the same transform.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewTransform {
    /// Frame width, pixels.
    pub width: u32,
    /// Frame height, pixels.
    pub height: u32,
    /// Flip the (possibly reflected) image left to right at the end.
    pub flip: bool,
    /// Split reflection: the seam, which side of it is the source (sign of [`Seam::signed_distance`]), and the
    /// feather width in pixels.
    pub split: Option<(Seam, f32, f32)>,
}

impl ViewTransform {
    /// The transform for `mode` on a `width` × `height` frame. For split modes, `seam` is where to reflect and
    /// `pose` tells which side of the seam the chosen anatomical side is on (without a pose the person is assumed
    /// to face the camera: their left on the image's right, or on its left if `frame_mirrored`).
    pub fn new(
        mode: MirrorMode,
        width: u32,
        height: u32,
        seam: Seam,
        pose: Option<&Pose>,
        frame_mirrored: bool,
        feather: f32,
    ) -> ViewTransform {
        match mode {
            MirrorMode::Off => ViewTransform { width, height, flip: false, split: None },
            MirrorMode::Mirror => ViewTransform { width, height, flip: true, split: None },
            MirrorMode::Split { source, selfie } => {
                let sign = source_sign(source, &seam, pose, frame_mirrored, width, height);
                let feather_px = (feather * width as f32).max(0.0);
                ViewTransform { width, height, flip: selfie, split: Some((seam, sign, feather_px)) }
            }
        }
    }

    /// Where a frame position (normalised) is shown when it is shown as itself (its real location).
    pub fn map_real(&self, x: f32, y: f32) -> (f32, f32) {
        if self.flip { (1.0 - x, y) } else { (x, y) }
    }

    /// Whether a frame position (normalised) is covered by the reflection in a split view.
    pub fn is_hidden(&self, x: f32, y: f32) -> bool {
        match self.split {
            Some((seam, sign, _)) => seam.signed_distance((x * self.width as f32, y * self.height as f32)) * sign < 0.0,
            None => false,
        }
    }

    /// Where the reflected copy of a frame position (normalised) is shown, in a split view.
    pub fn map_reflected(&self, x: f32, y: f32) -> Option<(f32, f32)> {
        let (seam, _, _) = self.split?;
        let (w, h) = (self.width as f32, self.height as f32);
        let (rx, ry) = seam.reflect((x * w, y * h));
        Some(self.map_real(rx / w, ry / h))
    }

    /// Renders `src` (RGB, the frame) into `out` (RGBA, same size, resized if needed) as this view shows it.
    pub fn render(&self, src: &image::RgbImage, out: &mut DisplayImage) {
        let (w, h) = (src.width() as usize, src.height() as usize);
        out.resize(w, h);
        let raw = src.as_raw();
        match self.split {
            None => {
                for y in 0..h {
                    let row_in = &raw[y * w * 3..(y + 1) * w * 3];
                    let row_out = &mut out.rgba[y * w * 4..(y + 1) * w * 4];
                    if self.flip {
                        for (o, i) in row_out.chunks_exact_mut(4).zip(row_in.chunks_exact(3).rev()) {
                            o.copy_from_slice(&[i[0], i[1], i[2], 255]);
                        }
                    } else {
                        for (o, i) in row_out.chunks_exact_mut(4).zip(row_in.chunks_exact(3)) {
                            o.copy_from_slice(&[i[0], i[1], i[2], 255]);
                        }
                    }
                }
            }
            Some((seam, sign, feather)) => {
                if seam.dir.0.abs() < 1e-6 {
                    render_split_vertical(
                        raw,
                        w,
                        h,
                        seam.point.0,
                        -seam.dir.1 * sign,
                        feather,
                        self.flip,
                        &mut out.rgba,
                    )
                } else if seam.dir.1.abs() < 1e-6 {
                    render_split_horizontal(
                        raw,
                        w,
                        h,
                        seam.point.1,
                        seam.dir.0 * sign,
                        feather,
                        self.flip,
                        &mut out.rgba,
                    )
                } else {
                    render_split(raw, w, h, seam, sign, feather, self.flip, &mut out.rgba)
                }
            }
        }
    }
}

/// +1 when the source half is on the seam's positive side.
fn source_sign(source: SplitSource, seam: &Seam, pose: Option<&Pose>, frame_mirrored: bool, w: u32, h: u32) -> f32 {
    let (fw, fh) = (w as f32, h as f32);
    if source.vertical_seam() {
        let side = if source == SplitSource::PatientLeft { Side::Left } else { Side::Right };
        // Where the chosen side's shoulder and hip are, relative to the seam.
        let from_pose = pose.and_then(|p| {
            let joints: &[Joint] = if side == Side::Left {
                &[Joint::LeftShoulder, Joint::LeftHip, Joint::LeftElbow]
            } else {
                &[Joint::RightShoulder, Joint::RightHip, Joint::RightElbow]
            };
            let d: f32 = joints
                .iter()
                .filter_map(|&j| p.get_confident(j, 0.3))
                .map(|k| seam.signed_distance((k.x * fw, k.y * fh)))
                .sum();
            (d != 0.0).then_some(d.signum())
        });
        from_pose.unwrap_or_else(|| {
            // Facing the camera, the person's left is on the image's right (unless the driver mirrored the frame).
            let left_on_image_right = !frame_mirrored;
            let want_image_right = (side == Side::Left) == left_on_image_right;
            let right_sign = seam.signed_distance((seam.point.0 + 1.0, seam.point.1)).signum();
            if want_image_right { right_sign } else { -right_sign }
        })
    } else {
        let below_sign = seam.signed_distance((seam.point.0, seam.point.1 + 1.0)).signum();
        if source == SplitSource::Lower { below_sign } else { -below_sign }
    }
}

/// Where one output pixel's colour comes from in an axis-aligned split: its own pixel, the reflected one, or a blend
/// (`alpha` = weight of its own pixel, 0..=255).
#[derive(Clone, Copy)]
struct Tap {
    own: usize,
    refl: Option<usize>,
    alpha: u8,
}

fn tap_for(pos: usize, len: usize, seam: f32, normal_sign: f32, half: f32, feather: f32) -> Tap {
    let c = pos as f32 + 0.5;
    let dist = (c - seam) * normal_sign;
    let r = (2.0 * seam - c).floor();
    let refl = (r >= 0.0 && (r as usize) < len).then_some(r as usize);
    let alpha = if dist >= half {
        255
    } else if dist <= -half {
        0
    } else {
        (((dist + half) / feather).clamp(0.0, 1.0) * 255.0 + 0.5) as u8
    };
    Tap { own: pos, refl, alpha }
}

#[inline]
fn put(o: &mut [u8], own: &[u8], refl: Option<&[u8]>, alpha: u8) {
    match (alpha, refl) {
        (255, _) => o.copy_from_slice(&[own[0], own[1], own[2], 255]),
        (0, Some(r)) => o.copy_from_slice(&[r[0], r[1], r[2], 255]),
        (0, None) => o.copy_from_slice(&[0, 0, 0, 255]),
        (a, r) => {
            let r = r.unwrap_or(&[0, 0, 0]);
            let a = a as u16;
            let mix = |x: u8, y: u8| ((x as u16 * a + y as u16 * (255 - a) + 127) / 255) as u8;
            o.copy_from_slice(&[mix(own[0], r[0]), mix(own[1], r[1]), mix(own[2], r[2]), 255]);
        }
    }
}

/// Split reflection across a vertical seam at `seam_x`: one column map for the frame, then a gather per row.
#[allow(clippy::too_many_arguments)]
fn render_split_vertical(
    raw: &[u8],
    w: usize,
    h: usize,
    seam_x: f32,
    nx: f32,
    feather: f32,
    flip: bool,
    out: &mut [u8],
) {
    let half = feather / 2.0;
    let taps: Vec<Tap> = (0..w)
        .map(|ox| {
            let x = if flip { w - 1 - ox } else { ox };
            tap_for(x, w, seam_x, nx.signum(), half, feather)
        })
        .collect();
    for y in 0..h {
        let row_in = &raw[y * w * 3..(y + 1) * w * 3];
        let row_out = &mut out[y * w * 4..(y + 1) * w * 4];
        for (o, t) in row_out.chunks_exact_mut(4).zip(&taps) {
            let own = &row_in[t.own * 3..t.own * 3 + 3];
            let refl = t.refl.map(|r| &row_in[r * 3..r * 3 + 3]);
            put(o, own, refl, t.alpha);
        }
    }
}

/// Split reflection across a horizontal seam at `seam_y`: whole rows are copied, reflected or blended.
#[allow(clippy::too_many_arguments)]
fn render_split_horizontal(
    raw: &[u8],
    w: usize,
    h: usize,
    seam_y: f32,
    ny: f32,
    feather: f32,
    flip: bool,
    out: &mut [u8],
) {
    let half = feather / 2.0;
    for y in 0..h {
        let t = tap_for(y, h, seam_y, ny.signum(), half, feather);
        let own_row = &raw[y * w * 3..(y + 1) * w * 3];
        let refl_row = t.refl.map(|r| &raw[r * w * 3..(r + 1) * w * 3]);
        let row_out = &mut out[y * w * 4..(y + 1) * w * 4];
        for (ox, o) in row_out.chunks_exact_mut(4).enumerate() {
            let x = if flip { w - 1 - ox } else { ox };
            put(o, &own_row[x * 3..x * 3 + 3], refl_row.map(|r| &r[x * 3..x * 3 + 3]), t.alpha);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn render_split(raw: &[u8], w: usize, h: usize, seam: Seam, sign: f32, feather: f32, flip: bool, out: &mut [u8]) {
    let (nx, ny) = (-seam.dir.1 * sign, seam.dir.0 * sign);
    let half = feather / 2.0;
    // The reflection across the seam is affine: p' = M p + t.
    let (dx, dy) = seam.dir;
    let m = [2.0 * dx * dx - 1.0, 2.0 * dx * dy, 2.0 * dx * dy, 2.0 * dy * dy - 1.0];
    let (px, py) = seam.point;
    let t = (px - (m[0] * px + m[1] * py), py - (m[2] * px + m[3] * py));
    let vertical = dx.abs() < 1e-6;
    for y in 0..h {
        let yc = y as f32 + 0.5;
        let row_out = &mut out[y * w * 4..(y + 1) * w * 4];
        // Signed distance (source side positive) at x = 0.5, and its step per pixel.
        let mut dist = (0.5 - px) * nx + (yc - py) * ny;
        let mut sx = m[0] * 0.5 + m[1] * yc + t.0;
        let mut sy = m[2] * 0.5 + m[3] * yc + t.1;
        for x in 0..w {
            let ox = if flip { w - 1 - x } else { x };
            let own = &raw[(y * w + x) * 3..(y * w + x) * 3 + 3];
            let o = &mut row_out[ox * 4..ox * 4 + 4];
            if dist >= half {
                o.copy_from_slice(&[own[0], own[1], own[2], 255]);
            } else {
                // Nearest source pixel of the reflection (for a vertical seam it stays on this row).
                let rx = sx.floor() as i64;
                let ry = if vertical { y as i64 } else { sy.floor() as i64 };
                let refl = if rx >= 0 && ry >= 0 && (rx as usize) < w && (ry as usize) < h {
                    let i = (ry as usize * w + rx as usize) * 3;
                    [raw[i], raw[i + 1], raw[i + 2]]
                } else {
                    [0, 0, 0]
                };
                if dist <= -half {
                    o.copy_from_slice(&[refl[0], refl[1], refl[2], 255]);
                } else {
                    // Inside the feather band: blend the real pixel into its reflection.
                    let a = ((dist + half) / feather).clamp(0.0, 1.0);
                    let mix = |r: u8, s: u8| (r as f32 * (1.0 - a) + s as f32 * a + 0.5) as u8;
                    o.copy_from_slice(&[mix(refl[0], own[0]), mix(refl[1], own[1]), mix(refl[2], own[2]), 255]);
                }
            }
            dist += nx;
            sx += m[0];
            sy += m[2];
        }
    }
}

/// An RGBA image for display, reused between frames.
#[derive(Clone, Debug, Default)]
pub struct DisplayImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Pixels, RGBA8, row-major.
    pub rgba: Vec<u8>,
}

impl DisplayImage {
    /// Makes the buffer `w` × `h`.
    pub fn resize(&mut self, w: usize, h: usize) {
        self.width = w;
        self.height = h;
        self.rgba.resize(w * h * 4, 255);
    }

    /// The pixel at (`x`, `y`) as RGBA.
    pub fn pixel(&self, x: usize, y: usize) -> [u8; 4] {
        let i = (y * self.width + x) * 4;
        [self.rgba[i], self.rgba[i + 1], self.rgba[i + 2], self.rgba[i + 3]]
    }

    /// As an RGB image (for saving and snapshots).
    pub fn to_rgb(&self) -> image::RgbImage {
        let mut img = image::RgbImage::new(self.width as u32, self.height as u32);
        for (o, i) in img.as_mut().chunks_exact_mut(3).zip(self.rgba.chunks_exact(4)) {
            o.copy_from_slice(&i[..3]);
        }
        img
    }
}

/// A keypoint as the view shows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShownKeypoint {
    /// The joint: always its true anatomical name.
    pub joint: Joint,
    /// Where it is drawn, normalised to the displayed image.
    pub x: f32,
    /// Where it is drawn, normalised to the displayed image.
    pub y: f32,
    /// Confidence.
    pub score: f32,
    /// `true` for the mirror copy of a real joint (split reflection); drawn differently and labelled as such.
    pub reflected: bool,
}

/// The keypoints of `pose` as `view` shows them: real joints where they appear, joints hidden under a reflection
/// left out, and reflected copies of the source side's joints marked `reflected`.
pub fn shown_keypoints(pose: &Pose, view: &ViewTransform, min_score: f32) -> Vec<ShownKeypoint> {
    let mut out = Vec::with_capacity(pose.keypoints.len() * 2);
    for (joint, k) in pose.iter() {
        if k.score < min_score {
            continue;
        }
        if view.is_hidden(k.x, k.y) {
            continue;
        }
        let (x, y) = view.map_real(k.x, k.y);
        out.push(ShownKeypoint { joint, x, y, score: k.score, reflected: false });
        if let Some((rx, ry)) = view.map_reflected(k.x, k.y) {
            out.push(ShownKeypoint { joint, x: rx, y: ry, score: k.score, reflected: true });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seam_geometry() {
        let s = Seam::vertical(10.0);
        assert_eq!(s.reflect((4.0, 7.0)), (16.0, 7.0));
        assert!(s.signed_distance((12.0, 0.0)) < 0.0 && s.signed_distance((8.0, 0.0)) > 0.0);
        let d = Seam::through((0.0, 0.0), (10.0, 10.0));
        let r = d.reflect((10.0, 0.0));
        assert!((r.0 - 0.0).abs() < 1e-4 && (r.1 - 10.0).abs() < 1e-4, "{r:?}");
    }

    fn gradient() -> image::RgbImage {
        image::RgbImage::from_fn(8, 2, |x, y| image::Rgb([x as u8 * 10, y as u8, 0]))
    }

    #[test]
    fn mirror_reverses_rows() {
        let v = ViewTransform::new(MirrorMode::Mirror, 8, 2, Seam::vertical(4.0), None, false, 0.0);
        let mut out = DisplayImage::default();
        v.render(&gradient(), &mut out);
        assert_eq!(out.pixel(0, 0), [70, 0, 0, 255]);
        assert_eq!(out.pixel(7, 1), [0, 1, 0, 255]);
        assert_eq!(v.map_real(0.25, 0.5), (0.75, 0.5));
    }

    #[test]
    fn split_without_pose_assumes_the_person_faces_the_camera() {
        // Patient's left on both sides: facing the camera, their left is the image's right half (x ≥ 4).
        let mode = MirrorMode::Split { source: SplitSource::PatientLeft, selfie: false };
        let v = ViewTransform::new(mode, 8, 2, Seam::vertical(4.0), None, false, 0.0);
        let mut out = DisplayImage::default();
        v.render(&gradient(), &mut out);
        let row: Vec<u8> = (0..8).map(|x| out.pixel(x, 0)[0]).collect();
        assert_eq!(row, [70, 60, 50, 40, 40, 50, 60, 70]);
        // The driver mirrored the frame: the left is on the image's left now.
        let v = ViewTransform::new(mode, 8, 2, Seam::vertical(4.0), None, true, 0.0);
        v.render(&gradient(), &mut out);
        let row: Vec<u8> = (0..8).map(|x| out.pixel(x, 0)[0]).collect();
        assert_eq!(row, [0, 10, 20, 30, 30, 20, 10, 0]);
    }

    #[test]
    fn feathering_blends_only_near_the_seam() {
        let img = image::RgbImage::from_fn(100, 1, |x, _| image::Rgb([if x < 50 { 0 } else { 200 }, 0, 0]));
        let mode = MirrorMode::Split { source: SplitSource::Upper, selfie: false };
        // A horizontal seam on a one-row image: everything is on one side; use a vertical split instead.
        let _ = mode;
        let mode = MirrorMode::Split { source: SplitSource::PatientLeft, selfie: false };
        let v = ViewTransform::new(mode, 100, 1, Seam::vertical(50.0), None, false, 0.1);
        let mut out = DisplayImage::default();
        v.render(&img, &mut out);
        assert_eq!(out.pixel(10, 0)[0], 200, "far from the seam: the reflection");
        assert_eq!(out.pixel(90, 0)[0], 200, "far from the seam: the source");
    }
}
