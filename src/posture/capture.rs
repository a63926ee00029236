//! Making checkpoints from the patient's posture: "hold it there" (the current values become the targets), a joint
//! angle from three joints picked on the picture, the checkpoints a new protocol starts from, and a new protocol
//! captured from the current posture.

use super::checkpoint::{Checkpoint, Limit};
use super::measure::{Measure, Plane, Point};
use super::protocol::{FORMAT_VERSION, Protocol};
use crate::pose::{Joint, Pose, Side};
use crate::view::{ViewTransform, shown_keypoints};

/// Defaults of a checkpoint made from three picked joints. Each is a starting point the therapist then adjusts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AngleDefaults {
    /// Tolerance (degrees): ±10° is about what a therapist judges by eye, and well above the models' jitter
    /// (2–4° on a steady joint).
    pub tolerance_deg: f32,
    /// Priority: 2, below the protocol's own safety checkpoints (priority 1).
    pub priority: u8,
    /// Keypoint confidence needed (the same as the shipped protocols: 0.3).
    pub min_score: f32,
    /// The target when the angle cannot be measured right now (a joint out of view): 90°, a right angle.
    pub fallback_target_deg: f32,
}

impl Default for AngleDefaults {
    fn default() -> Self {
        AngleDefaults { tolerance_deg: 10.0, priority: 2, min_score: 0.3, fallback_target_deg: 90.0 }
    }
}

/// How close a click must be to a joint to pick it: 6% of the displayed picture's size (about a fingertip on a
/// 1280-pixel-wide pane, 77 px), so the nearest joint is found without pixel-perfect aim.
pub const PICK_RADIUS: f32 = 0.06;

/// Joints in words for people: "left knee", "right shoulder", "nose".
pub fn joint_words(joint: Joint) -> String {
    joint.name().replace('_', " ")
}

/// The joint nearest to a click at normalised display position (`x`, `y`) on `view` of `pose`, within
/// [`PICK_RADIUS`], among the real (not reflected) joints shown with at least `min_score` and not in `exclude`.
pub fn pick_joint(
    pose: &Pose,
    view: &ViewTransform,
    min_score: f32,
    exclude: &[Joint],
    x: f32,
    y: f32,
) -> Option<Joint> {
    nearest_joint(
        shown_keypoints(pose, view, min_score)
            .into_iter()
            .filter(|k| !k.reflected && !exclude.contains(&k.joint))
            .map(|k| (k.joint, k.x, k.y)),
        x,
        y,
    )
}

/// The candidate (joint, x, y) nearest to (`x`, `y`), if within [`PICK_RADIUS`].
pub fn nearest_joint(candidates: impl IntoIterator<Item = (Joint, f32, f32)>, x: f32, y: f32) -> Option<Joint> {
    candidates
        .into_iter()
        .map(|(j, kx, ky)| (j, (kx - x).powi(2) + (ky - y).powi(2)))
        .filter(|(_, d2)| *d2 <= PICK_RADIUS * PICK_RADIUS)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(j, _)| j)
}

/// A checkpoint for the angle at `vertex` between `a` and `c` (picked on the picture), its target the angle in
/// `pose` now (or the fallback), named after the vertex ("left knee angle"; "left knee angle 2" when `taken`
/// already has that name).
pub fn checkpoint_from_joints(
    a: Joint,
    vertex: Joint,
    c: Joint,
    pose: Option<&Pose>,
    defaults: &AngleDefaults,
    taken: &[&str],
) -> Checkpoint {
    let measure = Measure::angle(a, vertex, c);
    let target = pose
        .and_then(|p| measure.evaluate(p, Plane::Image, defaults.min_score))
        .unwrap_or(defaults.fallback_target_deg);
    let words = joint_words(vertex);
    let base = format!("{words} angle");
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name.as_str()) {
        name = format!("{base} {n}");
        n += 1;
    }
    Checkpoint {
        name,
        measure,
        plane: Plane::Image,
        target,
        tolerance: defaults.tolerance_deg,
        priority: defaults.priority,
        cue: format!("Bring your {words} back to the angle shown"),
        hold_s: None,
        min_score: defaults.min_score,
        limit: Limit::Both,
        when: None,
    }
}

/// The checkpoints a new protocol starts from (their targets captured from the patient): trunk upright, shoulders
/// level, both elbows, both shoulders (arm from the trunk), both knees.
pub fn default_checkpoints() -> Vec<Checkpoint> {
    use Joint::*;
    let cp = |name: &str, measure: Measure, tolerance: f32, cue: &str| Checkpoint {
        name: name.into(),
        measure,
        plane: Plane::Image,
        target: 0.0,
        tolerance,
        priority: 2,
        cue: cue.into(),
        hold_s: None,
        min_score: 0.3,
        limit: Limit::Both,
        when: None,
    };
    vec![
        cp(
            "trunk upright",
            Measure::SegmentToVertical { from: Point::MID_HIP, to: Point::MID_SHOULDER },
            8.0,
            "Stand tall",
        ),
        cp(
            "shoulders level",
            Measure::SegmentToHorizontal { from: Point::Joint(RightShoulder), to: Point::Joint(LeftShoulder) },
            6.0,
            "Keep your shoulders level",
        ),
        cp("left elbow", Measure::angle(LeftShoulder, LeftElbow, LeftWrist), 15.0, "Left elbow as shown"),
        cp("right elbow", Measure::angle(RightShoulder, RightElbow, RightWrist), 15.0, "Right elbow as shown"),
        cp("left shoulder", Measure::angle(LeftHip, LeftShoulder, LeftElbow), 15.0, "Left arm as shown"),
        cp("right shoulder", Measure::angle(RightHip, RightShoulder, RightElbow), 15.0, "Right arm as shown"),
        cp("left knee", Measure::angle(LeftHip, LeftKnee, LeftAnkle), 15.0, "Left knee as shown"),
        cp("right knee", Measure::angle(RightHip, RightKnee, RightAnkle), 15.0, "Right knee as shown"),
    ]
}

