//! Upper-body framing: the camera sees the patient from the head to the waist (seated mirror therapy of the arm
//! and hand at a table), so the hips are out of the picture.
//!
//! The pose models are trained on whole bodies: BlazePose centres its crop on the hips and reports a lower
//! presence when they are out of view, and both models guess where the hips would be. [`Framing::of`] tells such a
//! pose from a whole-body one, so the estimator can keep the person (see `blazepose`) and the app can say that the
//! hips, and what is measured from them, are not in view.

use super::keypoints::Joint;
use super::models::PoseModel;
use super::types::{Keypoint, Pose};

/// A shoulder counts as in view from this score (0..1) on.
const MIN_SHOULDER_SCORE: f32 = 0.3;
/// A hip counts as in view from this score (0..1) on, and from this BlazePose presence (in-frame probability) on.
const MIN_HIP_SCORE: f32 = 0.3;
const MIN_HIP_PRESENCE: f32 = 0.5;
/// A point this close to the bottom edge (normalised) or beyond is at the frame's edge, not in view.
const BOTTOM_EDGE: f32 = 0.97;

/// How the person is framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Framing {
    /// The hips are in view (the whole body, or at least the trunk).
    #[default]
    WholeBody,
    /// The shoulders are in view, the hips are not: head to waist or chest.
    UpperBody,
}

impl Framing {
    /// How `pose` is framed: [`UpperBody`](Framing::UpperBody) when both shoulders are in view and neither hip is
    /// (below the bottom edge, unsure, outside the frame by BlazePose's presence, or guessed above the shoulders).
    pub fn of(pose: &Pose) -> Framing {
        let in_frame = |k: &Keypoint| (0.0..BOTTOM_EDGE).contains(&k.y) && (0.0..=1.0).contains(&k.x);
        let shoulder = |j| pose.get(j).is_some_and(|k| k.score >= MIN_SHOULDER_SCORE && in_frame(k));
        let hip = |j| {
            pose.get(j).is_some_and(|k| {
                k.score >= MIN_HIP_SCORE && k.presence.is_none_or(|p| p >= MIN_HIP_PRESENCE) && in_frame(k)
            })
        };
        if !shoulder(Joint::LeftShoulder) || !shoulder(Joint::RightShoulder) {
            return Framing::WholeBody;
        }
        if (!hip(Joint::LeftHip) && !hip(Joint::RightHip)) || hips_above_shoulders(pose) {
            Framing::UpperBody
        } else {
            Framing::WholeBody
        }
    }

    /// What to tell the therapist, if anything.
    pub fn notice(self) -> Option<&'static str> {
        match self {
            Framing::WholeBody => None,
            Framing::UpperBody => Some(
                "Upper-body framing: hips not in view (arms and hands are followed; trunk and leg measures are not)",
            ),
        }
    }
}

/// What the poses are for: whether the slowest model is worth its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// The app: a live camera, or a recording played as one; the model must keep up.
    Live,
    /// Offline analysis of a recording (the command line): time is no object.
    Offline,
}

impl Framing {
    /// The model that follows the arms best in this framing at `pace`, when `model` is not it (to offer the
    /// therapist, or the engineer analysing a recording).
    ///
    /// Head to chest or waist, shoulders, elbows and wrists within 0.1 torso of where the same model puts them on
    /// the whole frame (every frame, ONNX Runtime, unsmoothed; the lab clip cut at mid-chest and at the waist, the
    /// walk clip's frames 60-159 cut at mid-chest and at the waist; issue 11's note): BlazePose heavy
    /// 97 / 100 / 96 / 98%, full 87 / 96 / 96 / 93%, lite 72 / 86 / 89 / 89%, MoveNet Lightning 45 / 82 / 82 / 55%,
    /// Thunder 42 / 94 / 77 / 88%. Live, full is offered: heavy takes about 4× its time. Offline, heavy.
    ///
    /// Even read through the very crop the whole frame gives, full reaches only 91% of the arms on the lab clip cut at
    /// mid-chest and lite 84%: what is left is the models reading a person cut at the chest otherwise than whole, not
    /// the tracking.
    pub fn better_model(self, model: PoseModel, pace: Pace) -> Option<PoseModel> {
        let best = match pace {
            Pace::Live => PoseModel::BlazeposeFull,
            Pace::Offline => PoseModel::BlazeposeHeavy,
        };
        match (self, model) {
            (Framing::WholeBody, _) | (_, PoseModel::BlazeposeHeavy) => None,
            (Framing::UpperBody, m) if m == best => None,
            (Framing::UpperBody, _) => Some(best),
        }
    }
}

