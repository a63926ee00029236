//! The therapist's posture panel: choose a protocol, capture the patient's posture as the target, pick a joint
//! angle on the image, edit targets, tolerances, priorities and cue texts, and see each checkpoint live.

use egui::{Color32, RichText, Ui};

use super::app::MirrorcueApp;
use crate::posture::{CheckState, Checkpoint, Plane, Protocol};

/// The colour of a state.
pub fn state_color(s: CheckState) -> Color32 {
    match s {
        CheckState::InTolerance => Color32::from_rgb(90, 200, 120),
        CheckState::NearEdge => Color32::from_rgb(240, 200, 80),
        CheckState::Out => Color32::from_rgb(240, 110, 90),
        CheckState::NotVisible => Color32::from_gray(140),
        CheckState::Inactive => Color32::from_gray(90),
    }
}

/// Checkpoints made from the current posture when a protocol has none (the library's defaults).
pub fn default_checkpoints() -> Vec<Checkpoint> {
    crate::posture::default_checkpoints()
}

/// Draws the posture section.
pub fn show(ui: &mut Ui, app: &mut MirrorcueApp) {
    ui.label(RichText::new("Posture").strong());
    let current_name = app.protocol.as_ref().map(|p| p.name.clone()).unwrap_or_else(|| "None".into());
    let mut choice: Option<Protocol> = None;
    let mut clear = false;
    egui::ComboBox::from_label("Protocol").selected_text(current_name).show_ui(ui, |ui| {
        if ui.selectable_label(app.protocol.is_none(), "None").clicked() {
            clear = true;
        }
        if ui.selectable_label(false, "New (capture the current posture)").clicked() {
            choice = Some(Protocol {
                format_version: crate::posture::protocol::FORMAT_VERSION,
                name: "New protocol".into(),
                description: String::new(),
                model: None,
                cues: Default::default(),
                checkpoints: Vec::new(),
                reps: Vec::new(),
            });
        }
        for (path, p) in app.protocol_library() {
            match p {
                Ok(p) => {
                    if ui.selectable_label(false, &p.name).clicked() {
                        choice = Some(p);
                    }
                }
                Err(e) => {
                    ui.label(RichText::new(format!("{}: {e}", path.display())).small());
                }
            }
        }
    });
    if clear {
        app.set_protocol(None);
    }
    if let Some(p) = choice {
        app.set_protocol(Some(p));
    }
    ui.horizontal_wrapped(|ui| {
        if ui.button("Open protocol…").clicked() {
            app.open_protocol_dialog();
        }
        if app.protocol.is_some() {
            if ui
                .button("Save protocol")
                .on_hover_text("Into mirrorcue's protocol library (your data folder)")
                .clicked()
            {
                app.save_protocol();
            }
            if ui.button("Export protocol…").clicked() {
                app.export_protocol_dialog();
            }
            if ui.button("Export session").on_hover_text("CSV (one row per frame) and a JSON summary").clicked() {
                app.export_session();
            }
        }
    });
    if app.protocol.is_none() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Capture this posture as the target")
            .on_hover_text("Hold it there: the current values become the targets")
            .clicked()
        {
            app.capture_targets();
        }
        let picking = app.picking.is_some();
        if ui
            .selectable_label(picking, "Pick an angle on the image")
            .on_hover_text("Click three joints on the video: end, vertex, end")
            .clicked()
        {
            app.picking = if picking { None } else { Some(Vec::new()) };
        }
    });
    ui.checkbox(&mut app.settings.cue_tone, "Soft tone with each new cue");
    if let Some(p) = &app.picking {
        ui.label(format!("Click joint {} of 3 on the video", p.len() + 1));
    }
    let values = app.posture_values();
    let states = app.posture_states();
    let mut remove = None;
    let Some(protocol) = app.protocol.as_mut() else { return };
    let mut changed = false;
    for (i, c) in protocol.checkpoints.iter_mut().enumerate() {
        let state = states.get(i).copied().unwrap_or(CheckState::NotVisible);
        let value = values.get(i).copied().flatten();
        ui.push_id(i, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new("●").color(state_color(state)));
                ui.label(RichText::new(&c.name).strong());
                if c.plane == Plane::World {
                    ui.label(RichText::new("3D").small()).on_hover_text("Measured on BlazePose's 3D world landmarks");
                }
                ui.label(match value {
                    Some(v) => format!("{v:.1}{} ({})", c.measure.unit(), state.label()),
                    None => state.label().to_string(),
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
                    remove = Some(i);
                }
            });
            changed |= ui.add(egui::TextEdit::singleline(&mut c.cue).hint_text("Cue for the patient")).changed();
        });
    }
    if let Some(i) = remove {
        protocol.checkpoints.remove(i);
        changed = true;
    }
    if changed {
        app.protocol_edited();
    }
    if let Some(s) = app.posture.as_ref() {
        for r in &s.summary().reps {
            ui.label(format!("{}: {} repetitions", r.name, r.count));
        }
        for (c, spec) in s.summary().checkpoints.iter().zip(&s.protocol().checkpoints) {
            if spec.hold_s.is_some() {
                ui.label(format!("{}: {} holds", c.name, c.holds));
            }
        }
    }
}
