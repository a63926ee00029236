//! The therapist's controls, one file per panel. Each panel reads the [`State`] and returns the [`Action`]s the
//! therapist asked for; none changes anything itself.

pub mod balance;
pub mod compare;
pub mod gait;
pub mod mirror;
pub mod overlay;
pub mod patient;
pub mod pose;
pub mod posture;
pub mod readout;
pub mod record;
pub mod session;
pub mod source;

use egui::{RichText, Ui};

use super::action::Action;
use super::state::State;
use super::style;

/// Draws the whole control panel, top to bottom.
pub fn show(ui: &mut Ui, state: &State) -> Vec<Action> {
    let mut out = Vec::new();
    ui.add_space(4.0);
    ui.heading("mirrorcue");
    out.extend(notice(ui, state));
    ui.separator();
    out.extend(session::show(ui, state));
    let sections: [fn(&mut Ui, &State) -> Vec<Action>; 9] = [
        source::show,
        mirror::show,
        |ui, state| [pose::show(ui, state), overlay::show(ui, state)].concat(),
        posture::show,
        balance::show,
        gait::show,
        compare::show,
        patient::show,
        readout::show,
    ];
    for section in sections {
        ui.separator();
        out.extend(section(ui, state));
    }
    out
}

/// The notice (why the app is on something other than what was asked), with a button to dismiss it.
fn notice(ui: &mut Ui, state: &State) -> Vec<Action> {
    let Some(n) = &state.notice else { return Vec::new() };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(n).color(style::NOTICE));
    });
    if ui.small_button("Dismiss").clicked() { vec![Action::DismissNotice] } else { Vec::new() }
}
