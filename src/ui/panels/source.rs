//! The source panel: camera or recording, the camera's device and format, and a recording's transport (play,
//! pause, step, restart, loop, speed, position, section).

use egui::{RichText, Ui};

use crate::live::{DEFAULT_IMAGE_DISPLAY_S, IMAGE_DISPLAY_RANGE_S, Playback};
use crate::source::SourceKind;
use crate::ui::action::{Action, DialogTarget};
use crate::ui::state::{ActiveSource, State};
use crate::ui::style;

/// Draws the source panel.
pub fn show(ui: &mut Ui, state: &State) -> Vec<Action> {
    let mut out = Vec::new();
    ui.label(RichText::new("Source").strong());
    ui.label(state.source_caption());
    // Always one status line, so pausing or playing never moves the controls under the cursor.
    match state.status_message() {
        Some(status) => ui.label(RichText::new(status).color(style::NOTICE)),
        None if state.is_recording() => ui.label("Playing"),
        None => ui.label("Live"),
    };
    ui.horizontal_wrapped(|ui| {
        if ui.button("Camera").on_hover_text("Use the live camera").clicked() {
            out.push(Action::SetSource(ActiveSource::Camera(state.settings.camera.clone())));
        }
        if ui.button("Open recording…").on_hover_text("A video file (MP4, MOV, MKV, WebM)").clicked() {
            out.push(Action::OpenFileDialog { target: DialogTarget::Source, folder: false });
        }
        if ui.button("Open image folder…").clicked() {
            out.push(Action::OpenFileDialog { target: DialogTarget::Source, folder: true });
        }
        if ui.button("Bundled recording").clicked() {
            out.push(Action::SetSource(ActiveSource::Bundled));
        }
    });
    if !state.cameras.is_empty() {
        camera(ui, state, &mut out);
    }
    if state.is_recording() {
        transport(ui, state, &mut out);
    }
    out
}

/// The camera's device, format and whether its driver mirrors.
fn camera(ui: &mut Ui, state: &State, out: &mut Vec<Action>) {
    let choice = &state.settings.camera;
    let current = choice.camera.clone();
    let label = state
        .cameras
        .iter()
        .find(|c| Some(&c.id) == current.as_ref())
        .map(|c| c.name.clone())
        .unwrap_or_else(|| "First camera".into());
    let mut chosen = current.clone();
    egui::ComboBox::from_label("Camera").selected_text(label).show_ui(ui, |ui| {
        ui.selectable_value(&mut chosen, None, "First camera");
        for c in &state.cameras {
            ui.selectable_value(&mut chosen, Some(c.id.clone()), &c.name);
        }
    });
    if chosen != current {
        out.push(Action::ChooseCamera(chosen));
    }
    // Format, resolution and frame rate; "best" prefers MJPEG (uncompressed HD cannot reach 30 fps over USB 2).
    let modes = state.camera_modes.clone().unwrap_or_default();
    let mut mode = choice.mode;
    let text = mode.map(|m| m.to_string()).unwrap_or_else(|| "Best (MJPEG preferred)".into());
    egui::ComboBox::from_label("Format").selected_text(text).show_ui(ui, |ui| {
        ui.selectable_value(&mut mode, None, "Best (MJPEG preferred)");
        for m in &modes {
            ui.selectable_value(&mut mode, Some(*m), m.to_string());
        }
        if modes.is_empty() {
            ui.label("(the formats are listed while the camera is not in use)");
        }
    });
    if mode != choice.mode {
        out.push(Action::ChooseCameraMode(mode));
    }
    let mut mirrors = choice.driver_mirrors;
    if ui
        .checkbox(&mut mirrors, "The camera already mirrors its image")
        .on_hover_text(
            "Some webcams flip the picture in their driver. Tick this so left and right stay the patient's own.",
        )
        .changed()
    {
        out.push(Action::SetDriverMirrors(mirrors));
    }
}

/// How photos play: each a still for a display time, analysed on its own (the default), or as a video.
fn photos(ui: &mut Ui, pb: Playback, out: &mut Vec<Action>) {
    let mut as_video = pb.image_display_s.is_none();
    if ui
        .checkbox(&mut as_video, "Play the photos as a video (tracked)")
        .on_hover_text("Off: each photo is a still, analysed on its own, for the time below")
        .changed()
    {
        out.push(Action::SetImageDisplay((!as_video).then_some(DEFAULT_IMAGE_DISPLAY_S)));
    }
    if let Some(mut seconds) = pb.image_display_s {
        let range = IMAGE_DISPLAY_RANGE_S.0.max(0.5)..=60.0;
        let slider = egui::Slider::new(&mut seconds, range).step_by(0.5).suffix(" s").text("Each photo on screen");
        if ui.add(slider).changed() {
            out.push(Action::SetImageDisplay(Some(seconds)));
        }
    }
}

/// A recording's transport.
fn transport(ui: &mut Ui, state: &State, out: &mut Vec<Action>) {
    let Some(src) = &state.source else { return };
    let pb = src.playback;
    ui.horizontal(|ui| {
        if pb.paused {
            if ui.button("▶ Play").clicked() {
                out.push(Action::SetPaused(false));
            }
            if ui.button("Step ⏭").on_hover_text("Next frame").clicked() {
                out.push(Action::StepFrame);
            }
        } else if ui.button("⏸ Pause").clicked() {
            out.push(Action::SetPaused(true));
        }
        if ui.button("⏮ Restart").clicked() {
            out.push(Action::Restart);
        }
        let mut looping = pb.looping;
        if ui.checkbox(&mut looping, "Loop").changed() {
            out.push(Action::SetLooping(looping));
        }
    });
    if matches!(state.source_kind(), Some(SourceKind::Image | SourceKind::ImageFolder)) {
        photos(ui, pb, out);
        return;
    }
    let mut speed = pb.speed;
    if ui.add(egui::Slider::new(&mut speed, 0.1..=2.0).text("Speed").fixed_decimals(1)).changed() {
        out.push(Action::SetSpeed(speed));
    }
    let now = state.current_frame().map(|f| f.time_s).unwrap_or(0.0);
    if let Some(duration) = src.duration_s {
        let mut at = now.clamp(0.0, duration);
        let r = ui.add(egui::Slider::new(&mut at, 0.0..=duration).text("s").fixed_decimals(1));
        // Seek when the therapist lets go (seeking decodes from the start).
        if r.drag_stopped() || (r.changed() && !r.dragged() && (r.clicked() || r.has_focus())) {
            out.push(Action::Seek(at));
        }
    }
    ui.horizontal_wrapped(|ui| {
        let (a, b) = pb.section.unwrap_or((0.0, src.duration_s.unwrap_or(f64::MAX)));
        if ui.button("Loop from here").clicked() {
            out.push(Action::SetSection(Some((now, b.max(now)))));
        }
        if ui.button("Loop to here").clicked() {
            out.push(Action::SetSection(Some((a.min(now), now))));
        }
        if let Some((a, b)) = pb.section {
            if b < f64::MAX / 2.0 {
                ui.label(format!("looping {a:.1}–{b:.1} s"));
            } else {
                ui.label(format!("looping from {a:.1} s"));
            }
            if ui.button("Whole recording").clicked() {
                out.push(Action::SetSection(None));
            }
        }
    });
}
