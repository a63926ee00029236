//! The posture panel: choose a protocol, capture the patient's posture as the target, pick a joint angle on the
//! image, edit targets, tolerances, priorities and cue texts, and see each checkpoint live.

use egui::{RichText, Ui};

use crate::posture::{CheckState, Plane};
use crate::ui::action::{Action, DialogTarget};
use crate::ui::state::State;
use crate::ui::style::state_color;
use crate::units;

/// Draws the posture panel.
pub fn show(ui: &mut Ui, state: &State) -> Vec<Action> {
    let mut out = Vec::new();
    ui.label(RichText::new("Posture").strong());
    choose_protocol(ui, state, &mut out);
    ui.horizontal_wrapped(|ui| {
        if ui.button("Open protocol…").clicked() {
            out.push(Action::OpenProtocolDialog);
        }
        if state.protocol.is_some() {
            if ui
                .button("Save protocol")
                .on_hover_text("Into mirrorcue's protocol library (your data folder)")
                .clicked()
            {
                out.push(Action::SaveProtocol);
            }
            if ui.button("Export protocol…").clicked() {
                out.push(Action::ExportProtocolDialog);
            }
            if ui
                .button("Export session…")
                .on_hover_text("CSV (one row per frame) and a JSON summary, into the folder you choose")
                .clicked()
            {
                out.push(Action::OpenFileDialog { target: DialogTarget::SessionExport, folder: true });
            }
        }
    });
    let Some(protocol) = &state.protocol else { return out };
    let mut name = protocol.name.clone();
    ui.horizontal(|ui| {
        ui.label("Name");
        if ui.add(egui::TextEdit::singleline(&mut name).hint_text("Name of the protocol")).changed() {
            out.push(Action::RenameProtocol(name.clone()));
        }
    });
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Capture this posture as the target")
            .on_hover_text("Hold it there: the current values become the targets")
            .clicked()
        {
            out.push(Action::CaptureTargets);
        }
        let picking = state.picking.is_some();
        if ui
            .selectable_label(picking, "Pick an angle on the image")
            .on_hover_text("Click three joints on the video: end, vertex, end")
            .clicked()
        {
            out.push(Action::SetPicking(!picking));
        }
    });
    let mut tone = state.settings.cue_tone;
    if ui.checkbox(&mut tone, "Soft tone with each new cue").changed() {
        out.push(Action::SetCueTone(tone));
    }
    if let Some(p) = &state.picking {
        ui.label(format!("Click joint {} of 3 on the video", p.len() + 1));
    }
    let frame = state.posture_frame.as_ref();
    for (i, spec) in protocol.checkpoints.iter().enumerate() {
        let check = frame.and_then(|f| f.states.get(i)).copied().unwrap_or(CheckState::NotVisible);
        let value = frame.and_then(|f| f.values.get(i)).copied().flatten();
        let mut c = spec.clone();
        let mut changed = false;
        ui.push_id(i, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new("⏺").color(state_color(check)));
                ui.label(RichText::new(&c.name).strong());
                if c.plane == Plane::World {
                    ui.label(RichText::new("3D").small()).on_hover_text("Measured on BlazePose's 3D world landmarks");
                }
                ui.label(match value {
                    Some(v) => format!("{} ({})", units::format_value(v as f64, c.unit()), check.label()),
                    None => check.label().to_string(),
                });
            });
            ui.horizontal(|ui| {
                ui.label("Target");
                changed |= ui.add(egui::DragValue::new(&mut c.target).speed(0.5).max_decimals(2)).changed();
                ui.label("±");
                changed |= ui.add(egui::DragValue::new(&mut c.tolerance).speed(0.2).range(0.01..=180.0)).changed();
                if ui.small_button("−").on_hover_text(format!("Tighten the tolerance of {}", c.name)).clicked() {
                    c.tolerance = (c.tolerance * 0.8).max(0.01);
                    changed = true;
                }
                if ui.small_button("+").on_hover_text(format!("Loosen the tolerance of {}", c.name)).clicked() {
                    c.tolerance *= 1.25;
                    changed = true;
                }
                ui.label("Priority");
                changed |= ui.add(egui::DragValue::new(&mut c.priority).range(1..=9)).changed();
                if ui.small_button("✖").on_hover_text(format!("Remove {}", c.name)).clicked() {
                    out.push(Action::RemoveCheckpoint(i));
                }
            });
            changed |= ui.add(egui::TextEdit::singleline(&mut c.cue).hint_text("Cue for the patient")).changed();
        });
        if changed {
            out.push(Action::EditCheckpoint(i, c));
        }
    }
    if let Some(s) = &state.posture {
        for r in &s.summary().reps {
            ui.label(format!("{}: {}", r.name, units::repetitions(r.count as u64)));
        }
        for (c, spec) in s.summary().checkpoints.iter().zip(&s.protocol().checkpoints) {
            if spec.hold_s.is_some() {
                ui.label(format!("{}: {}", c.name, units::count(c.holds as u64, "hold", "holds")));
            }
        }
    }
    out
}

/// The protocol list: none, a new one, the shipped ones and the user's library.
fn choose_protocol(ui: &mut Ui, state: &State, out: &mut Vec<Action>) {
    let current_name = state.protocol.as_ref().map(|p| p.name.clone()).unwrap_or_else(|| "None".into());
    let combo = egui::ComboBox::from_label("Protocol").selected_text(current_name).show_ui(ui, |ui| {
        if ui.selectable_label(state.protocol.is_none(), "None").clicked() {
            out.push(Action::ChooseProtocol(None, None));
        }
        if ui.selectable_label(false, "New (capture the current posture)").clicked() {
            out.push(Action::NewProtocol);
        }
        for entry in &state.protocol_library {
            match &entry.protocol {
                Ok(p) => {
                    let chosen = state.protocol_path.as_ref() == Some(&entry.path);
                    if ui.selectable_label(chosen, &entry.label).clicked() {
                        out.push(Action::ChooseProtocol(Some(p.clone()), Some(entry.path.clone())));
                    }
                }
                Err(e) => {
                    ui.label(RichText::new(format!("{}: {e}", entry.path.display())).small());
                }
            }
        }
    });
    if combo.response.clicked() {
        out.push(Action::RefreshProtocolLibrary);
    }
}
