//! The patient and session panel: choose or add the patient, start and end the session with its timer and 97112
//! units so far, and the patient's history: the sessions and a trend of one measure, first against last.

use egui::{RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints, Points};

use crate::paperwork::progress::{measure_label, unit_label};
use crate::paperwork::units::{timed_minutes, units_for_minutes};
use crate::store::AffectedSide;
use crate::ui::action::Action;
use crate::ui::clinic::{ClinicAction, first_vs_last};
use crate::ui::state::State;
use crate::ui::style;

/// Draws the patient and session panel (the record is opened when the section is first opened).
pub fn show(ui: &mut Ui, state: &State) -> Vec<Action> {
    let mut out = Vec::new();
    let c = &state.clinic;
    let title = match (&c.patient, &c.live) {
        (Some(p), Some(live)) => format!(
            "Patient {p}: session {} running, {}",
            live.session().number,
            crate::units::format_seconds(live.elapsed_s())
        ),
        (Some(p), None) => format!("Patient {p}"),
        _ => "Patient and session".into(),
    };
    let header = egui::CollapsingHeader::new(RichText::new(title).strong()).id_salt("patient-session");
    // A damaged record is shown at once, with its way out.
    header.default_open(c.backup_offer.is_some()).show(ui, |ui| {
        if !c.opened && c.backup_offer.is_none() {
            out.push(Action::Clinic(ClinicAction::Open));
        }
        if let Some(m) = &c.message {
            ui.horizontal_wrapped(|ui| ui.label(RichText::new(m).color(style::NOTICE)));
        }
        if let Some(b) = &c.backup_offer {
            let button = ui
                .button(format!("Put {} in place", b.describe()))
                .on_hover_text("The damaged record is kept beside it, untouched, under another name");
            if button.clicked() {
                out.push(Action::Clinic(ClinicAction::RestoreBackup(b.path.clone())));
            }
        }
        if !c.is_open() {
            return;
        }
        ui.add_enabled_ui(c.live.is_none(), |ui| {
            let chosen = c.patient.clone().unwrap_or_else(|| "Choose…".into());
            egui::ComboBox::from_label("Patient").selected_text(chosen).show_ui(ui, |ui| {
                for p in &c.patients {
                    if ui.selectable_label(c.patient.as_ref() == Some(&p.id), &p.id).clicked() {
                        out.push(Action::Clinic(ClinicAction::ChoosePatient(p.id.clone())));
                    }
                }
            });
            new_patient(ui, &mut out);
        });
        let Some(_) = &c.patient else { return };
        match &c.live {
            Some(live) => {
                let minutes = timed_minutes(live.elapsed_s());
                ui.label(format!(
                    "Session {}: {} ({} so far by the 8-minute rule; {})",
                    live.session().number,
                    crate::units::format_seconds(live.elapsed_s()),
                    crate::units::count(units_for_minutes(minutes).into(), "unit", "units"),
                    crate::units::count(live.trials().into(), "balance trial", "balance trials"),
                ));
                if ui.button("■ End session").on_hover_text("Files the session in the record").clicked() {
                    out.push(Action::Clinic(ClinicAction::EndSession));
                }
            }
            None => {
                if ui
                    .button("▶ Start session")
                    .on_hover_text("Mirror therapy minutes and balance trials are filed as they happen")
                    .clicked()
                {
                    out.push(Action::Clinic(ClinicAction::StartSession));
                }
            }
        }
        history(ui, state, &mut out);
    });
    out
}

/// A new patient: an ID and the affected side (kept in the panel's memory while typed).
fn new_patient(ui: &mut Ui, out: &mut Vec<Action>) {
    let id = ui.make_persistent_id("new-patient");
    let (mut text, mut side) = ui.data_mut(|d| d.get_temp::<(String, u8)>(id)).unwrap_or_default();
    ui.horizontal_wrapped(|ui| {
        ui.add(egui::TextEdit::singleline(&mut text).hint_text("New patient ID (P001)").desired_width(120.0));
        for (i, label) in ["no side", "left", "right", "both"].iter().enumerate() {
            if ui.selectable_label(side == i as u8, *label).clicked() {
                side = i as u8;
            }
        }
        if ui.add_enabled(!text.trim().is_empty(), egui::Button::new("Add")).clicked() {
            let affected = match side {
                1 => AffectedSide::Left,
                2 => AffectedSide::Right,
                3 => AffectedSide::Both,
                _ => AffectedSide::Neither,
            };
            out.push(Action::Clinic(ClinicAction::AddPatient(text.trim().to_string(), affected)));
            text.clear();
        }
    });
    ui.data_mut(|d| d.insert_temp(id, (text, side)));
}

/// The sessions so far and the trend of the chosen measure.
fn history(ui: &mut Ui, state: &State, out: &mut Vec<Action>) {
    let c = &state.clinic;
    if c.history.is_empty() {
        ui.label("No sessions yet.");
        return;
    }
    ui.label(RichText::new("History").strong());
    egui::Grid::new("history").num_columns(3).striped(true).show(ui, |ui| {
        for r in c.history.iter().rev().take(8) {
            let s = &r.session;
            let minutes = timed_minutes(s.activity_seconds());
            ui.label(format!("{} {}", s.number, s.date()));
            ui.label(format!(
                "{minutes} min, {}",
                crate::units::count(units_for_minutes(minutes).into(), "unit", "units")
            ));
            ui.label(if s.is_finished() { "" } else { "unfinished" });
            ui.end_row();
        }
    });
    let measures = c.measures();
    let chosen = c.trend.as_ref().map(|(m, s)| measure_label(m, *s)).unwrap_or_else(|| "Choose a measure…".into());
    egui::ComboBox::from_label("Trend").selected_text(chosen).width(220.0).show_ui(ui, |ui| {
        for (m, side, _) in &measures {
            let on = c.trend.as_ref() == Some(&(m.clone(), *side));
            if ui.selectable_label(on, measure_label(m, *side)).clicked() {
                out.push(Action::Clinic(ClinicAction::SetTrend(Some((m.clone(), *side)))));
            }
        }
    });
    let Some((points, unit)) = c.trend_series() else { return };
    if let Some(text) = first_vs_last(&points, &unit) {
        ui.label(text);
    }
    let pts: Vec<[f64; 2]> = points.iter().map(|&(n, v)| [n as f64, v]).collect();
    Plot::new("trend")
        .height(160.0)
        .x_axis_label("session")
        .y_axis_label(unit_label(&unit).to_string())
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.line(Line::new("trend", PlotPoints::from(pts.clone())));
            plot.points(Points::new("sessions", PlotPoints::from(pts)).radius(3.0));
        });
}
