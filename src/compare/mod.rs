//! Comparing movements: a patient against a reference (the therapist's demonstration, an earlier session) or one
//! side of the body against the other.
//!
//! Poses are compared by **joint angles**, not pixel positions, so body size, position in the frame and distance to
//! the camera do not matter. Per joint, similarity is `1 − |Δangle| / 90°`, clamped to 0..1: 1 for the same angle,
//! 0.5 for 45° apart, 0 for 90° or more. Overall similarity is the mean over the joints seen in both.
//!
//! Recordings are aligned in two steps: a constant **offset** (the lag that best matches the two angle sequences),
//! then **dynamic time warping** on the angle sequences, so a slower repetition still lines up with the
//! demonstration.
//!
//! **Bounds.** The warping keeps one byte per cell, at most [`DTW_MAX_CELLS`] (256 MiB): recordings whose full
//! matrix fits (up to 16 384 frames each, 9 minutes at 30 fps) are warped exactly; longer ones within a band around
//! the diagonal ([`dtw_band`]: ±2 485 frames, 83 s, for two 30-minute sessions at 30 fps). The offset search
//! compares at most 20 million frame pairs at full resolution, coarse to fine beyond that ([`best_offset`]).

use serde::Serialize;

use crate::pose::Pose;
use crate::posture::{Measure, Plane, Point};

/// The angles compared, with names for people.
pub fn features() -> Vec<(&'static str, Measure)> {
    use crate::pose::Joint::*;
    vec![
        ("left elbow", Measure::angle(LeftShoulder, LeftElbow, LeftWrist)),
        ("right elbow", Measure::angle(RightShoulder, RightElbow, RightWrist)),
        ("left shoulder", Measure::angle(LeftHip, LeftShoulder, LeftElbow)),
        ("right shoulder", Measure::angle(RightHip, RightShoulder, RightElbow)),
        ("left hip", Measure::angle(LeftShoulder, LeftHip, LeftKnee)),
        ("right hip", Measure::angle(RightShoulder, RightHip, RightKnee)),
        ("left knee", Measure::angle(LeftHip, LeftKnee, LeftAnkle)),
        ("right knee", Measure::angle(RightHip, RightKnee, RightAnkle)),
        ("trunk", Measure::SegmentToVertical { from: Point::MID_HIP, to: Point::MID_SHOULDER }),
    ]
}

/// The feature angles of each frame of a recording (degrees; `None` where not visible).
pub type AngleTrack = Vec<Vec<Option<f32>>>;

/// One left/right pair of a pose: (joint, left angle, right angle, similarity).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SideScore {
    /// The joint, without side ("elbow").
    pub joint: String,
    /// The left side's angle.
    pub left: Option<f32>,
    /// The right side's angle.
    pub right: Option<f32>,
    /// Their similarity, 0..1.
    pub similarity: Option<f32>,
}

/// The feature angles of one pose (degrees; `None` where not visible).
pub fn angles(pose: Option<&Pose>, min_score: f32) -> Vec<Option<f32>> {
    features().iter().map(|(_, m)| pose.and_then(|p| m.evaluate(p, Plane::Image, min_score))).collect()
}

/// Similarity of two angles, 0..1.
pub fn joint_similarity(a: f32, b: f32) -> f32 {
    (1.0 - (a - b).abs() / 90.0).clamp(0.0, 1.0)
}

/// Mean absolute angle difference over the joints seen in both (degrees), or `None` if none is.
pub(crate) fn frame_cost(a: &[Option<f32>], b: &[Option<f32>]) -> Option<f32> {
    // (No allocation: dynamic time warping calls this for every pair of frames, the live follower for every
    // reference frame on every patient frame.)
    let (sum, n) = a
        .iter()
        .zip(b)
        .filter_map(|(x, y)| Some((x.as_ref()? - y.as_ref()?).abs()))
        .fold((0.0f32, 0u32), |(s, n), d| (s + d, n + 1));
    (n > 0).then(|| sum / n as f32)
}

/// The cost of a frame pair with no angle seen in both: as far apart as angles count.
pub(crate) const MISSING_COST: f32 = 90.0;

/// The result of comparing two recordings.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// Format name.
    pub format: &'static str,
    /// Frames in the reference and the input.
    pub frames: (usize, usize),
    /// The constant offset that best aligns them: input frame `i` matches reference frame `i + offset_frames`.
    pub offset_frames: i64,
    /// The offset in seconds (from the reference's frame rate).
    pub offset_s: f64,
    /// The warping path: pairs of (reference frame, input frame).
    pub path: Vec<(usize, usize)>,
    /// Per joint: (name, similarity 0..1, mean |Δangle| in degrees) along the path; `None` where never seen in both.
    pub joints: Vec<JointScore>,
    /// Mean of the joints' similarities.
    pub overall: f32,
    /// The joints that differ (similarity below 0.9), least similar first.
    pub differ_most: Vec<String>,
}

