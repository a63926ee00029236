//! The balance panel: choose the test, its length, the target and the patient's height; start, stop and mark a
//! loss of balance; see each trial's stabilogram with its 95 % ellipse and its numbers, trial by trial.

use egui::{RichText, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoints, Points, Polygon};

use crate::balance::clinical::TestKind;
use crate::balance::live::{LiveResult, Phase, sensory_ratios, stabilogram_points};
use crate::paperwork::progress::format_value;
use crate::ui::action::Action;
use crate::ui::balance::BalanceAction;
use crate::ui::state::State;
use crate::ui::style;

/// Draws the balance panel.
pub fn show(ui: &mut Ui, state: &State) -> Vec<Action> {
    let mut out = Vec::new();
    let b = &state.balance;
    ui.label(RichText::new("Balance").strong());
    let mut setup = b.setup.clone();
    let running = b.is_running();
    ui.add_enabled_ui(!running, |ui| {
        ui.horizontal_wrapped(|ui| {
            for (kind, label) in [
                (TestKind::Quiet, "Quiet standing"),
                (TestKind::Romberg, "Romberg"),
                (TestKind::Tandem, "Tandem"),
                (TestKind::SingleLeg, "Single leg"),
            ] {
                if ui.selectable_label(setup.test == kind, label).clicked() {
                    setup.test = kind;
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut setup.eyes_closed, "Eyes closed")
                .on_hover_text("The camera cannot see it reliably: you confirm the condition");
            ui.checkbox(&mut setup.foam, "On foam").on_hover_text("mCTSIB conditions 3 and 4");
            ui.label("Length");
            ui.add(egui::DragValue::new(&mut setup.duration_s).range(5.0..=120.0).speed(1.0).suffix(" s"));
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("Target radius");
            ui.add(egui::DragValue::new(&mut setup.target_radius_cm).range(0.5..=20.0).speed(0.1).suffix(" cm"));
            let mut known = setup.height_cm.is_some();
            if ui.checkbox(&mut known, "Height").on_hover_text("Scales the sway to cm (needed without 3D)").changed() {
                setup.height_cm = known.then_some(170.0);
            }
            if let Some(h) = setup.height_cm.as_mut() {
                ui.add(egui::DragValue::new(h).range(50.0..=250.0).speed(0.5).suffix(" cm"));
            }
        });
    });
    if setup != b.setup {
        out.push(Action::Balance(BalanceAction::SetSetup(setup)));
    }
    ui.horizontal_wrapped(|ui| {
        if running {
            if ui.button("■ Stop trial").clicked() {
                out.push(Action::Balance(BalanceAction::Stop));
            }
            if ui.button("Mark loss of balance").on_hover_text("The patient stepped, grabbed or fell").clicked() {
                out.push(Action::Balance(BalanceAction::MarkLoss));
            }
        } else if ui.button("▶ Start trial").on_hover_text("A count-down, then the trial").clicked() {
            out.push(Action::Balance(BalanceAction::Start));
        }
    });
    drill(ui, state, &mut out);
    if let Some(t) = &b.trial {
        let text = match t.phase(b.now_s) {
            Phase::CountingDown(left) => format!("{}: starting in {:.0} s", t.setup().title(), left.ceil()),
            Phase::Running { elapsed_s, .. } => format!(
                "{}: {} of {}, {} marked",
                t.setup().title(),
                crate::units::format_seconds(elapsed_s),
                crate::units::format_seconds(t.setup().duration_s),
                crate::units::count(t.losses().len() as u64, "loss", "losses")
            ),
            Phase::Finished => String::new(),
        };
        ui.label(text);
    }
    if let Some(m) = &b.message {
        ui.label(RichText::new(m).color(style::NOTICE));
    }
    if b.results.is_empty() {
        return out;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Trials:");
        for (i, r) in b.results.iter().enumerate() {
            let label = format!("{} {}", i + 1, short(r));
            if ui.selectable_label(b.shown == Some(i), label).clicked() {
                out.push(Action::Balance(BalanceAction::Show(i)));
            }
        }
        if ui.small_button("Clear").on_hover_text("They stay in the session record").clicked() {
            out.push(Action::Balance(BalanceAction::Clear));
        }
    });
    ratios(ui, &b.results);
    if let Some(r) = b.shown.and_then(|i| b.results.get(i)) {
        result(ui, r);
    }
    out
}

