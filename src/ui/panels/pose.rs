//! The pose panel: model, smoothing, whom to follow, and how the person is framed.

use egui::{RichText, Ui};

use crate::pose::{Pace, PersonSelector, PoseModel};
use crate::ui::action::Action;
use crate::ui::state::State;
use crate::ui::style;

/// Draws the pose panel.
pub fn show(ui: &mut Ui, state: &State) -> Vec<Action> {
    ui.label(RichText::new("Pose").strong());
    let mut pose = state.settings.pose;
    egui::ComboBox::from_label("Model").selected_text(pose.model.label()).show_ui(ui, |ui| {
        for m in PoseModel::ALL {
            ui.selectable_value(&mut pose.model, m, m.label());
        }
    });
    let mut smoothing_on = pose.smoothing.is_some();
    let mut strength = pose.smoothing.unwrap_or(0.5);
    ui.horizontal(|ui| {
        ui.checkbox(&mut smoothing_on, "Smoothing");
        ui.add_enabled(smoothing_on, egui::Slider::new(&mut strength, 0.0..=1.0));
    });
    pose.smoothing = smoothing_on.then_some(strength);
    ui.horizontal(|ui| {
        ui.label("Follow:").on_hover_text("Or click the patient on the video");
        ui.selectable_value(&mut pose.person, PersonSelector::MostConfident, "clearest person");
        ui.selectable_value(&mut pose.person, PersonSelector::Largest, "nearest person");
        if pose.person.point(1, 1).is_some() {
            let _ = ui.selectable_label(true, "the person clicked");
        }
    });
    framing_notice(ui, state, &mut pose.model);
    ui.checkbox(&mut pose.hands, "Hands (21 points each)")
        .on_hover_text("Palm detection and hand landmarks after the body: for hand mirror therapy; slower");
    if pose != state.settings.pose { vec![Action::SetPose(pose)] } else { Vec::new() }
}

/// The upper-body framing notice, and the model that follows the arms best there (a click chooses it). They come and
/// go as a patient leans into and out of view; the room they took is kept for the source, so that the controls below
/// do not move under the therapist's pointer.
fn framing_notice(ui: &mut Ui, state: &State, model: &mut PoseModel) {
    let framing = state.framing.shown();
    let notice = state.current_pose().and(framing.notice());
    let room = ui.id().with(("framing notice", state.source_caption()));
    let kept: f32 = ui.data(|d| d.get_temp(room)).unwrap_or(0.0);
    if notice.is_none() && kept <= 0.0 {
        return;
    }
    let used = ui
        .vertical(|ui| {
            ui.set_min_height(kept);
            let Some(notice) = notice else { return };
            // Seated at a table, head to waist: said, so that no one reads the trunk or legs from a guess.
            ui.label(RichText::new(notice).color(style::NOTICE));
            if let Some(better) = framing.better_model(*model, Pace::Live) {
                ui.horizontal_wrapped(|ui| {
                    ui.label(format!("{} follows the arms best in this framing.", better.short_label()));
                    if ui.button(format!("Use {}", better.short_label())).clicked() {
                        *model = better;
                    }
                });
            }
        })
        .response
        .rect
        .height();
    if used > kept {
        ui.data_mut(|d| d.insert_temp(room, used));
    }
}
