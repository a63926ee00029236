//! The overlay panel: skeleton, labels, confidence threshold and joint angles, with the angles' live values.

use egui::Ui;

use crate::pose::angles::JointAngle;
use crate::ui::action::Action;
use crate::ui::state::State;

/// Draws the overlay panel (under the pose panel, without a heading of its own).
pub fn show(ui: &mut Ui, state: &State) -> Vec<Action> {
    let mut ov = state.settings.overlay.clone();
    ui.horizontal(|ui| {
        ui.checkbox(&mut ov.skeleton, "Skeleton");
        ui.checkbox(&mut ov.labels, "Labels");
    });
    ui.add(egui::Slider::new(&mut ov.min_score, 0.05..=0.9).text("Confidence threshold"));
    ui.collapsing("Joint angles", |ui| {
        egui::Grid::new("angles").num_columns(2).show(ui, |ui| {
            for (i, a) in JointAngle::ALL.iter().enumerate() {
                let mut on = ov.angles.contains(a);
                if ui.checkbox(&mut on, a.label()).changed() {
                    if on {
                        ov.angles.push(*a);
                    } else {
                        ov.angles.retain(|x| x != a);
                    }
                }
                if i % 2 == 1 {
                    ui.end_row();
                }
            }
        });
    });
    let current = &state.settings.overlay;
    for line in crate::ui::overlay::angle_lines(state.current_pose(), &current.angles, current.min_score) {
        ui.label(line);
    }
    if ov != *current { vec![Action::SetOverlay(ov)] } else { Vec::new() }
}
