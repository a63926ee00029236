//! Measures therapists use, computed from a pose: joint angles, segment angles, alignments normalised to body
//! size, and left/right symmetry.
//!
//! Every measure is defined with anatomical joint names, and is the same number on a mirrored frame (where the
//! estimator has put the names right): angles are unsigned where a mirror would flip their sign, and signed
//! measures are signed by anatomy (for example "towards the body's midline"), never by screen direction.
//! Angles are in degrees. Keypoints below the confidence threshold make a measure "not visible" (`None`), never a
//! wrong value.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::hands::Hand;
pub use crate::hands::measures::HandValue;
use crate::pose::{Joint, Pose};

/// A point on the body: a joint, or the midpoint of two (mid-shoulder, mid-hip).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Point {
    /// A joint.
    Joint(Joint),
    /// The midpoint of two joints.
    Mid(Joint, Joint),
}

impl Point {
    /// Mid-shoulder.
    pub const MID_SHOULDER: Point = Point::Mid(Joint::LeftShoulder, Joint::RightShoulder);
    /// Mid-hip.
    pub const MID_HIP: Point = Point::Mid(Joint::LeftHip, Joint::RightHip);

    /// The same point on the other side of the body.
    pub fn twin(self) -> Point {
        match self {
            Point::Joint(j) => Point::Joint(j.twin()),
            Point::Mid(a, b) => Point::Mid(a.twin(), b.twin()),
        }
    }

    fn joints(self) -> Vec<Joint> {
        match self {
            Point::Joint(j) => vec![j],
            Point::Mid(a, b) => vec![a, b],
        }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Point::Joint(j) => f.write_str(j.name()),
            Point::Mid(a, b) => write!(f, "mid({},{})", a.name(), b.name()),
        }
    }
}

impl FromStr for Point {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let joint = |n: &str| {
            Joint::from_name(n.trim()).ok_or_else(|| format!("`{}` is not a joint name (e.g. left_knee)", n.trim()))
        };
        if let Some(inner) = s.strip_prefix("mid(").and_then(|r| r.strip_suffix(')')) {
            let (a, b) = inner.split_once(',').ok_or_else(|| format!("`{s}`: write mid(joint_a,joint_b)"))?;
            return Ok(Point::Mid(joint(a)?, joint(b)?));
        }
        Ok(Point::Joint(joint(s)?))
    }
}

impl Serialize for Point {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Image plane (2D, from the smoothed keypoints) or BlazePose's world landmarks (3D, metres).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plane {
    /// Angles and distances in the image (what the camera sees).
    #[default]
    Image,
    /// 3D, from BlazePose's world landmarks (joint angles and segment-to-vertical only; other measures fall back
    /// to the image).
    World,
}

/// What to measure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measure {
    /// The angle at `vertex` between the segments to `a` and `c` (0–180°): elbow or knee flexion (180 = straight),
    /// shoulder abduction (hip–shoulder–elbow).
    JointAngle {
        /// One end.
        a: Point,
        /// The vertex.
        vertex: Point,
        /// Other end.
        c: Point,
    },
    /// The angle between the segment `from` → `to` and the upward vertical (0–180°, unsigned): trunk lean
    /// (mid-hip → mid-shoulder), forward head in side view (shoulder → ear).
    SegmentToVertical {
        /// Lower end.
        from: Point,
        /// Upper end.
        to: Point,
    },
    /// How far `to` is above `from` as an angle to the horizontal (−90..90°, positive when `to` is higher):
    /// shoulder line tilt (right_shoulder → left_shoulder: positive when the left shoulder is higher), pelvic tilt,
    /// head tilt from the eye line.
    SegmentToHorizontal {
        /// One end.
        from: Point,
        /// The end whose height is measured.
        to: Point,
    },
    /// Distance of `joint` from the line `line_a`–`line_b`, in torso lengths (mid-shoulder to mid-hip), positive
    /// towards the body's midline: knee valgus (knee inside the hip–ankle line).
    OffsetFromLine {
        /// The joint.
        joint: Point,
        /// One end of the line.
        line_a: Point,
        /// The other end.
        line_b: Point,
    },
    /// Height of `joint` above `reference`, in torso lengths (negative = below): wrist height relative to the
    /// shoulder.
    HeightAbove {
        /// The joint.
        joint: Point,
        /// The reference.
        reference: Point,
    },
    /// How far `joint` is in front of `reference` horizontally, in torso lengths, for side views (the person's
    /// front is where the nose points): knee over toes.
    ForwardOf {
        /// The joint.
        joint: Point,
        /// The reference.
        reference: Point,
    },
    /// How far `joint` is from `reference` across the body, in torso lengths, positive towards the body's other
    /// side (medially), for front views: knee over the foot (`left_knee` from `left_foot_index`; positive = the knee
    /// inside the foot, valgus). "Medially" is judged from the hips (the left hip is on the person's left), so a
    /// body turned or shifted as a whole, hips back in a squat, does not read as valgus.
    AcrossFrom {
        /// The joint (a left or right one: its side gives "medial").
        joint: Point,
        /// The reference.
        reference: Point,
    },
    /// Left minus right of a measure written for the left side (its joints' twins give the right side).
    Symmetry {
        /// The measure on the left side.
        of: Box<Measure>,
    },
    /// A measure of one hand from its 21 landmarks (MediaPipe Hands; the frame's hands, not the body pose): finger
    /// joint flexion, total flexion, hand opening, thumb opposition (degrees or palm lengths), wrist angles (which
    /// also need the body pose's elbow). `measure = { kind = "hand", side = "left", value = "flexion(index,pip)" }`.
    Hand {
        /// The person's own side of the hand.
        #[serde(with = "hand_side")]
        side: crate::pose::Side,
        /// Which of the hand's measures ([`HandValue`] names).
        value: HandValue,
    },
}

