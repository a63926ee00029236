//! A pose track (one pose or none per frame) and the centre-of-mass sway trace taken from it.
//!
//! **Method.** Each frame's centre of mass comes from the segment model ([`super::com`]), in 3D from BlazePose's
//! world landmarks when every pose has them, else in the image plane. Sway is the centre of mass **relative to the
//! base of support** (the midpoint of both feet, or the stance foot; a foot is the mean of its heel, toe and ankle),
//! never the raw world coordinates, whose origin is the hips and so moves with the body. It is projected on the
//! person's axes, fixed for the trial: **ML** along the line from the right hip to the left hip (positive to the
//! person's left), **AP** horizontal and perpendicular to it (positive forwards). In the image plane only ML is
//! observable (a frontal camera sees no depth), and AP is reported as not observable.
//!
//! **Scale to cm.** With the patient's height: stature is estimated from the body (thigh + shank + trunk length is
//! 0.779 of stature, from the segment-length proportions of Drillis & Contini 1966 as given by Winter 2009) and the
//! trace is scaled so that it equals the entered height. Without it, world landmarks are taken at their word
//! (metres); an image-plane trace cannot be scaled and is refused. **Limits**: monocular pose gives the centre of
//! mass within a few centimetres and its depth (AP from a frontal camera) less well than ML; camera axes are taken
//! as level (BlazePose's world axes follow the camera, not gravity); BlazePose's world scale is a model estimate.

use std::ops::Range;

use super::body::{Body, P3, Space, add, dist, dot, norm, scale, sub};
use super::com::centre_of_mass;
use super::{BalanceError, Trace};
use crate::pose::{Joint, Pose, Side};

/// One frame of a pose track.
#[derive(Clone, Debug)]
pub struct PoseSample {
    /// Frame index in the recording.
    pub frame: u64,
    /// Capture time, s.
    pub time_s: f64,
    /// The person's pose, if one was found.
    pub pose: Option<Pose>,
}

/// Reads `source` to its end through the one frame loop ([`crate::source::for_each_frame`]) and estimates a pose
/// per frame (masks dropped); `on_skip` hears of unreadable frames.
pub fn collect(
    source: &mut dyn crate::source::FrameSource,
    estimator: &mut crate::pose::PoseEstimator,
    on_skip: impl FnMut(&crate::source::SourceError),
) -> Result<(Vec<PoseSample>, crate::source::FrameRun), crate::pose::PoseError> {
    let mut samples = Vec::new();
    let run = crate::source::for_each_frame(
        source,
        on_skip,
        |frame| -> Result<crate::source::Flow, crate::pose::PoseError> {
            let pose = estimator.estimate(&frame)?.map(|mut p| {
                p.mask = None;
                p
            });
            samples.push(PoseSample { frame: frame.index, time_s: frame.time_s, pose });
            Ok(crate::source::Flow::Continue)
        },
    )?;
    Ok((samples, run))
}

/// What the centre of mass is measured against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseOfSupport {
    /// The midpoint of both feet.
    BothFeet,
    /// One foot (the stance foot), by the person's side.
    Foot(Side),
}

/// Stature over (thigh + shank + trunk length).
pub const STATURE_PER_BODY_LENGTH: f64 = 1.0 / 0.779;

/// The longest stretch without a pose that a trace bridges, s.
pub const MAX_GAP_S: f64 = 0.5;

/// A centre-of-mass sway trace and how it was made.
#[derive(Clone, Debug)]
pub struct ComTrace {
    /// ML and AP of the centre of mass relative to the base of support, cm, at the frames' times.
    pub trace: Trace,
    /// The frames used (one per trace sample).
    pub frames: Vec<u64>,
    /// The space the centre of mass was computed in.
    pub space: Space,
    /// False in the image plane: AP is not observable and is 0 in the trace.
    pub ap_observable: bool,
    /// Centimetres per unit of the space.
    pub cm_per_unit: f64,
    /// How the scale was found, in words.
    pub scale_note: String,
}

/// The foot point of `side`: mean of heel, toe and ankle.
pub fn foot(body: &Body<'_>, side: Side) -> Option<P3> {
    let j = |l: Joint| if side == Side::Left { l } else { l.twin() };
    body.mean_of(&[j(Joint::LeftHeel), j(Joint::LeftFootIndex), j(Joint::LeftAnkle)])
}

