//! What is shown on the video: the patient's pane (image, overlay, cue, ghost, match score) and, when comparing,
//! the reference pane. The same drawing serves the therapist's preview and the patient screen.
//!
//! - [`patient`]: one pane (image, overlay, messages, cue, ghost, badge);
//! - [`panes`]: the patient's pane and the reference pane beside or below it.

pub mod panes;
pub mod patient;

use egui::{Rect, Ui};

use crate::live::SourceStatus;
use crate::ui::overlay::Mark;
use crate::ui::pane::Pane;
use crate::ui::settings::OverlaySettings;
use crate::ui::state::{ActiveSource, State};
use crate::ui::style::state_color;
use crate::view::ViewTransform;
use patient::{CueDisplay, ViewContent};

/// The cue as the patient screen shows it, with its body part where `view` draws it.
pub fn cue_display(state: &State, view: Option<&ViewTransform>) -> Option<CueDisplay> {
    let cue = state.posture_frame.as_ref()?.cue.as_ref()?;
    let spec = state.protocol.as_ref()?.checkpoints.get(cue.checkpoint)?;
    let focus = spec.measure.focus().and_then(|j| {
        let (pose, view) = (state.current_pose()?, view?);
        let k = pose.get(j)?;
        (!view.is_hidden(k.x, k.y)).then(|| view.map_real(k.x, k.y))
    });
    Some(CueDisplay { text: cue.text.clone(), focus })
}

/// Each visible checkpoint's value at its joint, with its unit, coloured by state (drawn on the therapist's view).
pub fn checkpoint_marks(state: &State, view: Option<&ViewTransform>) -> Vec<Mark> {
    let (Some(p), Some(f), Some(pose), Some(view)) =
        (state.protocol.as_ref(), state.posture_frame.as_ref(), state.current_pose(), view)
    else {
        return Vec::new();
    };
    p.checkpoints
        .iter()
        .zip(f.values.iter().zip(&f.states))
        .filter_map(|(c, (v, s))| {
            let v = (*v)?;
            let k = pose.get(c.measure.focus()?)?;
            if view.is_hidden(k.x, k.y) {
                return None;
            }
            let text = crate::units::format_value(f64::from(v), c.unit());
            Some((view.map_real(k.x, k.y), text, state_color(*s)))
        })
        .collect()
}

/// What the patient's pane shows: `main` as rendered, with `overlay`, the cue, the ghost and the score; for the
/// therapist (`patient` false) also the checkpoint values and the joints being picked.
pub fn main_content<'a>(
    state: &'a State,
    main: &'a Pane,
    patient: bool,
    overlay: Option<&'a OverlaySettings>,
) -> ViewContent<'a> {
    let settings = &state.settings;
    let delayed = state.compare.delayed_instead();
    let view = main.view.as_ref();
    ViewContent {
        texture: main.texture.as_ref(),
        view,
        pose: main.pose.as_ref(),
        overlay,
        caption: None,
        // Cues and marks are about now: not over a delayed replay.
        cue: if delayed {
            None
        } else {
            cue_display(state, view)
                .or_else(|| state.gait.cue_text().map(|t| CueDisplay { text: t.to_string(), focus: None }))
        },
        picked: if patient { Vec::new() } else { state.picking.clone().unwrap_or_default() },
        marks: if patient || delayed { Vec::new() } else { checkpoint_marks(state, view) },
        message: match state.source.as_ref().and_then(|s| s.status.as_ref()) {
            Some(SourceStatus::Reconnecting(_)) if matches!(state.active, ActiveSource::Camera(_)) => {
                Some("The camera is not sending pictures. Please wait a moment.".to_string())
            }
            Some(SourceStatus::Reconnecting(_)) => Some("This recording cannot be played.".to_string()),
            _ => None,
        },
        ghost: state.compare.ghost_display(settings.ghost, main.pose.as_ref(), settings.overlay.min_score),
        badge: state.compare.badge(),
        hands: match (&state.current, delayed) {
            (Some(r), false) => r.hands.clone(),
            _ => Vec::new(),
        },
        hand_ghost: match (&state.current, settings.hand_ghost, delayed) {
            (Some(r), Some(healthy), false) => crate::hands::ghost::ghost_of(&r.hands, healthy),
            _ => None,
        },
        balance: if delayed { None } else { state.balance.display(state.current_pose(), view) },
        counts: match (&state.posture, delayed) {
            (Some(p), false) => {
                let d = p.patient_display();
                d.reps.into_iter().map(|r| r.text).chain(d.hold.map(|h| h.text)).collect()
            }
            (None, false) => state.gait.patient_line().into_iter().collect(),
            _ => Vec::new(),
        },
    }
}

/// Draws the panes (the patient's, and the reference beside it when comparing) for the therapist's window
/// (`patient` false) or the patient screen. Returns the patient pane's image rectangle and response.
pub fn show(ui: &mut Ui, state: &State, main: &Pane, patient: bool, caption: Option<&str>) -> (Rect, egui::Response) {
    let settings = &state.settings;
    // The patient screen has its own overlay (no skeleton in split reflection unless asked for).
    let patient_overlay = patient.then(|| settings.patient_overlay.for_mode(&settings.overlay, settings.mirror));
    let overlay = match &patient_overlay {
        Some(o) => o.as_ref(),
        None => Some(&settings.overlay),
    };
    let mut content = main_content(state, main, patient, overlay);
    content.caption = caption;
    let ref_caption = state.compare.caption();
    let second = state.compare.two_panes().then(|| state.compare.reference_content(overlay, &ref_caption));
    panes::show_panes(ui, content, second, state.settings.compare_layout, patient, state.record.elapsed_s())
}
