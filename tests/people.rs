//! Several people in view: the caller chooses whom to follow, and the pipeline stays with that person.

use crate::common;

use mirrorcue::Frame;
use mirrorcue::pose::{EstimatorConfig, Framing, Joint, PersonSelector, PoseEstimator, PoseModel};

/// Mid-shoulder x of a pose (normalised).
fn torso_x(p: &mirrorcue::pose::Pose) -> f32 {
    (p.get(Joint::LeftShoulder).unwrap().x + p.get(Joint::RightShoulder).unwrap().x) / 2.0
}

/// In the three-people photo, a position near each man picks that man, for every model.
#[test]
fn choosing_a_person_by_position() {
    let engine = common::engine();
    let frame = common::image_frame("images/other/tfjs_three_people.jpg");
    for model in [PoseModel::BlazeposeFull, PoseModel::MovenetLightning] {
        let mut found = Vec::new();
        // Left man (standing, arm raised), middle man (seated, in front), right man (standing).
        for (x, y) in [(0.2f32, 0.45f32), (0.38, 0.75), (0.85, 0.55)] {
            let mut config = EstimatorConfig::video(model);
            config.selector = PersonSelector::Nearest { x, y };
            let mut est = PoseEstimator::new(&common::models(), &engine, config).unwrap();
            let Some(pose) = est.estimate(&frame).unwrap() else {
                // BlazePose's landmark model gives the seated man, whose hips are out of the frame, a presence of
                // 0.38, below MediaPipe's 0.5: nobody, rather than somebody else, is the right answer then.
                assert!(model != PoseModel::MovenetLightning && x == 0.38, "{model}: nobody near x = {x}");
                continue;
            };
            let tx = torso_x(&pose);
            eprintln!("{model}: asked for x = {x}, got torso at x = {tx:.3}");
            assert!((tx - x).abs() < 0.12, "{model}: asked for x = {x}, got {tx}");
            found.push(tx);
        }
        assert!(found.windows(2).all(|w| w[0] < w[1]), "{model}: {found:?}");
        assert!(found.len() >= 2);
    }
}

/// Once chosen, the person is followed across frames, also when the others are as visible.
#[test]
fn the_chosen_person_is_followed() {
    let engine = common::engine();
    let still = common::image_frame("images/other/tfjs_three_people.jpg");
    for model in [PoseModel::BlazeposeLite, PoseModel::MovenetLightning] {
        let mut config = EstimatorConfig::video(model);
        config.selector = PersonSelector::Nearest { x: 0.85, y: 0.55 };
        let mut est = PoseEstimator::new(&common::models(), &engine, config).unwrap();
        for i in 0..15u64 {
            let frame = Frame::new((*still.image).clone(), i, i as f64 / 30.0, "three people");
            let pose = est.estimate(&frame).unwrap().unwrap_or_else(|| panic!("{model}: lost in frame {i}"));
            assert!(torso_x(&pose) > 0.66, "{model}: frame {i} switched to the person at {}", torso_x(&pose));
        }
    }
}

/// The first `n` frames of a shared recording, decoded in memory.
fn first_frames(rel: &str, n: usize) -> Vec<Frame> {
    let mut src = mirrorcue::source::open(&common::data(rel)).unwrap_or_else(|e| panic!("{e}"));
    (0..n).map_while(|_| src.next_frame()).map(|f| f.unwrap_or_else(|e| panic!("{e}"))).collect()
}

/// Mid-hip and mid-shoulder of a pose (normalised), and the distance between them.
fn torso(p: &mirrorcue::pose::Pose) -> ((f32, f32), f32) {
    let mid = |a: Joint, b: Joint| {
        let (a, b) = (p.get(a).unwrap(), p.get(b).unwrap());
        ((a.x + b.x) / 2.0, (a.y + b.y) / 2.0)
    };
    let hip = mid(Joint::LeftHip, Joint::RightHip);
    let sh = mid(Joint::LeftShoulder, Joint::RightShoulder);
    (((hip.0 + sh.0) / 2.0, (hip.1 + sh.1) / 2.0), ((hip.0 - sh.0).powi(2) + (hip.1 - sh.1).powi(2)).sqrt())
}

