//! Driving the app through its UI with egui_kittest: a harness without a camera, and clicks that wait for their
//! widget.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use mirrorcue::pose::EngineConfig;
use mirrorcue::ui::MirrorcueApp;
use mirrorcue::ui::settings::Settings;

/// The app without a camera, in a harness of 1280 × `height`.
pub fn harness(height: f32) -> Harness<'static, MirrorcueApp> {
    let app = MirrorcueApp::new(
        Settings::default(),
        EngineConfig::from_env().unwrap(),
        super::models(),
        Vec::new(), // no camera on this machine
    );
    Harness::builder().with_size(egui::vec2(1280.0, height)).build_state(|ctx, app: &mut MirrorcueApp| app.ui(ctx), app)
}

/// Clicks the widget labelled `label` once it is on screen (waiting up to 10 s, stepping the UI), then lets the UI
/// settle for a few frames.
pub fn click(h: &mut Harness<'static, MirrorcueApp>, label: &str) {
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
pub fn click_until(h: &mut Harness<'static, MirrorcueApp>, label: &str, done: impl Fn(&MirrorcueApp) -> bool) {
    for _ in 0..5 {
        click(h, label);
        if done(h.state()) {
            return;
        }
    }
    panic!("clicking {label:?} did not take effect");
}

/// Opens the combo box `combo` until its entry `item` shows (at most 5 tries), then clicks the entry.
pub fn choose(h: &mut Harness<'static, MirrorcueApp>, combo: &str, item: &str) {
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
pub fn step_until(h: &mut Harness<'static, MirrorcueApp>, what: &str, done: impl Fn(&MirrorcueApp) -> bool) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(start.elapsed() < Duration::from_secs(20), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
}

/// Steps the UI until `done` holds, with the harness at hand (to query widgets), for at most 30 s.
pub fn step_until_ui(
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
