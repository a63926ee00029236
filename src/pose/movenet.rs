//! MoveNet SinglePose (Lightning and Thunder), run as its authors run it on video.
//!
//! The first frame is seen whole (letterboxed to a square); each later frame is cropped around the person found in
//! the previous one (the "smart cropping" of the MoveNet tutorial: a square around the hips, wide enough for the
//! torso × 1.9 and the body × 1.2), and the crop goes back to the whole frame when the torso is no longer seen with
//! confidence.

use std::time::Instant;

use image::RgbImage;

use super::engine::{Engine, InferenceSession, InputData};
use super::imgproc::{Affine, Border, Grid, sample_rgb};
use super::keypoints::{Joint, Skeleton};
use super::models::{ModelError, ModelFile, ModelStore};
use super::tracking::{Candidate, Patience, Reconsider, Typical};
use super::types::{Keypoint, Pose};
use super::{PersonSelector, PoseError, StageTimes};

/// Minimum keypoint score for a keypoint to shape the next crop (as in the MoveNet tutorial).
pub const MIN_CROP_KEYPOINT_SCORE: f32 = 0.2;
const TORSO_EXPANSION_RATIO: f32 = 1.9;
const BODY_EXPANSION_RATIO: f32 = 1.2;

/// A crop of the frame in normalised coordinates. It is square in pixels and may extend past the frame (padding
/// reads as black).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CropRegion {
    /// Left edge.
    pub x_min: f32,
    /// Top edge.
    pub y_min: f32,
    /// Right edge.
    pub x_max: f32,
    /// Bottom edge.
    pub y_max: f32,
}

impl CropRegion {
    /// The whole frame, letterboxed into a centred square.
    pub fn whole_frame(width: u32, height: u32) -> CropRegion {
        let (w, h) = (width as f32, height as f32);
        if w > h {
            let box_h = w / h;
            let y_min = (h / 2.0 - w / 2.0) / h;
            CropRegion { x_min: 0.0, y_min, x_max: 1.0, y_max: y_min + box_h }
        } else {
            let box_w = h / w;
            let x_min = (w / 2.0 - h / 2.0) / w;
            CropRegion { x_min, y_min: 0.0, x_max: x_min + box_w, y_max: 1.0 }
        }
    }

    /// A square of `side` pixels centred on normalised (`cx`, `cy`).
    pub fn square_at(cx: f32, cy: f32, side: f32, width: u32, height: u32) -> CropRegion {
        let (w, h) = (width as f32, height as f32);
        let half_x = side / 2.0 / w;
        let half_y = side / 2.0 / h;
        CropRegion { x_min: cx - half_x, y_min: cy - half_y, x_max: cx + half_x, y_max: cy + half_y }
    }

    /// Whether normalised point `at` lies inside the crop.
    pub fn contains(&self, at: (f32, f32)) -> bool {
        (self.x_min..=self.x_max).contains(&at.0) && (self.y_min..=self.y_max).contains(&at.1)
    }