/// A recording spliced from two others (a cut in an edited recording, a camera switch): the pose after the cut is
/// where the photo analysis of that frame puts the new person, at once, with at most one frame without a pose.
/// Before the fix the tracker kept reading the old crop: the first pose after the cut was 0.24 (BlazePose lite) and
/// 0.2 (Lightning) torso lengths off, and Lightning never came back nearer than 0.14.
#[test]
fn tracking_recovers_at_once_after_a_cut() {
    let engine = common::engine();
    let squat = first_frames("videos/tfjs_pose_squats.mp4", 4);
    let (w, h) = (squat[0].width(), squat[0].height());
    let lab: Vec<image::RgbImage> = first_frames("videos/pose2sim_singleperson_cam01.mp4", 4)
        .iter()
        .map(|f| image::imageops::resize(&*f.image, w, h, image::imageops::FilterType::Nearest))
        .collect();
    let cut = lab.len();
    let spliced: Vec<Frame> = lab
        .into_iter()
        .chain(squat.iter().map(|f| (*f.image).clone()))
        .enumerate()
        .map(|(i, img)| Frame::new(img, i as u64, i as f64 / 30.0, "spliced"))
        .collect();
    for model in [PoseModel::BlazeposeLite, PoseModel::MovenetLightning] {
        let mut stills = PoseEstimator::new(&common::models(), &engine, EstimatorConfig::stills(model)).unwrap();
        let mut video = PoseEstimator::new(&common::models(), &engine, EstimatorConfig::video(model)).unwrap();
        let mut missing = 0;
        for (i, frame) in spliced.iter().enumerate() {
            let pose = video.estimate(frame).unwrap();
            if i < cut {
                continue;
            }
            let Some(pose) = pose else {
                missing += 1;
                continue;
            };
            let truth = stills.estimate(frame).unwrap().expect("a person in every frame");
            let ((x, y), _) = torso(&pose);
            let ((tx, ty), len) = torso(&truth);
            let off = ((x - tx).powi(2) + (y - ty).powi(2)).sqrt() / len;
            eprintln!("{model}: frame {i} torso centre {off:.2} torso from the photo analysis");
            assert!(off < 0.1, "{model}: frame {i} (cut at {cut}): pose {off:.2} torso away from the person");
        }
        assert!(missing <= 1, "{model}: {missing} frames without a pose after the cut");
    }
}

/// When the detector's best-scored find is a false one (from frame 202 of the walk clip: a 1200-pixel "person"
/// outscores the man doing jumping jacks; its crop shows nobody, presence 0.2), the next find is read instead. The
/// estimator starts at frame 202, as after a cut, so the detector's choice decides whatever was followed before
/// (with MediaPipe's crop smoothing the walking woman is followed out of the picture until frame 207; at 208-209 the
/// crouched man's crop then shows nobody and at 209 the detector finds only the false one, so a pipeline that
/// reads one find, as MediaPipe's, has no pose there either). Every frame of 202-210 has a pose;
/// reading only the best find (as before), frames 202, 203 and 204 had none.
#[test]
fn a_false_detection_does_not_cost_the_person() {
    let engine = common::engine();
    let mut est =
        PoseEstimator::new(&common::models(), &engine, EstimatorConfig::video(PoseModel::BlazeposeFull)).unwrap();
    let mut src = mirrorcue::source::open(&common::data("videos/sports2d_demo_walk_jumpingjacks_h264.mp4")).unwrap();
    let mut without = Vec::new();
    while let Some(frame) = src.next_frame() {
        let frame = frame.unwrap();
        if frame.index < 202 {
            continue;
        }
        if est.estimate(&frame).unwrap().is_none() {
            without.push(frame.index);
        }
        if frame.index >= 210 {
            break;
        }
    }
    assert!(without.is_empty(), "frames of 202-210 without a pose: {without:?}");
}

/// On the walk clip the man on the roof is the only person found at the start; the walking woman comes into view
/// from frame 36 and is much bigger than him a little later. The tracker must change to her and stay with her. Before
/// the fix BlazePose full reached her only at frame 169. 100 decoded frames of 1768 × 994: ~10 s of CPU in a debug
/// build.
#[test]
fn a_person_who_walks_in_is_followed() {
    let frames = first_frames("videos/sports2d_demo_walk_jumpingjacks_h264.mp4", 100);
    let engine = common::engine();
    // (MoveNet Lightning does not change to her within these frames yet: its whole-frame look, a single-person
    // model, does not show her much bigger than the man.)
    let model = PoseModel::BlazeposeFull;
    let mut est = PoseEstimator::new(&common::models(), &engine, EstimatorConfig::video(model)).unwrap();
    // The woman walks on the grass: her hips are in the lower half; the man's, on the roof, in the upper.
    let on_her: Vec<bool> = frames
        .iter()
        .map(|f| {
            est.estimate(f).unwrap().is_some_and(|p| {
                let (l, r) = (p.get(Joint::LeftHip).unwrap(), p.get(Joint::RightHip).unwrap());
                (l.y + r.y) / 2.0 > 0.55
            })
        })
        .collect();
    let reached = (0..on_her.len()).find(|&i| on_her[i..].iter().all(|&b| b));
    eprintln!("{model}: follows the woman from frame {reached:?}");
    assert!(reached.is_some_and(|i| i <= 90), "{model}: reached the woman at frame {reached:?}, not by frame 90");
}

/// The frames `wanted` (indices, ascending) of a shared recording, decoded one by one (only those kept).
fn some_frames(rel: &str, wanted: &[usize]) -> Vec<Frame> {
    let mut src = mirrorcue::source::open(&common::data(rel)).unwrap_or_else(|e| panic!("{e}"));
    let last = wanted.last().copied().unwrap_or(0);
    let mut out = Vec::new();
    for i in 0..=last {
        let Some(f) = src.next_frame() else { break };
        let f = f.unwrap_or_else(|e| panic!("{e}"));
        if wanted.contains(&i) {
            out.push(f);
        }
    }
    assert_eq!(out.len(), wanted.len(), "{rel}: too few frames");
    out
}

