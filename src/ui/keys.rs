//! The keyboard: Space pauses and plays, the arrows step a frame back and forth (a recording), Esc leaves full
//! screen, F11 enters (or leaves) it. Keys are read only when no text field has the keyboard.

use super::action::Action;
use super::state::State;

/// What the keys pressed this frame ask for. `window_fullscreen` says whether the window that has the keyboard is
/// full screen now; `patient_window` whether that window is the patient's.
pub fn actions(input: &egui::InputState, state: &State, patient_window: bool, window_fullscreen: bool) -> Vec<Action> {
    let mut out = Vec::new();
    let fullscreen = |on: bool| {
        if patient_window || state.settings.patient_window {
            Action::SetPatientFullscreen(on)
        } else {
            Action::SetMainFullscreen(on)
        }
    };
    if input.key_pressed(egui::Key::Escape) {
        if state.settings.patient_window && state.settings.patient_fullscreen {
            out.push(Action::SetPatientFullscreen(false));
        } else if window_fullscreen {
            out.push(Action::SetMainFullscreen(false));
        }
    }
    if input.key_pressed(egui::Key::F11) {
        let now = if patient_window || state.settings.patient_window {
            state.settings.patient_fullscreen
        } else {
            window_fullscreen
        };
        out.push(fullscreen(!now));
    }
    if state.is_recording()
        && let Some(src) = &state.source
    {
        if input.key_pressed(egui::Key::Space) {
            out.push(Action::SetPaused(!src.playback.paused));
        }
        if input.key_pressed(egui::Key::ArrowRight) {
            out.push(Action::SetPaused(true));
            out.push(Action::StepFrame);
        }
        if input.key_pressed(egui::Key::ArrowLeft)
            && let Some(f) = state.current_frame()
        {
            out.push(Action::SetPaused(true));
            // The frame before: the first frame at or after one frame interval earlier.
            out.push(Action::Seek((f.time_s - state.frame_interval_s).max(0.0)));
        }
    }
    out
}
