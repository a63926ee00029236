//! Heel strikes and toe-offs.
//!
//! **Side view** (Zeni et al. 2008, as Stenum et al. 2021 applied it to video): along the walking direction, a heel
//! strike is where the heel is furthest **ahead** of the pelvis, a toe-off where the toes are furthest **behind**
//! it. Each is a local extreme over ±[`WINDOW_S`] inside a pass, on the correct side of the pelvis, standing out
//! by at least [`MIN_PROMINENCE_BODY`] body lengths, with the foot seen inside the picture (a person leaving the
//! picture gives no events beyond its edge). **Front view**: a heel strike is where that ankle comes furthest
//! below the other one (walking towards the camera; above it walking away), the nearer foot being lower in the
//! picture; the heel strike itself is where that foot stopped moving in the picture before it (the difference
//! peaks only once the other foot lifts); the difference is divided by the person's size in the picture squared,
//! so steps far from the camera count as near ones; toe-offs are not found.

use serde::Serialize;

use super::passes::{Pass, View};
use super::series::Series;
use crate::pose::{Joint, Side};

/// Half-width of the window an extreme must dominate, s.
pub const WINDOW_S: f64 = 0.2;
/// How far an extreme must stand out from the lowest (highest) value of its window, body lengths.
pub const MIN_PROMINENCE_BODY: f64 = 0.05;

/// Which event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The foot lands (initial contact).
    HeelStrike,
    /// The foot leaves the ground.
    ToeOff,
}

/// One gait event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GaitEvent {
    /// Frame index in the recording.
    pub frame: u64,
    /// Time, s.
    pub time_s: f64,
    /// The person's own foot.
    #[serde(serialize_with = "side_name")]
    pub foot: Side,
    /// Heel strike or toe-off.
    pub kind: EventKind,
    /// Index of the pass it belongs to.
    pub pass: usize,
    /// Sample index in the series.
    #[serde(skip)]
    pub index: usize,
}

fn side_name<S: serde::Serializer>(s: &Side, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.name())
}

/// The events of every pass, in time order.
pub fn detect(series: &Series, passes: &[Pass], view: View) -> Vec<GaitEvent> {
    let body = series.body_length().unwrap_or(0.5);
    let w = ((WINDOW_S * series.fps).round() as usize).max(1);
    // The person's size in the picture over ±1 s (front view: steps far away are scaled up to near ones).
    let size = (view == View::Front).then(|| series.relative_size(series.fps.round().max(1.0) as usize)).flatten();
    let scale = |i: usize| size.as_ref().map_or(1.0, |s| s[i].clamp(0.2, 5.0).powi(-2));
    let mut events = Vec::new();
    for (k, pass) in passes.iter().enumerate() {
        let dir = pass.direction.sign();
        for foot in [Side::Left, Side::Right] {
            let (heel, toe, ankle, other_ankle) = match foot {
                Side::Left => (Joint::LeftHeel, Joint::LeftFootIndex, Joint::LeftAnkle, Joint::RightAnkle),
                _ => (Joint::RightHeel, Joint::RightFootIndex, Joint::RightAnkle, Joint::LeftAnkle),
            };
            let mut push = |index: usize, kind: EventKind| {
                events.push(GaitEvent {
                    frame: series.frames[index],
                    time_s: series.times[index],
                    foot,
                    kind,
                    pass: k,
                    index,
                });
            };
            match view {
                View::Side => {
                    let rel = |j: Joint| -> Vec<f64> {
                        (0..series.len()).map(|i| (series.at(j, i)[0] - series.pelvis(i)[0]) * dir).collect()
                    };
                    let (h, t) = (rel(heel), rel(toe));
                    for i in extremes(&h, pass, w, MIN_PROMINENCE_BODY * body) {
                        if h[i] > 0.0 && series.seen(heel, i) && series.measured[i] {
                            push(i, EventKind::HeelStrike);
                        }
                    }
                    let neg: Vec<f64> = t.iter().map(|v| -v).collect();
                    for i in extremes(&neg, pass, w, MIN_PROMINENCE_BODY * body) {
                        if t[i] < 0.0 && series.seen(toe, i) && series.measured[i] {
                            push(i, EventKind::ToeOff);
                        }
                    }
                }
                View::Front => {
                    // Image y grows downwards: towards the camera the front foot is the lower one. A step's length
                    // in depth shows as a height difference that shrinks with the square of the distance (a point
                    // on the floor at depth z is drawn f·h/z below the horizon) while the person's size shrinks
                    // with the distance itself: divided by the size squared, a step at 8 m stands out as much as
                    // one at 4 m (before, the strikes beyond about 6 m fell under the prominence asked for).
                    let d: Vec<f64> = (0..series.len())
                        .map(|i| (series.at(ankle, i)[1] - series.at(other_ankle, i)[1]) * dir * scale(i))
                        .collect();
                    for i in extremes(&d, pass, w, 0.3 * MIN_PROMINENCE_BODY * body) {
                        let Some(i) = landing(series, ankle, i, w, pass.start) else { continue };
                        if d[i] > 0.0 && series.seen(ankle, i) && series.measured[i] {
                            push(i, EventKind::HeelStrike);
                        }
                    }
                }
            }
        }
    }
    events.sort_by(|a, b| a.index.cmp(&b.index).then((a.kind as u8).cmp(&(b.kind as u8))));
    events
}

