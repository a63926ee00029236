//! The mirror therapy panel: off, mirror or split reflection; which half is shown on both sides; the seam (the body's
//! midline or the gap between the hands); the hand ghost.

use egui::{RichText, Ui};

use crate::pose::Side;
use crate::ui::action::Action;
use crate::ui::state::State;
use crate::view::seam_slider::{seam_slider_caption, seam_slider_text, seam_to_slider, slider_to_seam};
use crate::view::{MirrorMode, SplitSource};

/// Draws the mirror therapy panel.
pub fn show(ui: &mut Ui, state: &State) -> Vec<Action> {
    let mut out = Vec::new();
    ui.label(RichText::new("Mirror therapy").strong());
    let s = &state.settings;
    let split_now = matches!(s.mirror, MirrorMode::Split { .. });
    ui.horizontal_wrapped(|ui| {
        if ui.selectable_label(s.mirror == MirrorMode::Off, "Off").clicked() {
            out.push(Action::SetMirror(MirrorMode::Off));
        }
        if ui.selectable_label(s.mirror == MirrorMode::Mirror, "Mirror").clicked() {
            out.push(Action::SetMirror(MirrorMode::Mirror));
        }
        if ui.selectable_label(split_now, "Split reflection").clicked() && !split_now {
            out.push(Action::SetMirror(MirrorMode::Split { source: s.split_source, selfie: s.split_selfie }));
        }
    });
    hand_ghost(ui, state, &mut out);
    if !split_now {
        return out;
    }
    ui.label("Show on both sides:");
    ui.horizontal_wrapped(|ui| {
        for (source, label) in [
            (SplitSource::PatientLeft, "Patient's left"),
            (SplitSource::PatientRight, "Patient's right"),
            (SplitSource::Upper, "Upper half"),
            (SplitSource::Lower, "Lower half"),
        ] {
            if ui.selectable_label(s.split_source == source, label).clicked() {
                out.push(Action::SetSplitSource(source));
            }
        }
    });
    let mut selfie = s.split_selfie;
    if ui.checkbox(&mut selfie, "Show as a mirror (flipped)").changed() {
        out.push(Action::SetSplitSelfie(selfie));
    }
    let mut follow = s.seam.follow_body;
    if ui.checkbox(&mut follow, "Seam follows the body's midline").changed() {
        out.push(Action::SetSeamFollowsBody(follow));
    }
    let mut seam = s.seam;
    let vertical = matches!(s.split_source, SplitSource::PatientLeft | SplitSource::PatientRight);
    if seam.follow_body && vertical {
        // Hand mirror therapy: both hands on a table, the seam in the gap between them.
        ui.horizontal_wrapped(|ui| {
            ui.label("Seam between:");
            if ui.selectable_label(!seam.between_hands, "the body's halves").clicked() {
                seam.between_hands = false;
            }
            if ui
                .selectable_label(seam.between_hands, "the two hands")
                .on_hover_text("Both hands on a table: needs Hands on (Pose panel)")
                .clicked()
            {
                seam.between_hands = true;
            }
        });
    }
    if seam.follow_body {
        ui.add(egui::Slider::new(&mut seam.smoothing, 0.0..=0.98).text("Seam steadiness"));
    } else {
        // In percent of the picture as the patient sees it: dragging right moves the seam right on their screen.
        let mut percent = seam_to_slider(s.mirror, seam.manual);
        let slider =
            egui::Slider::new(&mut percent, 0.0..=100.0).step_by(1.0).suffix(" %").text(seam_slider_caption(s.mirror));
        let hover = format!("{} of the picture, as the patient sees it", seam_slider_text(s.mirror, seam.manual));
        if ui.add(slider).on_hover_text(hover).changed() {
            seam.manual = slider_to_seam(s.mirror, percent);
        }
    }
    // The soft edge, in percent of the picture's width (height for an upper/lower split).
    let mut feather = (seam.feather * 100.0 * 10.0).round() / 10.0;
    if ui.add(egui::Slider::new(&mut feather, 0.0..=10.0).step_by(0.5).suffix(" %").text("Soft edge")).changed() {
        seam.feather = feather / 100.0;
    }
    if seam != s.seam {
        out.push(Action::SetSeam(seam));
    }
    out
}

/// The hand ghost's choice: off, or which hand is the healthy one (mirrored over the other, with a similarity per
/// finger).
fn hand_ghost(ui: &mut Ui, state: &State, out: &mut Vec<Action>) {
    let now = state.settings.hand_ghost;
    ui.horizontal_wrapped(|ui| {
        ui.label("Hand ghost:");
        for (side, label) in
            [(None, "no ghost"), (Some(Side::Left), "healthy left hand"), (Some(Side::Right), "healthy right hand")]
        {
            if ui.selectable_label(now == side, label).clicked() && now != side {
                out.push(Action::SetHandGhost(side));
            }
        }
    });
    if now.is_some() && !state.settings.pose.hands {
        ui.label("Turn on Hands in the Pose panel to see the ghost.");
    }
}
