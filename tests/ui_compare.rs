//! Comparing in the app, driven through its UI with egui_kittest: a reference beside the live source, playing
//! together and following the movement, the ghost, delayed feedback, and recording a reference in the app.

use crate::common;

use std::time::Duration;

use common::ui::{click, click_until, step_until, step_until_ui};
use egui_kittest::kittest::{NodeT, Queryable};
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
    click_until(&mut h, "⏺ Record", |a| a.state.record.is_recording());
    step_until(&mut h, "frames recorded", |a| a.state.record.status().frames >= 5);
    click_until(&mut h, "■ Stop recording", |a| !a.state.record.is_recording());
    let rec = h.state().state.record.last_recording().map(|p| p.to_path_buf()).expect("a recording folder");
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
    // Named by its folder and the date it was made, not by the video file inside it.
    let caption = h.state().state.compare.caption();
    let folder = rec.file_name().unwrap().to_string_lossy().into_owned();
    assert!(caption.contains(&folder) && caption.contains("UTC") && !caption.contains("video.mp4"), "{caption:?}");
}

/// The text of the first widget whose label contains `part` (a plain label's text is its accessible value).
fn label_containing(h: &egui_kittest::Harness<'static, mirrorcue::ui::MirrorcueApp>, part: &str) -> Option<String> {
    let node = h.query_by_label_contains(part)?;
    let node = node.accesskit_node();
    node.label().or_else(|| node.value())
}

/// The first number in `text` followed by `unit` ("Recorded 20.3 s" → 20.3 with unit " s").
fn number_before(text: &str, unit: &str) -> Option<f64> {
    let end = text.find(unit)?;
    let start = text[..end].rfind(|c: char| !(c.is_ascii_digit() || c == '.')).map_or(0, |i| i + 1);
    text[start..end].parse().ok()
}

#[test]
fn defect_18_the_reference_pane_faces_the_way_the_patient_pane_does() {
    let mut h = common::ui::harness(2400.0);
    step_until(&mut h, "a frame", |a| a.current_view().is_some());
    click_until(&mut h, "Compare side by side", |a| a.state.compare.on);
    h.state_mut().queue(Action::FreezeReference);
    step_until(&mut h, "the reference pane", |a| a.state.compare.pane.view.is_some() && a.state.compare.two_panes());
    // The patient's pane is mirrored by default: the reference (here the patient's own frozen frame) too.
    let flips =
        |a: &mirrorcue::ui::MirrorcueApp| (a.current_view().unwrap().flip, a.state.compare.pane.view.unwrap().flip);
    assert_eq!(flips(h.state()), (true, true), "patient pane and reference pane flips");
    // The camera's view: both as recorded.
    h.state_mut().queue(Action::SetMirror(mirrorcue::view::MirrorMode::Off));
    step_until(&mut h, "both panes unflipped", |a| flips(a) == (false, false));
    // The other side keeps the opposite flip.
    click_until(&mut h, "Other side", |a| a.state.compare.session.kind == ReferenceKind::OtherSide);
    step_until(&mut h, "the other side flipped", |a| flips(a) == (false, true));
}

#[test]
fn defect_17_the_match_badge_agrees_with_the_joint_table_and_is_not_given_against_oneself() {
    let mut h = common::ui::harness(2400.0);
    step_until(&mut h, "a frame", |a| a.current_view().is_some());
    click_until(&mut h, "Compare side by side", |a| a.state.compare.on);
    h.state_mut().queue(Action::FreezeReference);
    step_until_ui(&mut h, "the match score", |h| h.query_by_label_contains("Match ").is_some());
    // The squats move against the frozen frame: on every frame the badge is the mean of the table's joints.
    let mut checked = 0;
    for _ in 0..40 {
        std::thread::sleep(Duration::from_millis(30));
        h.step();
        let (Some(badge), Some(table)) =
            (label_containing(&h, "Match "), h.state().state.compare.session.scores().cloned())
        else {
            continue;
        };
        let shown: Vec<f64> = table.joints.iter().filter_map(|(_, v)| v.map(|v| (v as f64 * 100.0).round())).collect();
        let mean = shown.iter().sum::<f64>() / shown.len().max(1) as f64;
        let pct = number_before(&badge, "%").expect("a percentage in the badge");
        assert!((pct - mean).abs() <= 1.0, "badge {badge:?} against the table's joints {shown:?} (mean {mean:.1})");
        checked += 1;
    }
    assert!(checked >= 10, "the badge and the table were shown together on {checked} frames");
    // The patient against themselves a few seconds ago: no match score.
    click_until(&mut h, "Delayed", |a| a.state.compare.session.kind == ReferenceKind::Delayed);
    step_until(&mut h, "the delay filled", |a| a.state.compare.session.delay.span_s() >= 3.2);
    for _ in 0..5 {
        h.step();
    }
    assert_eq!(label_containing(&h, "Match "), None, "a match score against the patient's own image");
}

