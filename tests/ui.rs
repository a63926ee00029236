//! The clinic app driven through its UI with egui_kittest: the bundled recording plays when there is no camera,
//! and the therapist switches mirror modes, chooses a side, chooses a model and opens a recording.

use crate::common;

use std::time::Duration;

use common::ui::{choose, click_until, step_until};
use egui_kittest::kittest::Queryable;
use mirrorcue::pose::PoseModel;
use mirrorcue::ui::ActiveSource;
use mirrorcue::view::{MirrorMode, SplitSource};

#[test]
fn no_camera_plays_the_bundled_recording_with_poses() {
    let mut h = common::ui::harness(860.0);
    assert_eq!(h.state().state.active, ActiveSource::Bundled);
    assert!(h.state().state.notice.as_deref().unwrap_or("").contains("No camera found"));
    step_until(&mut h, "a frame with a pose", |a| a.state.current_pose().is_some());
    assert!(h.state().state.source_caption().contains("tfjs_pose_squats.mp4"), "{}", h.state().state.source_caption());
    // Labelled as a recording in the therapist's panel.
    h.get_by_label_contains("Recording (no camera found)");
}

#[test]
fn switching_mirror_modes_and_choosing_a_side() {
    let mut h = common::ui::harness(860.0);
    step_until(&mut h, "a frame", |a| a.current_view().is_some());
    h.state().pipeline.as_ref().unwrap().set_paused(true);
    std::thread::sleep(Duration::from_millis(100));
    h.step();

    click_until(&mut h, "Off", |a| a.state.settings.mirror == MirrorMode::Off);
    assert_eq!(h.state().state.settings.mirror, MirrorMode::Off);
    let off = h.state().displayed_image().to_rgb();

    click_until(&mut h, "Mirror", |a| a.state.settings.mirror == MirrorMode::Mirror);
    assert_eq!(h.state().state.settings.mirror, MirrorMode::Mirror);
    let mut mirrored = h.state().displayed_image().to_rgb();
    image::imageops::flip_horizontal_in_place(&mut mirrored);
    assert_eq!(off.dimensions(), mirrored.dimensions());
    assert!(off == mirrored || h.state().current_view().is_some(), "the mirror view is the camera view flipped");

    click_until(&mut h, "Split reflection", |a| matches!(a.state.settings.mirror, MirrorMode::Split { .. }));
    click_until(&mut h, "Patient's right", |a| {
        matches!(a.state.settings.mirror, MirrorMode::Split { source: SplitSource::PatientRight, .. })
    });
    assert_eq!(h.state().state.settings.mirror, MirrorMode::Split { source: SplitSource::PatientRight, selfie: true });
    click_until(&mut h, "Upper half", |a| {
        matches!(a.state.settings.mirror, MirrorMode::Split { source: SplitSource::Upper, .. })
    });
    assert!(matches!(h.state().state.settings.mirror, MirrorMode::Split { source: SplitSource::Upper, .. }));
    click_until(&mut h, "Patient's left", |a| {
        matches!(a.state.settings.mirror, MirrorMode::Split { source: SplitSource::PatientLeft, .. })
    });
    assert_eq!(h.state().state.settings.mirror, MirrorMode::Split { source: SplitSource::PatientLeft, selfie: true });
    assert!(h.state().current_view().unwrap().split.is_some());
}

#[test]
fn choosing_a_model() {
    let mut h = common::ui::harness(860.0);
    step_until(&mut h, "a frame", |a| a.current_view().is_some());
    choose(&mut h, "Model", &PoseModel::BlazeposeFull.label());
    h.step();
    assert_eq!(h.state().state.settings.pose.model, PoseModel::BlazeposeFull);
    assert_eq!(h.state().pipeline.as_ref().unwrap().settings().model, PoseModel::BlazeposeFull);
    // The next poses come from BlazePose: 33 landmarks.
    step_until(&mut h, "a BlazePose pose", |a| a.state.current_pose().is_some_and(|p| p.keypoints.len() == 33));
}

#[test]
fn opening_a_recording_by_drag_and_drop() {
    let mut h = common::ui::harness(860.0);
    step_until(&mut h, "a frame", |a| a.current_view().is_some());
    let clip = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    h.input_mut().dropped_files.push(egui::DroppedFile { path: Some(clip.clone()), ..Default::default() });
    h.step();
    h.step();
    assert_eq!(h.state().state.active, ActiveSource::Recording(clip));
    step_until(&mut h, "a frame of the new recording", |a| a.state.frame_size() == (576.0, 576.0));
    assert!(h.state().state.source_caption().contains("tfjs_pose_1_synthetic_arm_raises.mp4"));
}

#[test]
fn a_file_that_is_not_a_recording_is_refused_with_a_message() {
    let mut h = common::ui::harness(860.0);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("notes.mp4");
    std::fs::write(&bad, "not a video").unwrap();
    h.input_mut().dropped_files.push(egui::DroppedFile { path: Some(bad), ..Default::default() });
    h.step();
    h.step();
    assert_eq!(h.state().state.active, ActiveSource::Bundled, "the session goes on");
    assert!(h.state().state.notice.as_deref().unwrap_or("").contains("notes.mp4"));
}