/// One joint's score.
#[derive(Clone, Debug, Serialize)]
pub struct JointScore {
    /// The joint angle.
    pub name: String,
    /// Similarity 0..1, if seen in both.
    pub similarity: Option<f32>,
    /// Mean absolute difference in degrees.
    pub mean_difference_deg: Option<f32>,
}

/// The most frame pairs [`best_offset`] compares at full resolution; longer searches go coarse to fine.
const OFFSET_MAX_PAIRS: u64 = 20_000_000;

/// The lag (reference index − input index) that minimises the mean cost, searched within ±`max_lag`, requiring an
/// overlap of at least half the shorter sequence. Time is bounded: when the search would compare more than
/// 20 million frame pairs, it runs on every k-th frame first, then at full resolution within ±k of the coarse lag.
pub fn best_offset(reference: &[Vec<Option<f32>>], input: &[Vec<Option<f32>>], max_lag: usize) -> i64 {
    let pairs = input.len() as u64 * (2 * max_lag as u64 + 1);
    if pairs <= OFFSET_MAX_PAIRS {
        return offset_in(reference, input, -(max_lag as i64)..=(max_lag as i64));
    }
    let k = ((pairs as f64 / OFFSET_MAX_PAIRS as f64).sqrt().ceil() as usize).max(2);
    let coarse = |s: &[Vec<Option<f32>>]| s.iter().step_by(k).cloned().collect::<Vec<_>>();
    let lag = offset_in(&coarse(reference), &coarse(input), -((max_lag / k) as i64)..=((max_lag / k) as i64));
    let centre = lag * k as i64;
    let span = k as i64;
    offset_in(reference, input, (centre - span).max(-(max_lag as i64))..=(centre + span).min(max_lag as i64))
}

/// [`best_offset`] over the lags in `lags`, at full resolution.
fn offset_in(reference: &[Vec<Option<f32>>], input: &[Vec<Option<f32>>], lags: std::ops::RangeInclusive<i64>) -> i64 {
    let min_overlap = (reference.len().min(input.len()) / 2).max(1);
    let mut best = (f32::INFINITY, 0i64);
    for lag in lags {
        let (mut sum, mut n) = (0.0f32, 0usize);
        for (i, inp) in input.iter().enumerate() {
            let r = i as i64 + lag;
            if r < 0 || r as usize >= reference.len() {
                continue;
            }
            if let Some(c) = frame_cost(&reference[r as usize], inp) {
                sum += c;
                n += 1;
            }
        }
        if n >= min_overlap {
            let mean = sum / n as f32;
            // Prefer the smaller lag on ties.
            if mean < best.0 - 1e-4 || ((mean - best.0).abs() <= 1e-4 && lag.abs() < best.1.abs()) {
                best = (mean, lag);
            }
        }
    }
    best.1
}

/// The most cells the warping keeps (one byte each: the step into the cell): 256 MiB. Two sequences whose full
/// matrix fits are warped exactly; longer ones within a band around the diagonal as wide as this allows.
pub const DTW_MAX_CELLS: usize = 256 << 20;

/// The band a warping of `n` reference and `m` input frames keeps within: the path stays within ± this many input
/// frames of the straight line from (0, 0) to (n − 1, m − 1). `None` when the whole matrix fits in
/// [`DTW_MAX_CELLS`] (exact warping). For two 30-minute sessions at 30 fps (54 000 frames each): ± 2 485 frames
/// (83 s).
pub fn dtw_band(n: usize, m: usize) -> Option<usize> {
    if n.saturating_mul(m) <= DTW_MAX_CELLS {
        return None;
    }
    let per_row = DTW_MAX_CELLS / n.max(1);
    // Consecutive rows' windows must overlap for a path to exist: at least the slope, plus one.
    let slope = m.div_ceil(n.max(1));
    Some((per_row.saturating_sub(1) / 2).max(slope + 1))
}

/// Dynamic time warping of two angle sequences; returns the path of (reference, input) index pairs, from (0, 0) to
/// the last pair. Memory is bounded: one byte per cell kept, at most [`DTW_MAX_CELLS`] cells (see [`dtw_band`]), plus
/// two rows of costs.
pub fn dtw(reference: &[Vec<Option<f32>>], input: &[Vec<Option<f32>>]) -> Vec<(usize, usize)> {
    dtw_within(reference, input, dtw_band(reference.len(), input.len()))
}