/// `frames` cut at `line` pixels from the top (upper-body framing: the camera sees the patient down to there).
fn cut_at(frames: &[Frame], line: u32) -> Vec<Frame> {
    frames
        .iter()
        .map(|f| {
            let img = image::imageops::crop_imm(&*f.image, 0, 0, f.width(), line.min(f.height())).to_image();
            Frame::new(img, f.index, f.time_s, "cut")
        })
        .collect()
}

/// The lab clip's mid-chest in its first frames (BlazePose full on the whole frame: mid-shoulder at about
/// y = 560 px, mid-hip at 800 px, of 1920).
const LAB_MID_CHEST: u32 = 698;

/// Shoulders, elbows and wrists: what mirror therapy of the arm follows.
const ARM_JOINTS: [Joint; 6] = [
    Joint::LeftShoulder,
    Joint::RightShoulder,
    Joint::LeftElbow,
    Joint::RightElbow,
    Joint::LeftWrist,
    Joint::RightWrist,
];

/// Runs `model` (video mode, unsmoothed, following `selector`) over `frames`.
fn run_over(
    engine: &mirrorcue::pose::Engine,
    model: PoseModel,
    selector: PersonSelector,
    frames: &[Frame],
) -> Vec<Option<mirrorcue::pose::Pose>> {
    let mut config = EstimatorConfig::video(model);
    config.smoothing = None;
    config.selector = selector;
    let mut est = PoseEstimator::new(&common::models(), engine, config).unwrap();
    frames.iter().map(|f| est.estimate(f).unwrap()).collect()
}

/// Pixel position of `joint` in `pose` when the model is fairly sure of it.
fn joint_px(pose: &mirrorcue::pose::Pose, joint: Joint) -> Option<(f32, f32)> {
    let k = pose.get(joint)?;
    Some((k.x * pose.frame_width as f32, k.y * pose.frame_height as f32))
}

/// Of the arm joints the whole-frame pose `truth` is sure of (score ≥ 0.3) and that lie above the cut `line` (pixels
/// from the top), how many `got` (read on the frame cut there) puts within 0.1 torso (mid-shoulder to mid-hip of
/// `truth`) of where `truth` has them; and how many there are.
fn arms_near(truth: &mirrorcue::pose::Pose, got: Option<&mirrorcue::pose::Pose>, line: u32) -> (usize, usize) {
    let mid = |a: Joint, b: Joint| {
        let (a, b) = (joint_px(truth, a).unwrap(), joint_px(truth, b).unwrap());
        ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
    };
    let (s, h) = (mid(Joint::LeftShoulder, Joint::RightShoulder), mid(Joint::LeftHip, Joint::RightHip));
    let torso = (s.0 - h.0).hypot(s.1 - h.1);
    let (mut near, mut of) = (0, 0);
    for j in ARM_JOINTS {
        let Some((tx, ty)) = truth.get(j).filter(|k| k.score >= 0.3).and_then(|_| joint_px(truth, j)) else {
            continue;
        };
        if ty >= line as f32 {
            continue;
        }
        of += 1;
        if let Some((gx, gy)) = got.and_then(|g| joint_px(g, j)) {
            near += usize::from((gx - tx).hypot(gy - ty) <= 0.1 * torso);
        }
    }
    (near, of)
}