/// A new framing must hold for this many poses in a row before it is shown (a third of a second at 30 fps).
pub const FRAMING_HOLD_POSES: u32 = 10;

/// The framing to show, steady from pose to pose: it changes only when a new one has held for
/// [`FRAMING_HOLD_POSES`] poses in a row, so that one frame's unsure hips do not make the notice blink.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SteadyFraming {
    shown: Framing,
    /// A framing other than the one shown, and for how many poses in a row it has been seen.
    next: Option<(Framing, u32)>,
}

impl SteadyFraming {
    /// Takes the framing of the newest pose; returns the one to show. No pose (nobody in view) changes nothing.
    pub fn update(&mut self, pose: Option<&Pose>) -> Framing {
        let Some(now) = pose.map(Framing::of) else { return self.shown };
        if now == self.shown {
            self.next = None;
        } else {
            let seen = self.next.filter(|(f, _)| *f == now).map_or(1, |(_, n)| n + 1);
            self.next = Some((now, seen));
            if seen >= FRAMING_HOLD_POSES {
                self.shown = now;
                self.next = None;
            }
        }
        self.shown
    }

    /// The framing shown.
    pub fn shown(&self) -> Framing {
        self.shown
    }
}

/// Whether the hips are put above the shoulders: no real body in a clinic, but the models' guess when the hips are
/// out of the picture (BlazePose on a clip cut at mid-chest puts them there with a presence of 0.99). Level with
/// the shoulders (a patient lying side-on) is not above.
fn hips_above_shoulders(pose: &Pose) -> bool {
    let mid_y = |a: Joint, b: Joint| Some((pose.get(a)?.y + pose.get(b)?.y) / 2.0);
    let (Some(sh), Some(hip)) =
        (mid_y(Joint::LeftShoulder, Joint::RightShoulder), mid_y(Joint::LeftHip, Joint::RightHip))
    else {
        return false;
    };
    let shoulder_width = match (pose.get(Joint::LeftShoulder), pose.get(Joint::RightShoulder)) {
        (Some(l), Some(r)) => (l.x - r.x).hypot(l.y - r.y),
        _ => 0.0,
    };
    hip < sh - 0.25 * shoulder_width
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::keypoints::Skeleton;

    /// A standing person in COCO-17, hips at `hip_y` with `hip_score`.
    fn person(hip_y: f32, hip_score: f32, presence: Option<f32>) -> Pose {
        let joints = Skeleton::Coco17.joints();
        let keypoints = joints
            .iter()
            .map(|j| {
                let (y, score) = match j {
                    Joint::LeftHip | Joint::RightHip => (hip_y, hip_score),
                    Joint::LeftShoulder | Joint::RightShoulder => (0.4, 0.9),
                    _ => (0.5, 0.8),
                };
                let presence = matches!(j, Joint::LeftHip | Joint::RightHip).then_some(presence).flatten();
                Keypoint { x: 0.5, y, score, presence, z: None }
            })
            .collect();
        Pose {
            skeleton: Skeleton::Coco17,
            keypoints,
            score: 0.8,
            world: None,
            mask: None,
            frame_width: 640,
            frame_height: 480,
        }
    }

    #[test]
    fn hips_out_of_view_is_upper_body_framing() {
        assert_eq!(Framing::of(&person(0.8, 0.9, None)), Framing::WholeBody);
        assert_eq!(Framing::of(&person(0.8, 0.9, None)).notice(), None);
        // Guessed below the bottom edge, unsure, or outside the frame by BlazePose's presence.
        assert_eq!(Framing::of(&person(1.1, 0.9, None)), Framing::UpperBody);
        assert_eq!(Framing::of(&person(0.9, 0.1, None)), Framing::UpperBody);
        assert_eq!(Framing::of(&person(0.9, 0.9, Some(0.2))), Framing::UpperBody);
        assert_eq!(Framing::of(&person(0.9, 0.9, Some(0.9))), Framing::WholeBody);
        // Hips guessed above the shoulders, however sure the model is; level with them (lying side-on) is whole.
        assert_eq!(Framing::of(&person(0.3, 0.99, Some(0.99))), Framing::UpperBody);
        assert_eq!(Framing::of(&person(0.41, 0.99, Some(0.99))), Framing::WholeBody);
        let notice = Framing::UpperBody.notice().unwrap();
        assert!(notice.starts_with("Upper-body framing: hips not in view"), "{notice}");
        // Nobody's shoulders in view either: not upper-body framing.
        let mut p = person(1.1, 0.9, None);
        for k in &mut p.keypoints {
            k.score = 0.05;
        }
        assert_eq!(Framing::of(&p), Framing::WholeBody);
    }

    #[test]
    fn upper_body_framing_offers_the_model_that_follows_the_arms() {
        for m in PoseModel::ALL {
            for pace in [Pace::Live, Pace::Offline] {
                assert_eq!(Framing::WholeBody.better_model(m, pace), None, "{m}");
            }
        }
        for m in [PoseModel::MovenetLightning, PoseModel::MovenetThunder, PoseModel::BlazeposeLite] {
            assert_eq!(Framing::UpperBody.better_model(m, Pace::Live), Some(PoseModel::BlazeposeFull), "{m}");
            assert_eq!(Framing::UpperBody.better_model(m, Pace::Offline), Some(PoseModel::BlazeposeHeavy), "{m}");
        }
        assert_eq!(Framing::UpperBody.better_model(PoseModel::BlazeposeFull, Pace::Live), None);
        let offline = Framing::UpperBody.better_model(PoseModel::BlazeposeFull, Pace::Offline);
        assert_eq!(offline, Some(PoseModel::BlazeposeHeavy), "time is no object offline");
        for pace in [Pace::Live, Pace::Offline] {
            let heavy = Framing::UpperBody.better_model(PoseModel::BlazeposeHeavy, pace);
            assert_eq!(heavy, None, "the slower, better one is kept");
        }
    }

    #[test]
    fn the_shown_framing_changes_only_when_the_new_one_holds() {
        let (whole, upper) = (person(0.8, 0.9, None), person(1.1, 0.9, None));
        let mut steady = SteadyFraming::default();
        // Hips unsure on every other frame: the notice does not blink.
        for i in 0..40 {
            let p = if i % 2 == 0 { &upper } else { &whole };
            assert_eq!(steady.update(Some(p)), Framing::WholeBody, "frame {i}");
        }
        // Held: shown from the FRAMING_HOLD_POSES-th pose on; nobody in view changes nothing.
        for i in 1..FRAMING_HOLD_POSES {
            assert_eq!(steady.update(Some(&upper)), Framing::WholeBody, "pose {i}");
        }
        assert_eq!(steady.update(Some(&upper)), Framing::UpperBody);
        assert_eq!(steady.update(None), Framing::UpperBody);
        assert_eq!(steady.shown(), Framing::UpperBody);
        // And back, after holding again.
        for _ in 1..FRAMING_HOLD_POSES {
            steady.update(Some(&whole));
        }
        assert_eq!(steady.update(Some(&whole)), Framing::WholeBody);
    }
}
