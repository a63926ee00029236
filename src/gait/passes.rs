//! Passes: stretches of walking in one direction, the walking direction found from the pelvis alone.
//!
//! **Side view** (the camera sees the walk side-on): the pelvis moves across the picture. Its horizontal velocity
//! (differences over ±0.25 s) above [`MIN_SPEED_BODY_PER_S`] body lengths per second marks walking; the sign gives
//! the direction; a change of sign (a turn) or a stop ends a pass. **Front view** (towards or away from the camera):
//! the pelvis hardly crosses the picture but the body's width (shoulders and hips: squatting does not change it)
//! grows (towards) or shrinks (away); a change of more than [`MIN_SIZE_CHANGE`] from the first quarter of the
//! recording to the last makes one pass. Passes shorter than [`MIN_PASS_S`] are dropped.

use serde::Serialize;

use super::GaitError;
use super::series::Series;
use crate::pose::Joint;

/// Slowest walking counted, body lengths (thigh + shank + trunk) per second.
pub const MIN_SPEED_BODY_PER_S: f64 = 0.12;
/// Shortest pass, s.
pub const MIN_PASS_S: f64 = 0.8;
/// Smallest relative change of the body's width for a walk towards or away from the camera.
pub const MIN_SIZE_CHANGE: f64 = 0.2;

/// How the camera sees the walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// Side-on (sagittal): full timing and joint curves.
    Side,
    /// Towards or away from the camera: heel strikes from the ankles' heights; no toe-off, no curves.
    Front,
}

/// Where the person walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Towards the picture's left edge.
    ImageLeft,
    /// Towards the picture's right edge.
    ImageRight,
    /// Towards the camera.
    TowardCamera,
    /// Away from the camera.
    AwayFromCamera,
}

impl Direction {
    /// +1 for walking towards the picture's right or the camera, −1 otherwise.
    pub fn sign(self) -> f64 {
        match self {
            Direction::ImageRight | Direction::TowardCamera => 1.0,
            Direction::ImageLeft | Direction::AwayFromCamera => -1.0,
        }
    }
}

/// One pass of walking in one direction.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pass {
    /// First frame.
    pub first_frame: u64,
    /// Last frame.
    pub last_frame: u64,
    /// Where the person walks.
    pub direction: Direction,
    /// First sample index in the series.
    #[serde(skip)]
    pub start: usize,
    /// Last sample index in the series (inclusive).
    #[serde(skip)]
    pub end: usize,
}

impl Pass {
    /// Whether sample `i` lies in the pass.
    pub fn contains(&self, i: usize) -> bool {
        (self.start..=self.end).contains(&i)
    }
}

/// Finds the view and the passes of `series`; an error when nobody walks.
pub fn find(series: &Series) -> Result<(View, Vec<Pass>), GaitError> {
    let body =
        series.body_length().ok_or_else(|| GaitError::NoWalking("the body's size could not be measured".into()))?;
    let n = series.len();
    let half = ((0.25 * series.fps).round() as usize).max(1);
    let x: Vec<f64> = (0..n).map(|i| series.pelvis(i)[0]).collect();
    let velocity = |i: usize| {
        let (a, b) = (i.saturating_sub(half), (i + half).min(n - 1));
        if b > a { (x[b] - x[a]) / (series.times[b] - series.times[a]) } else { 0.0 }
    };
    let threshold = MIN_SPEED_BODY_PER_S * body;
    let sign: Vec<i8> = (0..n)
        .map(|i| {
            let v = velocity(i);
            if !series.measured[i] || v.abs() < threshold {
                0
            } else if v > 0.0 {
                1
            } else {
                -1
            }
        })
        .collect();
    let mut passes = Vec::new();
    let mut i = 0;
    while i < n {
        if sign[i] == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && sign[i] == sign[start] {
            i += 1;
        }
        let end = i - 1;
        if series.times[end] - series.times[start] >= MIN_PASS_S {
            passes.push(Pass {
                first_frame: series.frames[start],
                last_frame: series.frames[end],
                direction: if sign[start] > 0 { Direction::ImageRight } else { Direction::ImageLeft },
                start,
                end,
            });
        }
    }
    if !passes.is_empty() {
        return Ok((View::Side, passes));
    }
    // Front view: the body's apparent width (shoulders and hips, which squatting or bending does not change) grows
    // or shrinks from the first quarter of the walk to the last.
    let width = |i: usize| {
        let d = |a: [f64; 2], b: [f64; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
        d(series.at(Joint::LeftShoulder, i), series.at(Joint::RightShoulder, i))
            + d(series.at(Joint::LeftHip, i), series.at(Joint::RightHip, i))
    };
    let median = |r: std::ops::Range<usize>| {
        let mut v: Vec<f64> = r.map(width).filter(|w| w.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied()
    };
    let quarter = (n / 4).max(1);
    let duration = series.times[n - 1] - series.times[0];
    if let (Some(first), Some(last)) = (median(0..quarter), median(n - quarter..n))
        && first > 0.01 * body
        && duration >= MIN_PASS_S
    {
        let change = last / first - 1.0;
        if change.abs() >= MIN_SIZE_CHANGE {
            let direction = if change > 0.0 { Direction::TowardCamera } else { Direction::AwayFromCamera };
            let pass = Pass {
                first_frame: series.frames[0],
                last_frame: series.frames[n - 1],
                direction,
                start: 0,
                end: n - 1,
            };
            return Ok((View::Front, vec![pass]));
        }
    }
    Err(GaitError::NoWalking(format!(
        "the pelvis moved less than {MIN_SPEED_BODY_PER_S} body lengths per second for {MIN_PASS_S} s, and the body's \
         width did not grow or shrink by {:.0}% (walking towards or away from the camera)",
        MIN_SIZE_CHANGE * 100.0
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gait::series::testing::walk;

    #[test]
    fn a_walk_there_and_back_makes_two_passes() {
        let mut track = walk(3.0, 0.2, 1.0, 0);
        let back = walk(3.0, 0.2 + 0.25 * 3.0, -1.0, 90);
        track.extend(back);
        let s = Series::from_track(&track).unwrap();
        let (view, passes) = find(&s).unwrap();
        assert_eq!(view, View::Side);
        assert_eq!(passes.len(), 2, "{passes:?}");
        assert_eq!(passes[0].direction, Direction::ImageRight);
        assert_eq!(passes[1].direction, Direction::ImageLeft);
        assert!(passes[0].last_frame <= 92 && passes[1].first_frame >= 88, "{passes:?}");
    }

    #[test]
    fn standing_still_is_not_walking() {
        let track: Vec<_> = (0..90)
            .map(|i| crate::balance::track::PoseSample {
                frame: i,
                time_s: i as f64 / 30.0,
                pose: Some(crate::gait::series::testing::walker_pose(0.0, 0.5, 0.0)),
            })
            .collect();
        let s = Series::from_track(&track).unwrap();
        assert!(matches!(find(&s), Err(GaitError::NoWalking(_))));
    }
}