/// Thigh + shank + trunk length of one pose (legs averaged over the sides found).
pub fn body_length(body: &Body<'_>) -> Option<f64> {
    let trunk = dist(body.mid(Joint::LeftShoulder, Joint::RightShoulder)?, body.mid(Joint::LeftHip, Joint::RightHip)?);
    let legs: Vec<f64> = [Side::Left, Side::Right]
        .iter()
        .filter_map(|&s| {
            let j = |l: Joint| if s == Side::Left { l } else { l.twin() };
            let (h, k, a) =
                (body.get(j(Joint::LeftHip))?, body.get(j(Joint::LeftKnee))?, body.get(j(Joint::LeftAnkle))?);
            Some(dist(h, k) + dist(k, a))
        })
        .collect();
    (!legs.is_empty()).then(|| trunk + legs.iter().sum::<f64>() / legs.len() as f64)
}

/// The median of `v` (0 for an empty list).
pub fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) }
}

/// The space a track can be measured in: world if every pose has world landmarks.
pub fn space_of(samples: &[PoseSample]) -> Space {
    let all_world = samples.iter().filter_map(|s| s.pose.as_ref()).all(|p| p.world.is_some());
    if all_world { Space::World } else { Space::Image }
}

/// The centre-of-mass sway trace of `samples[range]` against `bos`, in cm (see the module docs).
pub fn com_trace(
    samples: &[PoseSample],
    range: Range<usize>,
    bos: BaseOfSupport,
    height_cm: Option<f64>,
) -> Result<ComTrace, BalanceError> {
    let part = &samples[range.start.min(samples.len())..range.end.min(samples.len())];
    let space = space_of(part);
    struct Row {
        frame: u64,
        time_s: f64,
        rel: P3,
        ml_axis: P3,
        length: Option<f64>,
    }
    let mut rows: Vec<Row> = Vec::new();
    for s in part {
        let Some(body) = s.pose.as_ref().and_then(|p| Body::new(p, space)) else { continue };
        let Some(com) = centre_of_mass(&body) else { continue };
        let base = match bos {
            BaseOfSupport::BothFeet => match (foot(&body, Side::Left), foot(&body, Side::Right)) {
                (Some(l), Some(r)) => Some(scale(add(l, r), 0.5)),
                _ => None,
            },
            BaseOfSupport::Foot(side) => foot(&body, side),
        };
        let (Some(base), Some(lh), Some(rh)) = (base, body.get(Joint::LeftHip), body.get(Joint::RightHip)) else {
            continue;
        };
        let mut axis = sub(lh, rh);
        axis[1] = 0.0;
        if norm(axis) == 0.0 {
            continue;
        }
        rows.push(Row {
            frame: s.frame,
            time_s: s.time_s,
            rel: sub(com, base),
            ml_axis: scale(axis, 1.0 / norm(axis)),
            length: body_length(&body),
        });
    }
    let (Some(first), Some(last)) = (part.first(), part.last()) else {
        return Err(BalanceError::NoMeasurement("no frames to measure".into()));
    };
    if rows.is_empty() {
        return Err(BalanceError::NoMeasurement(format!(
            "nobody visible with hips, legs and feet from frame {} to {}",
            first.frame, last.frame
        )));
    }
    for w in rows.windows(2) {
        if w[1].time_s - w[0].time_s > MAX_GAP_S {
            return Err(BalanceError::NoMeasurement(format!(
                "nobody visible from frame {} to {} ({:.2} s; at most {MAX_GAP_S} s is bridged)",
                w[0].frame,
                w[1].frame,
                w[1].time_s - w[0].time_s
            )));
        }
    }
    // The person's axes for the whole trial.
    let mut u = rows.iter().fold([0.0; 3], |a, r| add(a, r.ml_axis));
    u = scale(u, 1.0 / norm(u).max(f64::MIN_POSITIVE));
    // Forward = down × left: for a person facing the camera (left = +x) it points to the camera (−z).
    let ap = [u[2], 0.0, -u[0]];
    let length = median(rows.iter().filter_map(|r| r.length).collect());
    let stature_units = length * STATURE_PER_BODY_LENGTH;
    let (cm_per_unit, scale_note) = match (height_cm, space) {
        (Some(h), _) if h > 0.0 && stature_units > 0.0 => (
            h / stature_units,
            format!("scaled to the entered height of {h:.0} cm (stature estimated from thigh + shank + trunk)"),
        ),
        (Some(h), _) if h.is_nan() || h <= 0.0 => {
            return Err(BalanceError::Parameter(format!("the height must be positive, not {h} cm")));
        }
        (_, Space::World) => (
            100.0,
            format!(
                "BlazePose world landmarks taken as metres (stature estimated at {:.0} cm; give --height-cm to scale \
                 to the patient)",
                stature_units * 100.0
            ),
        ),
        _ => {
            return Err(BalanceError::Parameter(
                "the image plane has no scale: give the patient's height (--height-cm) or use BlazePose (world \
                 landmarks)"
                    .into(),
            ));
        }
    };
    let ap_observable = space == Space::World;
    let time_s: Vec<f64> = rows.iter().map(|r| r.time_s).collect();
    let ml: Vec<f64> = rows.iter().map(|r| dot(r.rel, u) * cm_per_unit).collect();
    let apv: Vec<f64> = rows.iter().map(|r| if ap_observable { dot(r.rel, ap) * cm_per_unit } else { 0.0 }).collect();
    Ok(ComTrace {
        trace: Trace::new(time_s, ml, apv)?,
        frames: rows.iter().map(|r| r.frame).collect(),
        space,
        ap_observable,
        cm_per_unit,
        scale_note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::balance::testing::{Figure, track};

    #[test]
    fn a_lean_to_the_left_and_forwards_shows_as_positive_ml_and_ap() {
        let mut figs = Vec::new();
        for i in 0..60 {
            let mut f = Figure::standing();
            let a = 0.02 * (i as f64 / 10.0).sin();
            // Figure's left is +x (image right); forward is towards the camera, −z.
            f.lean(a, -a);
            figs.push(f);
        }
        let t = com_trace(&track(&figs, 30.0), 0..60, BaseOfSupport::BothFeet, None).unwrap();
        assert_eq!(t.space, Space::World);
        // Frame 0 stands upright (the CoM is then behind the feet's centre, which lies ahead of the ankles).
        let i = (0..60).max_by(|&a, &b| t.trace.ml_cm[a].total_cmp(&t.trace.ml_cm[b])).unwrap();
        let (ml, ap) = (t.trace.ml_cm[i] - t.trace.ml_cm[0], t.trace.ap_cm[i] - t.trace.ap_cm[0]);
        assert!(ml > 1.0 && ap > 1.0, "{ml} {ap}");
        // A whole-body translation (feet too) is not sway: the hip-centred world frame does not fool it.
        let mut moved = Vec::new();
        for i in 0..60 {
            let mut f = Figure::standing();
            f.translate([0.01 * i as f64, 0.0, 0.0]);
            moved.push(f);
        }
        let t = com_trace(&track(&moved, 30.0), 0..60, BaseOfSupport::BothFeet, None).unwrap();
        let spread = t.trace.ml_cm.iter().fold(0.0f64, |m, v| m.max((v - t.trace.ml_cm[0]).abs()));
        assert!(spread < 1e-4, "{spread}");
    }

    #[test]
    fn height_scales_the_trace_and_the_image_plane_needs_it() {
        let mut figs = Vec::new();
        for i in 0..30 {
            let mut f = Figure::standing();
            f.lean(0.01 * (i % 2) as f64, 0.0);
            figs.push(f);
        }
        let mut samples = track(&figs, 30.0);
        let a = com_trace(&samples, 0..30, BaseOfSupport::BothFeet, None).unwrap();
        let b = com_trace(&samples, 0..30, BaseOfSupport::BothFeet, Some(2.0 * a.cm_per_unit * 1.0)).unwrap();
        assert!(b.cm_per_unit > 0.0);
        for s in samples.iter_mut() {
            if let Some(p) = s.pose.as_mut() {
                p.world = None;
            }
        }
        let err = com_trace(&samples, 0..30, BaseOfSupport::BothFeet, None).unwrap_err();
        assert!(err.to_string().contains("--height-cm"), "{err}");
        let img = com_trace(&samples, 0..30, BaseOfSupport::BothFeet, Some(175.0)).unwrap();
        assert!(!img.ap_observable);
        // The figure is about 1.75 m: a 1 cm lean at the hips moves the CoM by about 1 cm on the image too.
        let swing = img.trace.ml_cm[1] - img.trace.ml_cm[0];
        assert!(swing > 0.5 && swing < 1.5, "{swing}");
    }

    #[test]
    fn nobody_visible_is_said_with_frames() {
        let mut samples = track(&vec![Figure::standing(); 60], 30.0);
        for s in samples.iter_mut().skip(10).take(30) {
            s.pose = None;
        }
        let err = com_trace(&samples, 0..60, BaseOfSupport::BothFeet, None).unwrap_err();
        assert!(err.to_string().contains("nobody visible from frame 9 to 40"), "{err}");
        for s in samples.iter_mut() {
            s.pose = None;
        }
        let err = com_trace(&samples, 0..60, BaseOfSupport::BothFeet, None).unwrap_err();
        assert!(err.to_string().starts_with("nobody visible"), "{err}");
    }
}
