//! Steady sides: keeps each limb's left/right labels continuous when the model's labels flip.
//!
//! Seen side-on, a model often swaps the names of the two legs (or arms) for a frame or for good, above all where
//! the nearer leg hides the farther one. [`SideKeeper`] follows each limb group from frame to frame: it predicts
//! where the left and the right limb should be (last position plus the last frame's velocity) and, when the model's
//! labels fit that prediction clearly worse than the crossed labels (and, from one frame to the next, fit where the
//! limbs were worse too), it trades the group's labels back; the trade stays in force until the model flips back.
//! Legs and arms are decided apart (a model may swap one and not the other).
//! Hips and shoulders move with their limb but do not vote (seen side-on they lie on top of each other).
//!
//! Continuity alone keeps whatever labels it started from, a flip it failed to catch included. The arms are also
//! named by the anatomy of a side view where a frame shows it (BlazePose's depth, the face clearly turned): the side
//! the face turns to is the one nearer the camera, in the picture the model saw (the estimator applies the keeper
//! before it swaps the names of a mirrored frame back). The legs are not: BlazePose's hips keep their sides when its
//! knees and ankles swap, and naming the legs by the hips passed those swaps through. Seen from the front, the arms
//! keep the shoulders' order across the picture over the moment (a tenth of a second at most) where the arms are too
//! close to tell (no one turns round that fast), so a flip back of the model that the continuity missed is followed.
//!
//! It only renames keypoints; it never moves one. It is a stage of the video path ([`super::PoseEstimator`]) and
//! of any other sequence of poses (the gait analysis); unrelated stills need no continuity and skip it.

use super::keypoints::Joint;
use super::types::Pose;

/// A limb group: the joints that change sides together; `voting` ones decide.
struct Group {
    joints: &'static [Joint],
    voting: &'static [Joint],
    /// The root and limb joints (left ones) whose depth tells the group's labels by the anatomy of a side view, for
    /// the groups where that is used ([`crossed_by_anatomy`]).
    anatomy: Option<[Joint; 2]>,
    /// The root joint (a left one) whose order across the picture, seen from the front or back, is kept over a
    /// moment too unclear to decide ([`clear_order`], [`MAX_TURN_S`]).
    order: Option<Joint>,
}

const LEGS: Group = Group {
    joints: &[Joint::LeftHip, Joint::LeftKnee, Joint::LeftAnkle, Joint::LeftHeel, Joint::LeftFootIndex],
    voting: &[Joint::LeftKnee, Joint::LeftAnkle, Joint::LeftHeel, Joint::LeftFootIndex],
    anatomy: None,
    // Not the hips: not measured on the legs, whose labels the model flips without the hips' at some frames.
    order: None,
};

const ARMS: Group = Group {
    joints: &[
        Joint::LeftShoulder,
        Joint::LeftElbow,
        Joint::LeftWrist,
        Joint::LeftPinky,
        Joint::LeftIndex,
        Joint::LeftThumb,
    ],
    voting: &[Joint::LeftElbow, Joint::LeftWrist, Joint::LeftPinky, Joint::LeftIndex, Joint::LeftThumb],
    anatomy: Some([Joint::LeftShoulder, Joint::LeftElbow]),
    order: Some(Joint::LeftShoulder),
};

/// The crossed labels must fit the prediction at least this much better (cost ratio) to trade sides.
const SWAP_RATIO: f32 = 0.5;
/// …and by at least this distance per voting joint, as a fraction of the torso length.
const MIN_GAIN_TORSO: f32 = 0.08;
/// Limbs closer together than this (mean distance between twin joints, fraction of the torso), as the legs are
/// when they pass each other in mid-swing, decide nothing: the prediction runs on from the last frame they were
/// apart.
const MIN_SEPARATION_TORSO: f32 = 0.1;
/// A limb slower than this fraction of the other one is taken as standing still (see [`anchored_swap`]).
const ANCHOR_SPEED_RATIO: f32 = 0.3;
/// The prediction runs on for at most this many frames; after that the labels are taken as they come.
const MAX_PREDICTED_FRAMES: usize = 8;

