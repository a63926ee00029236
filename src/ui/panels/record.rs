//! The record panel: ● Record / ■ Stop, and the last recording as the reference.

use egui::{Color32, RichText, Ui};

use crate::ui::action::Action;
use crate::ui::state::State;

/// Draws the record row.
pub fn show(ui: &mut Ui, state: &State) -> Vec<Action> {
    let mut out = Vec::new();
    ui.horizontal_wrapped(|ui| {
        if let Some(r) = &state.compare.recorder {
            if ui.button(RichText::new("■ Stop recording").color(Color32::from_rgb(240, 90, 80))).clicked() {
                out.push(Action::ToggleRecording);
            }
            ui.label(format!("{} frames", r.frames()));
        } else {
            if ui.button("● Record").on_hover_text("Record the video and poses into a new folder").clicked() {
                out.push(Action::ToggleRecording);
            }
            if let Some(dir) = &state.compare.last_recording
                && ui.button("Use the last recording as reference").clicked()
            {
                out.push(Action::OpenReference(dir.clone()));
            }
        }
    });
    out
}