    /// The crop for the next frame from this frame's keypoints (COCO order, normalised to the frame), or the whole
    /// frame when the torso is not seen.
    pub fn from_keypoints(kps: &[Keypoint], width: u32, height: u32) -> CropRegion {
        let (w, h) = (width as f32, height as f32);
        let k = |j: Joint| kps[Skeleton::Coco17.index_of(j).unwrap_or(0)];
        let seen = |j: Joint| k(j).score > MIN_CROP_KEYPOINT_SCORE;
        let torso_visible = (seen(Joint::LeftHip) || seen(Joint::RightHip))
            && (seen(Joint::LeftShoulder) || seen(Joint::RightShoulder));
        if !torso_visible {
            return CropRegion::whole_frame(width, height);
        }
        let px = |kp: &Keypoint| (kp.x * w, kp.y * h);
        let (lhx, lhy) = px(&k(Joint::LeftHip));
        let (rhx, rhy) = px(&k(Joint::RightHip));
        let (cx, cy) = ((lhx + rhx) / 2.0, (lhy + rhy) / 2.0);
        let (mut torso_x, mut torso_y, mut body_x, mut body_y) = (0f32, 0f32, 0f32, 0f32);
        for j in [Joint::LeftShoulder, Joint::RightShoulder, Joint::LeftHip, Joint::RightHip] {
            let (x, y) = px(&k(j));
            torso_x = torso_x.max((cx - x).abs());
            torso_y = torso_y.max((cy - y).abs());
        }
        for kp in kps.iter().filter(|kp| kp.score >= MIN_CROP_KEYPOINT_SCORE) {
            let (x, y) = px(kp);
            body_x = body_x.max((cx - x).abs());
            body_y = body_y.max((cy - y).abs());
        }
        let mut half = (torso_x * TORSO_EXPANSION_RATIO)
            .max(torso_y * TORSO_EXPANSION_RATIO)
            .max(body_y * BODY_EXPANSION_RATIO)
            .max(body_x * BODY_EXPANSION_RATIO);
        let reach = cx.max(w - cx).max(cy).max(h - cy);
        half = half.min(reach);
        if half > w.max(h) / 2.0 || half <= 1.0 {
            return CropRegion::whole_frame(width, height);
        }
        CropRegion { x_min: (cx - half) / w, y_min: (cy - half) / h, x_max: (cx + half) / w, y_max: (cy + half) / h }
    }
}

/// Which MoveNet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoveNetVariant {
    /// 192×192, fastest.
    Lightning,
    /// 256×256, more accurate.
    Thunder,
}

/// MoveNet with its crop state.
pub struct MoveNet {
    session: Box<dyn InferenceSession>,
    size: usize,
    input: Vec<i32>,
    next_crop: Option<CropRegion>,
    reconsider: Reconsider,
    new_person: bool,
    /// Centre of the keypoints seen in the last pose (normalised; [`seen_centre`]), where a lost person is looked
    /// for.
    last_seen: Option<(f32, f32)>,
    /// Whether to wait for a lost person rather than take someone else at once.
    patience: Patience,
    /// The followed person's size and confidence since the last look at the whole frame.
    typical: Typical,
}

impl MoveNet {
    /// Loads the model from `store` with `engine`.
    pub fn new(store: &ModelStore, engine: &Engine, variant: MoveNetVariant) -> Result<Self, ModelError> {
        let file = match variant {
            MoveNetVariant::Lightning => ModelFile::MovenetLightning,
            MoveNetVariant::Thunder => ModelFile::MovenetThunder,
        };
        let size = file.spec().input_shape[1];
        let session = store.load(file, engine, &[])?;
        Ok(MoveNet {
            session,
            size,
            input: vec![0; size * size * 3],
            next_crop: None,
            reconsider: Reconsider::new(),
            new_person: false,
            last_seen: None,
            patience: Patience::default(),
            typical: Typical::default(),
        })
    }

    /// Forgets the previous frame: the next frame is seen whole.
    pub fn reset(&mut self) {
        self.next_crop = None;
        self.reconsider.reset();
        self.last_seen = None;
        self.patience.reset();
        self.typical = Typical::default();
    }

    /// Whether the last [`estimate`](Self::estimate) started following a person anew (not the one of the frame
    /// before); clears the flag.
    pub fn take_new_person(&mut self) -> bool {
        std::mem::take(&mut self.new_person)
    }

    /// Sets the crop for the next frame (to start on a chosen person).
    pub fn set_next_crop(&mut self, crop: CropRegion) {
        self.next_crop = Some(crop);
    }

    /// The crop the next frame will use, if tracking.
    pub fn next_crop(&self) -> Option<CropRegion> {
        self.next_crop
    }

