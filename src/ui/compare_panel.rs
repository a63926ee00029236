//! The therapist's comparison controls: what the second pane shows, how it keeps time, the ghost, the scores, the
//! delay and recording.

use egui::{Color32, RichText, Ui};

use super::app::MirrorcueApp;
use super::compare::Layout;
use crate::compare::session::{MAX_DELAY_S, MIN_SPEED};
use crate::compare::{ReferenceKind, SyncMode};
use crate::view::MirrorMode;

/// Draws the comparison section.
pub fn show(ui: &mut Ui, app: &mut MirrorcueApp) {
    ui.label(RichText::new("Compare").strong());
    ui.checkbox(&mut app.compare.on, "Compare side by side");
    recording_row(ui, app);
    if let Some(m) = app.compare.message.clone() {
        ui.horizontal_wrapped(|ui| ui.label(RichText::new(m).color(Color32::from_rgb(250, 200, 90))));
    }
    if !app.compare.on {
        return;
    }
    let mut kind = app.compare.session.kind;
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut kind, ReferenceKind::Clip, "Reference clip");
        ui.selectable_value(&mut kind, ReferenceKind::OtherSide, "Other side");
        ui.selectable_value(&mut kind, ReferenceKind::Delayed, "Delayed");
    });
    app.compare.session.set_kind(kind);
    ui.horizontal(|ui| {
        ui.label("Layout:");
        ui.selectable_value(&mut app.settings.compare_layout, Layout::SideBySide, "Side by side");
        ui.selectable_value(&mut app.settings.compare_layout, Layout::Stacked, "One above the other");
    });
    match kind {
        ReferenceKind::Clip => clip_controls(ui, app),
        ReferenceKind::OtherSide => other_side(ui, app),
        ReferenceKind::Delayed => delay_controls(ui, app),
    }
    if kind != ReferenceKind::Delayed || !app.compare.delay_instead {
        ui.checkbox(&mut app.settings.ghost, "Ghost: the reference skeleton over the patient");
        scores(ui, app);
    }
}

fn recording_row(ui: &mut Ui, app: &mut MirrorcueApp) {
    ui.horizontal_wrapped(|ui| {
        if let Some(r) = &app.compare.recorder {
            let frames = r.frames();
            if ui.button(RichText::new("■ Stop recording").color(Color32::from_rgb(240, 90, 80))).clicked() {
                app.toggle_recording();
            }
            ui.label(format!("{frames} frames"));
        } else {
            if ui.button("● Record").on_hover_text("Record the video and poses into a new folder").clicked() {
                app.toggle_recording();
            }
            if let Some(dir) = app.compare.last_recording.clone()
                && ui.button("Use the last recording as reference").clicked()
            {
                app.request_reference(dir);
            }
        }
    });
}

fn clip_controls(ui: &mut Ui, app: &mut MirrorcueApp) {
    ui.horizontal_wrapped(|ui| {
        if ui.button("Open reference…").on_hover_text("A video file").clicked() {
            app.open_reference_dialog(false);
        }
        if ui.button("Open reference folder…").on_hover_text("A mirrorcue recording or an image folder").clicked() {
            app.open_reference_dialog(true);
        }
        if ui.button("Squat demonstration").on_hover_text("The recording shipped with mirrorcue").clicked() {
            app.request_reference(crate::assets::bundled_recording());
        }
        if ui.button("Freeze this frame").clicked() {
            app.freeze_reference();
        }
    });
    if app.compare.loading.is_some() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Loading the reference…");
            if ui.small_button("Cancel").clicked() {
                app.compare.loading = None;
            }
        });
    }
    let Some(duration) = app.compare.session.clip.as_ref().map(|c| c.duration_s()) else { return };
    let s = &mut app.compare.session;
    let mut sync = s.sync;
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut sync, SyncMode::Free, "On its own");
        ui.selectable_value(&mut sync, SyncMode::Together, "Play together")
            .on_hover_text("Start the reference (from its marked moment) together with the patient");
        ui.selectable_value(&mut sync, SyncMode::Movement, "Follow movement")
            .on_hover_text("The reference keeps pace with the patient's movement, even when slower");
    });
    if sync != s.sync {
        match sync {
            SyncMode::Free => s.play_free(),
            SyncMode::Together => {
                s.play_together();
                // Two recordings play together from their starts.
                if app.is_recording()
                    && let Some(p) = &app.pipeline
                {
                    p.restart();
                }
            }
            SyncMode::Movement => s.follow_movement(),
        }
    }
    let s = &mut app.compare.session;
    ui.horizontal(|ui| {
        if ui.button("◀ Frame").clicked() {
            s.step(-1);
        }
        if s.transport.playing && s.sync == SyncMode::Free {
            if ui.button("⏸ Pause reference").clicked() {
                s.set_playing(false);
            }
        } else if ui.button("▶ Play reference").clicked() {
            s.play_free();
            s.set_playing(true);
        }
        if ui.button("Frame ▶").clicked() {
            s.step(1);
        }
    });
    // (Clamped first: the slider reports a value it had to clamp as a change.)
    let mut pos = s.transport.position_s.clamp(0.0, duration);
    let r = ui.add(egui::Slider::new(&mut pos, 0.0..=duration.max(0.001)).text("s").fixed_decimals(2));
    // Only the therapist's own moves scrub (the slider may also round or clamp the value it shows).
    if r.changed() && (r.dragged() || r.clicked() || r.has_focus()) {
        s.scrub(pos / duration.max(0.001));
    }
    let mut speed = s.transport.speed;
    if ui
        .add(egui::Slider::new(&mut speed, MIN_SPEED..=1.0).text("Replay speed").fixed_decimals(1))
        .on_hover_text("Slow motion for the reference (0.1× to 1×)")
        .changed()
    {
        s.set_speed(speed);
    }
    ui.horizontal_wrapped(|ui| {
        if ui.button("Mark this moment").on_hover_text("\"Play together\" starts the reference here").clicked() {
            s.mark();
        }
        if ui.button("Loop reference from here").clicked() {
            s.set_section_edge(true);
        }
        if ui.button("Loop reference to here").clicked() {
            s.set_section_edge(false);
        }
        if s.transport.section.is_some() && ui.button("Whole clip").clicked() {
            s.clear_section();
        }
    });
    let mut info = Vec::new();
    if let Some(m) = s.mark_s {
        info.push(format!("mark {m:.2} s"));
    }
    if let Some((a, b)) = s.transport.section {
        info.push(format!("looping {a:.2}–{b:.2} s"));
    }
    if !info.is_empty() {
        ui.label(RichText::new(info.join(" · ")).small());
    }
    ui.horizontal(|ui| {
        ui.label("Reference view:");
        ui.selectable_value(&mut app.compare.reference_mirror, MirrorMode::Off, "As recorded");
        ui.selectable_value(&mut app.compare.reference_mirror, MirrorMode::Mirror, "Mirrored");
    });
}