/// Seen side-on, the person's side that faces the camera is known from where the face points: facing the image's
/// left, their left side is the nearer one (an unmirrored image). BlazePose tells which of a pair of joints is nearer
/// (its depth, z). A frame decides a group's labels by this, whatever came before, when the person is clearly side-on
/// (the shoulders at most this fraction of the torso apart across the image...
const SIDE_ON_WIDTH_TORSO: f32 = 0.35;
/// ...and, as the elbows, at least this many times as far apart in depth, and half a torso at least)...
const SIDE_ON_DEPTH_RATIO: f32 = 3.0;
/// ...and the face clearly turned: the nose this fraction of the torso or more beside the middle of the ears (0.15-0.18
/// on the walk clip's side-on walker; at most 0.10 on the frontal squat and lab clips).
const FACE_TURN_TORSO: f32 = 0.12;

/// Seen from the front or back, a group's roots (the shoulders) this fraction of the torso apart across the picture or
/// more, both sure ([`MIN_ORDER_SCORE`]), show which side each is on...
const FRONTAL_WIDTH_TORSO: f32 = 0.25;
const MIN_ORDER_SCORE: f32 = 0.5;
/// ...and their order holds from one such frame to the next at most this many seconds later (the frames between too
/// close to tell): to swap it, a person would turn the shoulders' line at least 2 × asin(0.25 / 0.75) ≈ 39° through
/// side-on, 390°/s (a patient turning round: 100-200°/s). The lab clip at 60 frames/s: 0.05 s between a flip of
/// BlazePose lite's labels and its flip back. In seconds, not frames: the app drops frames when the pose is busy.
const MAX_TURN_S: f64 = 0.1;

/// Per-group memory.
#[derive(Clone, Debug, Default)]
struct Track {
    /// Whether the model's labels are currently traded back.
    swapped: bool,
    /// The output positions (aspect-corrected) at the last frame the limbs were apart: left then right per
    /// voting joint.
    last: Option<Vec<[f32; 2]>>,
    /// Their velocity per frame.
    velocity: Vec<[f32; 2]>,
    /// Frames since `last`.
    since: usize,
    /// The output's order of the roots at the last frame it was clear (whether the left one lies right of its twin
    /// in the picture), and that frame's time (seconds).
    order: Option<(bool, f64)>,
}

/// Keeps left/right labels of legs and arms continuous over a sequence of poses. See the [module](self) docs.
#[derive(Clone, Debug, Default)]
pub struct SideKeeper {
    legs: Track,
    arms: Track,
    /// Whether side views name nothing by their anatomy (continuity only).
    continuity_only: bool,
    swaps: usize,
    /// The pelvis (aspect-corrected) of the last pose: a jump of more than a torso length is another person (the
    /// tracker moved on) or a cut, and starts afresh.
    last_pelvis: Option<[f32; 2]>,
}

impl SideKeeper {
    /// A keeper with no history.
    pub fn new() -> Self {
        Self::default()
    }

    /// A keeper that keeps the labels continuous only, without naming the arms by a side view's anatomy: for poses
    /// already named (the estimator's output, whose positions may be in a mirrored picture while the names are the
    /// person's own, so that the side the face turns to no longer tells the nearer one).
    pub fn continuity_only() -> Self {
        Self { continuity_only: true, ..Self::default() }
    }

    /// Forgets the history (a new recording, the person lost); the model's labels are taken as they come.
    pub fn reset(&mut self) {
        self.legs = Track::default();
        self.arms = Track::default();
        self.last_pelvis = None;
    }

    /// How many times a group's labels were traded (model flips caught) since the keeper was made.
    pub fn swaps_caught(&self) -> usize {
        self.swaps
    }