    /// Runs the model on one crop of `image`; returns 17 keypoints normalised to the whole frame.
    pub fn run_crop(
        &mut self,
        image: &RgbImage,
        crop: CropRegion,
        times: &mut StageTimes,
    ) -> Result<Vec<Keypoint>, PoseError> {
        let (w, h) = (image.width() as f32, image.height() as f32);
        let t0 = Instant::now();
        let map = Affine::crop(
            crop.x_min * w,
            crop.y_min * h,
            (crop.x_max - crop.x_min) * w,
            (crop.y_max - crop.y_min) * h,
            self.size,
            self.size,
        );
        // MoveNet takes 0..255 as int32 (the reference casts the resized float image, i.e. truncates).
        sample_rgb(image, &map, Grid::Centres, Border::Zero, self.size, self.size, &mut self.input, |v| v as i32);
        let t1 = Instant::now();
        let shape = [1, self.size, self.size, 3];
        let out = self.session.run(&shape, InputData::I32(&self.input))?;
        let t2 = Instant::now();
        let raw = out.first().map(Vec::as_slice).unwrap_or(&[]);
        if raw.len() < 17 * 3 {
            return Err(PoseError::BadOutput(format!("MoveNet returned {} values, expected 51", raw.len())));
        }
        let kps = raw
            .chunks_exact(3)
            .take(17)
            .map(|c| Keypoint {
                x: crop.x_min + c[1] * (crop.x_max - crop.x_min),
                y: crop.y_min + c[0] * (crop.y_max - crop.y_min),
                score: c[2],
                presence: None,
                z: None,
            })
            .collect();
        times.preprocess += t1 - t0;
        times.inference += t2 - t1;
        times.postprocess += t2.elapsed();
        Ok(kps)
    }

