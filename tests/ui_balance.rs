//! Balance training in the app, driven through its UI with egui_kittest on the bundled recording: a trial counts
//! down, shows the patient the centre of mass in a target over the feet and a timer, takes a loss of balance from
//! the therapist, and ends with its numbers and stabilogram.

use crate::common;

use common::ui::{click, step_until, step_until_ui};
use egui_kittest::kittest::Queryable;
use mirrorcue::balance::live::TrialSetup;
use mirrorcue::pose::PoseModel;
use mirrorcue::ui::Action;
use mirrorcue::ui::balance::BalanceAction;

#[test]
fn a_balance_trial_counts_down_shows_the_target_and_ends_with_its_numbers() {
    let mut h = common::ui::harness(1400.0);
    step_until(&mut h, "a pose", |a| a.state.current_pose().is_some());
    let setup = TrialSetup { countdown_s: 1.0, duration_s: 5.0, ..Default::default() };
    h.state_mut().queue(Action::Balance(BalanceAction::SetSetup(setup)));
    h.step();
    click(&mut h, "▶ Start trial");
    // MoveNet sees no heels or toes: the app switches to BlazePose and says why.
    assert_eq!(h.state().state.settings.pose.model, PoseModel::BlazeposeFull);
    assert!(
        h.state().state.notice.as_ref().unwrap().contains("balance needs the heels"),
        "{:?}",
        h.state().state.notice
    );
    step_until_ui(&mut h, "the timer on the patient screen", |h| {
        h.query_by_label_contains("Balance: Stand still").is_some()
    });
    step_until_ui(&mut h, "the target over the feet", |h| h.query_by_label_contains("Balance target").is_some());
    click(&mut h, "Mark loss of balance");
    step_until(&mut h, "the trial's end", |a| !a.state.balance.results.is_empty());
    let r = h.state().state.balance.results[0].clone();
    assert_eq!(r.losses.len(), 1);
    assert!((r.duration_s - 5.0).abs() < 1.0, "{}", r.duration_s);
    for _ in 0..3 {
        h.step();
    }
    // The therapist's panel shows the trial's numbers with their units, or why there are none (the bundled clip
    // is a squat at 5 fps: its centre of mass jumps more than the sway filter accepts as standing still).
    assert!(h.query_by_label_contains("losses of balance").is_some());
    match &r.descriptors {
        Ok(_) => assert!(r.ellipse.is_some() && h.query_by_label_contains("sway area (95% ellipse)").is_some()),
        Err(why) => assert!(h.query_by_label_contains(&format!("No sway measures: {why}")).is_some(), "{why}"),
    }
    assert!(h.query_by_label_contains("Balance: Done").is_some());
}