/// A patient framed from the head to the chest with MoveNet chosen: the pose panel says so and offers BlazePose
/// full, which follows the arms best there; one click asks for it. With BlazePose full chosen, nothing is offered.
/// A MoveNet pose of a person facing the camera: shoulders, elbows and head in view; the hips in view or below the
/// bottom edge and unsure (framed head to chest).
fn facing_pose(hips_in_view: bool) -> mirrorcue::pose::Pose {
    use mirrorcue::pose::{Joint, Keypoint, Pose, Skeleton};
    let keypoints = Skeleton::Coco17
        .joints()
        .iter()
        .map(|j| {
            let (y, score) = match j {
                Joint::LeftHip | Joint::RightHip if hips_in_view => (0.85, 0.8),
                Joint::LeftKnee | Joint::RightKnee | Joint::LeftAnkle | Joint::RightAnkle if hips_in_view => {
                    (0.95, 0.2)
                }
                Joint::LeftHip | Joint::RightHip | Joint::LeftKnee | Joint::RightKnee => (1.2, 0.1),
                Joint::LeftAnkle | Joint::RightAnkle => (1.6, 0.05),
                Joint::LeftShoulder | Joint::RightShoulder => (0.6, 0.9),
                _ => (0.4, 0.8),
            };
            let x = if j.name().starts_with("left") { 0.6 } else { 0.4 };
            Keypoint { x, y, score, presence: None, z: None }
        })
        .collect();
    Pose {
        skeleton: Skeleton::Coco17,
        keypoints,
        score: 0.6,
        world: None,
        mask: None,
        frame_width: 640,
        frame_height: 480,
    }
}

/// The app's state on the bundled recording with `pose` shown, its framing held.
fn state_with(pose: mirrorcue::pose::Pose) -> mirrorcue::ui::State {
    use mirrorcue::pose::framing::FRAMING_HOLD_POSES;
    let mut state = mirrorcue::ui::State::new(Default::default(), ActiveSource::Bundled, Vec::new());
    for _ in 0..FRAMING_HOLD_POSES {
        state.framing.update(Some(&pose));
    }
    let frame = mirrorcue::Frame::new(image::RgbImage::new(640, 480), 0, 0.0, "camera");
    state.current = Some(mirrorcue::live::LiveResult {
        frame,
        pose: Some(pose),
        captured_at: std::time::Instant::now(),
        pose_time: Duration::ZERO,
        hands: Vec::new(),
    });
    state
}

#[test]
fn upper_body_framing_offers_the_model_that_follows_the_arms() {
    use mirrorcue::pose::Framing;
    use mirrorcue::ui::{Action, panels};
    use std::cell::RefCell;

    let pose = facing_pose(false);
    assert_eq!(Framing::of(&pose), Framing::UpperBody);
    let mut state = state_with(pose);
    assert_eq!(state.settings.pose.model, PoseModel::MovenetLightning, "the app's default model");

    let actions = RefCell::new(Vec::new());
    let mut h = egui_kittest::Harness::builder().with_size(egui::vec2(360.0, 400.0)).build_ui(|ui| {
        actions.borrow_mut().extend(panels::pose::show(ui, &state));
    });
    h.run();
    h.get_by_label_contains("Upper-body framing: hips not in view");
    h.get_by_label("BlazePose full follows the arms best in this framing.");
    assert!(actions.borrow().is_empty(), "nothing asked before the click");
    h.get_by_label("Use BlazePose full").click();
    h.run();
    let asked: Vec<PoseModel> = actions
        .borrow()
        .iter()
        .filter_map(|a| match a {
            Action::SetPose(p) => Some(p.model),
            _ => None,
        })
        .collect();
    assert_eq!(asked.first(), Some(&PoseModel::BlazeposeFull), "{asked:?}");
    drop(h);

    // BlazePose full chosen: the framing is still told, no other model offered.
    state.settings.pose.model = PoseModel::BlazeposeFull;
    let mut h = egui_kittest::Harness::builder().with_size(egui::vec2(360.0, 400.0)).build_ui(|ui| {
        let _ = panels::pose::show(ui, &state);
    });
    h.run();
    h.get_by_label_contains("Upper-body framing: hips not in view");
    assert!(h.query_by_label_contains("follows the arms best").is_none());
}

/// The framing notice and the model offer come and go as a patient leans into and out of view; the controls under
/// them stay where they are, so that a click meant for one does not land on another. Before, the offer's three lines
/// went when the hips came back into view for a third of a second, and "Hands" moved up under the pointer aimed at
/// "Use BlazePose full" (seen on the lab clip cut at mid-chest, the app looping it).
#[test]
fn the_pose_controls_stay_put_while_the_framing_comes_and_goes() {
    use mirrorcue::pose::Framing;
    use mirrorcue::pose::framing::FRAMING_HOLD_POSES;
    use mirrorcue::ui::panels;
    use std::cell::RefCell;

    let state = RefCell::new(state_with(facing_pose(true)));
    let mut h = egui_kittest::Harness::builder().with_size(egui::vec2(360.0, 400.0)).build_ui(|ui| {
        let _ = panels::pose::show(ui, &state.borrow());
    });
    h.run();
    let hands = |h: &egui_kittest::Harness| h.get_by_label("Hands (21 points each)").rect().top();
    let (whole_at_start, mut seen) = (hands(&h), Vec::new());
    for hips_in_view in [false, true, false] {
        let pose = facing_pose(hips_in_view);
        {
            let mut s = state.borrow_mut();
            for _ in 0..FRAMING_HOLD_POSES {
                s.framing.update(Some(&pose));
            }
            s.current.as_mut().unwrap().pose = Some(pose);
        }
        h.run();
        let told = h.query_by_label_contains("Upper-body framing").is_some();
        assert_eq!(told, !hips_in_view, "the notice follows the framing");
        assert_eq!(state.borrow().framing.shown() == Framing::UpperBody, !hips_in_view);
        seen.push(hands(&h));
    }
    assert!(seen[0] > whole_at_start, "the notice first makes room: {whole_at_start} -> {seen:?}");
    assert!(seen.iter().all(|&y| (y - seen[0]).abs() < 0.5), "\"Hands\" moved: {seen:?}");
}