/// Upper-body framing (seated mirror therapy: the camera sees the head to the waist), reproduced on the squat,
/// walk and lab clips cut at the waist (the median mid-hip height of the clip's whole-frame poses) and at
/// mid-chest (halfway between mid-shoulder and mid-hip). For every model: the share of frames with a pose, and the
/// share of shoulders, elbows and wrists (those the whole-frame pose is sure of, score ≥ 0.3, and that lie inside
/// the cut frame) within 0.1 torso (mid-shoulder to mid-hip on the whole frame) of the whole-frame result, printed
/// as a table.
///
/// Issue 11's goal is ≥ 95% of frames with a pose and ≥ 95% of those joints within 0.1 torso for every model, clip
/// and cut. It is reached on the squat clip (every model cut at the waist, BlazePose full and heavy at mid-chest too),
/// asserted there; BlazePose lite at mid-chest sits on the line (it reached 95% in earlier runs, then 34 of 36 arm
/// joints, 94%, with ONNX Runtime 1.32): a floor of 90% holds it against a regression, the goal is not claimed. NOT
/// yet on the lab clip (a man leaning and flailing, a woman in the background; cut at mid-chest the arms are within
/// 0.1 torso in 27-95% of joints by model) nor on the walk clip (a small woman seen side-on: 46-100%): the table
/// shows it, and floors about 5 points under the measures hold BlazePose full and heavy there. MoveNet is held back
/// by the model itself (issue 11's note): on the lab clip cut at mid-chest no square crop, placed with the whole
/// frame's shoulders and torso known, lets Lightning reach more than 54%, and the uncut walk frames read again
/// through the crop their own keypoints give agree with its tracked result on only 79-83% of arm joints. On the walk
/// clip BlazePose full rose from 64% to 88% (waist) and 56% to 76% (mid-chest) when the arms came to be named by the
/// side she shows the camera (`sides`): the two runs had named them differently.
///
/// A pose in ≥ 95% of frames is asserted for every model, clip and cut (both engines). Before:
/// - the lab clip cut at mid-chest with BlazePose full and heavy: 8 of 10 frames (a detection read upside down
///   whose crop shows nobody is now read again upright, `Detection::upright_roi`; arms then 70% and 21%, now 88%
///   and 95% with ONNX Runtime, 86% and 93% with tract). A find cut by the bottom edge is read upright whenever
///   the upright crop shows the person ([`an_upper_body_read_upside_down_is_read_upright`]; BlazePose lite on the lab
///   clip cut at mid-chest, arms 36% before, 60% after with ONNX Runtime);
/// - the walk clip with every BlazePose: 4 of 10 frames at the waist, 1 at mid-chest (when the whole frame,
///   letterboxed into the detector's square, shows nobody near a person chosen by position, the detector now looks
///   again at a square as wide as the frame's shorter side around them);
/// - the walk clip cut at mid-chest with MoveNet Lightning: 8 of 10 frames (a crop that lost her is now followed at
///   once by a look where she was last seen).
///
/// Asserted on every clip and cut: no pose on another person (mid-shoulder more than a torso from the patient's).
/// Before, MoveNet Thunder on the lab clip cut at the waist followed the woman in the background from the third
/// frame on (7 of 10 frames, arms 34%): a person chosen by position whose torso was not seen was looked for in the
/// whole frame; now near where they were seen (arms 92%). Cut at mid-chest, MoveNet Lightning on the walk clip, having
/// lost the woman for a frame, looked for her where the therapist had pointed at the start and took the man on the
/// roof there (frames 120, 130, 140); now where she was last seen. And Thunder on the lab clip cut at mid-chest took
/// the woman in the background, whole and upright, inside the leaning patient's crop (frames 76 and 86); now a pose
/// whose centre jumps more than half the crop from where the patient was seen is read again around that place.
/// Asserted too: the upper-body framing is told ([`Framing`]) in at least half the poses cut at mid-chest for every
/// model, and never on the whole frames of the single-person clips (before `Framing` told hips guessed above the
/// shoulders, BlazePose full was told in 9 of 23).
/// 5 models × 3 clips × (whole frame + 2 cuts) × 10 frames (BlazePose heavy about half of the time), the price of
/// covering every model choice on real footage in one pass; 8 frames left BlazePose lite at 93% of the arms on the
/// squat cut at the waist (41/44), under the 95% goal that 10 frames meet.
const FRAMES_PER_CLIP: usize = 10;

