//! The clinic app driven through its UI with egui_kittest: the bundled recording plays when there is no camera,
//! and the therapist switches mirror modes, chooses a side, chooses a model and opens a recording.

mod common;

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use mirrorcue::pose::{EngineConfig, PoseModel};
use mirrorcue::ui::settings::Settings;
use mirrorcue::ui::{ActiveSource, MirrorcueApp};
use mirrorcue::view::{MirrorMode, SplitSource};

fn harness() -> Harness<'static, MirrorcueApp> {
    let app = MirrorcueApp::new(
        Settings::default(),
        EngineConfig::from_env().unwrap(),
        common::models(),
        Vec::new(), // no camera on this machine
    );
    Harness::builder().with_size(egui::vec2(1280.0, 860.0)).build_state(|ctx, app: &mut MirrorcueApp| app.ui(ctx), app)
}

/// Clicks the widget labelled `label` once it is on screen (waiting up to 10 s, stepping the UI), then lets the UI
/// settle for a few frames.
fn click(h: &mut Harness<'static, MirrorcueApp>, label: &str) {
    let start = Instant::now();
    while h.query_by_label(label).is_none() {
        assert!(start.elapsed() < Duration::from_secs(10), "no widget labelled {label:?}");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.get_by_label(label).click_accesskit();
    for _ in 0..3 {
        h.step();
    }
}

/// Clicks `label` until `done` holds (at most 5 tries). Now and then kittest's accessibility click arrives in a
/// frame where the widget is not interactable yet and is dropped; a person would simply click again.
fn click_until(h: &mut Harness<'static, MirrorcueApp>, label: &str, done: impl Fn(&MirrorcueApp) -> bool) {
    for _ in 0..5 {
        click(h, label);
        if done(h.state()) {
            return;
        }
    }
    panic!("clicking {label:?} did not take effect");
}

/// Opens the combo box `combo` until its entry `item` shows (at most 5 tries), then clicks the entry.
fn choose(h: &mut Harness<'static, MirrorcueApp>, combo: &str, item: &str) {
    for _ in 0..5 {
        click(h, combo);
        if h.query_by_label(item).is_some() {
            click(h, item);
            return;
        }
    }
    panic!("{combo:?} did not open");
}

/// Steps the UI until `done` holds (frames arrive from the pipeline's threads), for at most 20 s.
fn step_until(h: &mut Harness<'static, MirrorcueApp>, what: &str, done: impl Fn(&MirrorcueApp) -> bool) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(start.elapsed() < Duration::from_secs(20), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
}

#[test]
fn no_camera_plays_the_bundled_recording_with_poses() {
    let mut h = harness();
    assert_eq!(h.state().active, ActiveSource::Bundled);
    assert!(h.state().notice.as_deref().unwrap_or("").contains("No camera found"));
    step_until(&mut h, "a frame with a pose", |a| a.current_pose().is_some());
    assert!(h.state().source_caption().contains("tfjs_pose_squats.mp4"), "{}", h.state().source_caption());
    // Labelled as a recording in the therapist's panel.
    h.get_by_label_contains("Recording (no camera found)");
}

#[test]
fn switching_mirror_modes_and_choosing_a_side() {
    let mut h = harness();
    step_until(&mut h, "a frame", |a| a.current_view().is_some());
    h.state().pipeline.as_ref().unwrap().set_paused(true);
    std::thread::sleep(Duration::from_millis(100));
    h.step();

    click_until(&mut h, "Off", |a| a.settings.mirror == MirrorMode::Off);
    assert_eq!(h.state().settings.mirror, MirrorMode::Off);
    let off = h.state().displayed_image().to_rgb();

    click_until(&mut h, "Mirror", |a| a.settings.mirror == MirrorMode::Mirror);
    assert_eq!(h.state().settings.mirror, MirrorMode::Mirror);
    let mut mirrored = h.state().displayed_image().to_rgb();
    image::imageops::flip_horizontal_in_place(&mut mirrored);
    assert_eq!(off.dimensions(), mirrored.dimensions());
    assert!(off == mirrored || h.state().current_view().is_some(), "the mirror view is the camera view flipped");

    click_until(&mut h, "Split reflection", |a| matches!(a.settings.mirror, MirrorMode::Split { .. }));
    click_until(&mut h, "Patient's right", |a| {
        matches!(a.settings.mirror, MirrorMode::Split { source: SplitSource::PatientRight, .. })
    });
    assert_eq!(h.state().settings.mirror, MirrorMode::Split { source: SplitSource::PatientRight, selfie: true });
    click_until(&mut h, "Upper half", |a| {
        matches!(a.settings.mirror, MirrorMode::Split { source: SplitSource::Upper, .. })
    });
    assert!(matches!(h.state().settings.mirror, MirrorMode::Split { source: SplitSource::Upper, .. }));
    click_until(&mut h, "Patient's left", |a| {
        matches!(a.settings.mirror, MirrorMode::Split { source: SplitSource::PatientLeft, .. })
    });
    assert_eq!(h.state().settings.mirror, MirrorMode::Split { source: SplitSource::PatientLeft, selfie: true });
    assert!(h.state().current_view().unwrap().split.is_some());
}

#[test]
fn choosing_a_model() {
    let mut h = harness();
    step_until(&mut h, "a frame", |a| a.current_view().is_some());
    choose(&mut h, "Model", PoseModel::BlazeposeFull.label());
    h.step();
    assert_eq!(h.state().settings.pose.model, PoseModel::BlazeposeFull);
    assert_eq!(h.state().pipeline.as_ref().unwrap().settings().model, PoseModel::BlazeposeFull);
    // The next poses come from BlazePose: 33 landmarks.
    step_until(&mut h, "a BlazePose pose", |a| a.current_pose().is_some_and(|p| p.keypoints.len() == 33));
}

#[test]
fn opening_a_recording_by_drag_and_drop() {
    let mut h = harness();
    step_until(&mut h, "a frame", |a| a.current_view().is_some());
    let clip = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    h.input_mut().dropped_files.push(egui::DroppedFile { path: Some(clip.clone()), ..Default::default() });
    h.step();
    h.step();
    assert_eq!(h.state().active, ActiveSource::Recording(clip));
    step_until(&mut h, "a frame of the new recording", |a| a.frame_size() == (576.0, 576.0));
    assert!(h.state().source_caption().contains("tfjs_pose_1_synthetic_arm_raises.mp4"));
}

#[test]
fn a_file_that_is_not_a_recording_is_refused_with_a_message() {
    let mut h = harness();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("notes.mp4");
    std::fs::write(&bad, "not a video").unwrap();
    h.input_mut().dropped_files.push(egui::DroppedFile { path: Some(bad), ..Default::default() });
    h.step();
    h.step();
    assert_eq!(h.state().active, ActiveSource::Bundled, "the session goes on");
    assert!(h.state().notice.as_deref().unwrap_or("").contains("notes.mp4"));
}
