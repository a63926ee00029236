//! The record panel: ⏺ Record / ■ Stop, and the last recording as the reference.

use egui::{Color32, RichText, Ui};

use crate::ui::action::Action;
use crate::ui::state::State;

/// Draws the record row.
pub fn show(ui: &mut Ui, state: &State) -> Vec<Action> {
    let mut out = Vec::new();
    ui.horizontal_wrapped(|ui| {
        if state.record.is_recording() {
            if ui.button(RichText::new("■ Stop recording").color(Color32::from_rgb(240, 90, 80))).clicked() {
                out.push(Action::ToggleRecording);
            }
            if let Some(status) = state.record.status_text() {
                ui.label(status);
            }
        } else {
            if ui.button("⏺ Record").on_hover_text("Record the video and poses into a new folder").clicked() {
                out.push(Action::ToggleRecording);
            }
            if let Some(dir) = state.record.last_recording()
                && ui.button("Use the last recording as reference").clicked()
            {
                out.push(Action::OpenReference(dir.to_path_buf()));
            }
        }
    });
    if let (false, Some(m)) = (state.record.is_recording(), state.record.message()) {
        ui.horizontal_wrapped(|ui| ui.label(RichText::new(m).color(crate::ui::style::NOTICE)));
    }
    out
}