    /// Estimates the pose in `image`. With `tracking`, the crop comes from the previous call's keypoints (video);
    /// without, or when there is no crop yet, the frame is seen whole and then once more through a crop around what
    /// was found (as for a still image). A tracked crop that lost the person (mean score below `min_pose_score`) is
    /// given up at once: the same frame is read again around where they were last seen, then whole. The whole frame
    /// is not read for a person chosen by position, nor for a person followed for
    /// [`LONG_FOLLOWED`](super::tracking::LONG_FOLLOWED) poses or more, who is waited for (no pose) for up to
    /// [`WAIT_FRAMES`](super::tracking::WAIT_FRAMES) frames before anyone else is taken. A pose whose centre jumps
    /// more than half the crop is read again around where the person was last seen. While following someone with a
    /// `selector` that [reconsiders](PersonSelector::reconsiders), the whole frame is seen again every
    /// [`RECONSIDER_EVERY`](super::tracking::RECONSIDER_EVERY) frames, and a person there much bigger or surer than
    /// the followed one for a while is followed instead. Returns `None` when the mean keypoint score is below
    /// `min_pose_score`.
    pub fn estimate(
        &mut self,
        image: &RgbImage,
        tracking: bool,
        min_pose_score: f32,
        selector: PersonSelector,
        times: &mut StageTimes,
    ) -> Result<Option<Pose>, PoseError> {
        let (w, h) = (image.width(), image.height());
        let whole = CropRegion::whole_frame(w, h);
        let crop = match (tracking, self.next_crop) {
            (true, Some(c)) => c,
            _ => whole,
        };
        // The followed person's usual size: which legs may be theirs when this frame shows too little of them to
        // measure.
        let hint = Some(self.typical.mean().size).filter(|&s| s > 0.0 && self.patience.followed_for() > 0);
        let mut kps = self.run_crop(image, crop, times)?;
        let mut next = CropRegion::from_keypoints(&kps, w, h);
        let mut fresh = crop == whole;
        self.new_person = tracking && self.next_crop.is_none();
        let chosen_position = selector.point(w, h).is_some();
        if fresh {
            self.patience.reset();
        }
        let mut held = false;
        let near = self.last_seen.map(|at| around(at, w, h)).filter(|near| *near != crop);
        if !fresh && mean_score(&kps) < min_pose_score && (near.is_some() || !chosen_position) {
            // The crop lost the person (an exit, someone crossing, a moment the model is unsure): look again at once
            // near where they were last seen (the walk clip cut at mid-chest, read every tenth frame: she had walked
            // out of the crop), and at the whole frame when nobody is there, unless the person was chosen by
            // position or is waited for. (A cut resets the tracker before this: the whole frame at once.)
            let again = match near {
                Some(near) => Some(self.run_crop(image, near, times)?),
                None => None,
            };
            match again {
                Some(k) if chosen_position || mean_score(&k) >= min_pose_score => kps = k,
                // Nobody where the person followed for a while was last seen: they may come back (the lab clip cut
                // at mid-chest: the patient leaning, an arm across his face, MoveNet Thunder took the woman in the
                // background at frame 68 and never came back). No pose this frame, and the whole frame is not read:
                // whoever it shows near there, the look near there would have found.
                _ if self.last_seen.is_some() && self.patience.wait() => held = true,
                _ => {
                    self.reconsider.reset();
                    kps = self.run_crop(image, whole, times)?;
                    self.patience.reset();
                }
            }
            next = CropRegion::from_keypoints(&kps, w, h);
            fresh = true;
        } else if !fresh && selector.reconsiders() && self.reconsider.due() {
            // Someone much bigger or surer in view for a while (a patient who walked in): follow them.
            let seen = self.run_crop(image, whole, times)?;
            let elsewhere = seen_centre(&seen, w, h, hint).is_some_and(|c| !crop.contains(c));
            let mut typical = std::mem::take(&mut self.typical);
            typical.add(body_scale(&kps, w, h), upper_body_score(&kps));
            let me = typical.mean();
            let other = body_scale(&seen, w, h)
                .filter(|_| elsewhere)
                .map(|size| Candidate { size, score: upper_body_score(&seen) });
            if self.reconsider.judge(me, other) {
                kps = seen;
                next = CropRegion::from_keypoints(&kps, w, h);
                fresh = true;
                self.new_person = true;
                self.patience.reset();
            }
        }
        if !fresh
            && let (Some(last), Some(now)) = (self.last_seen, seen_centre(&kps, w, h, hint))
            && jumped(last, now, crop, w, h)
        {
            // A followed person does not cross half the crop between two frames: the model took someone else in
            // the crop (the lab clip cut at mid-chest: MoveNet Thunder took the woman in the background, whole and
            // upright, over the leaning patient, at frames 76 and 86 chosen by position, at frame 60 following the
            // clearest person). Look again around where the patient was last seen.
            let near = around(last, w, h);
            let again = self.run_crop(image, near, times)?;
            if mean_score(&again) >= min_pose_score
                && seen_centre(&again, w, h, hint).is_some_and(|c| !jumped(last, c, crop, w, h))
            {
                kps = again;
                next = CropRegion::from_keypoints(&kps, w, h);
                fresh = true;
            }
        }
        if fresh && next != whole {
            // Seen whole: look again, closer.
            let closer = self.run_crop(image, next, times)?;
            if mean_score(&closer) >= mean_score(&kps) * 0.8 {
                kps = closer;
                next = CropRegion::from_keypoints(&kps, w, h);
            }
        }
        let centre = seen_centre(&kps, w, h, hint);
        if next == whole {
            // The torso was not seen well enough to crop around it (the hips out of the picture, or unsure): the
            // person is looked for near where they were seen, not in the whole frame, where the model would take
            // whoever stands out (the lab clip cut at the waist, chosen by position, and cut at mid-chest, following
            // the clearest person from frame 12 on: a woman in the background instead of the patient).
            next = centre.map_or(whole, |at| around(at, w, h));
        }
        self.next_crop = if tracking { Some(next) } else { None };
        let score = mean_score(&kps);
        if score < min_pose_score {
            // A person chosen by position is looked for again where they were last seen (not where the therapist
            // pointed at the start: the walk clip cut at mid-chest, the man on the roof taken there instead of the
            // woman who had walked on); anyone else in the whole frame.
            self.next_crop =
                self.last_seen.filter(|_| tracking && (chosen_position || held)).map(|at| around(at, w, h));
            return Ok(None);
        }
        if centre.is_some() {
            self.last_seen = centre;
        }
        if self.patience.followed_for() == 0 {
            self.typical = Typical::default();
        }
        self.patience.seen();
        self.typical.add(body_scale(&kps, w, h), upper_body_score(&kps));
        Ok(Some(Pose {
            skeleton: Skeleton::Coco17,
            keypoints: kps,
            score,
            world: None,
            mask: None,
            frame_width: w,
            frame_height: h,
        }))
    }
}