/// A hand's side in protocol files: `left` or `right`.
mod hand_side {
    use crate::pose::Side;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(side: &Side, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(side.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Side, D::Error> {
        match String::deserialize(d)?.trim() {
            "left" => Ok(Side::Left),
            "right" => Ok(Side::Right),
            other => Err(serde::de::Error::custom(format!("`{other}` is not a hand's side (left or right)"))),
        }
    }
}

impl Measure {
    /// A joint angle of three joints.
    pub fn angle(a: Joint, vertex: Joint, c: Joint) -> Measure {
        Measure::JointAngle { a: Point::Joint(a), vertex: Point::Joint(vertex), c: Point::Joint(c) }
    }

    /// The same measure on the other side of the body.
    pub fn twin(&self) -> Measure {
        match self {
            Measure::JointAngle { a, vertex, c } => {
                Measure::JointAngle { a: a.twin(), vertex: vertex.twin(), c: c.twin() }
            }
            Measure::SegmentToVertical { from, to } => Measure::SegmentToVertical { from: from.twin(), to: to.twin() },
            Measure::SegmentToHorizontal { from, to } => {
                Measure::SegmentToHorizontal { from: from.twin(), to: to.twin() }
            }
            Measure::OffsetFromLine { joint, line_a, line_b } => {
                Measure::OffsetFromLine { joint: joint.twin(), line_a: line_a.twin(), line_b: line_b.twin() }
            }
            Measure::HeightAbove { joint, reference } => {
                Measure::HeightAbove { joint: joint.twin(), reference: reference.twin() }
            }
            Measure::ForwardOf { joint, reference } => {
                Measure::ForwardOf { joint: joint.twin(), reference: reference.twin() }
            }
            Measure::AcrossFrom { joint, reference } => {
                Measure::AcrossFrom { joint: joint.twin(), reference: reference.twin() }
            }
            Measure::Symmetry { of } => Measure::Symmetry { of: of.clone() },
            Measure::Hand { side, value } => Measure::Hand { side: side.opposite(), value: *value },
        }
    }

    /// Whether it measures one side of the body, so its twin measures the other (a left knee angle does; the
    /// shoulder line, the trunk or a symmetry do not: their twin is the same joints).
    pub fn is_sided(&self) -> bool {
        if matches!(self, Measure::Hand { .. }) {
            return true;
        }
        let joints = |m: &Measure| {
            let mut v: Vec<&'static str> = m.points().iter().flat_map(|p| p.joints()).map(|j| j.name()).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        joints(self) != joints(&self.twin())
    }

    fn points(&self) -> Vec<Point> {
        match self {
            Measure::JointAngle { a, vertex, c } => vec![*a, *vertex, *c],
            Measure::SegmentToVertical { from, to } | Measure::SegmentToHorizontal { from, to } => vec![*from, *to],
            Measure::OffsetFromLine { joint, line_a, line_b } => vec![*joint, *line_a, *line_b],
            Measure::HeightAbove { joint, reference }
            | Measure::ForwardOf { joint, reference }
            | Measure::AcrossFrom { joint, reference } => vec![*joint, *reference],
            Measure::Symmetry { .. } | Measure::Hand { .. } => Vec::new(),
        }
    }

    /// Whether the value is an angle in degrees (otherwise a length in torso lengths).
    pub fn is_angle(&self) -> bool {
        match self {
            Measure::JointAngle { .. } | Measure::SegmentToVertical { .. } | Measure::SegmentToHorizontal { .. } => {
                true
            }
            Measure::Symmetry { of } => of.is_angle(),
            Measure::Hand { value, .. } => value.is_angle(),
            _ => false,
        }
    }

    /// Whether it is measured on the hands (a [`Measure::Hand`], or a symmetry of one).
    pub fn uses_hands(&self) -> bool {
        match self {
            Measure::Hand { .. } => true,
            Measure::Symmetry { of } => of.uses_hands(),
            _ => false,
        }
    }

    /// The unit, as a suffix: "°", " torso lengths" or " palm lengths" (for whole values with their unit, use
    /// [`crate::units::format_value`] with [`Measure::unit_kind`]).
    pub fn unit(&self) -> &'static str {
        match self.unit_kind() {
            crate::units::Unit::Degrees => "°",
            crate::units::Unit::PalmLengths => " palm lengths",
            _ => " torso lengths",
        }
    }

    /// The unit of its values: degrees, torso lengths (mid-shoulder to mid-hip), or for a hand's lengths palm
    /// lengths (wrist to middle-finger knuckle).
    pub fn unit_kind(&self) -> crate::units::Unit {
        if self.is_angle() {
            crate::units::Unit::Degrees
        } else if self.uses_hands() {
            crate::units::Unit::PalmLengths
        } else {
            crate::units::Unit::TorsoLengths
        }
    }

    /// Whether it needs BlazePose's 3D world landmarks when measured in `plane` (a joint angle or a
    /// segment-to-vertical in the world plane; other measures use the image in either plane).
    pub fn uses_world(&self, plane: Plane) -> bool {
        plane == Plane::World
            && match self {
                Measure::JointAngle { .. } | Measure::SegmentToVertical { .. } => true,
                Measure::Symmetry { of } => of.uses_world(plane),
                _ => false,
            }
    }

    /// The joint a cue should point at.
    pub fn focus(&self) -> Option<Joint> {
        let first = |p: &Point| p.joints().first().copied();
        match self {
            Measure::JointAngle { vertex, .. } => first(vertex),
            Measure::SegmentToVertical { to, .. } | Measure::SegmentToHorizontal { to, .. } => first(to),
            Measure::OffsetFromLine { joint, .. }
            | Measure::HeightAbove { joint, .. }
            | Measure::ForwardOf { joint, .. }
            | Measure::AcrossFrom { joint, .. } => first(joint),
            Measure::Symmetry { of } => of.focus(),
            // The body's wrist of the hand's side: where the hand is when the body is seen.
            Measure::Hand { side, .. } => {
                Some(if *side == crate::pose::Side::Left { Joint::LeftWrist } else { Joint::RightWrist })
            }
        }
    }

    /// The value in this frame, from the body `pose` and the frame's `hands` ([`Measure::Hand`] reads the hand of
    /// its side, and the pose's elbow for the wrist angles; every other measure reads the pose): `None` when not
    /// visible.
    pub fn evaluate_in(&self, pose: Option<&Pose>, hands: &[Hand], plane: Plane, min_score: f32) -> Option<f32> {
        match self {
            Measure::Hand { side, value } => {
                let hand = hands.iter().find(|h| h.side == *side)?;
                let m = crate::hands::measures::measure(hand)?;
                let wrist = if value.needs_elbow() {
                    let elbow = if *side == crate::pose::Side::Left { Joint::LeftElbow } else { Joint::RightElbow };
                    let e = pose?.get_confident(elbow, min_score)?;
                    crate::hands::measures::wrist_angles(hand, (e.x, e.y))
                } else {
                    None
                };
                value.of(&m, wrist)
            }
            Measure::Symmetry { of } => Some(
                of.evaluate_in(pose, hands, plane, min_score)?
                    - of.twin().evaluate_in(pose, hands, plane, min_score)?,
            ),
            _ => self.evaluate(pose?, plane, min_score),
        }
    }

    /// The value in `pose`, or `None` when a keypoint it needs is below `min_score` (not visible).
    pub fn evaluate(&self, pose: &Pose, plane: Plane, min_score: f32) -> Option<f32> {
        let (w, h) = (pose.frame_width as f32, pose.frame_height as f32);
        let px = |p: Point| -> Option<(f32, f32)> {
            let mut sx = 0.0;
            let mut sy = 0.0;
            let js = p.joints();
            for j in &js {
                let k = pose.get_confident(*j, min_score)?;
                sx += k.x * w;
                sy += k.y * h;
            }
            Some((sx / js.len() as f32, sy / js.len() as f32))
        };
        let world = |p: Point| -> Option<[f32; 3]> {
            let wl = pose.world.as_ref()?;
            let mut s = [0.0f32; 3];
            let js = p.joints();
            for j in &js {
                pose.get_confident(*j, min_score)?;
                let i = pose.skeleton.index_of(*j)?;
                let q = wl.get(i)?;
                s[0] += q.x;
                s[1] += q.y;
                s[2] += q.z;
            }
            let n = js.len() as f32;
            Some([s[0] / n, s[1] / n, s[2] / n])
        };
        let torso = || -> Option<f32> {
            let (a, b) = (px(Point::MID_SHOULDER)?, px(Point::MID_HIP)?);
            let d = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
            (d > 1.0).then_some(d)
        };
        match self {
            Measure::JointAngle { a, vertex, c } => {
                if plane == Plane::World && pose.world.is_some() {
                    let (a, b, c) = (world(*a)?, world(*vertex)?, world(*c)?);
                    let u = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
                    let v = [c[0] - b[0], c[1] - b[1], c[2] - b[2]];
                    let dot = u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
                    let nu = (u[0] * u[0] + u[1] * u[1] + u[2] * u[2]).sqrt();
                    let nv = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
                    if nu < 1e-6 || nv < 1e-6 {
                        return None;
                    }
                    Some((dot / (nu * nv)).clamp(-1.0, 1.0).acos().to_degrees())
                } else {
                    crate::pose::angles::angle_deg(px(*a)?, px(*vertex)?, px(*c)?)
                }
            }
            Measure::SegmentToVertical { from, to } => {
                let (dx, dy) = if plane == Plane::World && pose.world.is_some() {
                    let (f, t) = (world(*from)?, world(*to)?);
                    (((t[0] - f[0]).powi(2) + (t[2] - f[2]).powi(2)).sqrt(), t[1] - f[1])
                } else {
                    let (f, t) = (px(*from)?, px(*to)?);
                    ((t.0 - f.0).abs(), t.1 - f.1)
                };
                let len = (dx * dx + dy * dy).sqrt();
                if len < 1e-6 {
                    return None;
                }
                // Up is −y.
                Some((-dy / len).clamp(-1.0, 1.0).acos().to_degrees())
            }
            Measure::SegmentToHorizontal { from, to } => {
                let (f, t) = (px(*from)?, px(*to)?);
                let (dx, dy) = ((t.0 - f.0).abs(), t.1 - f.1);
                if dx < 1e-6 && dy.abs() < 1e-6 {
                    return None;
                }
                Some((-dy).atan2(dx).to_degrees())
            }
            Measure::OffsetFromLine { joint, line_a, line_b } => {
                let (p, a, b) = (px(*joint)?, px(*line_a)?, px(*line_b)?);
                let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                let len = (dx * dx + dy * dy).sqrt();
                if len < 1e-6 {
                    return None;
                }
                let cross = |q: (f32, f32)| ((q.0 - a.0) * dy - (q.1 - a.1) * dx) / len;
                // Which side of the line the body's midline is on.
                let mid = px(Point::MID_HIP).or_else(|| px(Point::MID_SHOULDER))?;
                let inward = cross(mid).signum();
                Some(cross(p) * inward / torso()?)
            }
            Measure::HeightAbove { joint, reference } => {
                let (p, r) = (px(*joint)?, px(*reference)?);
                Some((r.1 - p.1) / torso()?)
            }
            Measure::ForwardOf { joint, reference } => {
                let (p, r) = (px(*joint)?, px(*reference)?);
                // Facing: from the ears' midpoint towards the nose.
                let nose = px(Point::Joint(Joint::Nose))?;
                let ears = px(Point::Mid(Joint::LeftEar, Joint::RightEar))
                    .or_else(|| px(Point::Joint(Joint::LeftEar)))
                    .or_else(|| px(Point::Joint(Joint::RightEar)))?;
                let facing = (nose.0 - ears.0).signum();
                Some((p.0 - r.0) * facing / torso()?)
            }
            Measure::AcrossFrom { joint, reference } => {
                let (p, r) = (px(*joint)?, px(*reference)?);
                let (l, rh) = (px(Point::Joint(Joint::LeftHip))?, px(Point::Joint(Joint::RightHip))?);
                // Medial for a left joint is towards the right hip, and the other way round.
                let to_right = (rh.0 - l.0).signum();
                let side = match joint.joints().first().map(|j| j.side()) {
                    Some(crate::pose::Side::Left) => 1.0,
                    Some(crate::pose::Side::Right) => -1.0,
                    _ => return None,
                };
                Some((p.0 - r.0) * to_right * side / torso()?)
            }
            Measure::Symmetry { of } => {
                Some(of.evaluate(pose, plane, min_score)? - of.twin().evaluate(pose, plane, min_score)?)
            }
            // The hands are not in the pose: see `evaluate_in`.
            Measure::Hand { .. } => None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::pose::{Keypoint, Skeleton};

    /// A COCO pose on a 1000×1000 frame from pixel positions of named joints (others at the centre, score 0).
    pub(crate) fn pose_at(points: &[(Joint, f32, f32)]) -> Pose {
        let mut kps = vec![Keypoint { x: 0.5, y: 0.5, score: 0.0, presence: None, z: None }; 17];
        for &(j, x, y) in points {
            kps[Skeleton::Coco17.index_of(j).unwrap()] =
                Keypoint { x: x / 1000.0, y: y / 1000.0, score: 0.9, presence: None, z: None };
        }
        Pose {
            skeleton: Skeleton::Coco17,
            keypoints: kps,
            score: 0.9,
            world: None,
            mask: None,
            frame_width: 1000,
            frame_height: 1000,
        }
    }

    /// The same person in the horizontally flipped frame, with names kept (as the estimator reports them).
    fn flipped(p: &Pose) -> Pose {
        p.flipped_horizontally()
    }

    use Joint::*;

    fn standing() -> Pose {
        // Facing the camera: the person's left is on the image's right.
        pose_at(&[
            (Nose, 500.0, 100.0),
            (LeftEar, 530.0, 100.0),
            (RightEar, 470.0, 100.0),
            (LeftShoulder, 580.0, 200.0),
            (RightShoulder, 420.0, 210.0),
            (LeftElbow, 680.0, 200.0),
            (LeftWrist, 680.0, 100.0),
            (RightElbow, 420.0, 310.0),
            (RightWrist, 420.0, 410.0),
            (LeftHip, 560.0, 500.0),
            (RightHip, 440.0, 500.0),
            (LeftKnee, 540.0, 700.0),
            (RightKnee, 440.0, 700.0),
            (LeftAnkle, 560.0, 900.0),
            (RightAnkle, 440.0, 900.0),
        ])
    }

    fn check(m: &Measure, expected: f32) {
        let p = standing();
        let v = m.evaluate(&p, Plane::Image, 0.3).expect("visible");
        assert!((v - expected).abs() < 0.05, "{m:?}: {v} vs {expected}");
        let vf = m.evaluate(&flipped(&p), Plane::Image, 0.3).expect("visible");
        assert!((vf - v).abs() < 1e-3, "{m:?}: mirrored frame gives {vf}, original {v}");
    }

    #[test]
    fn joint_angles() {
        // Left elbow bent to 90° (shoulder → elbow horizontal, elbow → wrist straight up).
        check(&Measure::angle(LeftShoulder, LeftElbow, LeftWrist), 90.0);
        // Right arm hanging straight: 180°.
        check(&Measure::angle(RightShoulder, RightElbow, RightWrist), 180.0);
        // Left shoulder abduction (hip–shoulder–elbow): hip (560,500), shoulder (580,200), elbow (680,200).
        let expected = crate::pose::angles::angle_deg((560.0, 500.0), (580.0, 200.0), (680.0, 200.0)).unwrap();
        check(&Measure::angle(LeftHip, LeftShoulder, LeftElbow), expected);
    }

    #[test]
    fn segment_angles() {
        // Trunk: mid-hip (500,500) → mid-shoulder (500,205): upright.
        check(&Measure::SegmentToVertical { from: Point::MID_HIP, to: Point::MID_SHOULDER }, 0.0);
        // Shoulder line: right (420,210) → left (580,200): the left is 10 px higher over 160 px.
        check(
            &Measure::SegmentToHorizontal { from: Point::Joint(RightShoulder), to: Point::Joint(LeftShoulder) },
            (10.0f32 / 160.0).atan().to_degrees(),
        );
    }

    #[test]
    fn alignments_in_torso_lengths() {
        let torso = ((500.0f32 - 500.0).powi(2) + (205.0f32 - 500.0).powi(2)).sqrt();
        // Left knee (540,700) against the hip (560,500)–ankle (560,900) line: 20 px towards the midline.
        check(
            &Measure::OffsetFromLine {
                joint: Point::Joint(LeftKnee),
                line_a: Point::Joint(LeftHip),
                line_b: Point::Joint(LeftAnkle),
            },
            20.0 / torso,
        );
        // Left wrist (y 100) above the left shoulder (y 200).
        check(
            &Measure::HeightAbove { joint: Point::Joint(LeftWrist), reference: Point::Joint(LeftShoulder) },
            100.0 / torso,
        );
    }

    #[test]
    fn symmetry_is_left_minus_right() {
        // Left elbow 90°, right elbow 180°.
        check(&Measure::Symmetry { of: Box::new(Measure::angle(LeftShoulder, LeftElbow, LeftWrist)) }, -90.0);
    }

    #[test]
    fn forward_of_follows_the_facing_direction() {
        // Side view, facing the image's right: nose right of the ear; knee 30 px in front of the toes' x.
        let p = pose_at(&[
            (Nose, 560.0, 100.0),
            (LeftEar, 500.0, 100.0),
            (LeftShoulder, 500.0, 200.0),
            (RightShoulder, 500.0, 200.0),
            (LeftHip, 500.0, 500.0),
            (RightHip, 500.0, 500.0),
            (LeftKnee, 600.0, 700.0),
            (LeftAnkle, 570.0, 900.0),
        ]);
        let m = Measure::ForwardOf { joint: Point::Joint(LeftKnee), reference: Point::Joint(LeftAnkle) };
        let v = m.evaluate(&p, Plane::Image, 0.3).unwrap();
        assert!((v - 0.1).abs() < 1e-4, "{v}");
        assert!((m.evaluate(&flipped(&p), Plane::Image, 0.3).unwrap() - v).abs() < 1e-4);
    }

    #[test]
    fn across_from_is_medial_whichever_way_the_body_shifts() {
        // Facing the camera (left on the image's right): the left knee (540) 20 px inside its ankle (560).
        let torso = 295.0;
        let m = Measure::AcrossFrom { joint: Point::Joint(LeftKnee), reference: Point::Joint(LeftAnkle) };
        check(&m, 20.0 / torso);
        // Both knees 40 px to the image's right, as in a squat seen a little from the side: the left knee is now
        // 20 px outside its ankle, the right knee 40 px inside.
        let mut p = standing();
        for j in [LeftKnee, RightKnee] {
            p.keypoints[Skeleton::Coco17.index_of(j).unwrap()].x += 0.04;
        }
        let left = m.evaluate(&p, Plane::Image, 0.3).unwrap();
        assert!((left + 20.0 / torso).abs() < 1e-3, "{left}");
        let right = m.twin().evaluate(&p, Plane::Image, 0.3).unwrap();
        assert!((right - 40.0 / torso).abs() < 1e-3, "{right}");
        let vf = m.evaluate(&flipped(&p), Plane::Image, 0.3).unwrap();
        assert!((vf - left).abs() < 1e-3);
    }

    #[test]
    fn sided_measures() {
        assert!(Measure::angle(LeftHip, LeftKnee, LeftAnkle).is_sided());
        assert!(!Measure::SegmentToVertical { from: Point::MID_HIP, to: Point::MID_SHOULDER }.is_sided());
        assert!(
            !Measure::SegmentToHorizontal { from: Point::Joint(RightShoulder), to: Point::Joint(LeftShoulder) }
                .is_sided()
        );
    }

    #[test]
    fn low_confidence_is_not_visible() {
        let mut p = standing();
        let i = Skeleton::Coco17.index_of(LeftWrist).unwrap();
        p.keypoints[i].score = 0.1;
        assert_eq!(Measure::angle(LeftShoulder, LeftElbow, LeftWrist).evaluate(&p, Plane::Image, 0.3), None);
    }

    #[test]
    fn points_parse_and_print() {
        assert_eq!("left_knee".parse::<Point>(), Ok(Point::Joint(LeftKnee)));
        assert_eq!("mid(left_hip, right_hip)".parse::<Point>(), Ok(Point::MID_HIP));
        assert_eq!(Point::MID_SHOULDER.to_string(), "mid(left_shoulder,right_shoulder)");
        assert!("left_knees".parse::<Point>().unwrap_err().contains("left_knees"));
    }
}