    /// Puts `pose`'s (seen at `time_s`, seconds) leg and arm labels in line with the previous poses; returns whether
    /// any label was changed.
    pub fn apply(&mut self, pose: &mut Pose, time_s: f64) -> bool {
        let aspect = pose.frame_width as f32 / pose.frame_height.max(1) as f32;
        let Some(torso) = torso_length(pose, aspect) else {
            return false;
        };
        let pelvis = match (pose.get(Joint::LeftHip), pose.get(Joint::RightHip)) {
            (Some(l), Some(r)) => Some([(l.x + r.x) / 2.0 * aspect, (l.y + r.y) / 2.0]),
            _ => None,
        };
        if let (Some(p), Some(q)) = (pelvis, self.last_pelvis)
            && ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt() > torso
        {
            self.reset();
        }
        self.last_pelvis = pelvis;
        let mut changed = false;
        for (group, track) in [(&LEGS, &mut self.legs), (&ARMS, &mut self.arms)] {
            let Some(observed) = positions(pose, group.voting, aspect) else {
                continue;
            };
            // Another model (MoveNet has no heels or toes, BlazePose has): the history has other points, start over
            // (before, the shorter history panicked the keeper when a walk switched the app to BlazePose).
            if track.last.as_ref().is_some_and(|l| l.len() != observed.len()) {
                *track = Track::default();
            }
            let order = group.order.and_then(|root| clear_order(pose, root, torso, aspect));
            let by_anatomy = group
                .anatomy
                .filter(|_| !self.continuity_only)
                .and_then(|[root, limb]| crossed_by_anatomy(pose, root, limb, torso, aspect));
            // Seen from the front, the model's roots came in the other order than at the last clear frame, a moment
            // ago, and the keeper did not follow (it caught a flip of the model and missed its flip back, where the
            // limbs were too close to tell): the labels that keep the order.
            let by_order = match (order, track.order) {
                (Some(model), Some((kept, at)))
                    if (0.0..=MAX_TURN_S).contains(&(time_s - at)) && (model != track.swapped) != kept =>
                {
                    Some(!track.swapped)
                }
                _ => None,
            };
            if let Some(model_crossed) = by_anatomy.or(by_order) {
                // Side-on with the face turned: the labels follow the anatomy; from the front, the roots' order. The
                // continuity starts from here.
                if track.swapped != model_crossed {
                    track.swapped = model_crossed;
                    self.swaps += 1;
                }
                let output = if track.swapped { crossed(&observed) } else { observed };
                track.velocity = vec![[0.0, 0.0]; output.len()];
                track.last = Some(output);
                track.since = 1;
            } else if track.continue_from(observed, torso) {
                self.swaps += 1;
            }
            if let Some(model) = order {
                track.order = Some((model != track.swapped, time_s));
            }
            if track.swapped {
                swap_group(pose, group.joints);
                changed = true;
            }
        }
        changed
    }
}

