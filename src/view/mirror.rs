//! Mirror therapy views: the camera image as the patient should see it, and where each keypoint goes.
//!
//! - [`MirrorMode::Off`]: the camera image as it is.
//! - [`MirrorMode::Mirror`]: flipped left to right, like a bathroom mirror (the selfie view patients expect).
//! - [`MirrorMode::Split`]: one half of the body reflected onto the other across a seam on the body's midline, so
//!   the patient sees two healthy limbs (a digital mirror box). The therapist picks the source by the patient's
//!   anatomy ("show the patient's left arm on both sides"), or the upper or lower half across a horizontal seam.
//!   For hand mirror therapy (both hands resting on a table) the seam can follow the gap between the two hands
//!   instead ([`SeamSettings::between_hands`]): the healthy hand's image is reflected onto the affected hand's side,
//!   and which side of the seam is the source is read from the hands themselves.
//!
//! A [`ViewTransform`] maps pixels and keypoints together, so the overlay cannot drift from the image. Joint names
//! never change: in a mirrored view the patient's left wrist is still `left_wrist`, only drawn elsewhere; in a split
//! view the copies of the source side's joints are marked [`ShownKeypoint::reflected`], and the hidden side's own
//! joints are not shown at all (their pixels are covered by the reflection).

use serde::{Deserialize, Serialize};

use crate::hands::{Hand, HandLandmark};
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
    /// When following (`follow_body`), follow the gap between the two hands (hand mirror therapy on a table: a
    /// vertical seam halfway between the palms' centres) rather than the body's midline. Without both hands in view
    /// the seam stays where it was (or takes the body's midline, then `manual`, before any hands were seen).
    #[serde(default)]
    pub between_hands: bool,
}

impl Default for SeamSettings {
    fn default() -> Self {
        SeamSettings { follow_body: true, manual: 0.5, smoothing: 0.8, feather: 0.02, between_hands: false }
    }
}

/// The centre of a hand's palm (the mean of the wrist and the four knuckles), normalised to the frame.
pub fn palm_centre(hand: &Hand) -> (f32, f32) {
    let pts = [
        HandLandmark::Wrist,
        HandLandmark::IndexMcp,
        HandLandmark::MiddleMcp,
        HandLandmark::RingMcp,
        HandLandmark::PinkyMcp,
    ];
    let (sx, sy) = pts.iter().fold((0.0, 0.0), |(sx, sy), l| (sx + hand.get(*l).x, sy + hand.get(*l).y));
    (sx / pts.len() as f32, sy / pts.len() as f32)
}

