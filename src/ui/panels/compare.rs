//! The compare panel: what the second pane shows, how it keeps time, the ghost, the scores and the delay.

use egui::{RichText, Ui};

use crate::compare::session::{MAX_DELAY_S, MIN_SPEED};
use crate::compare::{ReferenceKind, SyncMode};
use crate::ui::action::{Action, DialogTarget};
use crate::ui::compare::CompareAction as C;
use crate::ui::settings::Layout;
use crate::ui::state::State;
use crate::ui::style;
use crate::view::MirrorMode;

/// Draws the compare panel (with the record row).
pub fn show(ui: &mut Ui, state: &State) -> Vec<Action> {
    let mut out = Vec::new();
    let compare = &state.compare;
    ui.label(RichText::new("Compare").strong());
    let mut on = compare.on;
    if ui.checkbox(&mut on, "Compare side by side").changed() {
        out.push(Action::Compare(C::SetOn(on)));
    }
    out.extend(super::record::show(ui, state));
    if let Some(m) = &compare.message {
        ui.horizontal_wrapped(|ui| ui.label(RichText::new(m).color(style::NOTICE)));
    }
    if !compare.on {
        return out;
    }
    let mut kind = compare.session.kind;
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut kind, ReferenceKind::Clip, "Reference clip");
        ui.selectable_value(&mut kind, ReferenceKind::OtherSide, "Other side");
        ui.selectable_value(&mut kind, ReferenceKind::Delayed, "Delayed");
    });
    if kind != compare.session.kind {
        out.push(Action::Compare(C::SetKind(kind)));
    }
    let mut layout = state.settings.compare_layout;
    ui.horizontal(|ui| {
        ui.label("Layout:");
        ui.selectable_value(&mut layout, Layout::SideBySide, "Side by side");
        ui.selectable_value(&mut layout, Layout::Stacked, "One above the other");
    });
    if layout != state.settings.compare_layout {
        out.push(Action::SetCompareLayout(layout));
    }
    let (w, h) = state.frame_size();
    if layout == Layout::Stacked && w < h {
        ui.label(RichText::new("Portrait pictures too small one above the other are shown side by side.").small());
    }
    match kind {
        ReferenceKind::Clip => clip_controls(ui, state, &mut out),
        ReferenceKind::OtherSide => other_side(ui, state, &mut out),
        ReferenceKind::Delayed => delay_controls(ui, state, &mut out),
    }
    if kind != ReferenceKind::Delayed || !compare.delay_instead {
        let mut ghost = state.settings.ghost;
        if ui.checkbox(&mut ghost, "Ghost: the reference skeleton over the patient").changed() {
            out.push(Action::SetGhost(ghost));
        }
    }
    if kind == ReferenceKind::Delayed {
        ui.label(
            RichText::new("No match score: the patient against their own image a few seconds ago says nothing.")
                .small(),
        );
    } else {
        scores(ui, state);
    }
    out
}

