//! Which person walks: the pose track may hold several people one after another (the tracker moving from one to
//! another) or in turns (a detector run on every frame picks the biggest person of each frame).
//!
//! Poses are grouped into tracks by continuity of the pelvis (a jump of more than [`MAX_JUMP`] frame heights from
//! one frame to the next, or a gap longer than [`MAX_GAP_S`], starts another track); the walker is the track whose
//! pelvis travels furthest across the picture. Frames of the other tracks become frames without a pose.

use serde::Serialize;

use crate::balance::track::PoseSample;
use crate::pose::{Joint, Pose};

/// Largest pelvis move between consecutive frames of one person, in frame heights.
pub const MAX_JUMP: f64 = 0.2;
/// Longest gap inside one person's track, s.
pub const MAX_GAP_S: f64 = 0.5;

/// Who was analysed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WalkerInfo {
    /// First frame of the walker's track.
    pub first_frame: u64,
    /// Last frame of the walker's track.
    pub last_frame: u64,
    /// Frames with the walker's pose.
    pub frames_with_pose: usize,
    /// Other people's tracks set aside (someone standing, a second walker who travelled less).
    pub other_tracks: usize,
}

/// The pelvis (mid-hip) of `pose` in frame heights (x scaled by the aspect ratio), if the pose has hips.
pub fn pelvis(pose: &Pose) -> Option<[f64; 2]> {
    let aspect = pose.frame_width as f64 / pose.frame_height.max(1) as f64;
    let (l, r) = (pose.get(Joint::LeftHip)?, pose.get(Joint::RightHip)?);
    Some([(l.x + r.x) as f64 / 2.0 * aspect, (l.y + r.y) as f64 / 2.0])
}

struct Track {
    members: Vec<usize>,
    last: [f64; 2],
    last_time: f64,
    min_x: f64,
    max_x: f64,
}

/// The walker's frames: the track in `samples` whose pelvis travels furthest, from its first to its last frame
/// (other people's poses in between removed), and what was set aside. `None` when no frame has a pose.
pub fn pick(samples: &[PoseSample]) -> Option<(Vec<PoseSample>, WalkerInfo)> {
    let mut tracks: Vec<Track> = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        let Some(p) = s.pose.as_ref().and_then(pelvis) else {
            continue;
        };
        let near = tracks
            .iter_mut()
            .filter(|t| s.time_s - t.last_time <= MAX_GAP_S + 1e-9)
            .map(|t| {
                let d = ((t.last[0] - p[0]).powi(2) + (t.last[1] - p[1]).powi(2)).sqrt();
                (d, t)
            })
            .filter(|(d, _)| *d <= MAX_JUMP)
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match near {
            Some((_, t)) => {
                t.members.push(i);
                t.last = p;
                t.last_time = s.time_s;
                t.min_x = t.min_x.min(p[0]);
                t.max_x = t.max_x.max(p[0]);
            }
            None => tracks.push(Track { members: vec![i], last: p, last_time: s.time_s, min_x: p[0], max_x: p[0] }),
        }
    }
    let best = tracks.iter().max_by(|a, b| {
        (a.max_x - a.min_x).total_cmp(&(b.max_x - b.min_x)).then(a.members.len().cmp(&b.members.len()))
    })?;
    let (first, last) = (*best.members.first()?, *best.members.last()?);
    let mut out: Vec<PoseSample> =
        samples[first..=last].iter().map(|s| PoseSample { frame: s.frame, time_s: s.time_s, pose: None }).collect();
    for &m in &best.members {
        out[m - first].pose = samples[m].pose.clone();
    }
    let info = WalkerInfo {
        first_frame: samples[first].frame,
        last_frame: samples[last].frame,
        frames_with_pose: best.members.len(),
        other_tracks: tracks.len() - 1,
    };
    Some((out, info))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gait::series::testing::walker_pose;

    fn sample(i: u64, pose: Option<Pose>) -> PoseSample {
        PoseSample { frame: i, time_s: i as f64 / 30.0, pose }
    }

    #[test]
    fn the_walker_is_chosen_over_someone_standing() {
        // Frames alternate between a person standing at the left and a walker crossing from the right.
        let samples: Vec<PoseSample> = (0..60)
            .map(|i| {
                if i % 3 == 0 {
                    sample(i, Some(walker_pose(0.0, 0.2, 0.0)))
                } else {
                    sample(i, Some(walker_pose(i as f64 / 30.0, 1.5 - 0.02 * i as f64, -1.0)))
                }
            })
            .collect();
        let (track, info) = pick(&samples).unwrap();
        assert_eq!(info.other_tracks, 1);
        assert_eq!(info.first_frame, 1);
        assert!(track.iter().filter(|s| s.pose.is_some()).count() == 40);
        for s in &track {
            if let Some(p) = &s.pose {
                assert!(pelvis(p).unwrap()[0] > 0.3, "frame {}: the standing person slipped in", s.frame);
            }
        }
    }

    #[test]
    fn no_pose_no_walker() {
        assert!(pick(&[sample(0, None), sample(1, None)]).is_none());
        assert!(pick(&[]).is_none());
    }
}