/// Whether the seen centre moved from `last` to `now` (normalised) by more than half the side of `crop`.
fn jumped(last: (f32, f32), now: (f32, f32), crop: CropRegion, w: u32, h: u32) -> bool {
    let (w, h) = (w as f32, h as f32);
    let side = ((crop.x_max - crop.x_min) * w).max((crop.y_max - crop.y_min) * h);
    ((now.0 - last.0) * w).hypot((now.1 - last.1) * h) > side / 2.0
}

/// A square as wide as the frame's shorter side centred on `at` (normalised): where a person is looked for near a
/// place.
fn around(at: (f32, f32), w: u32, h: u32) -> CropRegion {
    CropRegion::square_at(at.0, at.1, w.min(h) as f32, w, h)
}

/// The centre (normalised) of the keypoints seen with some confidence that belong to the body ([`on_body`], `hint`
/// its usual scale), if any.
fn seen_centre(kps: &[Keypoint], w: u32, h: u32, hint: Option<f32>) -> Option<(f32, f32)> {
    let on = on_body(kps, w, h, hint);
    let seen: Vec<&Keypoint> =
        kps.iter().zip(on).filter(|(k, on)| *on && k.score >= MIN_CROP_KEYPOINT_SCORE).map(|(k, _)| k).collect();
    if seen.is_empty() {
        return None;
    }
    let n = seen.len() as f32;
    Some((seen.iter().map(|k| k.x).sum::<f32>() / n, seen.iter().map(|k| k.y).sum::<f32>() / n))
}

/// Which keypoints may belong to the person's body: all but a knee whose hip is not seen or lies more than
/// [`MAX_THIGH`] body scales from it, and an ankle whose knee is left out or lies that far from it. The body scale is
/// this pose's ([`body_scale`]), or `hint` (the followed person's usual one) when too little of it is seen.
/// MoveNet puts the legs of a person whose hips are out of the picture on whatever legs are in view: on the lab clip
/// cut at mid-chest, the legs of the woman in the background, whole and upright beside the patient, which drew the
/// centre of the patient's keypoints, and the crop with it, onto her (MoveNet Thunder on tract, frames 25-27; on a
/// re-encoded copy through `analyze`, frame 33, his shoulders unseen).
fn on_body(kps: &[Keypoint], w: u32, h: u32, hint: Option<f32>) -> [bool; 17] {
    let mut on = [true; 17];
    let Some(scale) = body_scale(kps, w, h).or(hint) else { return on };
    let index = |j: Joint| Skeleton::Coco17.index_of(j).filter(|&i| i < kps.len() && i < 17);
    let px = |i: usize| (kps[i].x * w as f32, kps[i].y * h as f32);
    for chain in
        [[Joint::LeftHip, Joint::LeftKnee, Joint::LeftAnkle], [Joint::RightHip, Joint::RightKnee, Joint::RightAnkle]]
    {
        let mut parent_on = true;
        for pair in chain.windows(2) {
            let (Some(a), Some(b)) = (index(pair[0]), index(pair[1])) else { break };
            let near = {
                let (pa, pb) = (px(a), px(b));
                (pa.0 - pb.0).hypot(pa.1 - pb.1) <= MAX_THIGH * scale
            };
            parent_on = parent_on && on[a] && kps[a].score >= MIN_CROP_KEYPOINT_SCORE && near;
            on[b] = parent_on;
        }
    }
    on
}

/// The longest a thigh or shank may look, in body scales ([`body_scale`], about a torso; a thigh is about 0.85
/// torso): room for a leg nearer the camera than the trunk.
const MAX_THIGH: f32 = 1.5;

