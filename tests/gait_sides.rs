//! Steady sides (issue 11, item 4) on the walk clip with BlazePose full in the tracking (video) path: the legs'
//! left/right labels swap at a few frames with the model's own labels; with the steady-sides stage they do not.
//! Two runs over the clip's 230 frames (stage off, stage on), each once per test binary.

use crate::common;

use std::sync::OnceLock;

use common::{data, engine, models};
use mirrorcue::pose::{EstimatorConfig, Joint, Pose, PoseEstimator, PoseModel};

/// The pose per frame, with the steady-sides stage `on` or off.
fn track(on: bool) -> Vec<Option<Pose>> {
    let mut est = PoseEstimator::new(&models(), &engine(), EstimatorConfig::video(PoseModel::BlazeposeFull)).unwrap();
    est.set_steady_sides(on);
    let mut src = mirrorcue::source::open(&data("videos/sports2d_demo_walk_jumpingjacks_h264.mp4")).unwrap();
    let mut out = Vec::new();
    while let Some(f) = src.next_frame() {
        let f = f.unwrap();
        out.push(est.estimate(&f).unwrap().map(|mut p| {
            p.mask = None;
            p
        }));
    }
    out
}

fn before() -> &'static Vec<Option<Pose>> {
    static T: OnceLock<Vec<Option<Pose>>> = OnceLock::new();
    T.get_or_init(|| track(false))
}

fn after() -> &'static Vec<Option<Pose>> {
    static T: OnceLock<Vec<Option<Pose>>> = OnceLock::new();
    T.get_or_init(|| track(true))
}

const LEG: [Joint; 4] = [Joint::LeftKnee, Joint::LeftAnkle, Joint::LeftHeel, Joint::LeftFootIndex];

