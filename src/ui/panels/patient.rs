//! The patient screen panel: a separate window, full screen, and whether the patient sees the skeleton.

use egui::{RichText, Ui};

use crate::ui::action::Action;
use crate::ui::state::State;

/// Draws the patient screen panel.
pub fn show(ui: &mut Ui, state: &State) -> Vec<Action> {
    let mut out = Vec::new();
    ui.label(RichText::new("Patient screen").strong());
    let s = &state.settings;
    let mut window = s.patient_window;
    if ui
        .checkbox(&mut window, "Separate patient window")
        .on_hover_text("Choose the patient's monitor below, then full screen (F11; Esc leaves it).")
        .changed()
    {
        out.push(Action::SetPatientWindow(window));
    }
    if !state.monitors.is_empty() {
        let current = s.patient_monitor.clone();
        let label = |name: &Option<String>| match name {
            Some(n) => state.monitors.iter().find(|m| &m.name == n).map(|m| m.label()).unwrap_or_else(|| n.clone()),
            None => "Where the system puts it".to_string(),
        };
        let mut chosen = current.clone();
        egui::ComboBox::from_label("Patient monitor").selected_text(label(&current)).show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, None, label(&None));
            for m in &state.monitors {
                ui.selectable_value(&mut chosen, Some(m.name.clone()), m.label());
            }
        });
        if chosen != current {
            out.push(Action::SetPatientMonitor(chosen));
        }
    }
    let mut fullscreen = s.patient_fullscreen;
    ui.add_enabled_ui(s.patient_window, |ui| {
        if ui.checkbox(&mut fullscreen, "Full screen, no borders").changed() {
            out.push(Action::SetPatientFullscreen(fullscreen));
        }
    });
    let mut ov = s.patient_overlay.clone();
    ui.checkbox(&mut ov.skeleton, "Show the skeleton to the patient");
    ui.add_enabled_ui(ov.skeleton, |ui| {
        ui.checkbox(&mut ov.skeleton_in_split, "Also in split reflection")
            .on_hover_text("Off by default: a skeleton over the reflected limb breaks the illusion.");
    });
    ui.checkbox(&mut ov.labels, "Show joint names to the patient");
    if ov != s.patient_overlay {
        out.push(Action::SetPatientOverlay(ov));
    }
    out
}