#[test]
fn upper_body_framing_keeps_the_arms() {
    let engine = common::engine();
    let n = FRAMES_PER_CLIP;
    // The walk clip: the walking woman (frames 60-150), small in a wide frame, the man on the roof beside her.
    let clips: [(&str, &str, Vec<usize>); 3] = [
        ("squat", "videos/tfjs_pose_squats.mp4", (0..n).map(|i| i * 32 / n).collect()),
        ("lab", "videos/pose2sim_singleperson_cam01.mp4", (0..n).map(|i| i * 96 / n).collect()),
        ("walk", "videos/sports2d_demo_walk_jumpingjacks_h264.mp4", (0..n).map(|i| 60 + i * 100 / n).collect()),
    ];
    let models = [
        PoseModel::BlazeposeFull,
        PoseModel::MovenetLightning,
        PoseModel::MovenetThunder,
        PoseModel::BlazeposeLite,
        PoseModel::BlazeposeHeavy,
    ];
    let mut failures = Vec::new();
    let mut told_mid_chest = [(0usize, 0usize); 5];
    eprintln!("model              clip    cut        pose   arms within 0.1 torso");
    for (short, rel, wanted) in &clips {
        let frames = some_frames(rel, wanted);
        let (w, h) = (frames[0].width(), frames[0].height());
        // The whole-frame poses of every model; the cut lines from BlazePose full's, the same for every model.
        let whole: Vec<Vec<Option<mirrorcue::pose::Pose>>> =
            models.iter().map(|&m| run_over(&engine, m, PersonSelector::Largest, &frames)).collect();
        let mid = |p: &mirrorcue::pose::Pose, a: Joint, b: Joint| {
            let (a, b) = (joint_px(p, a).unwrap(), joint_px(p, b).unwrap());
            ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
        };
        let median = |mut v: Vec<f32>| {
            v.sort_by(f32::total_cmp);
            v[v.len() / 2]
        };
        let hips: Vec<f32> = whole[0].iter().flatten().map(|p| mid(p, Joint::LeftHip, Joint::RightHip).1).collect();
        let chest: Vec<f32> = whole[0]
            .iter()
            .flatten()
            .map(|p| {
                (mid(p, Joint::LeftHip, Joint::RightHip).1 + mid(p, Joint::LeftShoulder, Joint::RightShoulder).1) / 2.0
            })
            .collect();
        eprintln!("{short}: BlazePose full finds a person in {}/{} whole frames", hips.len(), frames.len());
        assert!(hips.len() >= frames.len() / 2, "{rel}: BlazePose full finds nobody on the whole frame");
        for (m, poses) in models.iter().zip(&whole) {
            let told = poses.iter().flatten().filter(|p| p.framing() == Framing::UpperBody).count();
            if told > 0 {
                failures.push(format!("{m} {short}: upper-body framing told on {told} whole frames"));
            }
        }
        for (cut, line) in [("waist", median(hips)), ("mid-chest", median(chest))] {
            let line = (line.round() as u32).clamp(16, h);
            let cropped = cut_at(&frames, line);
            for (mi, &model) in models.iter().enumerate() {
                let first = whole[mi].iter().flatten().next().expect("a whole-frame pose");
                let (sx, sy) = mid(first, Joint::LeftShoulder, Joint::RightShoulder);
                let selector = PersonSelector::Nearest { x: sx / w as f32, y: (sy / line as f32).min(1.0) };
                let poses = run_over(&engine, model, selector, &cropped);
                let flagged = poses.iter().flatten().filter(|p| p.framing() == Framing::UpperBody).count();
                let seen = poses.iter().flatten().count();
                let (mut with_pose, mut frames_n, mut near, mut joints_n) = (0, 0, 0, 0);
                let mut elsewhere = Vec::new();
                for (i, (truth, got)) in whole[mi].iter().zip(&poses).enumerate() {
                    let Some(truth) = truth else { continue };
                    frames_n += 1;
                    with_pose += usize::from(got.is_some());
                    let (hx, hy) = mid(truth, Joint::LeftHip, Joint::RightHip);
                    let (shx, shy) = mid(truth, Joint::LeftShoulder, Joint::RightShoulder);
                    let torso = (hx - shx).hypot(hy - shy);
                    if let Some(g) = got
                        && let (Some(a), Some(b)) =
                            (joint_px(g, Joint::LeftShoulder), joint_px(g, Joint::RightShoulder))
                        && ((a.0 + b.0) / 2.0 - shx).hypot((a.1 + b.1) / 2.0 - shy) > torso
                    {
                        elsewhere.push(wanted[i]);
                    }
                    let (n, of) = arms_near(truth, got.as_ref(), line);
                    near += n;
                    joints_n += of;
                }
                let pose_share = with_pose as f32 / frames_n.max(1) as f32;
                let arm_share = near as f32 / joints_n.max(1) as f32;
                eprintln!(
                    "{:<18} {short:<7} {cut:<9} {:>5.1}% {:>5.1}% ({near}/{joints_n})  upper-body framing told {flagged}/{seen}",
                    model.name(),
                    pose_share * 100.0,
                    arm_share * 100.0
                );
                if !elsewhere.is_empty() {
                    eprintln!("  {model} {short} cut at the {cut}: another person followed at frames {elsewhere:?}");
                }
                if !elsewhere.is_empty() {
                    failures.push(format!(
                        "{model} {short} cut at the {cut}: another person followed at frames {elsewhere:?}"
                    ));
                }
                if cut == "mid-chest" {
                    told_mid_chest[mi].0 += flagged;
                    told_mid_chest[mi].1 += seen;
                }
                let goal_asserted = *short == "squat"
                    && (cut == "waist" || matches!(model, PoseModel::BlazeposeFull | PoseModel::BlazeposeHeavy));
                let floor_only = *short == "squat" && cut == "mid-chest" && model == PoseModel::BlazeposeLite;
                let floor = if goal_asserted { 0.95 } else { 0.9 };
                // The arms' floors where the goal is not reached, for the two BlazePose models a clinic would choose
                // here: about 5 points (one or two joints) under the lower of the two engines' measures.
                let arm_floor = match (model, *short, cut) {
                    (PoseModel::BlazeposeFull, "lab", "waist") => Some(0.93),
                    (PoseModel::BlazeposeFull, "lab", _) => Some(0.81),
                    (PoseModel::BlazeposeFull, "walk", "waist") => Some(0.83),
                    (PoseModel::BlazeposeFull, "walk", _) => Some(0.71),
                    (PoseModel::BlazeposeHeavy, "lab", "waist") => Some(0.93),
                    (PoseModel::BlazeposeHeavy, "lab", _) => Some(0.88),
                    (PoseModel::BlazeposeHeavy, "walk", "waist") => Some(0.95),
                    (PoseModel::BlazeposeHeavy, "walk", _) => Some(0.83),
                    _ => None,
                };
                if let Some(f) = arm_floor
                    && arm_share < f
                {
                    failures.push(format!(
                        "{model} {short} cut at the {cut}: arms {:.0}%, under the floor of {:.0}%",
                        arm_share * 100.0,
                        f * 100.0
                    ));
                }
                // A pose in ≥ 95% of the frames for every model, clip and cut (the arms not yet; see above).
                if pose_share < 0.95 {
                    failures.push(format!(
                        "{model} {short} cut at the {cut}: pose in {:.0}% of frames",
                        pose_share * 100.0
                    ));
                }
                if (goal_asserted || floor_only) && (pose_share < floor || arm_share < floor) {
                    failures.push(format!(
                        "{model} {short} cut at the {cut}: pose in {:.0}% of frames, arms {:.0}%",
                        pose_share * 100.0,
                        arm_share * 100.0
                    ));
                }
            }
        }
    }
    for (m, (told, seen)) in models.iter().zip(told_mid_chest) {
        eprintln!("{m}: upper-body framing told in {told}/{seen} poses of the clips cut at mid-chest");
        if told * 2 < seen {
            failures.push(format!("{m}: upper-body framing told in only {told}/{seen} poses cut at mid-chest"));
        }
    }
    assert!(failures.is_empty(), "upper-body framing:\n{}", failures.join("\n"));
}

