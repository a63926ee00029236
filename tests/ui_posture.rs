//! Posture checkpoints in the app, driven through the UI with egui_kittest: capture the patient's posture as the
//! target, edit a tolerance, and see a cue on the patient screen when the recording goes out of tolerance.

use crate::common;

use common::ui::{choose, click, step_until_ui};
use egui_kittest::kittest::Queryable;

#[test]
fn capture_a_target_and_edit_a_tolerance() {
    let mut h = common::ui::harness(1000.0);
    step_until_ui(&mut h, "a pose", |h| h.state().state.current_pose().is_some());
    choose(&mut h, "Protocol", "New (capture the current posture)");
    h.step();
    assert!(h.state().state.protocol.is_some());
    for _ in 0..5 {
        click(&mut h, "Capture this posture as the target");
        if h.state().state.protocol.as_ref().is_some_and(|p| p.checkpoints.len() == 8) {
            break;
        }
    }
    let p = h.state().state.protocol.clone().unwrap();
    assert_eq!(p.checkpoints.len(), 8);
    let pose = h.state().state.current_pose().unwrap().clone();
    // The targets are the patient's current values (elbow angles are far from zero).
    let elbow = p.checkpoints.iter().find(|c| c.name == "left elbow").unwrap();
    assert!(elbow.target > 20.0, "{}", elbow.target);
    assert!((elbow.value(&pose).unwrap() - elbow.target).abs() < 30.0);

    // Loosen the first checkpoint's tolerance with its "+" button.
    let before = p.checkpoints[0].tolerance;
    for _ in 0..5 {
        h.query_all_by_label("+").next().expect("a + button").click_accesskit();
        h.step();
        h.step();
        if h.state().state.protocol.as_ref().unwrap().checkpoints[0].tolerance != before {
            break;
        }
    }
    let after = h.state().state.protocol.as_ref().unwrap().checkpoints[0].tolerance;
    assert!((after - before * 1.25).abs() < 1e-4, "{before} -> {after}");
}

#[test]
fn a_cue_appears_on_the_patient_screen_when_out_of_tolerance() {
    let mut h = common::ui::harness(1000.0);
    step_until_ui(&mut h, "a pose", |h| h.state().state.current_pose().is_some());
    choose(&mut h, "Protocol", "Squat: knee alignment and repetitions");
    assert_eq!(h.state().state.protocol.as_ref().unwrap().checkpoints.len(), 3);
    // The recorded squats take the knees out of their tolerance: a cue appears on the patient screen (the
    // single-window layout, which is the patient's screen with one monitor; the separate patient window shows the
    // same view content, but kittest does not expose immediate viewports' widgets).
    step_until_ui(&mut h, "a cue", |h| h.query_by_label_contains("Cue: ").is_some());
    let cue = h.state().cue_display().expect("a cue");
    assert!(cue.text.contains("knee") || cue.text.contains("chest"), "{}", cue.text);
}