/// The gap between a left and a right hand: the midpoint of their palms' centres (normalised), `None` unless both
/// sides are among `hands` with their palms' centres at least a palm's length apart (closer, they are clasped, or
/// the tracker holds one hand twice under both names, and there is no gap to put a seam in).
pub fn between_hands(hands: &[Hand]) -> Option<(f32, f32)> {
    let l = hands.iter().find(|h| h.side == Side::Left)?;
    let r = hands.iter().find(|h| h.side == Side::Right)?;
    let (a, b) = (palm_centre(l), palm_centre(r));
    let px = |h: &Hand, p: (f32, f32)| (p.0 * h.frame_width as f32, p.1 * h.frame_height as f32);
    let palm = |h: &Hand| {
        let (w, m) = (h.get(HandLandmark::Wrist), h.get(HandLandmark::MiddleMcp));
        let (w, m) = (px(h, (w.x, w.y)), px(h, (m.x, m.y)));
        (w.0 - m.0).hypot(w.1 - m.1)
    };
    let (pa, pb) = (px(l, a), px(r, b));
    ((pa.0 - pb.0).hypot(pa.1 - pb.1) >= palm(l).max(palm(r))).then(|| ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0))
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
        self.update_with_hands(pose, &[], settings, horizontal, width, height)
    }

    /// As [`SeamTracker::update`], with the frame's hands: when following [`SeamSettings::between_hands`] (and the
    /// seam is vertical), the seam follows the gap between the left and the right hand, smoothed like the midline.
    pub fn update_with_hands(
        &mut self,
        pose: Option<&Pose>,
        hands: &[Hand],
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
        let gap = (settings.between_hands && !horizontal).then(|| between_hands(hands)).flatten();
        if let Some(g) = gap {
            // A vertical line through the gap, as the midline is kept (top and bottom points).
            self.smooth_towards(((g.0, g.1 - 0.25), (g.0, g.1 + 0.25)), settings);
        } else if settings.between_hands && !horizontal && self.state.is_some() {
            // Hands out of view for a moment: the seam stays where it was rather than jumping to the body.
        } else if let Some(p) = pose {
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
            if let Some(m) = measured {
                self.smooth_towards(m, settings);
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

impl SeamTracker {
    /// Moves the kept line towards `(a, b)` (normalised top and bottom points) by the settings' smoothing.
    fn smooth_towards(&mut self, (a, b): ((f32, f32), (f32, f32)), settings: &SeamSettings) {
        let k = 1.0 - settings.smoothing.clamp(0.0, 0.98);
        self.state = Some(match self.state {
            Some((sa, sb)) => {
                ((sa.0 + k * (a.0 - sa.0), sa.1 + k * (a.1 - sa.1)), (sb.0 + k * (b.0 - sb.0), sb.1 + k * (b.1 - sb.1)))
            }
            None => (a, b),
        });
    }
}

/// One pane's view over time: the seam follows the body (or stays where the therapist locked it) and the split
/// picture stays centred and still ([`FramingTracker`]). The app's panes, the benchmark and the tests all use it,
/// so they show frames the same way.
#[derive(Clone, Debug, Default)]
pub struct ViewTracker {
    seam: SeamTracker,
    framing: FramingTracker,
    /// The mode the framing is for (a new mode frames afresh).
    mode: Option<MirrorMode>,
}

impl ViewTracker {
    /// A tracker with no history.
    pub fn new() -> Self {
        ViewTracker::default()
    }

    /// Forgets the seam and the framing (a new source).
    pub fn reset(&mut self) {
        self.seam.reset();
        self.framing.reset();
        self.mode = None;
    }

    /// How to show a `width` × `height` frame in `mode`, and the seam used (pixels).
    pub fn update(
        &mut self,
        mode: MirrorMode,
        width: u32,
        height: u32,
        pose: Option<&Pose>,
        frame_mirrored: bool,
        settings: &SeamSettings,
    ) -> (ViewTransform, Seam) {
        self.update_with_hands(mode, width, height, pose, &[], frame_mirrored, settings)
    }

    /// As [`ViewTracker::update`], with the frame's hands: with [`SeamSettings::between_hands`] the seam follows the
    /// gap between them, and the source half of a left/right split is the side its hand is on (the body may be out
    /// of view when the camera looks at a table).
    #[allow(clippy::too_many_arguments)]
    pub fn update_with_hands(
        &mut self,
        mode: MirrorMode,
        width: u32,
        height: u32,
        pose: Option<&Pose>,
        hands: &[Hand],
        frame_mirrored: bool,
        settings: &SeamSettings,
    ) -> (ViewTransform, Seam) {
        let horizontal = matches!(mode, MirrorMode::Split { source: SplitSource::Upper | SplitSource::Lower, .. });
        let seam = self.seam.update_with_hands(pose, hands, settings, horizontal, width, height);
        if self.mode != Some(mode) {
            self.framing.reset();
            self.mode = Some(mode);
        }
        let framing = matches!(mode, MirrorMode::Split { .. }).then_some(&mut self.framing);
        let hands = if settings.between_hands { hands } else { &[] };
        let view = ViewTransform::build(
            mode,
            width,
            height,
            seam,
            Sides { pose, hands, frame_mirrored },
            settings.feather,
            framing,
        );
        (view, seam)
    }
}

/// Where the split-reflection picture sits in the displayed image, for seams along an image axis: the seam is shown
/// at the display's centre (give or take the hysteresis of [`ViewTracker`]) and the picture reaches `half` pixels
/// either side of the centre, across the seam; the rest of the display is black. Without it the picture (the
/// source half and its reflection) was pinned to the frame's edge on the source side and moved with every twitch
/// of the seam.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SplitFraming {
    /// The frame position (pixels across the seam: x for a vertical seam, y for a horizontal one) shown at the
    /// display's centre.
    pub centre: f32,
    /// Half the picture's extent across the seam, pixels.
    pub half: f32,
}

impl SplitFraming {
    /// The framing without history: the seam (at `seam` pixels across a frame `len` pixels long) at the display's
    /// centre, and as much picture as the source half gives (`extent`: the distance from the seam to the frame's
    /// edge on the source side), at most the frame's own size.
    pub fn at(seam: f32, extent: f32, len: f32) -> SplitFraming {
        SplitFraming { centre: seam, half: quantise_half(extent.min(len / 2.0).max(0.0)) }
    }
}

/// Picture half-widths are whole pixels, so the picture's edges land on the same pixel columns frame after frame.
fn quantise_half(half: f32) -> f32 {
    half.floor()
}

/// The seam may drift this far (fraction of the frame across the seam) from the display's centre before the picture
/// is centred on it again: a steady person's seam twitches by a few pixels, and the picture stays still.
pub const RECENTRE_FRACTION: f32 = 0.03;
/// The picture's half-width shrinks at once when black would show (to this much, a fraction of the frame, less than
/// is available), and grows back only when twice this much more is available, so it does not breathe with the seam.
pub const REGROW_FRACTION: f32 = 0.04;

/// Keeps the split-reflection picture steady from frame to frame (hysteresis on [`SplitFraming`]).
#[derive(Clone, Debug, Default)]
pub struct FramingTracker {
    /// The framing and the frame length it was for.
    state: Option<(SplitFraming, f32)>,
}

impl FramingTracker {
    /// Forgets the framing.
    pub fn reset(&mut self) {
        self.state = None;
    }

    /// The framing for a seam at `seam` pixels across a frame `len` pixels long, the source half reaching `extent`
    /// pixels from the seam. The centre moves only when the seam drifts more than [`RECENTRE_FRACTION`] from it;
    /// the half-width shrinks when the picture would show black beyond the frame and grows back with hysteresis
    /// ([`REGROW_FRACTION`]).
    pub fn update(&mut self, seam: f32, extent: f32, len: f32) -> SplitFraming {
        let full = len / 2.0;
        let mut f = match self.state {
            Some((f, l)) if l == len => f,
            _ => SplitFraming { centre: seam, half: -1.0 },
        };
        if (seam - f.centre).abs() > RECENTRE_FRACTION * len {
            f.centre = seam;
        }
        // The picture without black beyond the frame reaches this far either side of the centre.
        let allowed = (extent - (seam - f.centre).abs()).clamp(0.0, len);
        // Shrinking leaves `margin` to spare, and growing back waits for twice that, so a seam twitching within
        // the margin never changes the picture.
        let margin = REGROW_FRACTION * len;
        let roomy = allowed >= full + margin && f.half < full;
        if f.half < 0.0 || f.half > allowed || f.half < allowed.min(full) - 2.0 * margin || roomy {
            f.half = if allowed >= full { full } else { quantise_half((allowed - margin).max(0.0)) };
        }
        self.state = Some((f, len));
        f
    }
}

/// How one frame is shown: pixels and keypoints map through the same transform.
///
/// Display coordinates: a frame pixel `p` is shown at `p + offset` (and then flipped left to right when `flip`);
/// only the split reflection has an offset (its seam at the display's centre). The displayed image has the frame's
/// size; [`ViewTransform::picture`] is the part of it that is picture, the rest is black.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewTransform {
    /// Frame width, pixels (also the displayed image's width).
    pub width: u32,
    /// Frame height, pixels (also the displayed image's height).
    pub height: u32,
    /// Flip the (possibly reflected) image left to right at the end.
    pub flip: bool,
    /// Split reflection: the seam, which side of it is the source (sign of [`Seam::signed_distance`]), and the
    /// feather width in pixels.
    pub split: Option<(Seam, f32, f32)>,
    /// Whole pixels added to frame positions to place them on the display (before the flip).
    pub offset: (i32, i32),
    /// The part of the displayed image that is picture, normalised to the display (after the flip).
    pub picture: crate::view::Rect,
}

impl ViewTransform {
    /// The transform for `mode` on a `width` × `height` frame. For split modes, `seam` is where to reflect and
    /// `pose` tells which side of the seam the chosen anatomical side is on (without a pose the person is assumed
    /// to face the camera: their left on the image's right, or on its left if `frame_mirrored`). The split picture
    /// is centred on the seam without history ([`SplitFraming::at`]); [`ViewTracker`] keeps it steady over frames.
    pub fn new(
        mode: MirrorMode,
        width: u32,
        height: u32,
        seam: Seam,
        pose: Option<&Pose>,
        frame_mirrored: bool,
        feather: f32,
    ) -> ViewTransform {
        Self::build(mode, width, height, seam, Sides { pose, hands: &[], frame_mirrored }, feather, None)
    }

    fn build(
        mode: MirrorMode,
        width: u32,
        height: u32,
        seam: Seam,
        sides: Sides,
        feather: f32,
        framing: Option<&mut FramingTracker>,
    ) -> ViewTransform {
        let plain =
            |flip| ViewTransform { width, height, flip, split: None, offset: (0, 0), picture: crate::view::Rect::UNIT };
        match mode {
            MirrorMode::Off => plain(false),
            MirrorMode::Mirror => plain(true),
            MirrorMode::Split { source, selfie } => {
                let sign = source_sign(source, &seam, &sides, width, height);
                let feather_px = (feather * width as f32).max(0.0);
                let mut v = plain(selfie);
                v.split = Some((seam, sign, feather_px));
                let (w, h) = (width as f32, height as f32);
                // Axis-aligned seams (the only ones the seam tracker makes) are framed; a slanted one is shown in
                // place.
                let across = if seam.dir.0.abs() < 1e-6 {
                    // Vertical seam: the source is on the side where the normal (−dir.y, dir.x) × sign points.
                    let right = -seam.dir.1 * sign > 0.0;
                    Some((seam.point.0, if right { w - seam.point.0 } else { seam.point.0 }, w, true))
                } else if seam.dir.1.abs() < 1e-6 {
                    let below = seam.dir.0 * sign > 0.0;
                    Some((seam.point.1, if below { h - seam.point.1 } else { seam.point.1 }, h, false))
                } else {
                    None
                };
                if let Some((pos, extent, len, vertical)) = across {
                    let f = match framing {
                        Some(t) => t.update(pos, extent, len),
                        None => SplitFraming::at(pos, extent, len),
                    };
                    let shift = (len / 2.0 - f.centre).round() as i32;
                    let (a, b) = (((len / 2.0 - f.half) / len).max(0.0), ((len / 2.0 + f.half) / len).min(1.0));
                    if vertical {
                        v.offset = (shift, 0);
                        v.picture = crate::view::Rect::new(a, 0.0, b, 1.0);
                        if v.flip {
                            v.picture = crate::view::Rect::new(1.0 - b, 0.0, 1.0 - a, 1.0);
                        }
                    } else {
                        v.offset = (0, shift);
                        v.picture = crate::view::Rect::new(0.0, a, 1.0, b);
                    }
                }
                v
            }
        }
    }

    /// Where a frame position (normalised) is shown when it is shown as itself (its real location), normalised to
    /// the displayed image (it may fall outside the picture: see [`ViewTransform::picture`]).
    pub fn map_real(&self, x: f32, y: f32) -> (f32, f32) {
        let x = x + self.offset.0 as f32 / self.width.max(1) as f32;
        let y = y + self.offset.1 as f32 / self.height.max(1) as f32;
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

    /// Whether a display position (normalised) is on the picture (not in the black margin, not off the image).
    pub fn on_picture(&self, x: f32, y: f32) -> bool {
        self.picture.contains((x, y))
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
                let (pa, pb) = (self.picture.x0 * w as f32, self.picture.x1 * w as f32);
                let (qa, qb) = (self.picture.y0 * h as f32, self.picture.y1 * h as f32);
                if seam.dir.0.abs() < 1e-6 {
                    // The window in display columns before the flip (the picture is centred, so the flip keeps it).
                    let window = if self.flip { (w as f32 - pb, w as f32 - pa) } else { (pa, pb) };
                    render_split_vertical(
                        raw,
                        (w, h),
                        (seam.point.0, -seam.dir.1 * sign),
                        feather,
                        (self.offset.0, window),
                        self.flip,
                        &mut out.rgba,
                    )
                } else if seam.dir.1.abs() < 1e-6 {
                    render_split_horizontal(
                        raw,
                        (w, h),
                        (seam.point.1, seam.dir.0 * sign),
                        feather,
                        (self.offset.1, (qa, qb)),
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

/// What tells the person's sides apart in a frame: the body pose, the hands (used for the split's source side only
/// when the seam follows them), and whether the driver mirrored the frame.
#[derive(Clone, Copy)]
struct Sides<'a> {
    pose: Option<&'a Pose>,
    hands: &'a [Hand],
    frame_mirrored: bool,
}

/// +1 when the source half is on the seam's positive side.
fn source_sign(source: SplitSource, seam: &Seam, sides: &Sides, w: u32, h: u32) -> f32 {
    let (fw, fh) = (w as f32, h as f32);
    let (pose, frame_mirrored) = (sides.pose, sides.frame_mirrored);
    if source.vertical_seam() {
        let side = if source == SplitSource::PatientLeft { Side::Left } else { Side::Right };
        // Hand mirror therapy: the side of the seam the chosen side's hand is on.
        let from_hand = sides.hands.iter().find(|hand| hand.side == side).and_then(|hand| {
            let c = palm_centre(hand);
            let d = seam.signed_distance((c.0 * fw, c.1 * fh));
            (d != 0.0).then_some(d.signum())
        });
        // Where the chosen side's shoulder and hip are, relative to the seam.
        let from_pose = from_hand.or_else(|| {
            pose.and_then(|p| {
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
            })
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
/// (`alpha` = weight of its own pixel, 0..=255); `None` where that pixel is off the frame (black).
#[derive(Clone, Copy)]
struct Tap {
    own: Option<usize>,
    refl: Option<usize>,
    alpha: u8,
}

/// Black: a pixel outside the picture.
const BLACK_TAP: Tap = Tap { own: None, refl: None, alpha: 0 };

/// The tap for frame position `pos` (may be off the frame) across a seam at `seam`.
fn tap_for(pos: i64, len: usize, seam: f32, normal_sign: f32, half: f32, feather: f32) -> Tap {
    let c = pos as f32 + 0.5;
    let dist = (c - seam) * normal_sign;
    let inside = |p: f32| (p >= 0.0 && (p as usize) < len).then_some(p as usize);
    let r = (2.0 * seam - c).floor();
    let alpha = if dist >= half {
        255
    } else if dist <= -half {
        0
    } else {
        (((dist + half) / feather).clamp(0.0, 1.0) * 255.0 + 0.5) as u8
    };
    Tap { own: if pos < 0 { None } else { inside(pos as f32) }, refl: inside(r), alpha }
}

#[inline]
fn put(o: &mut [u8], own: Option<&[u8]>, refl: Option<&[u8]>, alpha: u8) {
    const NONE: &[u8] = &[0, 0, 0];
    match alpha {
        255 => {
            let s = own.unwrap_or(NONE);
            o.copy_from_slice(&[s[0], s[1], s[2], 255]);
        }
        0 => {
            let r = refl.unwrap_or(NONE);
            o.copy_from_slice(&[r[0], r[1], r[2], 255]);
        }
        a => {
            let (s, r) = (own.unwrap_or(NONE), refl.unwrap_or(NONE));
            let a = a as u16;
            let mix = |x: u8, y: u8| ((x as u16 * a + y as u16 * (255 - a) + 127) / 255) as u8;
            o.copy_from_slice(&[mix(s[0], r[0]), mix(s[1], r[1]), mix(s[2], r[2]), 255]);
        }
    }
}

/// The taps of one display line (before the flip) across an axis-aligned seam: display position `d` shows frame
/// position `d − offset`, and only positions whose centre lies in `window` (display pixels) are picture.
fn line_taps(len: usize, (seam, normal): (f32, f32), feather: f32, (offset, window): (i32, (f32, f32))) -> Vec<Tap> {
    let half = feather / 2.0;
    (0..len)
        .map(|d| {
            let c = d as f32 + 0.5;
            if c < window.0 || c > window.1 {
                BLACK_TAP
            } else {
                tap_for(d as i64 - offset as i64, len, seam, normal.signum(), half, feather)
            }
        })
        .collect()
}

/// Split reflection across a vertical seam: one column map for the frame, then a gather per row.
fn render_split_vertical(
    raw: &[u8],
    (w, h): (usize, usize),
    seam: (f32, f32),
    feather: f32,
    framing: (i32, (f32, f32)),
    flip: bool,
    out: &mut [u8],
) {
    let mut taps = line_taps(w, seam, feather, framing);
    if flip {
        taps.reverse();
    }
    for y in 0..h {
        let row_in = &raw[y * w * 3..(y + 1) * w * 3];
        let row_out = &mut out[y * w * 4..(y + 1) * w * 4];
        for (o, t) in row_out.chunks_exact_mut(4).zip(&taps) {
            let own = t.own.map(|i| &row_in[i * 3..i * 3 + 3]);
            let refl = t.refl.map(|r| &row_in[r * 3..r * 3 + 3]);
            put(o, own, refl, t.alpha);
        }
    }
}

/// Split reflection across a horizontal seam: whole rows are copied, reflected or blended.
fn render_split_horizontal(
    raw: &[u8],
    (w, h): (usize, usize),
    seam: (f32, f32),
    feather: f32,
    framing: (i32, (f32, f32)),
    flip: bool,
    out: &mut [u8],
) {
    let taps = line_taps(h, seam, feather, framing);
    for (y, t) in taps.iter().enumerate() {
        let own_row = t.own.map(|r| &raw[r * w * 3..(r + 1) * w * 3]);
        let refl_row = t.refl.map(|r| &raw[r * w * 3..(r + 1) * w * 3]);
        let row_out = &mut out[y * w * 4..(y + 1) * w * 4];
        for (ox, o) in row_out.chunks_exact_mut(4).enumerate() {
            let x = if flip { w - 1 - ox } else { ox };
            put(o, own_row.map(|r| &r[x * 3..x * 3 + 3]), refl_row.map(|r| &r[x * 3..x * 3 + 3]), t.alpha);
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
///
/// Only points on the displayed picture ([`ViewTransform::picture`]) are returned: a reflected copy that would land
/// in the black margin or beyond the image, or a point the model placed outside the frame (a heel below the photo),
/// is left out rather than clamped to the edge, where it would claim a place the joint is not. Bones to such a point
/// are still drawn up to the picture's edge ([`shown_bones`]).
pub fn shown_keypoints(pose: &Pose, view: &ViewTransform, min_score: f32) -> Vec<ShownKeypoint> {
    let mut out = Vec::with_capacity(pose.keypoints.len() * 2);
    for (joint, k) in pose.iter() {
        if k.score < min_score || view.is_hidden(k.x, k.y) {
            continue;
        }
        let (x, y) = view.map_real(k.x, k.y);
        if view.on_picture(x, y) {
            out.push(ShownKeypoint { joint, x, y, score: k.score, reflected: false });
        }
        if let Some((rx, ry)) = view.map_reflected(k.x, k.y)
            && view.on_picture(rx, ry)
        {
            out.push(ShownKeypoint { joint, x: rx, y: ry, score: k.score, reflected: true });
        }
    }
    out
}

/// A bone as a view shows it, already clipped to the displayed picture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShownBone {
    /// The joints it joins (true anatomical names).
    pub joints: (Joint, Joint),
    /// Where it starts and ends on the display, normalised, inside [`ViewTransform::picture`].
    pub from: (f32, f32),
    /// See `from`.
    pub to: (f32, f32),
    /// The mirror copy of a real bone (split reflection).
    pub reflected: bool,
}

impl ShownBone {
    /// The side it is drawn in: its joints' side, or the midline for a bone across the body.
    pub fn side(&self) -> Side {
        let (a, b) = self.joints;
        if a.side() == b.side() { a.side() } else { Side::Midline }
    }
}

/// The bones of `pose` as `view` shows them (both joints seen with `min_score` and not hidden under the reflection;
/// in a split view also their reflected copies), clipped to the displayed picture.
pub fn shown_bones(pose: &Pose, view: &ViewTransform, min_score: f32) -> Vec<ShownBone> {
    let mut out = Vec::new();
    for &(a, b) in pose.skeleton.bones() {
        let (Some(ka), Some(kb)) = (pose.get_confident(a, min_score), pose.get_confident(b, min_score)) else {
            continue;
        };
        if view.is_hidden(ka.x, ka.y) || view.is_hidden(kb.x, kb.y) {
            continue;
        }
        let real = Some((view.map_real(ka.x, ka.y), view.map_real(kb.x, kb.y)));
        let mirrored = view.map_reflected(ka.x, ka.y).zip(view.map_reflected(kb.x, kb.y));
        for (ends, reflected) in [(real, false), (mirrored, true)] {
            let Some((p, q)) = ends else { continue };
            if let Some((from, to)) = crate::view::geometry::clip_segment(p, q, &view.picture) {
                out.push(ShownBone { joints: (a, b), from, to, reflected });
            }
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
    fn split_picture_is_centred_on_the_seam() {
        // Seam at x = 3 of 8, the patient's left (image right) as the source: the seam is shown in the middle and
        // the picture is symmetric about it.
        let mode = MirrorMode::Split { source: SplitSource::PatientLeft, selfie: false };
        let v = ViewTransform::new(mode, 8, 2, Seam::vertical(3.0), None, false, 0.0);
        assert_eq!(v.offset, (1, 0));
        let mut out = DisplayImage::default();
        v.render(&gradient(), &mut out);
        let row: Vec<u8> = (0..8).map(|x| out.pixel(x, 0)[0]).collect();
        assert_eq!(row, [60, 50, 40, 30, 30, 40, 50, 60]);
        assert_eq!(v.map_real(3.5 / 8.0, 0.5), (4.5 / 8.0, 0.5));
        // The source half is only 2 px wide on the image's left: a 4 px picture in the middle, black around it.
        let mode = MirrorMode::Split { source: SplitSource::PatientRight, selfie: false };
        let v = ViewTransform::new(mode, 8, 2, Seam::vertical(2.0), None, false, 0.0);
        v.render(&gradient(), &mut out);
        let row: Vec<u8> = (0..8).map(|x| out.pixel(x, 0)[0]).collect();
        assert_eq!(row, [0, 0, 0, 10, 10, 0, 0, 0]);
        assert_eq!(v.picture, crate::view::Rect::new(0.25, 0.0, 0.75, 1.0));
        assert!(v.on_picture(0.5, 0.5) && !v.on_picture(0.1, 0.5));
    }

    #[test]
    fn framing_keeps_still_while_the_seam_twitches() {
        let mut t = FramingTracker::default();
        // A 1000 px frame, the source half to the right of the seam; the seam twitches by ±8 px around 500.
        let mut halves = Vec::new();
        for i in 0..60 {
            let seam = 500.0 + [0.0, 8.0, -5.0, 3.0, -8.0, 6.0][i % 6];
            let f = t.update(seam, 1000.0 - seam, 1000.0);
            assert_eq!(f.centre, 500.0, "the picture stays centred where it was");
            assert!(f.half <= 1000.0 - seam - (seam - f.centre).abs() + 1e-3, "no black beyond the frame");
            halves.push(f.half);
        }
        assert!(halves[2..].windows(2).all(|w| w[0] == w[1]), "{halves:?}");
        // The person walks to the left: the picture follows and grows back to the whole frame.
        let f = t.update(300.0, 700.0, 1000.0);
        assert_eq!((f.centre, f.half), (300.0, 500.0));
    }

    /// The two hands on a table: the right one at x = 300 px, the left one at x = 700 px of a 1000 px frame (the
    /// palms' centres 20 px apart in height).
    fn hands_on_a_table() -> Vec<Hand> {
        use crate::hands::ghost::tests::{hand_from, right_hand};
        let r = right_hand([0.0; 5]);
        let l = r.map(|q| [-q[0], q[1], q[2]]);
        vec![
            hand_from(Side::Right, &r, (300.0, 700.0), 2000.0, 0.0),
            hand_from(Side::Left, &l, (700.0, 720.0), 2000.0, 0.0),
        ]
    }

    #[test]
    fn the_seam_can_follow_the_gap_between_the_hands() {
        let hands = hands_on_a_table();
        let centre = |side: Side| palm_centre(hands.iter().find(|h| h.side == side).unwrap());
        let gap = between_hands(&hands).expect("both hands");
        assert!((gap.0 - (centre(Side::Left).0 + centre(Side::Right).0) / 2.0).abs() < 1e-6);
        assert!((gap.0 - 0.5).abs() < 0.02, "{gap:?}");
        // The body's midline at x = 800 px; the hands' gap wins when asked for.
        let body = crate::posture::measure::tests::pose_at(&[
            (Joint::LeftShoulder, 850.0, 200.0),
            (Joint::RightShoulder, 750.0, 200.0),
            (Joint::LeftHip, 840.0, 500.0),
            (Joint::RightHip, 760.0, 500.0),
        ]);
        let settings = SeamSettings { between_hands: true, smoothing: 0.0, ..SeamSettings::default() };
        let mut t = SeamTracker::new();
        let seam = t.update_with_hands(Some(&body), &hands, &settings, false, 1000, 1000);
        assert!((seam.point.0 - gap.0 * 1000.0).abs() < 0.01, "{seam:?}");
        // Following the body (the default), the same frame puts the seam on the midline.
        let seam =
            SeamTracker::new().update_with_hands(Some(&body), &hands, &SeamSettings::default(), false, 1000, 1000);
        assert!((seam.point.0 - 800.0).abs() < 0.01, "{seam:?}");
        // The hands leave the picture for a moment: the seam stays at the gap, not on the body.
        let seam = t.update_with_hands(Some(&body), &[], &settings, false, 1000, 1000);
        assert!((seam.point.0 - gap.0 * 1000.0).abs() < 0.01, "{seam:?}");
        // One hand held twice under both names (or hands clasped): no gap, the seam stays where it was.
        let mut twice = hands.clone();
        twice[1].landmarks = twice[0].landmarks;
        assert_eq!(between_hands(&twice), None);
        let seam = t.update_with_hands(Some(&body), &twice, &settings, false, 1000, 1000);
        assert!((seam.point.0 - gap.0 * 1000.0).abs() < 0.01, "{seam:?}");
        // Locked, the seam stays where the therapist put it.
        let locked = SeamSettings { follow_body: false, manual: 0.3, ..settings };
        assert_eq!(t.update_with_hands(None, &hands, &locked, false, 1000, 1000), Seam::vertical(300.0));
    }

    #[test]
    fn the_healthy_hand_is_reflected_onto_the_affected_side() {
        let hands = hands_on_a_table();
        let settings = SeamSettings { between_hands: true, smoothing: 0.0, ..SeamSettings::default() };
        let centre = |side: Side| palm_centre(hands.iter().find(|h| h.side == side).unwrap());
        for healthy in [Side::Right, Side::Left] {
            let source = if healthy == Side::Left { SplitSource::PatientLeft } else { SplitSource::PatientRight };
            for selfie in [false, true] {
                // The body, seen facing the camera, would put the right side on the image's left; the hands say
                // the same here, and they decide when the seam follows them (the body may be out of view).
                let mode = MirrorMode::Split { source, selfie };
                let (view, _) = ViewTracker::new().update_with_hands(mode, 1000, 1000, None, &hands, true, &settings);
                let (h, a) = (centre(healthy), centre(healthy.opposite()));
                assert!(!view.is_hidden(h.0, h.1), "{healthy:?} {selfie}: the healthy hand is shown");
                assert!(view.is_hidden(a.0, a.1), "{healthy:?} {selfie}: the affected hand is covered");
                // Its reflection lands near where the affected hand is.
                let shown = view.map_reflected(h.0, h.1).expect("split");
                let real = view.map_real(a.0, a.1);
                assert!((shown.0 - real.0).abs() < 0.02, "{healthy:?} {selfie}: {shown:?} vs {real:?}");
            }
        }
        // Without the hands' seam, a mirrored frame and no pose put the patient's right on the image's right: the
        // wrong hand would be the source. The hands decide only when the seam follows them.
        let mode = MirrorMode::Split { source: SplitSource::PatientRight, selfie: false };
        let (view, _) =
            ViewTracker::new().update_with_hands(mode, 1000, 1000, None, &hands, true, &SeamSettings::default());
        let r = centre(Side::Right);
        assert!(view.is_hidden(r.0, r.1));
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