fn clip_controls(ui: &mut Ui, state: &State, out: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        if ui.button("Open reference…").on_hover_text("A video file").clicked() {
            out.push(Action::OpenFileDialog { target: DialogTarget::Reference, folder: false });
        }
        if ui.button("Open reference folder…").on_hover_text("A mirrorcue recording or an image folder").clicked() {
            out.push(Action::OpenFileDialog { target: DialogTarget::Reference, folder: true });
        }
        if ui.button("Squat demonstration").on_hover_text("The recording shipped with mirrorcue").clicked() {
            out.push(Action::OpenReference(crate::assets::bundled_recording()));
        }
        if ui.button("Freeze this frame").clicked() {
            out.push(Action::FreezeReference);
        }
    });
    if state.compare.loading.is_some() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Loading the reference…");
            if ui.small_button("Cancel").clicked() {
                out.push(Action::Compare(C::CancelLoad));
            }
        });
    }
    let s = &state.compare.session;
    let Some(duration) = s.clip.as_ref().map(|c| c.duration_s()) else { return };
    let mut sync = s.sync;
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut sync, SyncMode::Free, "On its own");
        ui.selectable_value(&mut sync, SyncMode::Together, "Play together")
            .on_hover_text("Start the reference (from its marked moment) together with the patient");
        ui.selectable_value(&mut sync, SyncMode::Movement, "Follow movement")
            .on_hover_text("The reference keeps pace with the patient's movement, even when slower");
    });
    if sync != s.sync {
        out.push(Action::SetSync(sync));
    }
    ui.horizontal(|ui| {
        if ui.button("◀ Frame").clicked() {
            out.push(Action::Compare(C::Step(-1)));
        }
        if s.transport.playing && s.sync == SyncMode::Free {
            if ui.button("⏸ Pause reference").clicked() {
                out.push(Action::Compare(C::SetPlaying(false)));
            }
        } else if ui.button("▶ Play reference").clicked() {
            out.push(Action::Compare(C::PlayFree));
        }
        if ui.button("Frame ▶").clicked() {
            out.push(Action::Compare(C::Step(1)));
        }
    });
    // (Clamped first: the slider reports a value it had to clamp as a change.)
    let mut pos = s.transport.position_s.clamp(0.0, duration);
    let r = ui.add(egui::Slider::new(&mut pos, 0.0..=duration.max(0.001)).text("s").fixed_decimals(2));
    // Only the therapist's own moves scrub (the slider may also round or clamp the value it shows).
    if r.changed() && (r.dragged() || r.clicked() || r.has_focus()) {
        out.push(Action::Compare(C::Scrub(pos / duration.max(0.001))));
    }
    let mut speed = s.transport.speed;
    if ui
        .add(egui::Slider::new(&mut speed, MIN_SPEED..=1.0).text("Replay speed").fixed_decimals(1))
        .on_hover_text("Slow motion for the reference (0.1× to 1×)")
        .changed()
    {
        out.push(Action::Compare(C::SetSpeed(speed)));
    }
    ui.horizontal_wrapped(|ui| {
        if ui.button("Mark this moment").on_hover_text("\"Play together\" starts the reference here").clicked() {
            out.push(Action::Compare(C::Mark));
        }
        if ui.button("Loop reference from here").clicked() {
            out.push(Action::Compare(C::SetSectionEdge(true)));
        }
        if ui.button("Loop reference to here").clicked() {
            out.push(Action::Compare(C::SetSectionEdge(false)));
        }
        if s.transport.section.is_some() && ui.button("Whole clip").clicked() {
            out.push(Action::Compare(C::ClearSection));
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
    ui.label(
        RichText::new(if state.settings.mirror == MirrorMode::Off {
            "The reference is shown as recorded, as the patient's pane is."
        } else {
            "The reference is mirrored, as the patient's pane is."
        })
        .small(),
    );
}

fn other_side(ui: &mut Ui, state: &State, out: &mut Vec<Action>) {
    ui.label(
        RichText::new("The second pane shows the patient flipped, so each side can be seen as the other.").small(),
    );
    let rom = state.compare.session.range_of_motion();
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
        out.push(Action::Compare(C::ResetScores));
    }
}

fn delay_controls(ui: &mut Ui, state: &State, out: &mut Vec<Action>) {
    let s = &state.compare.session;
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
    if delay != s.delay_s {
        out.push(Action::Compare(C::SetDelay(delay)));
    }
    let mut instead = state.compare.delay_instead;
    if ui.checkbox(&mut instead, "Show the delayed image instead of live").changed() {
        out.push(Action::Compare(C::SetDelayInstead(instead)));
    }
    let mut scrubbing = s.delay_scrub.is_some();
    if ui.checkbox(&mut scrubbing, "Pause and scrub the replay").changed() {
        out.push(Action::Compare(C::SetDelayScrub(scrubbing.then_some(1.0))));
    }
    if let Some(mut x) = s.delay_scrub
        && ui.add(egui::Slider::new(&mut x, 0.0..=1.0).text("Replay position").show_value(false)).changed()
    {
        out.push(Action::Compare(C::SetDelayScrub(Some(x))));
    }
    let mut mb = state.settings.delay_memory_mb;
    ui.add(egui::Slider::new(&mut mb, 16..=8192).logarithmic(true).text("Memory limit, MB"))
        .on_hover_text("About 83 MB per second of 1280×720 at 30 fps; the delay is shortened to fit");
    if mb != state.settings.delay_memory_mb {
        out.push(Action::SetDelayMemory(mb));
    }
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

fn scores(ui: &mut Ui, state: &State) {
    let s = &state.compare.session;
    let Some(sc) = s.scores() else { return };
    ui.label(RichText::new("Similarity (joint angles; 100% = the same angle, 50% = 45° apart)").small());
    egui::Grid::new("similarity").num_columns(2).striped(true).show(ui, |ui| {
        for (name, v) in &sc.joints {
            ui.label(name);
            match v {
                Some(v) if *v < 0.8 => ui.label(RichText::new(format!("{:.0}%", v * 100.0)).color(style::PROBLEM)),
                Some(v) => ui.label(format!("{:.0}%", v * 100.0)),
                None => ui.label("—"),
            };
            ui.end_row();
        }
    });
    if let Some(o) = sc.overall {
        // The number on the patient's badge.
        ui.label(RichText::new(format!("Overall {:.0}% (the mean of the joints above)", o * 100.0)).strong());
    }
    if let Some(line) = repetition_line(&s.reps) {
        ui.label(line);
    }
}

/// How many repetitions the per-repetition line names (the newest).
pub const REPS_SHOWN: usize = 6;

/// The per-repetition line under the scores: the newest [`REPS_SHOWN`] repetitions ("Per repetition: #1 82%, #2
/// 88%", or "Last 6 of 23 repetitions: #18 80%, …"); `None` before the first.
pub fn repetition_line(reps: &[f32]) -> Option<String> {
    if reps.is_empty() {
        return None;
    }
    let first = reps.len().saturating_sub(REPS_SHOWN);
    let list: Vec<String> =
        reps.iter().enumerate().skip(first).map(|(i, r)| format!("#{} {:.0}%", i + 1, r * 100.0)).collect();
    Some(if first == 0 {
        format!("Per repetition: {}", list.join(", "))
    } else {
        format!("Last {REPS_SHOWN} of {} repetitions: {}", reps.len(), list.join(", "))
    })
}
