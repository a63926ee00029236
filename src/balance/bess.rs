//! The Balance Error Scoring System (BESS; Riemann, Guskiewicz & Shields 1999) errors of one trial, from the pose.
//!
//! Each kind is a condition over frames that must last [`MIN_ERROR_S`] (pose noise does not count); an error is
//! counted at the first frame of each such stretch:
//! - **hands off the hips**: a wrist farther from its hip than [`super::stance::Params::hands_on_hips`] trunk
//!   lengths;
//! - **step, stumble or fall**: a foot that was down at the start with heel and toe both moved more than
//!   `d_move` leg lengths, the lifted foot of a single-leg trial touching down, or the hips dropping by more than
//!   [`FALL_LEGS`] leg lengths;
//! - **hip flexion or abduction beyond 30°**: the thigh's angle from the trunk's axis in the sagittal plane
//!   (flexion; weight-bearing legs, since the lifted leg of a single-leg stance is held flexed) or in the frontal
//!   plane (abduction; both legs), in 3D from the world landmarks, else abduction only in the image plane;
//! - **forefoot or heel lifted**: of a foot that was down at the start, the heel or the toe (not both) more than
//!   `d_lift` leg lengths from where it was;
//! - **out of the testing position for more than 5 s**: any of the above lasting over 5 s counts once more.
//!
//! Errors that start while another is going on count once (BESS counts simultaneous errors as one); a trial
//! scores at most [`MAX_ERRORS`]. Eyes opening cannot be seen reliably: the therapist records it.

use serde::Serialize;

use super::body::{Body, P3, Space, dist, dot, norm, scale, sub};
use super::stance::Contact;
use super::track::{PoseSample, space_of};
use crate::pose::{Joint, Side};

/// Shortest condition that counts as an error, s.
pub const MIN_ERROR_S: f64 = 0.2;
/// Most errors scored per trial.
pub const MAX_ERRORS: usize = 10;
/// Hip angle limit, degrees.
pub const HIP_LIMIT_DEG: f64 = 30.0;
/// Hip drop counted as a fall, leg lengths.
pub const FALL_LEGS: f64 = 0.3;
/// Out-of-position limit, s.
pub const OUT_OF_POSITION_S: f64 = 5.0;

/// A kind of BESS error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Hands lifted off the iliac crests.
    HandsOffHips,
    /// A step, stumble or fall.
    StepStumbleOrFall,
    /// Hip flexion or abduction beyond 30°.
    HipFlexionOrAbduction,
    /// The forefoot or the heel lifted.
    ForefootOrHeelLifted,
    /// Out of the testing position for more than 5 s.
    OutOfPositionOver5S,
}

/// One scored error.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BessError {
    /// Frame index where it starts.
    pub frame: u64,
    /// Its time, s.
    pub time_s: f64,
    /// The kinds that started together (counted as one error).
    pub kinds: Vec<ErrorKind>,
}

/// The errors of one trial.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BessScore {
    /// Errors in time order (all of them, also beyond the cap).
    pub errors: Vec<BessError>,
    /// The score: the number of errors, at most [`MAX_ERRORS`].
    pub error_count: usize,
}

