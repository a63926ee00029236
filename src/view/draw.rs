//! Drawing a skeleton onto an RGB image (for `mirrorcue analyze --render` and snapshot tests).
//!
//! Colours tell the person's own sides apart, in a palette that colour-blind viewers can separate: the left side
//! blue, the right side orange, the midline white.

use image::{Rgb, RgbImage};

use crate::pose::{Pose, Side};

/// Colours per anatomical side.
#[derive(Clone, Copy, Debug)]
pub struct SideColors {
    /// The person's left side.
    pub left: [u8; 3],
    /// The person's right side.
    pub right: [u8; 3],
    /// The midline (nose, and bones crossing the body).
    pub midline: [u8; 3],
}

impl Default for SideColors {
    fn default() -> Self {
        SideColors { left: [0, 114, 178], right: [230, 159, 0], midline: [240, 240, 240] }
    }
}

impl SideColors {
    /// The colour of `side`.
    pub fn of(&self, side: Side) -> [u8; 3] {
        match side {
            Side::Left => self.left,
            Side::Right => self.right,
            Side::Midline => self.midline,
        }
    }
}

/// Draws `pose`'s bones and keypoints with at least `min_score` onto `img` (which must be the frame the pose was
/// estimated on, or the same size).
pub fn draw_pose(img: &mut RgbImage, pose: &Pose, min_score: f32, colors: &SideColors) {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let thickness = (w.max(h) / 300.0).clamp(1.5, 6.0);
    for &(a, b) in pose.skeleton.bones() {
        let (Some(ka), Some(kb)) = (pose.get_confident(a, min_score), pose.get_confident(b, min_score)) else {
            continue;
        };
        let side = if a.side() == b.side() { a.side() } else { Side::Midline };
        draw_line(img, (ka.x * w, ka.y * h), (kb.x * w, kb.y * h), thickness, colors.of(side));
    }
    for (joint, k) in pose.iter() {
        if k.score >= min_score {
            fill_circle(img, (k.x * w, k.y * h), thickness * 1.6, [20, 20, 20]);
            fill_circle(img, (k.x * w, k.y * h), thickness * 1.1, colors.of(joint.side()));
        }
    }
}

/// Draws a thick line segment.
pub fn draw_line(img: &mut RgbImage, a: (f32, f32), b: (f32, f32), thickness: f32, color: [u8; 3]) {
    let r = thickness / 2.0;
    let (x0, x1) = (a.0.min(b.0) - r, a.0.max(b.0) + r);
    let (y0, y1) = (a.1.min(b.1) - r, a.1.max(b.1) + r);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = (dx * dx + dy * dy).max(1e-6);
    let (iw, ih) = (img.width() as i64, img.height() as i64);
    let xs = (x0.floor() as i64).max(0)..=(x1.ceil() as i64).min(iw - 1);
    for y in (y0.floor() as i64).max(0)..=(y1.ceil() as i64).min(ih - 1) {
        for x in xs.clone() {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let t = (((px - a.0) * dx + (py - a.1) * dy) / len2).clamp(0.0, 1.0);
            let (qx, qy) = (a.0 + t * dx - px, a.1 + t * dy - py);
            if qx * qx + qy * qy <= r * r {
                img.put_pixel(x as u32, y as u32, Rgb(color));
            }
        }
    }
}

/// Fills a disc.
pub fn fill_circle(img: &mut RgbImage, c: (f32, f32), radius: f32, color: [u8; 3]) {
    draw_line(img, c, c, radius * 2.0, color);
}

/// Draws the bones and keypoints a view shows (see [`crate::view::shown_bones`] and
/// [`crate::view::shown_keypoints`], both already kept to the picture) onto the displayed image: real joints as filled
/// discs with solid bones, reflected copies as rings with thin bones.
pub fn draw_shown(
    img: &mut RgbImage,
    bones: &[crate::view::ShownBone],
    shown: &[crate::view::ShownKeypoint],
    colors: &SideColors,
) {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let thickness = (w.max(h) / 300.0).clamp(1.5, 6.0);
    for bone in bones {
        let t = if bone.reflected { thickness * 0.5 } else { thickness };
        let (a, b) = ((bone.from.0 * w, bone.from.1 * h), (bone.to.0 * w, bone.to.1 * h));
        draw_line(img, a, b, t, colors.of(bone.side()));
    }
    for k in shown {
        let c = (k.x * w, k.y * h);
        let color = colors.of(k.joint.side());
        if k.reflected {
            fill_circle(img, c, thickness * 1.6, color);
            fill_circle(img, c, thickness * 0.9, [20, 20, 20]);
        } else {
            fill_circle(img, c, thickness * 1.6, [20, 20, 20]);
            fill_circle(img, c, thickness * 1.1, color);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::{Keypoint, Skeleton};

    #[test]
    fn draws_left_blue_and_right_orange() {
        let mut kps = vec![Keypoint { x: 0.5, y: 0.5, score: 0.0, presence: None, z: None }; 17];
        let set = |kps: &mut Vec<Keypoint>, j: crate::pose::Joint, x: f32, y: f32| {
            kps[Skeleton::Coco17.index_of(j).unwrap()] = Keypoint { x, y, score: 0.9, presence: None, z: None };
        };
        // The person faces the camera: their left wrist appears on the image's right.
        set(&mut kps, crate::pose::Joint::LeftWrist, 0.8, 0.5);
        set(&mut kps, crate::pose::Joint::RightWrist, 0.2, 0.5);
        let pose = Pose {
            skeleton: Skeleton::Coco17,
            keypoints: kps,
            score: 1.0,
            world: None,
            mask: None,
            frame_width: 100,
            frame_height: 100,
        };
        let mut img = RgbImage::new(100, 100);
        let colors = SideColors::default();
        draw_pose(&mut img, &pose, 0.3, &colors);
        assert_eq!(img.get_pixel(80, 50).0, colors.left);
        assert_eq!(img.get_pixel(20, 50).0, colors.right);
        assert_eq!(img.get_pixel(50, 50).0, [0, 0, 0], "low-score keypoints are not drawn");
    }
}
