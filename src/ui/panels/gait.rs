//! The gait panel: the target (step-time symmetry, a cadence range), how many steps the readout covers and the
//! patient's height; start and stop a walk; cadence and symmetry over the last steps, live; each walk's numbers
//! and its knee curves, left against right, over the last measured walk of an earlier session (dashed).

use egui::{RichText, Ui};
use egui_plot::{Legend, Line, LineStyle, Plot, PlotPoints};

use crate::gait::earlier::EarlierWalk;
use crate::gait::live::{GaitTarget, WalkResult};
use crate::paperwork::progress::format_value;
use crate::pose::Side;
use crate::ui::action::Action;
use crate::ui::gait::{GaitAction, readout_words};
use crate::ui::overlay::side_color;
use crate::ui::state::State;
use crate::ui::style;

/// Draws the gait panel.
pub fn show(ui: &mut Ui, state: &State) -> Vec<Action> {
    let mut out = Vec::new();
    let g = &state.gait;
    ui.label(RichText::new("Gait").strong());
    let mut setup = g.setup.clone();
    let running = g.is_running();
    ui.add_enabled_ui(!running, |ui| {
        ui.horizontal_wrapped(|ui| {
            let mut on = setup.target.max_asymmetry_pct.is_some();
            if ui
                .checkbox(&mut on, "Even steps")
                .on_hover_text("Cue a longer step on the side whose steps are shorter")
                .changed()
            {
                setup.target.max_asymmetry_pct = on.then_some(10.0);
            }
            if let Some(a) = setup.target.max_asymmetry_pct.as_mut() {
                ui.label("within ±");
                ui.add(egui::DragValue::new(a).range(1.0..=100.0).speed(0.5).suffix(" %"));
            }
        });
        ui.horizontal_wrapped(|ui| {
            let mut on = setup.target.cadence_steps_per_min.is_some();
            if ui.checkbox(&mut on, "Cadence").on_hover_text("Cue quicker or calmer steps outside this range").changed()
            {
                setup.target.cadence_steps_per_min = on.then_some((90.0, 120.0));
            }
            if let Some((lo, hi)) = setup.target.cadence_steps_per_min.as_mut() {
                ui.add(egui::DragValue::new(lo).range(20.0..=249.0).speed(1.0));
                ui.label("to");
                ui.add(egui::DragValue::new(hi).range(21.0..=250.0).speed(1.0).suffix(" steps/min"));
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("Over the last");
            ui.add(egui::DragValue::new(&mut setup.last_steps).range(2..=40).suffix(" steps"));
            let mut known = setup.height_cm.is_some();
            if ui.checkbox(&mut known, "Height").on_hover_text("Scales step length and speed").changed() {
                setup.height_cm = known.then_some(170.0);
            }
            if let Some(h) = setup.height_cm.as_mut() {
                ui.add(egui::DragValue::new(h).range(50.0..=250.0).speed(0.5).suffix(" cm"));
            }
        });
    });
    if setup != g.setup {
        out.push(Action::Gait(GaitAction::SetSetup(setup)));
    }
    ui.horizontal_wrapped(|ui| {
        if running {
            if ui.button("■ Stop walk").clicked() {
                out.push(Action::Gait(GaitAction::Stop));
            }
        } else if ui
            .button("▶ Start walk")
            .on_hover_text("The patient walks side-on to the camera (a walkway or a treadmill)")
            .clicked()
        {
            out.push(Action::Gait(GaitAction::Start));
        }
    });
    if let (Some(w), Some(r)) = (&g.walk, g.readout()) {
        ui.label(format!("Walking: {}", crate::units::format_seconds(w.elapsed_s())));
        ui.label(RichText::new(readout_words(r)).strong());
        if !r.walking && r.steps_total > 0 {
            ui.label(RichText::new("No step in the last 3 s: no cue until walking again").small());
        }
        if let Some(t) = g.cue_text() {
            ui.label(format!("Cue on the patient screen: {t}"));
        }
    }
    if let Some(m) = &g.message {
        ui.label(RichText::new(m).color(style::NOTICE));
    }
    if g.results.is_empty() {
        return out;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Walks:");
        for (i, r) in g.results.iter().enumerate() {
            let label = format!("{} ({})", i + 1, crate::units::format_seconds(r.duration_s));
            if ui.selectable_label(g.shown == Some(i), label).clicked() {
                out.push(Action::Gait(GaitAction::Show(i)));
            }
        }
    });
    if let Some(r) = g.shown.and_then(|i| g.results.get(i)) {
        result(ui, r, state.clinic.earlier_walk.as_ref());
    }
    out
}

/// One walk: its numbers, the cues shown, and the knee curves left against right, with an earlier session's walk
/// (when the patient has one) drawn dashed under them.
fn result(ui: &mut Ui, r: &WalkResult, earlier: Option<&EarlierWalk>) {
    target_line(ui, &r.setup.target);
    let a = match &r.analysis {
        Ok(a) => a,
        Err(why) => {
            ui.label(RichText::new(format!("No gait measures: {why}")).color(style::NOTICE));
            return;
        }
    };
    egui::Grid::new("gait-result").num_columns(2).show(ui, |ui| {
        for (name, side, value, unit) in r.measures() {
            ui.label(match side {
                Some(s) => format!("{name} ({})", s.name()),
                None => name.to_string(),
            });
            ui.label(format_value(value, unit));
            ui.end_row();
        }
    });
    for (text, n) in &r.cues {
        ui.label(format!("Cue \"{text}\": shown {}", crate::units::count(u64::from(*n), "time", "times")));
    }
    let Some(c) = &a.curves else { return };
    let knee = &c.knee_flexion;
    let points = |v: &[f64]| -> PlotPoints { v.iter().enumerate().map(|(i, y)| [i as f64, *y]).collect() };
    if let Some(e) = earlier {
        ui.label(RichText::new(format!("Dashed: {} (the last walk measured then)", e.label())).small());
    }
    Plot::new("gait-knee")
        .height(160.0)
        .legend(Legend::default())
        .x_axis_label("% of the gait cycle")
        .y_axis_label("knee flexion, °")
        .allow_scroll(false)
        .show(ui, |plot| {
            for side in [Side::Left, Side::Right] {
                if let Some(curve) = earlier.and_then(|e| e.curves.knee_flexion.side(side)) {
                    let name = format!("{}, {}", side.name(), earlier.map(EarlierWalk::label).unwrap_or_default());
                    let line = Line::new(name, points(&curve.mean_deg)).color(side_color(side).gamma_multiply(0.6));
                    plot.line(line.style(LineStyle::dashed_loose()));
                }
                if let Some(curve) = knee.side(side) {
                    let name = if earlier.is_some() { format!("{}, today", side.name()) } else { side.name().into() };
                    plot.line(Line::new(name, points(&curve.mean_deg)).color(side_color(side)));
                }
            }
        });
}

/// The target the walk was cued on, in words.
fn target_line(ui: &mut Ui, t: &GaitTarget) {
    let mut parts = Vec::new();
    if let Some(a) = t.max_asymmetry_pct {
        parts.push(format!("step-time symmetry within ±{} %", crate::units::fixed(a, 0)));
    }
    if let Some((lo, hi)) = t.cadence_steps_per_min {
        parts.push(format!("cadence {} to {} steps/min", crate::units::fixed(lo, 0), crate::units::fixed(hi, 0)));
    }
    if !parts.is_empty() {
        ui.label(RichText::new(format!("Target: {}", parts.join(", "))).small());
    }
}
