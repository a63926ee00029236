//! Comparing in the app, driven through its UI with egui_kittest: a reference beside the live source, playing
//! together and following the movement, the ghost, delayed feedback, and recording a reference in the app.

mod common;

use std::time::Duration;

use common::ui::{click, click_until, step_until, step_until_ui};
use egui_kittest::kittest::Queryable;
use mirrorcue::compare::{ReferenceKind, SyncMode};
use mirrorcue::ui::Action;

#[test]
fn a_reference_beside_the_live_source_plays_together_and_follows_with_a_ghost() {
    let mut h = common::ui::harness(2400.0);
    step_until(&mut h, "a frame", |a| a.current_view().is_some());
    click_until(&mut h, "Compare side by side", |a| a.state.compare.on);
    // Open a reference (what the file dialog hands over).
    let clip = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    h.state_mut().queue(Action::OpenReference(clip));
    step_until(&mut h, "the reference to load", |a| a.state.compare.session.clip.is_some());
    {
        let c = h.state().state.compare.session.clip.as_ref().unwrap();
        assert_eq!(c.len(), 120);
        assert!(c.frames.iter().filter(|f| f.pose.is_some()).count() >= 110, "poses on the reference frames");
    }
    step_until(&mut h, "the reference pane", |a| a.state.compare.pane.view.is_some() && a.state.compare.two_panes());

    // Play together: the reference keeps the patient's time from the moment it was pressed.
    click_until(&mut h, "Play together", |a| a.state.compare.session.sync == SyncMode::Together);
    let mut pairs = Vec::new();
    let start = std::time::Instant::now();
    while pairs.len() < 8 && start.elapsed() < Duration::from_secs(20) {
        let before = h.state().state.current_frame().map(|f| f.index);
        std::thread::sleep(Duration::from_millis(30));
        h.step();
        let a = h.state();
        if let Some(f) = a.state.current_frame()
            && Some(f.index) != before
        {
            pairs.push((f.time_s, a.state.compare.session.transport.position_s));
        }
    }
    assert!(pairs.len() >= 4, "{pairs:?}");
    let (t0, p0) = pairs[1];
    for &(t, p) in &pairs[2..] {
        // (Until the reference's end, where it loops.)
        if p > p0 {
            assert!(((p - p0) - (t - t0)).abs() < 0.04, "reference {p} at patient {t}: {pairs:?}");
        }
    }

    // Follow the movement: the reference is positioned by dynamic time warping on the patient's angles.
    click_until(&mut h, "Follow movement", |a| a.state.compare.session.sync == SyncMode::Movement);
    step_until(&mut h, "a few followed frames", |a| a.state.compare.session.scores().is_some());

    // The ghost: off, then on again, and drawn over the patient.
    let ghost = "Ghost: the reference skeleton over the patient";
    click_until(&mut h, ghost, |a| !a.state.settings.ghost);
    assert!(h.state().ghost().is_none());
    click_until(&mut h, ghost, |a| a.state.settings.ghost);
    step_until(&mut h, "the ghost", |a| a.ghost().is_some());
    step_until_ui(&mut h, "the match score on the patient's pane", |h| h.query_by_label_contains("Match ").is_some());

    // Slow motion on its own transport, and the layout.
    click_until(&mut h, "On its own", |a| a.state.compare.session.sync == SyncMode::Free);
    click_until(&mut h, "One above the other", |a| {
        a.state.settings.compare_layout == mirrorcue::ui::settings::Layout::Stacked
    });
    click_until(&mut h, "⏸ Pause reference", |a| !a.state.compare.session.transport.playing);
    let at = h.state().state.compare.session.reference_index().unwrap();
    click(&mut h, "Frame ▶");
    assert_eq!(h.state().state.compare.session.reference_index(), Some(at + 1));
}

#[test]
fn a_delay_shows_the_patient_seconds_later_and_can_be_scrubbed() {
    let mut h = common::ui::harness(2400.0);
    step_until(&mut h, "a frame", |a| a.current_view().is_some());
    click_until(&mut h, "Compare side by side", |a| a.state.compare.on);
    click_until(&mut h, "Delayed", |a| a.state.compare.session.kind == ReferenceKind::Delayed);
    // 3 s by default; two clicks make it 1 s.
    click(&mut h, "−1 s");
    click_until(&mut h, "−1 s", |a| a.state.compare.session.delay_s <= 1.0);
    assert_eq!(h.state().state.compare.session.delay_s, 1.0);
    step_until(&mut h, "a second in the buffer", |a| a.state.compare.session.delay.span_s() >= 1.2);
    {
        let a = h.state();
        let newest = a.state.current_frame().unwrap().time_s;
        let (shown, _) = a.state.compare.session.reference().unwrap();
        // The bundled recording runs at 5 frames a second: within one frame of a second late.
        assert!((newest - shown.time_s - 1.0).abs() <= 0.21, "newest {newest}, shown {}", shown.time_s);
        assert!(a.state.compare.session.delay.bytes() <= a.state.compare.session.delay.max_bytes());
    }
    // The memory limit the therapist set (32 MiB: 12 of these 720 × 1280 frames) holds once the buffer is full.
    h.state_mut().state.settings.delay_memory_mb = 32;
    step_until(&mut h, "a full buffer", |a| a.state.compare.session.delay.len() >= 12);
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(50));
        h.step();
        let d = &h.state().state.compare.session.delay;
        assert!(d.bytes() <= 32 << 20 && d.len() <= 12, "{} bytes in {} frames", d.bytes(), d.len());
    }
    click_until(&mut h, "Show the delayed image instead of live", |a| a.state.compare.delayed_instead());
    assert!(!h.state().state.compare.two_panes(), "one pane, delayed");
    click_until(&mut h, "Pause and scrub the replay", |a| a.state.compare.session.delay_scrub.is_some());
    let held = h.state().state.compare.session.delay.len();
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..5 {
        h.step();
    }
    assert_eq!(h.state().state.compare.session.delay.len(), held, "the replay holds still while scrubbing");
}

#[test]
fn a_recording_made_in_the_app_becomes_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = common::ui::harness(2400.0);
    h.state_mut().state.settings.recordings_dir = Some(dir.path().to_path_buf());
    step_until(&mut h, "a frame", |a| a.current_view().is_some());
    click_until(&mut h, "● Record", |a| a.state.compare.recorder.is_some());
    step_until(&mut h, "frames recorded", |a| a.state.compare.recorder.as_ref().is_some_and(|r| r.frames() >= 5));
    click_until(&mut h, "■ Stop recording", |a| a.state.compare.recorder.is_none());
    let rec = h.state().state.compare.last_recording.clone().expect("a recording folder");
    let m = mirrorcue::recording::read_manifest(&rec).expect("manifest");
    assert!(m.complete && m.frames >= 5, "{m:?}");
    assert!(rec.join("events.jsonl").exists());
    click_until(&mut h, "Use the last recording as reference", |a| {
        a.state.compare.loading.is_some() || a.state.compare.session.clip.is_some()
    });
    step_until(&mut h, "the recording as reference", |a| a.state.compare.session.clip.is_some());
    let c = h.state().state.compare.session.clip.as_ref().unwrap();
    assert_eq!(c.len() as u64, m.frames);
    assert!(c.note.as_deref().unwrap_or("").contains("poses from the recording"), "{:?}", c.note);
}