/// The limits-of-stability drill: its reach, Start, and the last drill's table.
fn drill(ui: &mut Ui, state: &State, out: &mut Vec<Action>) {
    let b = &state.balance;
    let mut setup = b.drill_setup.clone();
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(!b.is_running(), |ui| {
            if ui
                .button("Limits of stability")
                .on_hover_text("Lean towards eight targets in turn, feet still: reach and time per direction")
                .clicked()
            {
                out.push(Action::Balance(BalanceAction::StartDrill));
            }
            ui.label("reach");
            ui.add(egui::DragValue::new(&mut setup.reach_cm).range(1.0..=30.0).speed(0.2).suffix(" cm"));
        });
    });
    if setup != b.drill_setup {
        out.push(Action::Balance(BalanceAction::SetDrillSetup(setup)));
    }
    if let Some(d) = &b.drill {
        let text = match d.phase(b.now_s) {
            crate::balance::los::LosPhase::Target { index, .. } => {
                format!("Limits of stability: target {} of 8 ({})", index + 1, crate::balance::los::DIRECTIONS[index].0)
            }
            _ => "Limits of stability: stand still".into(),
        };
        ui.label(text);
    }
    let Some(results) = &b.drill_results else { return };
    egui::Grid::new("los").num_columns(3).striped(true).show(ui, |ui| {
        ui.label(RichText::new("Direction").small());
        ui.label(RichText::new("Reach").small());
        ui.label(RichText::new("Time to target").small());
        ui.end_row();
        for r in results {
            ui.label(r.direction);
            ui.label(match (r.reach_cm, r.reach_pct) {
                (Some(c), Some(p)) => format!("{} ({} %)", format_value(c, "cm"), p.round() as i64),
                _ => "not measured".into(),
            });
            ui.label(r.time_s.map_or("not reached".into(), crate::units::format_seconds));
            ui.end_row();
        }
    });
}

/// The Romberg quotient and the mCTSIB ratios of this session's trials (sway area), when their conditions were run.
fn ratios(ui: &mut Ui, results: &[LiveResult]) {
    let r = sensory_ratios(results, "confidence_ellipse_area_ML_AND_AP");
    if let Some(q) = r.romberg {
        ui.label(format!("Romberg quotient (sway area, eyes closed / open): {}", crate::units::fixed(q, 2)));
    }
    if let Some(m) = r.mctsib {
        ui.label(format!(
            "mCTSIB (sway area against firm, eyes open): eyes closed {}, foam {}, foam and eyes closed {}",
            crate::units::fixed(m.somatosensory, 2),
            crate::units::fixed(m.vision, 2),
            crate::units::fixed(m.vestibular, 2)
        ));
    }
}

/// A trial's short name: its test and eyes.
fn short(r: &LiveResult) -> String {
    let eyes = match (r.setup.eyes_closed, r.setup.foam) {
        (false, false) => "EO",
        (true, false) => "EC",
        (false, true) => "EO foam",
        (true, true) => "EC foam",
    };
    let test = match r.setup.test {
        TestKind::Quiet => "quiet",
        TestKind::Romberg => "Romberg",
        TestKind::Tandem => "tandem",
        TestKind::SingleLeg => "one leg",
        TestKind::Bess => "BESS",
    };
    format!("{test} {eyes}")
}

/// One trial: its numbers and its stabilogram with the ellipse.
fn result(ui: &mut Ui, r: &LiveResult) {
    ui.label(RichText::new(format!("{} — ended: {}", r.setup.title(), r.ended_by)).small());
    if let Some(side) = r.stance_foot {
        ui.label(format!("Standing on the {} foot", side.name()));
    }
    egui::Grid::new("balance-result").num_columns(2).show(ui, |ui| {
        for (name, value, unit) in r.headline() {
            ui.label(name);
            ui.label(format_value(value, unit));
            ui.end_row();
        }
    });
    if let Err(why) = &r.descriptors {
        ui.label(RichText::new(format!("No sway measures: {why}")).color(style::NOTICE));
    }
    let Some(s) = &r.stabilogram else { return };
    let trace: Vec<[f64; 2]> = stabilogram_points(s).into_iter().map(|(x, y)| [x, y]).collect();
    Plot::new("stabilogram")
        .height(220.0)
        .data_aspect(1.0)
        .legend(Legend::default())
        .x_axis_label("ML, cm (+ = patient's left)")
        .y_axis_label("AP, cm (+ = forwards)")
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.line(Line::new("centre of mass", PlotPoints::from(trace)).width(1.0));
            if let Some(e) = r.ellipse {
                let ring: Vec<[f64; 2]> = e.outline(72).into_iter().map(|(x, y)| [x, y]).collect();
                plot.polygon(Polygon::new("95% ellipse", PlotPoints::from(ring)).width(2.0));
            }
            plot.points(Points::new("centre", PlotPoints::from(vec![[0.0, 0.0]])).radius(3.0));
        });
}
