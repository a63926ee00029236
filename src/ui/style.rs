//! The colours the therapist's controls and the screens share.

use egui::Color32;

use crate::posture::CheckState;

/// Something the therapist should read (a notice, a status): a soft amber.
pub const NOTICE: Color32 = Color32::from_rgb(250, 200, 90);
/// Something that went wrong, or a value far from its target: a soft red.
pub const PROBLEM: Color32 = Color32::from_rgb(240, 110, 90);

/// The colour of a checkpoint's state.
pub fn state_color(s: CheckState) -> Color32 {
    match s {
        CheckState::InTolerance => Color32::from_rgb(90, 200, 120),
        CheckState::NearEdge => Color32::from_rgb(240, 200, 80),
        CheckState::Out => PROBLEM,
        CheckState::NotVisible => Color32::from_gray(140),
        CheckState::Inactive => Color32::from_gray(90),
    }
}