/// Hip angles of one leg, degrees: (flexion, abduction); flexion `None` in the image plane.
pub fn hip_angles(body: &Body<'_>, side: Side) -> Option<(Option<f64>, f64)> {
    let j = |l: Joint| if side == Side::Left { l } else { l.twin() };
    let sh = body.mid(Joint::LeftShoulder, Joint::RightShoulder)?;
    let hips = body.mid(Joint::LeftHip, Joint::RightHip)?;
    let down = sub(hips, sh);
    let down = scale(down, 1.0 / norm(down).max(f64::MIN_POSITIVE));
    let left = sub(body.get(Joint::LeftHip)?, body.get(Joint::RightHip)?);
    // The ML axis made perpendicular to the trunk.
    let left = sub(left, scale(down, dot(left, down)));
    let left = scale(left, 1.0 / norm(left).max(f64::MIN_POSITIVE));
    let out = if side == Side::Left { left } else { scale(left, -1.0) };
    let thigh = sub(body.get(j(Joint::LeftKnee))?, body.get(j(Joint::LeftHip))?);
    let abduction = dot(thigh, out).atan2(dot(thigh, down)).to_degrees();
    let flexion = (body.space() == Space::World).then(|| {
        // Forward = down × left.
        let fwd = [
            down[1] * left[2] - down[2] * left[1],
            down[2] * left[0] - down[0] * left[2],
            down[0] * left[1] - down[1] * left[0],
        ];
        dot(thigh, fwd).atan2(dot(thigh, down)).to_degrees()
    });
    Some((flexion, abduction))
}