/// [`dtw`] within ± `band` input frames of the diagonal (`None`: the whole matrix).
fn dtw_within(reference: &[Vec<Option<f32>>], input: &[Vec<Option<f32>>], band: Option<usize>) -> Vec<(usize, usize)> {
    let (n, m) = (reference.len(), input.len());
    if n == 0 || m == 0 {
        return Vec::new();
    }
    // Each row i keeps the columns lo(i) .. lo(i) + width.
    let (width, lo): (usize, Box<dyn Fn(usize) -> usize>) = match band {
        None => (m, Box::new(|_| 0)),
        Some(r) => {
            let width = (2 * r + 1).min(m);
            let lo = move |i: usize| {
                let centre = if n > 1 { (i as f64 * (m - 1) as f64 / (n - 1) as f64).round() as usize } else { m - 1 };
                centre.saturating_sub(r).min(m - width)
            };
            (width, Box::new(lo))
        }
    };
    const DIAG: u8 = 0;
    const UP: u8 = 1;
    const LEFT: u8 = 2;
    let mut steps = vec![DIAG; n * width];
    let mut prev = vec![f32::INFINITY; width];
    let mut row = vec![f32::INFINITY; width];
    let mut prev_lo = 0;
    for i in 0..n {
        let lo_i = lo(i);
        let at_prev = |prev: &[f32], j: usize| {
            if i > 0 && j >= prev_lo && j < prev_lo + width { prev[j - prev_lo] } else { f32::INFINITY }
        };
        for k in 0..width {
            let j = lo_i + k;
            let c = frame_cost(&reference[i], &input[j]).unwrap_or(MISSING_COST);
            let (best, step) = if i == 0 && j == 0 {
                (0.0, DIAG)
            } else {
                let d = if j > 0 { at_prev(&prev, j - 1) } else { f32::INFINITY };
                let a = at_prev(&prev, j);
                let b = if k > 0 { row[k - 1] } else { f32::INFINITY };
                // Ties: the diagonal, then the reference's step, then the input's.
                if d <= a && d <= b {
                    (d, DIAG)
                } else if a <= b {
                    (a, UP)
                } else {
                    (b, LEFT)
                }
            };
            row[k] = best + c;
            steps[i * width + k] = step;
        }
        std::mem::swap(&mut prev, &mut row);
        prev_lo = lo_i;
    }
    let (mut i, mut j) = (n - 1, m - 1);
    let mut path = vec![(i, j)];
    while i > 0 || j > 0 {
        let step = steps[i * width + (j - lo(i))];
        match step {
            DIAG if i > 0 && j > 0 => (i, j) = (i - 1, j - 1),
            UP if i > 0 => i -= 1,
            LEFT if j > 0 => j -= 1,
            // The first row or column: only one way back.
            _ if i == 0 => j -= 1,
            _ => i -= 1,
        }
        path.push((i, j));
    }
    path.reverse();
    path
}

/// Compares `input` with `reference` (angle sequences, one entry per frame); `fps` of the reference converts the
/// offset to seconds.
pub fn compare(reference: &[Vec<Option<f32>>], input: &[Vec<Option<f32>>], fps: f64) -> Comparison {
    let max_lag = reference.len().max(input.len()) / 2;
    let offset = best_offset(reference, input, max_lag);
    // Warp only over the overlap the offset gives.
    let (r0, i0) = if offset >= 0 { (offset as usize, 0) } else { (0, (-offset) as usize) };
    let r_part = &reference[r0.min(reference.len())..];
    let i_part = &input[i0.min(input.len())..];
    let path: Vec<(usize, usize)> = dtw(r_part, i_part).into_iter().map(|(a, b)| (a + r0, b + i0)).collect();
    let names = features();
    let mut joints = Vec::new();
    for (k, (name, _)) in names.iter().enumerate() {
        let diffs: Vec<f32> = path
            .iter()
            .filter_map(|&(a, b)| Some((reference[a].get(k).copied()?? - input[b].get(k).copied()??).abs()))
            .collect();
        let (similarity, mean) = if diffs.is_empty() {
            (None, None)
        } else {
            let mean = diffs.iter().sum::<f32>() / diffs.len() as f32;
            let sim = diffs.iter().map(|d| joint_similarity(0.0, *d)).sum::<f32>() / diffs.len() as f32;
            (Some(sim), Some(mean))
        };
        joints.push(JointScore { name: name.to_string(), similarity, mean_difference_deg: mean });
    }
    let seen: Vec<f32> = joints.iter().filter_map(|j| j.similarity).collect();
    let overall = if seen.is_empty() { 0.0 } else { seen.iter().sum::<f32>() / seen.len() as f32 };
    let mut ranked: Vec<&JointScore> = joints.iter().filter(|j| j.similarity.is_some_and(|s| s < 0.9)).collect();
    ranked.sort_by(|a, b| a.similarity.unwrap_or(1.0).total_cmp(&b.similarity.unwrap_or(1.0)));
    Comparison {
        format: "mirrorcue-comparison",
        frames: (reference.len(), input.len()),
        offset_frames: offset,
        offset_s: if fps > 0.0 { offset as f64 / fps } else { 0.0 },
        path,
        differ_most: ranked.iter().map(|j| j.name.clone()).collect(),
        joints,
        overall,
    }
}