fn other_side(ui: &mut Ui, app: &mut MirrorcueApp) {
    ui.label(
        RichText::new("The second pane shows the patient flipped, so each side can be seen as the other.").small(),
    );
    let rom = app.compare.session.range_of_motion();
    egui::Grid::new("rom").num_columns(4).striped(true).show(ui, |ui| {
        ui.label("Range");
        ui.label("Left");
        ui.label("Right");
        ui.label("Alike");
        ui.end_row();
        let fmt = |r: Option<(f32, f32)>| r.map(|(a, b)| format!("{a:.0}–{b:.0}°")).unwrap_or_else(|| "—".into());
        for r in rom {
            ui.label(&r.joint);
            ui.label(fmt(r.left));
            ui.label(fmt(r.right));
            ui.label(r.symmetry.map(|s| format!("{:.0}%", s * 100.0)).unwrap_or_else(|| "—".into()));
            ui.end_row();
        }
    });
    if ui.small_button("Start the ranges again").clicked() {
        app.compare.session.reset_scores();
    }
}

fn delay_controls(ui: &mut Ui, app: &mut MirrorcueApp) {
    let s = &mut app.compare.session;
    let mut delay = s.delay_s;
    ui.horizontal(|ui| {
        if ui.button("−1 s").clicked() {
            delay -= 1.0;
        }
        ui.add(egui::Slider::new(&mut delay, 0.0..=MAX_DELAY_S).text("Delay, s").fixed_decimals(0));
        if ui.button("+1 s").clicked() {
            delay += 1.0;
        }
    });
    s.set_delay(delay);
    ui.checkbox(&mut app.compare.delay_instead, "Show the delayed image instead of live");
    let s = &mut app.compare.session;
    let mut scrubbing = s.delay_scrub.is_some();
    if ui.checkbox(&mut scrubbing, "Pause and scrub the replay").changed() {
        s.delay_scrub = scrubbing.then_some(1.0);
    }
    if let Some(mut x) = s.delay_scrub
        && ui.add(egui::Slider::new(&mut x, 0.0..=1.0).text("Replay position").show_value(false)).changed()
    {
        s.delay_scrub = Some(x);
    }
    let mut mb = app.settings.delay_memory_mb;
    ui.add(egui::Slider::new(&mut mb, 16..=8192).logarithmic(true).text("Memory limit, MB"))
        .on_hover_text("About 83 MB per second of 1280×720 at 30 fps; the delay is shortened to fit");
    app.settings.delay_memory_mb = mb;
    let s = &mut app.compare.session;
    s.delay.set_max_bytes(mb as usize * (1 << 20));
    let (held, bytes, max) = (s.delay.span_s(), s.delay.bytes(), s.delay.max_bytes());
    ui.label(
        RichText::new(format!(
            "Holding {held:.1} s ({} of {} MB).{}",
            bytes >> 20,
            max >> 20,
            if held + 0.5 < s.delay_s && bytes * 10 >= max * 9 { " The memory limit shortens the delay." } else { "" }
        ))
        .small(),
    );
}

fn scores(ui: &mut Ui, app: &mut MirrorcueApp) {
    let s = &app.compare.session;
    let Some(sc) = s.scores() else { return };
    ui.label(RichText::new("Similarity (joint angles; 100% = the same angle, 50% = 45° apart)").small());
    egui::Grid::new("similarity").num_columns(2).striped(true).show(ui, |ui| {
        for (name, v) in &sc.joints {
            ui.label(name);
            match v {
                Some(v) if *v < 0.8 => {
                    ui.label(RichText::new(format!("{:.0}%", v * 100.0)).color(Color32::from_rgb(240, 110, 90)))
                }
                Some(v) => ui.label(format!("{:.0}%", v * 100.0)),
                None => ui.label("—"),
            };
            ui.end_row();
        }
    });
    if let Some(o) = s.smoothed_overall() {
        ui.label(RichText::new(format!("Overall {:.0}%", o * 100.0)).strong());
    }
    if !s.reps.is_empty() {
        let list: Vec<String> =
            s.reps.iter().enumerate().map(|(i, r)| format!("#{} {:.0}%", i + 1, r * 100.0)).collect();
        ui.label(format!("Per repetition: {}", list.join(", ")));
    }
}