/// What capturing targets did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaptureReport {
    /// Checkpoints whose target is now the current value.
    pub captured: Vec<String>,
    /// Checkpoints not visible now: target unchanged.
    pub missing: Vec<String>,
}

impl CaptureReport {
    /// For the therapist, when something was not captured.
    pub fn message(&self) -> Option<String> {
        if self.captured.is_empty() {
            Some("Nothing could be captured: the joints are not visible.".into())
        } else if !self.missing.is_empty() {
            Some(format!("Not visible, target unchanged: {}", self.missing.join(", ")))
        } else {
            None
        }
    }
}

/// "Hold it there": each checkpoint's current value in `pose` becomes its target; a protocol without checkpoints
/// gets the [`default_checkpoints`] first.
pub fn capture_targets(protocol: &mut Protocol, pose: &Pose) -> CaptureReport {
    if protocol.checkpoints.is_empty() {
        protocol.checkpoints = default_checkpoints();
    }
    let mut report = CaptureReport::default();
    for c in protocol.checkpoints.iter_mut() {
        match c.value(pose) {
            Some(v) => {
                c.target = v;
                report.captured.push(c.name.clone());
            }
            None => report.missing.push(c.name.clone()),
        }
    }
    report
}

/// An empty protocol named `name`, in the current format.
pub fn empty_protocol(name: &str) -> Protocol {
    Protocol {
        format_version: FORMAT_VERSION,
        name: name.to_string(),
        description: String::new(),
        model: None,
        cues: Default::default(),
        checkpoints: Vec::new(),
        reps: Vec::new(),
    }
}

/// "New (capture the current posture)": a protocol named `name` with the [`default_checkpoints`], their targets
/// captured from `pose` when there is one (the report says what was not visible); the checkpoints not visible are
/// left out, so the new protocol checks only what was seen.
pub fn new_from_posture(name: &str, pose: Option<&Pose>) -> (Protocol, CaptureReport) {
    let mut p = empty_protocol(name);
    p.checkpoints = default_checkpoints();
    let Some(pose) = pose else {
        let report =
            CaptureReport { captured: Vec::new(), missing: p.checkpoints.iter().map(|c| c.name.clone()).collect() };
        return (p, report);
    };
    let report = capture_targets(&mut p, pose);
    if !report.captured.is_empty() {
        p.checkpoints.retain(|c| report.captured.contains(&c.name));
    }
    (p, report)
}

/// The side a joint is on, in words ("left", "right"), or `None` on the midline.
pub fn side_word(joint: Joint) -> Option<&'static str> {
    match joint.side() {
        Side::Left => Some("left"),
        Side::Right => Some("right"),
        Side::Midline => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posture::measure::tests::pose_at;
    use Joint::*;

    fn standing() -> Pose {
        pose_at(&[
            (LeftShoulder, 580.0, 200.0),
            (RightShoulder, 420.0, 200.0),
            (LeftElbow, 680.0, 200.0),
            (LeftWrist, 680.0, 100.0),
            (LeftHip, 560.0, 500.0),
            (RightHip, 440.0, 500.0),
        ])
    }

    #[test]
    fn capture_sets_targets_and_says_what_was_not_visible() {
        let mut p = empty_protocol("x");
        let r = capture_targets(&mut p, &standing());
        assert_eq!(p.checkpoints.len(), default_checkpoints().len());
        let elbow = p.checkpoints.iter().find(|c| c.name == "left elbow").unwrap();
        assert!((elbow.target - 90.0).abs() < 0.1, "{}", elbow.target);
        assert!(r.captured.contains(&"trunk upright".to_string()));
        assert!(r.missing.contains(&"right knee".to_string()));
        assert!(r.message().unwrap().contains("right knee"));
    }

    #[test]
    fn new_protocol_from_posture_keeps_what_was_seen() {
        let (p, r) = new_from_posture("Mrs B, standing", Some(&standing()));
        assert_eq!(p.name, "Mrs B, standing");
        let names: Vec<&str> = p.checkpoints.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["trunk upright", "shoulders level", "left elbow", "left shoulder"]);
        assert_eq!(r.captured.len(), 4);
        let (p, r) = new_from_posture("nobody", None);
        assert_eq!(p.checkpoints.len(), 8);
        assert!(r.message().is_some());
    }

    #[test]
    fn an_angle_from_three_joints() {
        let d = AngleDefaults::default();
        let c = checkpoint_from_joints(LeftShoulder, LeftElbow, LeftWrist, Some(&standing()), &d, &[]);
        assert_eq!(c.name, "left elbow angle");
        assert!((c.target - 90.0).abs() < 0.1);
        assert_eq!((c.tolerance, c.priority), (10.0, 2));
        assert!(c.cue.contains("left elbow"), "{}", c.cue);
        let again = checkpoint_from_joints(LeftShoulder, LeftElbow, LeftWrist, None, &d, &["left elbow angle"]);
        assert_eq!(again.name, "left elbow angle 2");
        assert_eq!(again.target, 90.0);
    }

    #[test]
    fn picking_takes_the_nearest_joint_within_reach() {
        let cands = [(LeftKnee, 0.5, 0.5), (LeftAnkle, 0.5, 0.7)];
        assert_eq!(nearest_joint(cands, 0.52, 0.53), Some(LeftKnee));
        assert_eq!(nearest_joint(cands, 0.5, 0.66), Some(LeftAnkle));
        assert_eq!(nearest_joint(cands, 0.9, 0.9), None);
    }
}