impl Track {
    /// Keeps the labels continuous with the last frames' (the model's `observed` positions, left then right per voting
    /// joint; `torso` the scale): trades them when the crossed labels fit the prediction clearly better. Returns
    /// whether it traded.
    fn continue_from(&mut self, observed: Vec<[f32; 2]>, torso: f32) -> bool {
        let mut traded = false;
        let joints = (observed.len() / 2) as f32;
        // The model's labels as currently corrected.
        let current = if self.swapped { crossed(&observed) } else { observed.clone() };
        let half = observed.len() / 2;
        let separation = cost(&current[..half], &current[half..]);
        if separation >= MIN_SEPARATION_TORSO * torso * joints {
            let fresh = self.last.is_some() && self.since <= MAX_PREDICTED_FRAMES;
            if let (Some(last), true) = (&self.last, fresh) {
                let n = self.since as f32;
                let predicted: Vec<[f32; 2]> =
                    last.iter().zip(&self.velocity).map(|(l, v)| [l[0] + v[0] * n, l[1] + v[1] * n]).collect();
                let straight = cost(&current, &predicted);
                let other = cost(&crossed(&current), &predicted);
                let min_gain = MIN_GAIN_TORSO * torso * joints;
                // From one frame to the next, the crossed labels must also fit where the limbs were: a
                // velocity thrown off by one frame's jitter predicted them crossed where neither had moved (the
                // walk clip on tract, landmark crop on OpenCV's grid: a trade at frame 160 held to the end of the
                // walk, 8 of 9 checks wrong). After frames without a decision the limbs may have passed each
                // other, and motion alone decides.
                let still = self.since > 1 || cost(&crossed(&current), last) < cost(&current, last);
                let by_motion = other < SWAP_RATIO * straight && straight - other > min_gain && still;
                if by_motion || anchored_swap(&current, last, &self.velocity, min_gain / 2.0) {
                    self.swapped = !self.swapped;
                    traded = true;
                }
            }
            let output = if self.swapped { crossed(&observed) } else { observed };
            self.velocity = match (&self.last, fresh) {
                (Some(last), true) => {
                    let n = self.since as f32;
                    output.iter().zip(last).map(|(o, l)| [(o[0] - l[0]) / n, (o[1] - l[1]) / n]).collect()
                }
                _ => vec![[0.0, 0.0]; output.len()],
            };
            self.last = Some(output);
            self.since = 1;
        } else {
            self.since += 1;
        }
        traded
    }
}

/// A limb standing still (the stance leg: under [`ANCHOR_SPEED_RATIO`] of the other limb's speed) stays where it
/// was; when the other label is found there instead of its own (the swinging limb's prediction may be poor after a
/// few frames without a decision), the labels have crossed.
fn anchored_swap(current: &[[f32; 2]], last: &[[f32; 2]], velocity: &[[f32; 2]], min_gain: f32) -> bool {
    let half = current.len() / 2;
    let speed = |v: &[[f32; 2]]| v.iter().map(|v| (v[0] * v[0] + v[1] * v[1]).sqrt()).sum::<f32>();
    let (left_speed, right_speed) = (speed(&velocity[..half]), speed(&velocity[half..]));
    let (anchor, other) = if left_speed < right_speed { (0..half, half..2 * half) } else { (half..2 * half, 0..half) };
    let (slow, fast) = (left_speed.min(right_speed), left_speed.max(right_speed));
    if fast <= 0.0 || slow > ANCHOR_SPEED_RATIO * fast {
        return false;
    }
    let straight = cost(&current[anchor.clone()], &last[anchor.clone()]);
    let crossed = cost(&current[other], &last[anchor]);
    crossed < SWAP_RATIO * straight && straight - crossed > min_gain
}

/// Left then right positions of `joints` (left ones given), x scaled by the aspect ratio so distances are even.
fn positions(pose: &Pose, joints: &[Joint], aspect: f32) -> Option<Vec<[f32; 2]>> {
    let mut out = Vec::with_capacity(joints.len() * 2);
    let mut right = Vec::with_capacity(joints.len());
    for &j in joints {
        let (Some(l), Some(r)) = (pose.get(j), pose.get(j.twin())) else {
            continue;
        };
        out.push([l.x * aspect, l.y]);
        right.push([r.x * aspect, r.y]);
    }
    if out.is_empty() {
        return None;
    }
    out.extend(right);
    Some(out)
}

