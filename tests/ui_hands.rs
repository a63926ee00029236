//! Hands in the app, driven through egui_kittest on the bundled recording: turned on in the pose panel, each hand
//! found carries the person's anatomical side (the hand nearest the body's left wrist is the left hand); hand mirror
//! therapy's seam follows the gap between the hands, with the hand ghost over the affected hand.

use crate::common;

use common::ui::step_until;
use mirrorcue::hands::ghost::ghost_of;
use mirrorcue::pose::{Joint, Side};
use mirrorcue::ui::Action;
use mirrorcue::view::{MirrorMode, SplitSource, between_hands};

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

    // Hand mirror therapy: a split reflection whose seam sits between the two hands (not on the body's midline),
    // with the left hand as the healthy one (its ghost over the right hand).
    let mut seam = h.state().state.settings.seam;
    (seam.between_hands, seam.smoothing) = (true, 0.0);
    h.state_mut().queue(Action::SetSeam(seam));
    h.state_mut().queue(Action::SetMirror(MirrorMode::Split { source: SplitSource::PatientLeft, selfie: false }));
    h.state_mut().queue(Action::SetHandGhost(Some(Side::Left)));
    step_until(&mut h, "the seam between both hands", |a| {
        let (Some(r), Some(seam)) = (a.state.current.as_ref(), a.state.last_seam) else { return false };
        between_hands(&r.hands).is_some_and(|g| (seam.point.0 - g.0 * r.frame.width() as f32).abs() < 1.0)
    });
    let app = h.state();
    let r = app.state.current.as_ref().expect("a frame");
    let g = ghost_of(&r.hands, Side::Left).expect("both hands: a ghost");
    assert_eq!(g.healthy, Side::Left);
    assert!(g.fingers.iter().all(|f| f.percent() <= 100 && f.difference_deg.is_finite()), "{:?}", g.fingers);
    // How far the hands' gap is from the body's midline on this frame (printed: on this clip they may be close).
    let body = r.pose.as_ref().expect("body");
    let mid = |a: Joint, b: Joint| Some((body.get_confident(a, 0.3)?.x + body.get_confident(b, 0.3)?.x) / 2.0);
    if let (Some(s), Some(hip)) = (mid(Joint::LeftShoulder, Joint::RightShoulder), mid(Joint::LeftHip, Joint::RightHip))
    {
        let gap = between_hands(&r.hands).expect("gap").0;
        eprintln!("hands' gap at x = {gap:.3}, body midline at x = {:.3}", (s + hip) / 2.0);
    }
}