/// The BESS errors of the trial `range` of `samples` (`contact` made over the same samples).
pub fn score(samples: &[PoseSample], contact: &Contact, range: std::ops::Range<usize>) -> BessScore {
    let p = contact.params;
    let space = space_of(&samples[range.clone()]);
    let start = range.start;
    let leg = contact.leg_px;
    let up0 = contact.up.get(start).copied().unwrap_or([None, None]);
    // Where each foot stood: its first planted position in the trial (planting needs a short still window).
    let mut origin = [(None, None), (None, None)];
    for (side, o) in origin.iter_mut().enumerate() {
        let first = |k: usize| {
            range.clone().find_map(|t| if k == 0 { contact.planted[t][side].0 } else { contact.planted[t][side].1 })
        };
        *o = (first(0), first(1));
    }
    let hips_y0 = samples.get(start).and_then(|s| s.pose.as_ref()).and_then(|pose| {
        let b = Body::new(pose, Space::Image)?;
        b.mid(Joint::LeftHip, Joint::RightHip).map(|h| h[1])
    });
    let far = |a: Option<P3>, b: Option<P3>, d: f64| match (a, b) {
        (Some(a), Some(b)) => Some(dist(a, b) > d * leg),
        _ => None,
    };
    // Per frame: which conditions hold.
    let mut active: Vec<Vec<ErrorKind>> = Vec::new();
    for t in range.clone() {
        let mut on = Vec::new();
        let f = &contact.feet[t];
        if f.hand_on_hip.contains(&Some(false)) {
            on.push(ErrorKind::HandsOffHips);
        }
        let mut step = false;
        let mut lift = false;
        for side in 0..2 {
            match up0[side] {
                Some(false) => {
                    let heel = far(f.heel[side], origin[side].0, p.d_move);
                    let toe = far(f.toe[side], origin[side].1, p.d_move);
                    step |= heel == Some(true) && toe == Some(true);
                    let heel = far(f.heel[side], origin[side].0, p.d_lift);
                    let toe = far(f.toe[side], origin[side].1, p.d_lift);
                    lift |= matches!((heel, toe), (Some(true), Some(false)) | (Some(false), Some(true)));
                }
                Some(true) => step |= contact.up[t][side] == Some(false),
                None => {}
            }
        }
        let pose = samples[t].pose.as_ref();
        if let (Some(y0), Some(b)) = (hips_y0, pose.and_then(|p| Body::new(p, Space::Image))) {
            step |= b.mid(Joint::LeftHip, Joint::RightHip).is_some_and(|h| h[1] - y0 > FALL_LEGS * leg);
        }
        if step {
            on.push(ErrorKind::StepStumbleOrFall);
        }
        if let Some(b) = pose.and_then(|p| Body::new(p, space)) {
            let beyond = [Side::Left, Side::Right].iter().enumerate().any(|(i, &s)| {
                hip_angles(&b, s).is_some_and(|(flex, abd)| {
                    abd > HIP_LIMIT_DEG || (up0[i] == Some(false) && flex.is_some_and(|f| f > HIP_LIMIT_DEG))
                })
            });
            if beyond {
                on.push(ErrorKind::HipFlexionOrAbduction);
            }
        }
        if lift && !step {
            on.push(ErrorKind::ForefootOrHeelLifted);
        }
        active.push(on);
    }
    let times: Vec<f64> = range.clone().map(|t| contact.time_s[t]).collect();
    // Stretches per kind that last long enough: (onset, end) as offsets into the range.
    let mut events: Vec<(usize, usize, ErrorKind)> = Vec::new();
    let kinds = [
        ErrorKind::HandsOffHips,
        ErrorKind::StepStumbleOrFall,
        ErrorKind::HipFlexionOrAbduction,
        ErrorKind::ForefootOrHeelLifted,
    ];
    let mut any_on = vec![false; active.len()];
    for kind in kinds {
        let mut i = 0;
        while i < active.len() {
            if !active[i].contains(&kind) {
                i += 1;
                continue;
            }
            let s = i;
            while i < active.len() && active[i].contains(&kind) {
                i += 1;
            }
            if times[i - 1] - times[s] >= MIN_ERROR_S || i == active.len() && times[i - 1] - times[s] > 0.0 {
                events.push((s, i, kind));
                any_on[s..i].iter_mut().for_each(|a| *a = true);
            }
        }
    }
    let mut i = 0;
    while i < any_on.len() {
        if !any_on[i] {
            i += 1;
            continue;
        }
        let s = i;
        while i < any_on.len() && any_on[i] {
            i += 1;
        }
        if let Some(k) = (s..i).find(|&k| times[k] - times[s] > OUT_OF_POSITION_S) {
            events.push((k, i, ErrorKind::OutOfPositionOver5S));
        }
    }
    events.sort_by_key(|e| (e.0, e.2));
    let mut errors: Vec<(BessError, usize)> = Vec::new();
    for (s, e, kind) in events {
        match errors.last_mut() {
            Some((err, until)) if s < *until && kind != ErrorKind::OutOfPositionOver5S => {
                if !err.kinds.contains(&kind) {
                    err.kinds.push(kind);
                }
                *until = (*until).max(e);
            }
            _ => errors.push((BessError { frame: contact.frame[start + s], time_s: times[s], kinds: vec![kind] }, e)),
        }
    }
    let errors: Vec<BessError> = errors.into_iter().map(|(e, _)| e).collect();
    BessScore { error_count: errors.len().min(MAX_ERRORS), errors }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::balance::body::Space;
    use crate::balance::testing::Figure;

    #[test]
    fn hip_angles_of_a_standing_figure_are_near_zero_and_follow_the_thigh() {
        let f = Figure::standing();
        let pose = f.pose();
        let b = Body::new(&pose, Space::World).unwrap();
        let (flex, abd) = hip_angles(&b, Side::Left).unwrap();
        assert!(flex.unwrap().abs() < 1.0 && abd.abs() < 1.0, "{flex:?} {abd}");
        let mut g = Figure::standing();
        // Left knee 35° outwards (to +x), right knee 40° forwards (−z).
        let l = 0.43;
        g.set(Joint::LeftKnee, [0.1 + l * 35f64.to_radians().sin(), l * 35f64.to_radians().cos(), 0.0]);
        g.set(Joint::RightKnee, [-0.1, l * 40f64.to_radians().cos(), -l * 40f64.to_radians().sin()]);
        let pose = g.pose();
        let b = Body::new(&pose, Space::World).unwrap();
        let (_, abd) = hip_angles(&b, Side::Left).unwrap();
        assert!((abd - 35.0).abs() < 1.0, "{abd}");
        let (flex, abd) = hip_angles(&b, Side::Right).unwrap();
        assert!((flex.unwrap() - 40.0).abs() < 1.0 && abd.abs() < 1.0, "{flex:?} {abd}");
    }
}
