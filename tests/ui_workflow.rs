//! The therapist's workflow (issue 9), driven through the UI with egui_kittest: the keyboard, pausing, posture
//! while paused and across sources, and the protocol's model.

use crate::common;

use std::time::Duration;

use common::ui::{choose, click, click_until, step_until, step_until_ui};
use egui_kittest::kittest::{NodeT, Queryable};
use mirrorcue::pose::PoseModel;
use mirrorcue::ui::Action;

fn paused(h: &egui_kittest::Harness<'static, mirrorcue::ui::MirrorcueApp>) -> bool {
    h.state().pipeline.as_ref().is_some_and(|p| p.playback().paused)
}

fn settle(h: &mut egui_kittest::Harness<'static, mirrorcue::ui::MirrorcueApp>) {
    for _ in 0..4 {
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
}

#[test]
fn space_pauses_and_plays_and_the_arrows_step_a_frame() {
    let mut h = common::ui::harness(860.0);
    step_until(&mut h, "a frame", |a| a.state.current_frame().is_some());
    h.key_press(egui::Key::Space);
    settle(&mut h);
    assert!(paused(&h), "Space pauses");
    h.key_press(egui::Key::Space);
    settle(&mut h);
    assert!(!paused(&h), "Space plays again");
    h.key_press(egui::Key::Space);
    settle(&mut h);
    assert!(paused(&h));
    // Let the last frame before the pause arrive, then step one frame forward.
    std::thread::sleep(Duration::from_millis(400));
    settle(&mut h);
    let at = h.state().state.current_frame().unwrap().index;
    h.key_press(egui::Key::ArrowRight);
    step_until(&mut h, "the next frame", |a| a.state.current_frame().is_some_and(|f| f.index != at));
    assert_eq!(h.state().state.current_frame().unwrap().index, at + 1);
    assert!(paused(&h), "stepping keeps the recording paused");
    // And back.
    h.key_press(egui::Key::ArrowLeft);
    step_until(&mut h, "the frame before", |a| a.state.current_frame().is_some_and(|f| f.index == at));
    assert!(paused(&h));
}

#[test]
fn escape_leaves_full_screen_and_f11_enters_it() {
    let mut h = common::ui::harness(860.0);
    h.state_mut().queue(Action::SetPatientWindow(true));
    h.state_mut().queue(Action::SetPatientFullscreen(true));
    settle(&mut h);
    assert!(h.state().state.settings.patient_fullscreen);
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(!h.state().state.settings.patient_fullscreen, "Esc leaves full screen");
    h.key_press(egui::Key::F11);
    settle(&mut h);
    assert!(h.state().state.settings.patient_fullscreen, "F11 enters full screen");
}

#[test]
fn pausing_does_not_move_the_controls() {
    let mut h = common::ui::harness(860.0);
    step_until(&mut h, "a frame", |a| a.state.current_frame().is_some());
    settle(&mut h);
    let before = h.get_by_label("Bundled recording").rect();
    click_until(&mut h, "⏸ Pause", paused_app);
    settle(&mut h);
    let after = h.get_by_label("Bundled recording").rect();
    assert_eq!(before.top(), after.top(), "the controls stay under the cursor");
}

fn paused_app(a: &mirrorcue::ui::MirrorcueApp) -> bool {
    a.pipeline.as_ref().is_some_and(|p| p.playback().paused)
}

#[test]
fn checkpoints_are_measured_while_paused() {
    let mut h = common::ui::harness(1000.0);
    step_until(&mut h, "a pose", |a| a.state.current_pose().is_some());
    click_until(&mut h, "⏸ Pause", paused_app);
    std::thread::sleep(Duration::from_millis(400));
    settle(&mut h);
    assert!(h.state().state.current_pose().is_some(), "the patient is in view");
    choose(&mut h, "Protocol", "Arm raise: shoulders level");
    settle(&mut h);
    assert!(h.query_by_label_contains("not visible").is_none(), "a checkpoint says 'not visible' while paused");
    assert!(h.state().state.posture_frame.as_ref().is_some_and(|f| f.values.iter().all(|v| v.is_some())));
    // Capturing the posture as the target while paused: the checkpoint is in tolerance at once.
    click(&mut h, "Capture this posture as the target");
    settle(&mut h);
    assert!(h.query_by_label_contains("not visible").is_none());
    // The protocol has a checkpoint per side: each is in tolerance.
    assert!(h.query_all_by_label_contains("(in tolerance)").count() >= 2);
}

#[test]
fn a_new_source_starts_a_new_posture_session() {
    let mut h = common::ui::harness(1000.0);
    step_until(&mut h, "a pose", |a| a.state.current_pose().is_some());
    choose(&mut h, "Protocol", "Arm raise: shoulders level");
    step_until(&mut h, "a second of posture", |a| {
        a.state.posture.as_ref().is_some_and(|s| s.summary().checkpoints[0].time_visible_s > 1.0)
    });
    let clip = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    h.input_mut().dropped_files.push(egui::DroppedFile { path: Some(clip), ..Default::default() });
    settle(&mut h);
    let s = h.state().state.posture.as_ref().expect("the protocol stays chosen");
    assert!(s.summary().checkpoints[0].time_visible_s < 0.5, "the session goes on across sources");
}

#[test]
fn a_protocol_that_needs_another_model_switches_it_and_says_so() {
    let mut h = common::ui::harness(1000.0);
    assert_eq!(h.state().state.settings.pose.model, PoseModel::MovenetLightning);
    step_until_ui(&mut h, "a pose", |h| h.state().state.current_pose().is_some());
    choose(&mut h, "Protocol", "Squat: knee alignment and repetitions");
    settle(&mut h);
    assert_eq!(h.state().state.settings.pose.model, PoseModel::BlazeposeFull);
    let notice = h.state().state.notice.clone().unwrap_or_default();
    assert!(notice.contains(&PoseModel::BlazeposeFull.label()), "{notice}");
    h.get_by_label_contains(&notice);
}

#[test]
fn the_patient_window_goes_to_the_chosen_monitor() {
    use mirrorcue::ui::monitors::Monitor;
    let mut h = common::ui::harness(1000.0);
    h.state_mut().state.monitors = vec![
        Monitor { name: "HDMI-1".into(), origin: (0, 0), size: (1920, 1080), primary: true },
        Monitor { name: "DP-2".into(), origin: (1920, 0), size: (2560, 1440), primary: false },
    ];
    settle(&mut h);
    choose(&mut h, "Patient monitor", "DP-2 (2560 × 1440)");
    assert_eq!(h.state().state.settings.patient_monitor.as_deref(), Some("DP-2"));
    let builder = mirrorcue::ui::app::patient_viewport_builder(&h.state().state, 1.0);
    assert_eq!(builder.position, Some(egui::pos2(1920.0, 0.0)));
    let builder = mirrorcue::ui::app::patient_viewport_builder(&h.state().state, 2.0);
    assert_eq!(builder.position, Some(egui::pos2(960.0, 0.0)), "in points");
}

/// The painted text shapes containing `needle`, with their rectangles.
fn text_rects(h: &egui_kittest::Harness<'_>, needle: &str) -> Vec<egui::Rect> {
    h.output()
        .shapes
        .iter()
        .filter_map(|c| match &c.shape {
            egui::Shape::Text(t) if t.galley.job.text.contains(needle) => Some(t.visual_bounding_rect()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_cue_fits_its_pane_at_the_top() {
    use mirrorcue::ui::screen::patient::{CueDisplay, ViewContent, show};
    let text = "Push your right knee out, over your toes";
    // The patient screen (large text) in a half-width compare pane, and in a narrow one.
    for width in [640.0, 300.0] {
        let mut h = egui_kittest::Harness::builder().with_size(egui::vec2(width, 480.0)).build_ui(|ui| {
            let content =
                ViewContent { cue: Some(CueDisplay { text: text.into(), focus: None }), ..ViewContent::default() };
            show(ui, &content, true);
        });
        h.run();
        let rects = text_rects(&h, "right");
        assert!(!rects.is_empty(), "the side word is painted");
        for r in rects {
            assert!(r.left() >= 0.0 && r.right() <= width, "cut at {width} px: {r:?}");
            assert!(r.bottom() < 480.0 / 2.0, "the cue covers the feet: {r:?}");
        }
        h.get_by_label(&format!("Cue: {text}"));
    }
}

#[test]
fn the_patient_screen_has_its_own_overlay_without_the_skeleton_in_split_reflection() {
    use mirrorcue::view::MirrorMode;
    let mut h = common::ui::harness(1000.0);
    click_until(&mut h, "Split reflection", |a| matches!(a.state.settings.mirror, MirrorMode::Split { .. }));
    let s = &h.state().state.settings;
    assert!(s.patient_overlay.for_mode(&s.overlay, s.mirror).is_none(), "no skeleton for the patient in split");
    click_until(&mut h, "Also in split reflection", |a| a.state.settings.patient_overlay.skeleton_in_split);
}

#[test]
fn the_patient_sees_the_repetition_count_large() {
    let mut h = common::ui::harness(1000.0);
    step_until_ui(&mut h, "a pose", |h| h.state().state.current_pose().is_some());
    choose(&mut h, "Protocol", "Squat: knee alignment and repetitions");
    step_until_ui(&mut h, "the count on the patient's screen", |h| {
        h.query_by_label_contains("Count: 0 repetitions").is_some()
            || h.query_by_label_contains("Count: 1 repetition").is_some()
    });
}

/// The locked seam's slider (the mirror panel) and the seam it sets.
fn seam_slider(h: &egui_kittest::Harness<'static, mirrorcue::ui::MirrorcueApp>) -> Option<f64> {
    h.query_all_by_label_contains("Seam position").find_map(|n| n.accesskit_node().numeric_value())
}

#[test]
fn defect_11_the_locked_seam_slider_reads_as_the_patient_sees_it_and_moves_that_way() {
    use mirrorcue::view::{MirrorMode, SplitSource};
    let mut h = common::ui::harness(1400.0);
    step_until(&mut h, "a frame", |a| a.current_view().is_some());
    // Split reflection shown as a mirror (flipped), seam locked at 30% of the camera frame from its left.
    h.state_mut().queue(Action::SetMirror(MirrorMode::Split { source: SplitSource::PatientLeft, selfie: true }));
    h.state_mut().queue(Action::SetSeamFollowsBody(false));
    settle(&mut h);
    let mut seam = h.state().state.settings.seam;
    seam.manual = 0.3;
    h.state_mut().queue(Action::SetSeam(seam));
    settle(&mut h);
    // Flipped, that seam is 70% from the left of the picture the patient sees: the slider says so, in whole %.
    assert_eq!(seam_slider(&h), Some(70.0), "the slider in percent of the picture as the patient sees it");
    // Moving the slider right moves the seam right on the patient's screen: further from the frame's left edge
    // as the patient sees it, so nearer the camera frame's left edge (x falls) in the flipped view.
    let slider = h.query_all_by_label_contains("Seam position").find(|n| n.accesskit_node().numeric_value().is_some());
    slider.expect("the seam slider").focus();
    h.step();
    h.key_press(egui::Key::ArrowRight);
    settle(&mut h);
    let after = h.state().state.settings.seam.manual;
    assert!(after < 0.3, "the slider went right, the seam in the frame went to x = {after} (from 0.3)");
    assert!(seam_slider(&h).is_some_and(|v| v > 70.0), "the slider reads {:?}", seam_slider(&h));
}

#[test]
fn defect_20_photos_play_as_stills_with_a_display_time_the_therapist_can_change() {
    let mut h = common::ui::harness(1400.0);
    let folder = common::data("images/coco");
    h.input_mut().dropped_files.push(egui::DroppedFile { path: Some(folder), ..Default::default() });
    step_until(&mut h, "the photos", |a| a.state.source_kind() == Some(mirrorcue::source::SourceKind::ImageFolder));
    let display = |h: &egui_kittest::Harness<'static, mirrorcue::ui::MirrorcueApp>| {
        h.state().pipeline.as_ref().and_then(|p| p.playback().image_display_s)
    };
    assert_eq!(display(&h), Some(mirrorcue::live::DEFAULT_IMAGE_DISPLAY_S));
    // The control shows the display time, in seconds.
    step_until_ui(&mut h, "the display time", |h| {
        h.query_all_by_label_contains("Each photo on screen").next().is_some()
    });
    let shown = h.query_all_by_label_contains("Each photo on screen").find_map(|n| n.accesskit_node().numeric_value());
    assert_eq!(shown, Some(3.0));
    // Playing them as the frames of a video is a clear choice.
    click_until(&mut h, "Play the photos as a video (tracked)", |a| {
        a.pipeline.as_ref().is_some_and(|p| p.playback().image_display_s.is_none())
    });
    click_until(&mut h, "Play the photos as a video (tracked)", |a| {
        a.pipeline.as_ref().is_some_and(|p| p.playback().image_display_s.is_some())
    });
}

/// The painted text shapes that can be read (not the invisible accessible labels), with their rectangles.
fn visible_text_rects(h: &egui_kittest::Harness<'_>) -> Vec<(String, egui::Rect)> {
    h.output()
        .shapes
        .iter()
        .filter_map(|c| match &c.shape {
            egui::Shape::Text(t)
                if t.galley.job.sections.iter().all(|s| s.format.font_id.size > 2.0)
                    && t.galley.job.sections.iter().all(|s| s.format.color != egui::Color32::TRANSPARENT)
                    && t.override_text_color != Some(egui::Color32::BLACK) =>
            {
                Some((t.galley.job.text.clone(), t.visual_bounding_rect()))
            }
            _ => None,
        })
        .collect()
}

/// Issue 9, defect 12 (seen under Xvfb): a checkpoint's value on the therapist's view printed over the joint's
/// name ("0.10" on "L knee", "27°" on "R wrist"): the values take part in the same label placement as the names.
#[test]
fn checkpoint_values_and_joint_names_never_overlap() {
    use mirrorcue::pose::Joint;
    use mirrorcue::ui::screen::patient::{ViewContent, show};
    use mirrorcue::ui::settings::OverlaySettings;
    use mirrorcue::view::{MirrorMode, SeamSettings, SeamTracker, ViewTransform};
    let pose = common::squat_blazepose();
    let seam = SeamTracker::new().update(Some(&pose), &SeamSettings::default(), false, 720, 1280);
    let view = ViewTransform::new(MirrorMode::Off, 720, 1280, seam, Some(&pose), false, 0.0);
    let overlay = OverlaySettings { labels: true, ..OverlaySettings::default() };
    let at = |j: Joint| {
        let k = pose.get(j).unwrap();
        view.map_real(k.x, k.y)
    };
    let green = egui::Color32::from_rgb(90, 200, 120);
    let marks = vec![
        (at(Joint::LeftKnee), "0.10 torso lengths".to_string(), green),
        (at(Joint::RightKnee), "0.02 torso lengths".to_string(), green),
        (at(Joint::LeftShoulder), "27.0°".to_string(), green),
    ];
    let mut texture = None;
    let mut h = egui_kittest::Harness::builder().with_size(egui::vec2(480.0, 853.0)).build_ui(|ui| {
        let tex = texture.get_or_insert_with(|| {
            ui.ctx().load_texture(
                "frame",
                egui::ColorImage::new([720, 1280], vec![egui::Color32::GRAY; 720 * 1280]),
                Default::default(),
            )
        });
        let content = ViewContent {
            texture: Some(tex),
            view: Some(&view),
            pose: Some(&pose),
            overlay: Some(&overlay),
            marks: marks.clone(),
            ..ViewContent::default()
        };
        show(ui, &content, false);
    });
    h.run();
    let rects = visible_text_rects(&h);
    for m in &marks {
        assert!(rects.iter().any(|(t, _)| *t == m.1), "the value {:?} is drawn", m.1);
    }
    assert!(rects.iter().any(|(t, _)| t == "L knee"), "the names are drawn: {rects:?}");
    for (i, (ta, a)) in rects.iter().enumerate() {
        for (tb, b) in &rects[i + 1..] {
            assert!(!a.shrink(0.5).intersects(b.shrink(0.5)), "{ta:?} at {a:?} overlaps {tb:?} at {b:?}");
        }
    }
}