#[test]
fn defects_16_and_23_recording_a_looping_file_says_its_true_length_and_the_patient_sees_rec() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = common::ui::harness(2400.0);
    h.state_mut().state.settings.recordings_dir = Some(dir.path().to_path_buf());
    step_until(&mut h, "a frame", |a| a.current_view().is_some());
    assert_eq!(label_containing(&h, "REC"), None, "no recording indicator before recording");
    click_until(&mut h, "⏺ Record", |a| a.state.record.is_recording());
    let start = std::time::Instant::now();
    step_until_ui(&mut h, "the recording indicator on the patient's pane", |h| {
        h.query_by_label_contains("REC").is_some()
    });
    // The bundled recording lasts about 3.5 s and loops: record 7 s of it.
    while start.elapsed() < Duration::from_secs(7) {
        std::thread::sleep(Duration::from_millis(30));
        h.step();
    }
    let rec = label_containing(&h, "REC").unwrap();
    let shown = number_before(&rec, " s").unwrap_or_else(|| panic!("the elapsed time in {rec:?}"));
    assert!(shown >= 4.0, "the indicator says {rec:?} after 7 s");
    click_until(&mut h, "■ Stop recording", |a| !a.state.record.is_recording());
    let elapsed = start.elapsed().as_secs_f64();
    step_until_ui(&mut h, "the recorded message", |h| h.query_by_label_contains("Recorded ").is_some());
    let msg = label_containing(&h, "Recorded ").unwrap();
    let said = number_before(&msg, " s").unwrap_or_else(|| panic!("a length in {msg:?}"));
    assert!(said >= 5.0 && said <= elapsed + 0.5, "{msg:?} for a recording of {elapsed:.1} s");
    assert_eq!(label_containing(&h, "REC"), None, "the indicator goes with the recording");
}

#[test]
fn defect_22_one_above_the_other_keeps_portrait_pictures_usable() {
    use mirrorcue::ui::screen::{panes, patient::fit};
    use mirrorcue::ui::settings::Layout;
    // The therapist's preview beside the controls, and a full-screen patient screen.
    for avail in [
        egui::Rect::from_min_size(egui::pos2(340.0, 0.0), egui::vec2(940.0, 800.0)),
        egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1920.0, 1080.0)),
    ] {
        let portrait = 720.0 / 1280.0;
        let (a, b, _) = panes::arrange(avail, Layout::Stacked, (portrait, portrait));
        for r in [a, b] {
            let picture = fit(r, portrait);
            assert!(r.intersect(avail) == r, "{r:?} outside {avail:?}");
            assert!(picture.height() >= 0.6 * avail.height(), "a {picture:?} picture in {avail:?}");
        }
        assert!(!a.intersects(b.shrink(1.0)), "the panes overlap: {a:?} {b:?}");
        // Landscape pictures stay one above the other, as asked.
        let landscape = 16.0 / 9.0;
        assert_eq!(panes::arrange(avail, Layout::Stacked, (landscape, landscape)).2, Layout::Stacked);
        assert_eq!(panes::arrange(avail, Layout::SideBySide, (landscape, landscape)).2, Layout::SideBySide);
    }
}

#[test]
fn defect_19_captions_fit_their_pane_and_the_repetition_line_stays_short() {
    use mirrorcue::ui::screen::panes;
    let ctx = egui::Context::default();
    let _ = ctx.run(egui::RawInput::default(), |_| {});
    let long = "Reference: recording-2026-11-30_14-05-09_UTC (2026-11-30 14:05 UTC, 20.0 s) · 12.3 s · following your movement";
    for (width, large) in [(220.0, false), (400.0, true), (90.0, false)] {
        let fitted = panes::fit_caption(&ctx, long, width, large);
        let size = if large { 13.0 * 1.4 } else { 13.0 };
        let w = ctx.fonts_mut(|f| {
            f.layout_no_wrap(fitted.clone(), egui::FontId::proportional(size), egui::Color32::WHITE).size().x
        });
        assert!(w <= width, "{fitted:?} is {w} wide in {width}");
        assert!(fitted.ends_with('…') && fitted.starts_with("Ref"), "{fitted:?}");
    }
    assert_eq!(panes::fit_caption(&ctx, "Your other side", 220.0, false), "Your other side");
    // Fifty repetitions: the line names the last few, not all fifty.
    let reps: Vec<f32> = (0..50).map(|i| 0.5 + i as f32 / 100.0).collect();
    let line = mirrorcue::ui::panels::compare::repetition_line(&reps).unwrap();
    assert!(line.chars().count() <= 90, "{line:?}");
    assert!(line.contains("#50 99%") && line.contains("50"), "{line:?}");
    assert_eq!(mirrorcue::ui::panels::compare::repetition_line(&[]), None);
}