/// Cut at mid-chest (the lab clip's first frames, head to chest), the detector reads the leaning man upside down
/// (its hips above his shoulders) and BlazePose lite finds a person in that upside-down crop too (presence 1.0),
/// then follows that reading: shoulders and elbows 0.1-0.7 torso from the whole-frame result. The upright reading
/// is kept whenever it shows the person. Checked on the first tracked frames: the shoulders are near where the
/// whole frame puts them, and the pose is upright (the nose above the shoulders).
#[test]
fn an_upper_body_read_upside_down_is_read_upright() {
    let engine = common::engine();
    let wanted = [0, 9, 19];
    let frames = some_frames("videos/pose2sim_singleperson_cam01.mp4", &wanted);
    let w = frames[0].width();
    let line = LAB_MID_CHEST;
    let cut = cut_at(&frames, line);
    let whole = run_over(&engine, PoseModel::BlazeposeLite, PersonSelector::Largest, &frames);
    let mid_shoulder = |p: &mirrorcue::pose::Pose| {
        let (a, b) = (joint_px(p, Joint::LeftShoulder).unwrap(), joint_px(p, Joint::RightShoulder).unwrap());
        ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
    };
    let first = whole[0].as_ref().expect("BlazePose lite finds the man on the whole frame");
    let (sx, sy) = mid_shoulder(first);
    let selector = PersonSelector::Nearest { x: sx / w as f32, y: sy / line as f32 };
    let poses = run_over(&engine, PoseModel::BlazeposeLite, selector, &cut);
    let mut wrong = Vec::new();
    for ((i, truth), got) in wanted.iter().zip(&whole).zip(&poses) {
        let truth = truth.as_ref().expect("a whole-frame pose");
        let Some(got) = got else {
            wrong.push(format!("frame {i}: no pose"));
            continue;
        };
        let hip = |p: &mirrorcue::pose::Pose| {
            let (a, b) = (joint_px(p, Joint::LeftHip).unwrap(), joint_px(p, Joint::RightHip).unwrap());
            ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
        };
        let (tsx, tsy) = mid_shoulder(truth);
        let torso = (hip(truth).0 - tsx).hypot(hip(truth).1 - tsy);
        for j in [Joint::LeftShoulder, Joint::RightShoulder] {
            let (t, g) = (joint_px(truth, j).unwrap(), joint_px(got, j).unwrap());
            let d = (t.0 - g.0).hypot(t.1 - g.1) / torso;
            eprintln!("frame {i}: {j:?} {d:.2} torso from the whole frame's");
            if d > 0.1 {
                wrong.push(format!("frame {i}: {j:?} {d:.2} torso from the whole frame's"));
            }
        }
        let nose = joint_px(got, Joint::Nose).unwrap();
        if nose.1 >= mid_shoulder(got).1 {
            wrong.push(format!(
                "frame {i}: read upside down (nose at y = {:.0} px, shoulders at {:.0})",
                nose.1,
                mid_shoulder(got).1
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The lab clip cut at mid-chest, every frame, as the app follows by default (the clearest person): the leaning
/// man is found in ≥ 95% of the frames with every BlazePose (measured: all with ONNX Runtime; with tract all but
/// frame 49 for full). Before, BlazePose lite lost him at frames 69-78 (ONNX Runtime): the detector found him lying
/// (his body axis 80-95° from upright) with a low presence, or read him lying and followed that until the crop lost
/// him. A person last seen framed from the head to the chest whom the detector finds lying or upside down is now
/// read upright when the upright crop shows them.
#[test]
fn an_upper_body_patient_is_found_in_every_frame() {
    let engine = common::engine();
    let frames = first_frames("videos/pose2sim_singleperson_cam01.mp4", 100);
    let cut = cut_at(&frames, LAB_MID_CHEST);
    let mut failures = Vec::new();
    for model in [PoseModel::BlazeposeLite, PoseModel::BlazeposeFull, PoseModel::BlazeposeHeavy] {
        let mut est = PoseEstimator::new(&common::models(), &engine, EstimatorConfig::video(model)).unwrap();
        let without: Vec<u64> =
            cut.iter().filter_map(|f| est.estimate(f).unwrap().is_none().then_some(f.index)).collect();
        eprintln!("{model}: no pose at frames {without:?} of {}", cut.len());
        if without.len() * 20 > cut.len() {
            failures.push(format!("{model}: no pose at frames {without:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The lab clip cut at mid-chest and above (a patient seen from the head to the chest, a woman in the background
/// seen whole), every frame, following the clearest person as the app does by default: the pose stays on the patient
/// (its mid-shoulder within a torso of the whole frame's), and there is a pose in ≥ 90% of the frames.
///
/// Cut at mid-chest (698 px), with every model. Before, MoveNet Thunder took the woman from frame 12 on and
/// Lightning from frame 89, and never came back: the patient's hips out of the picture counted as "lost" and the
/// whole frame was read, where the woman is the clearer person; his size was the torso's length, unknown there, so
/// she also looked "much bigger" at the looks that reconsider whom to follow; MoveNet put his legs on hers, which drew
/// the crop onto her; and, the patient unsure for a frame, the whole frame gave her. Now Thunder has no pose at about
/// 6 frames (as when the patient is chosen by position: he leans with an arm across his face and the model does not
/// see him), instead of her pose.
///
/// Cut at 640 px, with BlazePose lite and full: lite took the woman at frame 83 (the detector found only her when
/// the leaning patient was lost) and full at frame 90 (the detector missed him at two looks in a row and he counted
/// as unsure, though tracked with a presence of 0.99).
///
/// Not covered, for MoveNet: cut at 730 px Thunder still takes her at frame 31 (the crop around the patient, widened
/// to take in the legs the model puts on her, holds them both, and her centre is less than half the crop from his);
/// cut at 640 px, the same on tract (Lightning at frame 75, Thunder at 39); cut at 670 px Thunder's first reading of
/// the whole frame is the woman. Clicking the patient (following by position) is the remedy there.
#[test]
fn an_upper_body_patient_is_not_left_for_a_bystander_seen_whole() {
    let engine = common::engine();
    let frames = first_frames("videos/pose2sim_singleperson_cam01.mp4", 100);
    let mid = |p: &mirrorcue::pose::Pose, a: Joint, b: Joint| {
        let (a, b) = (joint_px(p, a)?, joint_px(p, b)?);
        Some(((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0))
    };
    let models =
        [PoseModel::MovenetLightning, PoseModel::MovenetThunder, PoseModel::BlazeposeLite, PoseModel::BlazeposeFull];
    let whole: Vec<_> = models.iter().map(|&m| run_over(&engine, m, PersonSelector::Largest, &frames)).collect();
    let mut failures = Vec::new();
    for line in [LAB_MID_CHEST, 640] {
        let cut = cut_at(&frames, line);
        for (model, whole) in models.iter().zip(&whole) {
            if line != LAB_MID_CHEST && !model.is_blazepose() {
                continue;
            }
            let got = run_over(&engine, *model, PersonSelector::default(), &cut);
            let without: Vec<usize> = got.iter().enumerate().filter_map(|(i, p)| p.is_none().then_some(i)).collect();
            let mut elsewhere = Vec::new();
            for (i, (truth, got)) in whole.iter().zip(&got).enumerate() {
                let Some(truth) = truth else { continue };
                let (Some(hip), Some(sh)) = (
                    mid(truth, Joint::LeftHip, Joint::RightHip),
                    mid(truth, Joint::LeftShoulder, Joint::RightShoulder),
                ) else {
                    continue;
                };
                let torso = (hip.0 - sh.0).hypot(hip.1 - sh.1);
                if let Some(g) = got
                    && let Some(gs) = mid(g, Joint::LeftShoulder, Joint::RightShoulder)
                    && (gs.0 - sh.0).hypot(gs.1 - sh.1) > torso
                {
                    elsewhere.push(i);
                }
            }
            eprintln!("{model} cut at {line} px: no pose at frames {without:?}, another person at {elsewhere:?}");
            if without.len() * 10 > got.len() {
                failures.push(format!("{model} cut at {line} px: no pose at frames {without:?}"));
            }
            if !elsewhere.is_empty() {
                failures.push(format!("{model} cut at {line} px: another person followed at frames {elsewhere:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `analyze` says when most frames show the patient from the head to the chest: the arms and hands are followed, the
/// trunk and legs are not measured, and which model follows the arms best offline. Before, it said nothing, and an
/// engineer analysing a seated patient read MoveNet's guessed hips as measured. The lab clip's first twelve frames
/// cut at mid-chest, as a folder of pictures; the whole frames: nothing said.
#[test]
fn analyze_says_when_the_patient_is_framed_head_to_chest() {
    let wanted: Vec<usize> = (0..12).collect();
    let frames = some_frames("videos/pose2sim_singleperson_cam01.mp4", &wanted);
    let dir = tempfile::tempdir().unwrap();
    for (name, frames) in [("cut", cut_at(&frames, LAB_MID_CHEST)), ("whole", frames.clone())] {
        let folder = dir.path().join(name);
        std::fs::create_dir(&folder).unwrap();
        for (i, f) in frames.iter().enumerate() {
            f.image.save(folder.join(format!("frame{i}.png"))).unwrap();
        }
    }
    let run = |name: &str| {
        let folder = dir.path().join(name);
        let out = common::cli::mirrorcue(&["analyze", folder.to_str().unwrap(), "-m", "movenet-lightning"]);
        assert_eq!(out.status.code(), Some(0), "{}", common::cli::stderr(&out));
        common::cli::stderr(&out)
    };
    let cut = run("cut");
    assert!(cut.contains("note: upper-body framing (hips not in view) in "), "{cut}");
    assert!(cut.contains("the trunk and legs are guessed, not measured"), "{cut}");
    assert!(cut.contains("BlazePose heavy follows the arms best in this framing: --model blazepose-heavy"), "{cut}");
    let whole = run("whole");
    assert!(!whole.contains("upper-body framing"), "{whole}");
}

/// Every frame of the lab clip (the default choice of person) and of the walk clip's frames 60-159 (the woman, chosen
/// by position) cut at mid-chest, BlazePose lite, full and heavy: the arms within 0.1 torso of the whole frame's
/// reading, for the tracker (the video path, smoothing and steady sides off) and for an ideal tracker that reads each
/// cut frame through the very crop the whole frame's reading used. What the ideal one misses, no tracking can give:
/// the model reads a person cut at the chest otherwise than the same person whole. That is why issue 11's goal of 95%
/// is out of reach for full and lite (ONNX Runtime: ideal lab / walk, lite 84 / 89%, full 91 / 94%, heavy 97 / 95%;
/// tracked lite 69 / 89%, full 87 / 95%, heavy 97 / 96%; tract within 3 points of these). Asserted: the tracker keeps
/// within 5 points of the ideal crop with full and heavy, and heavy's ideal crop holds a floor of 93% (95.0-97.1%
/// measured on both engines). Run on ONNX Runtime only (`scripts/test`): on tract this test alone took 139 s. Not lite on the lab clip: 15 points under,
/// because its hips, guessed below the cut (presence about 0.1), turn its crop up to 0.8 rad away from the whole
/// frame's from frame 45 on; the shoulders' line, tried as the crop's angle instead, is no nearer (1.1 rad where the
/// whole frame's crop is at 0.84).
#[test]
fn upper_body_tracking_comes_near_the_ideal_crop() {
    use mirrorcue::pose::StageTimes;
    use mirrorcue::pose::blazepose::BlazePose;
    use mirrorcue::pose::models::ModelFile;

    let engine = common::engine();
    let lab = "videos/pose2sim_singleperson_cam01.mp4";
    let walk = "videos/sports2d_demo_walk_jumpingjacks_h264.mp4";
    // The walk's mid-chest and the woman's shoulders at frame 60, in pixels of the 1768 × 994 frame.
    let clips = [(lab, 0, LAB_MID_CHEST, None), (walk, 60, 655, Some((1420.0, 620.0)))];
    let models = [
        (PoseModel::BlazeposeLite, ModelFile::BlazeposeLandmarkLite),
        (PoseModel::BlazeposeFull, ModelFile::BlazeposeLandmarkFull),
        (PoseModel::BlazeposeHeavy, ModelFile::BlazeposeLandmarkHeavy),
    ];
    let mut failures = Vec::new();
    for (rel, start, line, at) in clips {
        let frames: Vec<Frame> = common::frames(rel).into_iter().skip(start).take(100).collect();
        let cut = cut_at(&frames, line);
        let (w, h) = (frames[0].width() as f32, frames[0].height() as f32);
        let whole_selector =
            at.map_or(PersonSelector::MostConfident, |(x, y)| PersonSelector::Nearest { x: x / w, y: y / h });
        let cut_selector =
            at.map_or(PersonSelector::MostConfident, |(x, y)| PersonSelector::Nearest { x: x / w, y: y / line as f32 });
        for (model, file) in models {
            let mut whole_reader = BlazePose::new(&common::models(), &engine, file, false).unwrap();
            let mut ideal_reader = BlazePose::new(&common::models(), &engine, file, false).unwrap();
            let mut config = EstimatorConfig::video(model);
            config.smoothing = None;
            config.selector = cut_selector;
            let mut tracker = PoseEstimator::new(&common::models(), &engine, config).unwrap();
            tracker.set_steady_sides(false);
            whole_reader.look_twice_next();
            let mut times = StageTimes::default();
            let (mut ideal, mut tracked, mut of) = (0, 0, 0);
            for (f, c) in frames.iter().zip(&cut) {
                let crop = whole_reader.next_roi();
                let whole = whole_reader.estimate(&f.image, true, whole_selector, None, &mut times).unwrap();
                let got = tracker.estimate(c).unwrap();
                let (Some(whole), Some(crop)) = (whole, crop) else { continue };
                let (read, _, _) = ideal_reader.landmarks_in(&c.image, crop, &mut times).unwrap();
                let (n, joints) = arms_near(&whole, Some(&read), line);
                ideal += n;
                of += joints;
                tracked += arms_near(&whole, got.as_ref(), line).0;
            }
            let share = |n: usize| n as f32 / of.max(1) as f32;
            eprintln!(
                "{model} {rel} cut at {line} px: arms ideal crop {:.1}%, tracked {:.1}% ({of} joints)",
                100.0 * share(ideal),
                100.0 * share(tracked)
            );
            if model != PoseModel::BlazeposeLite && share(tracked) < share(ideal) - 0.05 {
                failures.push(format!("{model} {rel}: tracked {tracked}/{of}, ideal crop {ideal}/{of}"));
            }
            if model == PoseModel::BlazeposeHeavy && share(ideal) < 0.93 {
                failures.push(format!("{model} {rel}: ideal crop {ideal}/{of}, under 93%"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