/// The heel strike near the front view's peak at `i` of `ankle`: after the fastest movement of the swing within 2 `w`
/// before `i` (not before `start`), the first sample up to 2 `w` after `i` where the ankle has stopped moving in the
/// picture (its vertical speed under [`LANDED_SPEED`] of that fastest for three samples); `None` when the swing is not
/// seen. Towards the camera the ankles' difference peaks only once the other foot lifts (after the double support);
/// walking away far from the camera it peaks a few frames before the foot lands (the swinging foot is highest in the
/// picture before it comes down). The foot on the ground stays still in the picture of a fixed camera.
fn landing(series: &Series, ankle: Joint, i: usize, w: usize, start: usize) -> Option<usize> {
    let a = i.saturating_sub(2 * w).max(start + 1);
    if a >= i {
        return None;
    }
    let speed = |k: usize| (series.at(ankle, k)[1] - series.at(ankle, k - 1)[1]).abs();
    let fastest = (a..=i).map(speed).fold(0.0, f64::max);
    if fastest <= 0.0 {
        return None;
    }
    // The first still sample after the fastest movement; none when the swing itself is not seen (the stretch
    // begins at the pass's start, the foot already down).
    let peak = (a..=i).max_by(|&x, &y| speed(x).total_cmp(&speed(y))).unwrap_or(a);
    if peak == a {
        return None;
    }
    // Still means still for three samples (a foot moving away while it comes down can pause for one).
    let n = series.len();
    let still = |k: usize| (k..k + 3).all(|m| m < n && speed(m) <= LANDED_SPEED * fastest);
    (peak..=(i + 2 * w).min(n.saturating_sub(1))).find(|&k| still(k)).map(|k| k.saturating_sub(1).max(peak))
}

/// Below this fraction of its fastest vertical speed, a foot counts as landed (front view).
pub const LANDED_SPEED: f64 = 0.15;

