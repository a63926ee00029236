//! The readout: camera and pose rates, latency, dropped frames, the engine and the pose stage's errors.

use egui::{RichText, Ui};

use crate::live::SourceStatus;
use crate::ui::action::Action;
use crate::ui::state::State;
use crate::ui::style;

/// Draws the readout (it asks for nothing).
pub fn show(ui: &mut Ui, state: &State) -> Vec<Action> {
    ui.label(RichText::new("Performance").strong());
    let Some(src) = &state.source else { return Vec::new() };
    let st = &src.stats;
    egui::Grid::new("readout").num_columns(2).show(ui, |ui| {
        ui.label("Camera");
        ui.label(format!("{:.1} fps", st.camera_fps()));
        ui.end_row();
        ui.label("Pose");
        ui.label(format!("{:.1} fps", st.pose_fps()));
        ui.end_row();
        ui.label("Latency");
        ui.label(match st.latency_ms() {
            Some((p50, p95)) => format!("{p50:.0} ms median, {p95:.0} ms p95"),
            None => "—".into(),
        });
        ui.end_row();
        ui.label("Dropped");
        ui.label(format!("{} (pose busy), {} (display)", st.dropped_for_processing, st.dropped_for_display));
        ui.end_row();
    });
    let engine = if st.engine.is_empty() { "starting…".to_string() } else { st.engine.clone() };
    ui.add(egui::Label::new(format!("Engine: {engine}")).wrap());
    if let Some(note) = &st.engine_note {
        ui.label(RichText::new(note).small().color(style::NOTICE));
    }
    if let Some(e) = &st.pose_error {
        ui.label(RichText::new(e).color(style::PROBLEM));
    }
    if let Some(SourceStatus::Reconnecting(m)) = &src.status {
        ui.label(RichText::new(m).small());
    }
    Vec::new()
}
