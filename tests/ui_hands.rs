//! Hands in the app, driven through egui_kittest on the bundled recording: turned on in the pose panel, each hand
//! found carries the person's anatomical side (the hand nearest the body's left wrist is the left hand).

use crate::common;

use common::ui::step_until;
use mirrorcue::pose::{Joint, Side};
use mirrorcue::ui::Action;

#[test]
fn hands_tracked_in_the_app_carry_the_persons_sides() {
    let mut h = common::ui::harness(1000.0);
    step_until(&mut h, "a pose", |a| a.state.current_pose().is_some());
    let mut pose = h.state().state.settings.pose;
    pose.hands = true;
    h.state_mut().queue(Action::SetPose(pose));
    step_until(&mut h, "a hand", |a| a.state.current.as_ref().is_some_and(|r| !r.hands.is_empty()));
    let r = h.state().state.current.clone().unwrap();
    let body = r.pose.expect("the body with the hands");
    let wrist = |j: Joint| body.get_confident(j, 0.3).map(|k| (k.x, k.y));
    if let (Some(l), Some(rw)) = (wrist(Joint::LeftWrist), wrist(Joint::RightWrist)) {
        let apart = (l.0 - rw.0).hypot(l.1 - rw.1);
        for hand in &r.hands {
            let w = hand.get(mirrorcue::hands::HandLandmark::Wrist);
            let d = |p: (f32, f32)| (p.0 - w.x).hypot(p.1 - w.y);
            let nearest = if d(l) < d(rw) { Side::Left } else { Side::Right };
            // Clasped hands (wrists closer than 5% of the frame) do not tell the sides apart.
            if apart > 0.05 {
                assert_eq!(hand.side, nearest, "hand at ({}, {}), body wrists {l:?} {rw:?}", w.x, w.y);
            }
        }
    }
    assert!(r.hands.len() <= 2);
}