/// Whether the model's labels of a limb group are crossed, by the anatomy of a side view ([`SIDE_ON_WIDTH_TORSO`]):
/// the `root` (a left shoulder) nearer the camera (smaller z) than its twin must be on the side the face turns to
/// (facing the image's left, the person's left), and the `limb` (a left elbow) must be nearer or farther with it (a
/// model that swapped the elbows' labels and not the shoulders' is left to the continuity). `None` when the frame
/// does not tell: no depth (MoveNet), not side-on, the face not clearly turned or the nose unsure.
fn crossed_by_anatomy(pose: &Pose, root: Joint, limb: Joint, torso: f32, aspect: f32) -> Option<bool> {
    // x and z are fractions of the frame's width; times the aspect ratio, fractions of its height as y and torso.
    let depth = |j: Joint| Some((pose.get(j)?.z? - pose.get(j.twin())?.z?) * aspect);
    let (l, r) = (pose.get(root)?, pose.get(root.twin())?);
    let across = ((l.x - r.x) * aspect).abs();
    let (root_depth, limb_depth) = (depth(root)?, depth(limb)?);
    let deep = |d: f32| d.abs() >= (SIDE_ON_DEPTH_RATIO * across).max(0.5 * torso);
    if across > SIDE_ON_WIDTH_TORSO * torso || !deep(root_depth) || !deep(limb_depth) {
        return None;
    }
    if (root_depth < 0.0) != (limb_depth < 0.0) {
        return None;
    }
    let nose = pose.get(Joint::Nose).filter(|k| k.score >= 0.5)?;
    let (le, re) = (pose.get(Joint::LeftEar)?, pose.get(Joint::RightEar)?);
    let turn = (nose.x - (le.x + re.x) / 2.0) * aspect;
    if turn.abs() < FACE_TURN_TORSO * torso {
        return None;
    }
    let left_nearer = root_depth < 0.0;
    let facing_left = turn < 0.0;
    Some(left_nearer != facing_left)
}

/// The order across the picture of `root` (a left joint) and its twin, when they are sure and clearly apart (seen from
/// the front or back, [`FRONTAL_WIDTH_TORSO`]): whether the left one lies right of the right one.
fn clear_order(pose: &Pose, root: Joint, torso: f32, aspect: f32) -> Option<bool> {
    let (l, r) = (pose.get(root)?, pose.get(root.twin())?);
    if l.score < MIN_ORDER_SCORE || r.score < MIN_ORDER_SCORE {
        return None;
    }
    let across = (l.x - r.x) * aspect;
    (across.abs() >= FRONTAL_WIDTH_TORSO * torso).then_some(across > 0.0)
}

/// The same positions with left and right halves exchanged.
fn crossed(p: &[[f32; 2]]) -> Vec<[f32; 2]> {
    let n = p.len() / 2;
    p[n..].iter().chain(p[..n].iter()).copied().collect()
}

fn cost(a: &[[f32; 2]], b: &[[f32; 2]]) -> f32 {
    a.iter().zip(b).map(|(a, b)| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()).sum()
}

/// Mid-shoulder to mid-hip distance (aspect-corrected), if the pose has those joints.
fn torso_length(pose: &Pose, aspect: f32) -> Option<f32> {
    let mid = |a: Joint, b: Joint| {
        let (a, b) = (pose.get(a)?, pose.get(b)?);
        Some([(a.x + b.x) / 2.0 * aspect, (a.y + b.y) / 2.0])
    };
    let s = mid(Joint::LeftShoulder, Joint::RightShoulder)?;
    let h = mid(Joint::LeftHip, Joint::RightHip)?;
    let d = ((s[0] - h[0]).powi(2) + (s[1] - h[1]).powi(2)).sqrt();
    (d > 1e-4).then_some(d)
}