fn at(p: &Pose, j: Joint) -> [f32; 2] {
    let k = p.get(j).unwrap();
    [k.x * p.frame_width as f32 / p.frame_height as f32, k.y]
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Frames where the legs' labels trade places from the previous frame: the crossed pairing of the knees, ankles,
/// heels and toes is much closer (less than half) to the previous frame's than the labelled pairing, by at least
/// 1% of the frame height per point. The same person in both frames (pelvis moved less than 0.1 frame heights).
fn swaps(track: &[Option<Pose>]) -> Vec<usize> {
    let mut out = Vec::new();
    for t in 1..track.len() {
        let (Some(p), Some(q)) = (&track[t - 1], &track[t]) else { continue };
        let pelvis = |p: &Pose| {
            let (a, b) = (at(p, Joint::LeftHip), at(p, Joint::RightHip));
            [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]
        };
        if dist(pelvis(p), pelvis(q)) > 0.1 {
            continue;
        }
        let (mut same, mut crossed) = (0.0, 0.0);
        for j in LEG {
            same += dist(at(q, j), at(p, j)) + dist(at(q, j.twin()), at(p, j.twin()));
            crossed += dist(at(q, j), at(p, j.twin())) + dist(at(q, j.twin()), at(p, j));
        }
        if crossed < 0.5 * same && same - crossed > 0.01 * 2.0 * LEG.len() as f32 {
            out.push(t);
        }
    }
    out
}

#[test]
fn the_legs_labels_no_longer_swap() {
    let (b, a) = (swaps(before()), swaps(after()));
    eprintln!("leg label swaps, BlazePose full, video path: model's labels at frames {b:?}; steady sides at {a:?}");
    assert!(b.len() >= 2, "the model's labels were expected to swap on this clip: {b:?}");
    // Measured: 9 swaps with the model's labels, 2 with steady sides (on the man doing jumping jacks, facing the
    // camera). The goal is none; the floor holds the two-thirds cut.
    assert!(3 * a.len() <= b.len(), "still swapping at {a:?} (before: {b:?})");
}

#[test]
fn the_walking_woman_keeps_her_own_sides_where_she_is_followed() {
    // Labelled events (tests/data/gait/walk_events.csv) where the tracker follows her: at a heel strike that
    // foot's heel is ahead (she walks towards the picture's left: smaller x); at a toe-off that foot's toes are
    // behind.
    let checks =
        [(170, Joint::RightHeel, true), (175, Joint::LeftFootIndex, false), (194, Joint::RightFootIndex, false)];
    let wrong = |track: &[Option<Pose>]| {
        let mut n = 0;
        let mut seen = 0;
        for (frame, j, ahead) in checks {
            for p in track[frame - 1..=frame + 1].iter().flatten() {
                // Only where the tracker is on her (low in the picture, left half).
                if at(p, Joint::LeftHip)[1] < 0.6 {
                    continue;
                }
                seen += 1;
                let is_ahead = at(p, j)[0] < at(p, j.twin())[0];
                n += (is_ahead != ahead) as usize;
            }
        }
        (n, seen)
    };
    let (wb, sb) = wrong(before());
    let (wa, sa) = wrong(after());
    eprintln!("walking woman, frames at labelled events: wrong side {wb} of {sb} before, {wa} of {sa} after");
    assert!(sa >= 3, "the tracker did not follow her at the labelled frames");
    assert!(wa <= wb, "steady sides made her sides worse: {wa} wrong against {wb}");
}

/// Frames where the tracker follows the walking woman side-on and the `root` pair (shoulders or hips) names the
/// farther joint her left: she walks towards the picture's left, facing it, so her left side is the one nearer the
/// camera, and BlazePose's depth (z, smaller nearer) must put her left shoulder and hip in front.
fn far_side_named_left(track: &[Option<Pose>], root: Joint) -> Vec<usize> {
    let mut wrong = Vec::new();
    for (i, p) in track.iter().enumerate() {
        // She is followed up to frame 200 (then out of the picture).
        let Some(p) = p.as_ref().filter(|_| i <= 200) else { continue };
        // Only where the tracker is on her (low in the picture) and she is side-on (the pair less than a third of the
        // torso apart across the picture).
        let (l, r) = (at(p, root), at(p, root.twin()));
        let torso = dist(at(p, Joint::LeftShoulder), at(p, Joint::LeftHip));
        if at(p, Joint::LeftHip)[1] < 0.6 || (l[0] - r[0]).abs() > torso / 3.0 {
            continue;
        }
        let (lz, rz) = (p.get(root).unwrap().z.unwrap(), p.get(root.twin()).unwrap().z.unwrap());
        if lz > rz {
            wrong.push(i);
        }
    }
    wrong
}

/// The walk clip from frame 60 to 200 through the video path with `model`, smoothing off, following the largest
/// person; `mirrored`, each frame flipped as a webcam's driver does and marked so.
fn walk_with(model: PoseModel, mirrored: bool) -> Vec<Option<Pose>> {
    let mut config = EstimatorConfig::video(model);
    config.smoothing = None;
    config.selector = mirrorcue::pose::PersonSelector::Largest;
    let mut est = PoseEstimator::new(&models(), &engine(), config).unwrap();
    let mut src = mirrorcue::source::open(&data("videos/sports2d_demo_walk_jumpingjacks_h264.mp4")).unwrap();
    let mut out = Vec::new();
    while let Some(f) = src.next_frame() {
        let f = f.unwrap();
        if f.index > 200 {
            break;
        }
        let f = if mirrored {
            mirrorcue::Frame {
                image: std::sync::Arc::new(image::imageops::flip_horizontal(&*f.image)),
                mirrored: true,
                ..f
            }
        } else {
            f
        };
        out.push(if f.index >= 60 { est.estimate(&f).unwrap() } else { None });
    }
    out
}

/// Seen side-on with the face turned, a frame names the arms by the side the person shows the camera (facing the
/// picture's left, their left side is nearer), whatever the labels before it said. Before, BlazePose lite (smoothing
/// off, following the largest person) had the walking woman's arms named the wrong way round at 47 frames of 60-200
/// (146-150 and 158-199): the arms' labels flipped and the continuity carried the flip on. Now at 2
/// (158-159, where the face or the side view is not clear enough to decide and the continuity carries a flip). Full
/// and heavy: none, before and after. The same walk mirrored as a webcam's driver does (the frames marked so): the
/// side the face turns to in the mirrored picture is the nearer one there, and the names are swapped back after;
/// naming the arms after the swap named them the wrong way round.
#[test]
fn the_walking_woman_shows_the_camera_her_left_side() {
    let mut failures = Vec::new();
    let runs = [
        (PoseModel::BlazeposeLite, false),
        (PoseModel::BlazeposeFull, false),
        (PoseModel::BlazeposeHeavy, false),
        (PoseModel::BlazeposeFull, true),
    ];
    for (model, mirrored) in runs {
        let wrong = far_side_named_left(&walk_with(model, mirrored), Joint::LeftShoulder);
        let how = if mirrored { " (mirrored frames)" } else { "" };
        eprintln!("{model}{how}: the farther shoulder named left at {} frames: {wrong:?}", wrong.len());
        if wrong.len() > 2 {
            failures.push(format!("{model}{how}: the farther shoulder named left at frames {wrong:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Frames of the lab clip (a man facing the camera, stepping forward with an arm swing; he never turns his back)
/// where `model` in the video path (smoothing off, the default choice of person) names his arms the wrong way round:
/// his shoulders sure (score ≥ 0.5) and apart across the picture by a tenth of his torso or more, and his left one on
/// the picture's left.
fn facing_arms_named_wrong(model: PoseModel) -> Vec<u64> {
    let mut config = EstimatorConfig::video(model);
    config.smoothing = None;
    let mut est = PoseEstimator::new(&models(), &engine(), config).unwrap();
    let mut src = mirrorcue::source::open(&data("videos/pose2sim_singleperson_cam01.mp4")).unwrap();
    let mut wrong = Vec::new();
    while let Some(f) = src.next_frame() {
        let f = f.unwrap();
        let Some(p) = est.estimate(&f).unwrap() else { continue };
        let (w, h) = (p.frame_width as f32, p.frame_height as f32);
        let px = |j: Joint| p.get(j).map(|k| [k.x * w, k.y * h, k.score]);
        let (Some(l), Some(r), Some(lh), Some(rh)) =
            (px(Joint::LeftShoulder), px(Joint::RightShoulder), px(Joint::LeftHip), px(Joint::RightHip))
        else {
            continue;
        };
        let torso = ((l[0] + r[0] - lh[0] - rh[0]) / 2.0).hypot((l[1] + r[1] - lh[1] - rh[1]) / 2.0);
        if l[2] >= 0.5 && r[2] >= 0.5 && (l[0] - r[0]).abs() >= 0.1 * torso && l[0] < r[0] {
            wrong.push(f.index);
        }
    }
    wrong
}

/// Seen from the front, a flip of the model's arm labels caught by the continuity is let go when the model flips
/// back. Before, BlazePose lite on the lab clip flipped the man's arms at frames 73-76 (caught) and back at frame 77,
/// where his arms passed each other too close to tell; the keeper held its trade, and his arms were named the wrong
/// way round from frame 77 to the end of the clip (23 frames). Now the order of the shoulders across the picture is
/// kept over such a frame: no one turns round in a frame or two.
#[test]
fn a_man_facing_the_camera_keeps_his_arms_named_right() {
    let mut failures = Vec::new();
    for model in [PoseModel::BlazeposeLite, PoseModel::BlazeposeFull, PoseModel::MovenetLightning] {
        let wrong = facing_arms_named_wrong(model);
        eprintln!("{model}: the arms named the wrong way round at {} frames: {wrong:?}", wrong.len());
        if !wrong.is_empty() {
            failures.push(format!("{model}: the arms named the wrong way round at frames {wrong:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