/// Indices of the local maxima of `v` inside `pass`: the largest value within ±`w` samples (the window inside the
/// pass, at least `w / 2` samples on each side), exceeding the window's lowest value by `prominence`.
pub fn extremes(v: &[f64], pass: &Pass, w: usize, prominence: f64) -> Vec<usize> {
    let mut out = Vec::new();
    let margin = (w / 2).max(1);
    for i in pass.start..=pass.end.min(v.len().saturating_sub(1)) {
        if i < pass.start + margin || i + margin > pass.end {
            continue;
        }
        let (a, b) = (i.saturating_sub(w).max(pass.start), (i + w).min(pass.end));
        let window = &v[a..=b];
        let is_max = window.iter().enumerate().all(|(k, x)| {
            let j = a + k;
            j == i || *x < v[i] || (*x == v[i] && j > i)
        });
        let low = window.iter().copied().fold(f64::INFINITY, f64::min);
        if is_max && v[i].is_finite() && v[i] - low >= prominence {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gait::passes::find;
    use crate::gait::series::testing::{CYCLE_S, STANCE, walk};

    fn events_of(track: &[crate::balance::track::PoseSample]) -> Vec<GaitEvent> {
        let s = Series::from_track(track).unwrap();
        let (view, passes) = find(&s).unwrap();
        detect(&s, &passes, view)
    }

    /// The constructed walker's true events (frames at 30 fps) within `0..frames`.
    fn truth(frames: u64) -> Vec<(f64, Side, EventKind)> {
        let mut out = Vec::new();
        for c in -1..10 {
            for (foot, offset) in [(Side::Left, 0.0), (Side::Right, 0.5)] {
                let hs = (c as f64 + offset) * CYCLE_S * 30.0;
                let to = hs + STANCE * CYCLE_S * 30.0;
                for (f, k) in [(hs, EventKind::HeelStrike), (to, EventKind::ToeOff)] {
                    if (0.0..frames as f64).contains(&f) {
                        out.push((f, foot, k));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn side_view_events_fall_within_two_frames_of_the_truth() {
        for dir in [1.0, -1.0] {
            let start = if dir > 0.0 { 0.1 } else { 1.4 };
            let track = walk(4.8, start, dir, 0);
            let found = events_of(&track);
            let expected: Vec<_> = truth(144).into_iter().filter(|(f, _, _)| *f > 12.0 && *f < 132.0).collect();
            for (f, foot, kind) in &expected {
                assert!(
                    found.iter().any(|e| e.foot == *foot && e.kind == *kind && (e.frame as f64 - f).abs() <= 2.0),
                    "dir {dir}: missing {foot:?} {kind:?} near {f}: {found:?}"
                );
            }
            // Nothing invented.
            for e in &found {
                assert!(
                    truth(144)
                        .iter()
                        .any(|(f, foot, kind)| e.foot == *foot && e.kind == *kind && (e.frame as f64 - f).abs() <= 2.0),
                    "dir {dir}: unexpected {e:?}"
                );
            }
        }
    }

    /// Front view, on a constructed walker (no recording here shows a walk towards or away from the camera; the lab
    /// take steps sideways): the heel strikes from the ankles' vertical difference, each foot named as the person's
    /// own side, towards the camera and away from it.
    #[test]
    fn front_view_heel_strikes_from_the_ankles_heights_fall_within_two_frames() {
        use crate::gait::series::testing::front_walk;
        for toward in [true, false] {
            let track = front_walk(6.0, toward);
            let s = Series::from_track(&track).unwrap();
            let (view, passes) = find(&s).unwrap();
            assert_eq!(view, View::Front, "toward {toward}");
            let found = detect(&s, &passes, view);
            assert!(found.iter().all(|e| e.kind == EventKind::HeelStrike), "{found:?}");
            let strikes: Vec<_> = truth(180).into_iter().filter(|(_, _, k)| *k == EventKind::HeelStrike).collect();
            // Walking away from 4 m to 8 m, the ankles' difference in the picture shrinks to a quarter (before, the
            // strikes beyond about 6 m, after frame 80, were not found).
            for (f, foot, _) in strikes.iter().filter(|(f, _, _)| *f > 12.0 && *f < 168.0) {
                assert!(
                    found.iter().any(|e| e.foot == *foot && (e.frame as f64 - f).abs() <= 2.0),
                    "toward {toward}: missing {foot:?} heel strike near {f}: {found:?}"
                );
            }
            for e in &found {
                assert!(
                    strikes.iter().any(|(f, foot, _)| e.foot == *foot && (e.frame as f64 - f).abs() <= 2.0),
                    "toward {toward}: unexpected {e:?}"
                );
            }
        }
    }

    #[test]
    fn a_foot_outside_the_picture_gives_no_event() {
        let mut track = walk(4.8, 0.1, 1.0, 0);
        for s in track.iter_mut().skip(100) {
            if let Some(p) = s.pose.as_mut() {
                for k in p.keypoints.iter_mut() {
                    k.score = 0.05;
                }
            }
        }
        let found = events_of(&track);
        assert!(found.iter().all(|e| e.frame < 100), "{found:?}");
    }
}
