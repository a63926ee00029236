//! Posture checkpoints in the app, driven through the UI with egui_kittest: capture the patient's posture as the
//! target, edit a tolerance, and see a cue on the patient screen when the recording goes out of tolerance.

mod common;

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use mirrorcue::pose::EngineConfig;
use mirrorcue::ui::MirrorcueApp;
use mirrorcue::ui::settings::Settings;

fn harness() -> Harness<'static, MirrorcueApp> {
    let app = MirrorcueApp::new(Settings::default(), EngineConfig::from_env().unwrap(), common::models(), Vec::new());
    Harness::builder().with_size(egui::vec2(1280.0, 1000.0)).build_state(|ctx, app: &mut MirrorcueApp| app.ui(ctx), app)
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

fn step_until(
    h: &mut Harness<'static, MirrorcueApp>,
    what: &str,
    done: impl Fn(&mut Harness<'static, MirrorcueApp>) -> bool,
) {
    let start = Instant::now();
    while !done(h) {
        assert!(start.elapsed() < Duration::from_secs(30), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
}

#[test]
fn capture_a_target_and_edit_a_tolerance() {
    let mut h = harness();
    step_until(&mut h, "a pose", |h| h.state().current_pose().is_some());
    choose(&mut h, "Protocol", "New (capture the current posture)");
    h.step();
    assert!(h.state().protocol.is_some());
    for _ in 0..5 {
        click(&mut h, "Capture this posture as the target");
        if h.state().protocol.as_ref().is_some_and(|p| p.checkpoints.len() == 8) {
            break;
        }
    }
    let p = h.state().protocol.clone().unwrap();
    assert_eq!(p.checkpoints.len(), 8);
    let pose = h.state().current_pose().unwrap().clone();
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
        if h.state().protocol.as_ref().unwrap().checkpoints[0].tolerance != before {
            break;
        }
    }
    let after = h.state().protocol.as_ref().unwrap().checkpoints[0].tolerance;
    assert!((after - before * 1.25).abs() < 1e-4, "{before} -> {after}");
}

#[test]
fn a_cue_appears_on_the_patient_screen_when_out_of_tolerance() {
    let mut h = harness();
    step_until(&mut h, "a pose", |h| h.state().current_pose().is_some());
    choose(&mut h, "Protocol", "Squat: knee alignment and repetitions");
    assert_eq!(h.state().protocol.as_ref().unwrap().checkpoints.len(), 3);
    // The recorded squats take the knees out of their tolerance: a cue appears on the patient screen (the
    // single-window layout, which is the patient's screen with one monitor; the separate patient window shows the
    // same view content, but kittest does not expose immediate viewports' widgets).
    step_until(&mut h, "a cue", |h| h.query_by_label_contains("Cue: ").is_some());
    let cue = h.state().cue_display().expect("a cue");
    assert!(cue.text.contains("knee") || cue.text.contains("chest"), "{}", cue.text);
}
