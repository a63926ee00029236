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
        .on_hover_text("Drag it to the patient's monitor, then choose full screen.")
        .changed()
    {
        out.push(Action::SetPatientWindow(window));
    }
    let mut fullscreen = s.patient_fullscreen;
    ui.add_enabled_ui(s.patient_window, |ui| {
        if ui.checkbox(&mut fullscreen, "Full screen, no borders").changed() {
            out.push(Action::SetPatientFullscreen(fullscreen));
        }
    });
    let mut overlay = s.overlay.clone();
    if ui.checkbox(&mut overlay.on_patient_screen, "Show the skeleton to the patient").changed() {
        out.push(Action::SetOverlay(overlay));
    }
    out
}