/// Exchanges the keypoints (and world points) of each left joint in `joints` with its twin.
fn swap_group(pose: &mut Pose, joints: &[Joint]) {
    for &j in joints {
        let (Some(a), Some(b)) = (pose.skeleton.index_of(j), pose.skeleton.index_of(j.twin())) else {
            continue;
        };
        pose.keypoints.swap(a, b);
        if let Some(w) = pose.world.as_mut()
            && a < w.len()
            && b < w.len()
        {
            w.swap(a, b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::{Keypoint, Skeleton};

    /// A side-on walker at time `t` (frames): legs swinging in antiphase, arms opposite to the legs.
    fn walker(t: f32) -> Pose {
        let phase = t * 0.35;
        let mut p = Pose {
            skeleton: Skeleton::BlazePose33,
            keypoints: vec![Keypoint { x: 0.5, y: 0.3, score: 0.9, presence: None, z: None }; 33],
            score: 0.9,
            world: None,
            mask: None,
            frame_width: 1000,
            frame_height: 1000,
        };
        let hip_x = 0.8 - 0.01 * t;
        let mut set = |j: Joint, x: f32, y: f32| {
            let i = Skeleton::BlazePose33.index_of(j).unwrap();
            p.keypoints[i].x = x;
            p.keypoints[i].y = y;
        };
        for (side, sign) in [(true, 1.0f32), (false, -1.0f32)] {
            let swing = 0.12 * (phase).sin() * sign;
            let j = |l: Joint| if side { l } else { l.twin() };
            set(j(Joint::LeftShoulder), hip_x, 0.3);
            set(j(Joint::LeftHip), hip_x, 0.55);
            set(j(Joint::LeftKnee), hip_x + swing * 0.5, 0.72);
            set(j(Joint::LeftAnkle), hip_x + swing, 0.9);
            set(j(Joint::LeftHeel), hip_x + swing + 0.01, 0.92);
            set(j(Joint::LeftFootIndex), hip_x + swing - 0.04, 0.93);
            set(j(Joint::LeftElbow), hip_x - swing * 0.3, 0.42);
            set(j(Joint::LeftWrist), hip_x - swing * 0.5, 0.52);
        }
        p
    }

    /// The walker at `t`, facing the picture's left (nose ahead of the ears), with depths: her left side nearer the
    /// camera (smaller z) by `left_nearer`, and the nose `turn` (fraction of the width) beside the ears.
    fn side_on(t: f32, left_nearer: bool, turn: f32) -> Pose {
        let mut p = walker(t);
        let hip_x = p.get(Joint::LeftHip).unwrap().x;
        for (i, j) in Skeleton::BlazePose33.joints().iter().enumerate() {
            let near = (j.side() == crate::pose::Side::Left) == left_nearer;
            p.keypoints[i].z = Some(match j.side() {
                crate::pose::Side::Midline => 0.0,
                _ if near => -0.15,
                _ => 0.15,
            });
        }
        for (j, x) in [(Joint::Nose, hip_x - turn), (Joint::LeftEar, hip_x), (Joint::RightEar, hip_x)] {
            let i = Skeleton::BlazePose33.index_of(j).unwrap();
            p.keypoints[i].x = x;
            p.keypoints[i].y = 0.2;
        }
        p
    }

    /// A side-on frame with the face turned names the arms by the side shown to the camera, also against the
    /// labels kept so far; a face not clearly turned leaves the continuity to decide, and legs are never named so.
    #[test]
    fn a_side_view_names_the_arms_by_the_side_shown() {
        let mut keeper = SideKeeper::new();
        for t in 0..10 {
            keeper.apply(&mut side_on(t as f32, true, 0.05), t as f64 / 30.0);
        }
        // The arms' labels come crossed (the farther shoulder and arm named left), legs as they were.
        let mut seen = side_on(10.0, true, 0.05);
        swap_group(&mut seen, ARMS.joints);
        keeper.apply(&mut seen, 10.0 / 30.0);
        assert!(seen.get(Joint::LeftShoulder).unwrap().z < seen.get(Joint::RightShoulder).unwrap().z);
        assert!(seen.get(Joint::LeftElbow).unwrap().z < seen.get(Joint::RightElbow).unwrap().z);
        // The face barely turned: no anatomy, the frame's labels as the continuity makes them.
        let pose = side_on(11.0, true, 0.001);
        let torso = torso_length(&pose, 1.0).unwrap();
        assert_eq!(crossed_by_anatomy(&pose, Joint::LeftShoulder, Joint::LeftElbow, torso, 1.0), None);
        // Facing the picture's left with the left shoulder farther: crossed; nearer: not.
        let pose = side_on(12.0, false, 0.05);
        assert_eq!(crossed_by_anatomy(&pose, Joint::LeftShoulder, Joint::LeftElbow, torso, 1.0), Some(true));
        let pose = side_on(12.0, true, 0.05);
        assert_eq!(crossed_by_anatomy(&pose, Joint::LeftShoulder, Joint::LeftElbow, torso, 1.0), Some(false));
        // No depth (MoveNet): nothing to tell.
        let mut pose = side_on(12.0, false, 0.05);
        pose.keypoints.iter_mut().for_each(|k| k.z = None);
        assert_eq!(crossed_by_anatomy(&pose, Joint::LeftShoulder, Joint::LeftElbow, torso, 1.0), None);
    }

    /// Poses already named (positions possibly mirrored): a continuity-only keeper names nothing by anatomy, so a
    /// first frame (no history to continue) keeps its labels; a full keeper names that frame's arms by the side shown.
    #[test]
    fn a_continuity_only_keeper_names_nothing_by_anatomy() {
        let mut crossed = side_on(0.0, true, 0.05);
        swap_group(&mut crossed, ARMS.joints);
        let mut kept = crossed.clone();
        SideKeeper::continuity_only().apply(&mut kept, 0.0);
        assert_eq!(kept.keypoints, crossed.keypoints);
        let mut named = crossed.clone();
        SideKeeper::new().apply(&mut named, 0.0);
        assert!(named.get(Joint::LeftShoulder).unwrap().z < named.get(Joint::RightShoulder).unwrap().z);
    }

    fn ankle_x(p: &Pose, j: Joint) -> f32 {
        p.get(j).unwrap().x
    }

    /// A walk that switches the app from MoveNet to BlazePose: the legs' history had the knees and ankles only, the
    /// new poses add heels and toes. Before, the keeper panicked ("range end index 5 out of range for slice of
    /// length 4"); now it starts over with the new points.
    #[test]
    fn another_model_mid_track_starts_the_history_over() {
        let coco = |t: f32| {
            let b = walker(t);
            let keypoints = Skeleton::Coco17.joints().iter().map(|j| *b.get(*j).unwrap()).collect();
            Pose { skeleton: Skeleton::Coco17, keypoints, ..b }
        };
        let mut keeper = SideKeeper::new();
        for t in 0..10 {
            keeper.apply(&mut coco(t as f32), t as f64 / 30.0);
        }
        for t in 10..30 {
            let truth = walker(t as f32);
            let mut seen = truth.clone();
            keeper.apply(&mut seen, t as f64 / 30.0);
            assert_eq!(seen.get(Joint::LeftHeel), truth.get(Joint::LeftHeel), "frame {t}");
        }
    }

    #[test]
    fn flipped_frames_are_put_back() {
        let mut keeper = SideKeeper::new();
        let flips = [20usize, 33, 34, 50];
        let mut fixed = 0;
        for t in 0..80usize {
            let truth = walker(t as f32);
            let mut seen = truth.clone();
            // The model swaps the legs at a few frames, and for good from frame 60 on.
            if flips.contains(&t) || t >= 60 {
                swap_group(&mut seen, LEGS.joints);
            }
            keeper.apply(&mut seen, t as f64 / 30.0);
            let ok = (ankle_x(&seen, Joint::LeftAnkle) - ankle_x(&truth, Joint::LeftAnkle)).abs() < 1e-6;
            // Frames where the ankles are together cannot be told apart, and need not be.
            let apart = (ankle_x(&truth, Joint::LeftAnkle) - ankle_x(&truth, Joint::RightAnkle)).abs() > 0.02;
            if apart {
                assert!(ok, "frame {t}: left ankle labelled wrongly");
                fixed += 1;
            }
        }
        assert!(fixed > 60);
    }

    #[test]
    fn no_swap_is_invented_and_positions_never_move() {
        let mut keeper = SideKeeper::new();
        for t in 0..100 {
            let truth = walker(t as f32);
            let mut seen = truth.clone();
            assert!(!keeper.apply(&mut seen, t as f64 / 30.0));
            assert_eq!(seen.keypoints, truth.keypoints);
        }
        assert_eq!(keeper.swaps_caught(), 0);
    }

    #[test]
    fn arms_are_kept_apart_from_legs() {
        let mut keeper = SideKeeper::new();
        for t in 0..30 {
            let truth = walker(t as f32 + 2.0);
            let mut seen = truth.clone();
            if t == 12 {
                swap_group(&mut seen, ARMS.joints);
            }
            keeper.apply(&mut seen, t as f64 / 30.0);
            assert_eq!(seen.get(Joint::LeftWrist), truth.get(Joint::LeftWrist), "frame {t}");
            assert_eq!(seen.get(Joint::LeftAnkle), truth.get(Joint::LeftAnkle), "frame {t}");
        }
    }

    /// A person facing the camera: their left shoulder on the picture's right, arms hanging.
    fn facing(shoulders_apart: f32) -> Pose {
        let mut p = walker(0.0);
        for (j, x, y) in [
            (Joint::LeftShoulder, 0.5 + shoulders_apart / 2.0, 0.3),
            (Joint::RightShoulder, 0.5 - shoulders_apart / 2.0, 0.3),
            (Joint::LeftElbow, 0.62, 0.42),
            (Joint::RightElbow, 0.38, 0.42),
            (Joint::LeftWrist, 0.64, 0.52),
            (Joint::RightWrist, 0.36, 0.52),
            (Joint::LeftHip, 0.55, 0.55),
            (Joint::RightHip, 0.45, 0.55),
        ] {
            let i = Skeleton::BlazePose33.index_of(j).unwrap();
            p.keypoints[i].x = x;
            p.keypoints[i].y = y;
        }
        p
    }

    /// Seen from the front, a trade the keeper holds is let go when the model's shoulders come back to the order of
    /// the last clear frame a moment ago (the model flipped back where the continuity could not tell), and kept when
    /// that frame is longer ago (the person may have turned round) or the shoulders are not clearly apart.
    #[test]
    fn the_shoulders_order_is_kept_over_an_unclear_frame() {
        let shown_left_x = |p: &Pose| p.get(Joint::LeftShoulder).unwrap().x;
        for (later, apart, let_go) in [(0.05, 0.2, true), (MAX_TURN_S + 0.05, 0.2, false), (0.05, 0.02, false)] {
            let mut keeper = SideKeeper::new();
            // The keeper trades the model's arm labels, and its output had the left shoulder on the right.
            keeper.arms.swapped = true;
            keeper.arms.order = Some((true, 1.0));
            let mut seen = facing(apart);
            keeper.apply(&mut seen, 1.0 + later);
            let kept_order = shown_left_x(&seen) > 0.5;
            assert_eq!(kept_order, let_go, "{later} s later, shoulders {apart} apart");
            assert_eq!(keeper.arms.swapped, !let_go);
        }
        // No history: the model's labels as they come.
        let mut seen = facing(0.2);
        SideKeeper::new().apply(&mut seen, 0.0);
        assert!(shown_left_x(&seen) > 0.5);
    }

    #[test]
    fn a_reset_takes_the_labels_as_they_come() {
        let mut keeper = SideKeeper::new();
        for t in 0..10 {
            keeper.apply(&mut walker(t as f32), t as f64 / 30.0);
        }
        keeper.reset();
        let mut p = walker(10.0);
        swap_group(&mut p, LEGS.joints);
        let before = p.keypoints.clone();
        keeper.apply(&mut p, 10.0 / 30.0);
        assert_eq!(p.keypoints, before);
    }
}