/// Left against right within one pose: for each left/right pair of feature angles, (name, left, right,
/// similarity). The right side's angle is compared as if mirrored onto the left (angles are mirror-invariant).
pub fn side_symmetry(pose: &Pose, min_score: f32) -> Vec<SideScore> {
    let a = angles(Some(pose), min_score);
    let names = features();
    let mut out = Vec::new();
    let mut k = 0;
    while k + 1 < names.len() && names[k].0.starts_with("left") {
        let (l, r) = (a[k], a[k + 1]);
        let sim = match (l, r) {
            (Some(l), Some(r)) => Some(joint_similarity(l, r)),
            _ => None,
        };
        out.push(SideScore {
            joint: names[k].0.trim_start_matches("left ").to_string(),
            left: l,
            right: r,
            similarity: sim,
        });
        k += 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(values: &[f32]) -> Vec<Vec<Option<f32>>> {
        values.iter().map(|&v| vec![Some(v), Some(180.0 - v)]).collect()
    }

    #[test]
    fn similarity_scale() {
        assert_eq!(joint_similarity(90.0, 90.0), 1.0);
        assert_eq!(joint_similarity(90.0, 135.0), 0.5);
        assert_eq!(joint_similarity(0.0, 170.0), 0.0);
    }

    #[test]
    fn offset_and_warping() {
        let base: Vec<f32> = (0..60).map(|i| 90.0 + 60.0 * (i as f32 * 0.2).sin()).collect();
        let r = seq(&base);
        // The input starts 10 frames later.
        let later = seq(&base[10..]);
        assert_eq!(best_offset(&r, &later, 30), 10);
        // A slower copy (each frame twice) warps onto the original.
        let slow: Vec<f32> = base.iter().flat_map(|&v| [v, v]).collect();
        let path = dtw(&r, &seq(&slow));
        assert_eq!(path.first(), Some(&(0, 0)));
        assert_eq!(path.last(), Some(&(59, 119)));
        assert!(path.iter().all(|&(a, b)| (a as i64 - (b / 2) as i64).abs() <= 1), "{path:?}");
    }

    #[test]
    fn defect_9_alignment_memory_is_bounded() {
        // 4000 × 4000 frames is exact (16 MB of steps, not a 64 MB float matrix); two 30-minute sessions are banded.
        assert_eq!(dtw_band(4000, 4000), None);
        let band = dtw_band(54_000, 54_000).unwrap();
        assert!(54_000 * (2 * band + 1) <= DTW_MAX_CELLS && band > 2000, "{band}");
        // A band still finds the path of a copy slowed down by 2 (the band grows with the slope).
        assert!(dtw_band(60_000, 120_000).unwrap() >= 3);
        // Banded equals exact where the path stays in the band: a long sequence against a shifted copy.
        let base: Vec<f32> = (0..3000).map(|i| 90.0 + 60.0 * (i as f32 * 0.05).sin()).collect();
        let (r, i) = (seq(&base), seq(&base[5..]));
        let exact = dtw(&r, &i);
        let banded = dtw_within(&r, &i, Some(20));
        assert_eq!(exact, banded);
    }

    #[test]
    fn a_long_offset_search_goes_coarse_to_fine() {
        let base: Vec<f32> =
            (0..9000).map(|i| 90.0 + 60.0 * (i as f32 * 0.013).sin() + (i as f32 * 0.0011).cos() * 20.0).collect();
        let r = seq(&base);
        let later = seq(&base[137..]);
        assert_eq!(best_offset(&r, &later, 4500), 137);
    }

    #[test]
    fn a_sequence_compared_with_itself_is_identical() {
        let base: Vec<f32> = (0..30).map(|i| 100.0 + i as f32).collect();
        let c = compare(&seq(&base), &seq(&base), 30.0);
        assert_eq!(c.offset_frames, 0);
        assert!((c.overall - 1.0).abs() < 1e-6);
        assert!(c.differ_most.is_empty());
    }
}

pub mod clip;
pub mod delay;
pub mod follow;
pub mod ghost;
pub mod panes;
pub mod session;

pub use clip::{Clip, ClipError, ClipFrame};
pub use panes::reference_mirror;
pub use session::{CompareSession, ReferenceKind, Scores, SyncMode, Transport};