/// A person's size as people are compared, whatever their framing (pixels, a torso length): the longest of the
/// torso (mid-shoulder to mid-hip), 1.2 × the shoulders' width and 1.5 × the longer upper arm, among those seen
/// (each is shortened when seen at a slant; the ratios are an adult's). The torso alone is unknown for a patient seen
/// from the head to the chest, and anyone seen whole then looked much bigger: MoveNet Thunder left such a patient for
/// a woman in the background at the second look (the lab clip cut at mid-chest).
fn body_scale(kps: &[Keypoint], w: u32, h: u32) -> Option<f32> {
    let at = |j: Joint| {
        kps.get(Skeleton::Coco17.index_of(j)?)
            .filter(|k| k.score > MIN_CROP_KEYPOINT_SCORE)
            .map(|k| (k.x * w as f32, k.y * h as f32))
    };
    let dist = |a: Option<(f32, f32)>, b: Option<(f32, f32)>| Some((a?.0 - b?.0).hypot(a?.1 - b?.1));
    let mid = |a: Joint, b: Joint| Some(((at(a)?.0 + at(b)?.0) / 2.0, (at(a)?.1 + at(b)?.1) / 2.0));
    let torso = dist(mid(Joint::LeftShoulder, Joint::RightShoulder), mid(Joint::LeftHip, Joint::RightHip));
    let shoulders = dist(at(Joint::LeftShoulder), at(Joint::RightShoulder)).map(|d| 1.2 * d);
    let upper_arm = |s: Joint, e: Joint| dist(at(s), at(e)).map(|d| 1.5 * d);
    [
        torso,
        shoulders,
        upper_arm(Joint::LeftShoulder, Joint::LeftElbow),
        upper_arm(Joint::RightShoulder, Joint::RightElbow),
    ]
    .into_iter()
    .flatten()
    .reduce(f32::max)
}

/// The mean score of the face's and arms' keypoints (COCO's first 11: nose, eyes, ears, shoulders, elbows, wrists):
/// how sure the model is of a person, compared between people whatever their framing. Over all 17, a patient seen
/// from the head to the chest (hips and legs out of the picture) looks much less sure than a bystander seen whole.
fn upper_body_score(kps: &[Keypoint]) -> f32 {
    mean_score(&kps[..kps.len().min(11)])
}

fn mean_score(kps: &[Keypoint]) -> f32 {
    if kps.is_empty() {
        return 0.0;
    }
    kps.iter().map(|k| k.score).sum::<f32>() / kps.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_frame_is_a_centred_square() {
        let c = CropRegion::whole_frame(200, 100);
        assert_eq!((c.x_min, c.x_max), (0.0, 1.0));
        assert!((c.y_min + 0.5).abs() < 1e-6 && (c.y_max - 1.5).abs() < 1e-6);
        let c = CropRegion::whole_frame(100, 200);
        assert!((c.x_min + 0.5).abs() < 1e-6 && (c.x_max - 1.5).abs() < 1e-6);
    }

    fn kp(x: f32, y: f32, score: f32) -> Keypoint {
        Keypoint { x, y, score, presence: None, z: None }
    }

    #[test]
    fn crop_follows_the_torso() {
        // A small person standing at the centre of a 1000×1000 frame.
        let mut kps = vec![kp(0.5, 0.5, 0.0); 17];
        let set = |kps: &mut Vec<Keypoint>, j: Joint, x: f32, y: f32| {
            kps[Skeleton::Coco17.index_of(j).unwrap()] = kp(x, y, 0.9);
        };
        set(&mut kps, Joint::LeftShoulder, 0.55, 0.40);
        set(&mut kps, Joint::RightShoulder, 0.45, 0.40);
        set(&mut kps, Joint::LeftHip, 0.54, 0.50);
        set(&mut kps, Joint::RightHip, 0.46, 0.50);
        set(&mut kps, Joint::LeftAnkle, 0.54, 0.70);
        let c = CropRegion::from_keypoints(&kps, 1000, 1000);
        // Half side: max(torso 100 px × 1.9, body 200 px × 1.2) = 240 px around the hip centre (500, 500).
        assert!((c.x_min - 0.26).abs() < 1e-4 && (c.y_max - 0.74).abs() < 1e-4, "{c:?}");
        // No torso: back to the whole frame.
        for k in kps.iter_mut() {
            k.score = 0.1;
        }
        assert_eq!(CropRegion::from_keypoints(&kps, 1000, 1000), CropRegion::whole_frame(1000, 1000));
    }
}
