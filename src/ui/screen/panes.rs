//! The patient's pane and, when comparing, the reference pane beside or below it.

use egui::{Rect, Ui};

use super::patient::{self, ViewContent};
use crate::ui::settings::Layout;

/// Draws the patient's pane and, if given, the reference pane beside or below it. Returns the patient pane's
/// image rectangle and response (for picking joints).
pub fn show_panes(
    ui: &mut Ui,
    main: &ViewContent<'_>,
    second: Option<&ViewContent<'_>>,
    layout: Layout,
    large: bool,
) -> (Rect, egui::Response) {
    let Some(second) = second else { return patient::show(ui, main, large) };
    let avail = ui.available_rect_before_wrap();
    let gap = 6.0;
    let (a, b) = match layout {
        Layout::SideBySide => {
            let w = (avail.width() - gap) / 2.0;
            (
                Rect::from_min_size(avail.min, egui::vec2(w, avail.height())),
                Rect::from_min_size(avail.min + egui::vec2(w + gap, 0.0), egui::vec2(w, avail.height())),
            )
        }
        Layout::Stacked => {
            let h = (avail.height() - gap) / 2.0;
            (
                Rect::from_min_size(avail.min, egui::vec2(avail.width(), h)),
                Rect::from_min_size(avail.min + egui::vec2(0.0, h + gap), egui::vec2(avail.width(), h)),
            )
        }
    };
    ui.painter().rect_filled(avail, 0.0, egui::Color32::BLACK);
    let out = ui.scope_builder(egui::UiBuilder::new().max_rect(a), |ui| patient::show(ui, main, large)).inner;
    ui.scope_builder(egui::UiBuilder::new().max_rect(b), |ui| patient::show(ui, second, large));
    out
}
