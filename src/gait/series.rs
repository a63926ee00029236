//! The per-frame positions the gait analysis reads, from the walker's pose track.
//!
//! Positions are in **frame heights** (x scaled by the frame's aspect ratio, so both axes share a unit), origin
//! top-left, y down. Each pose's leg and arm labels are kept steady first ([`SideKeeper`]); frames without a pose
//! are bridged by linear interpolation; every series is then low-passed (Butterworth, 2nd order, 6 Hz, forwards
//! and backwards: no lag), as gait studies on video do before finding events.

use std::collections::BTreeMap;

use crate::balance::filter::{butter_lowpass, filtfilt};
use crate::balance::track::PoseSample;
use crate::pose::sides::SideKeeper;
use crate::pose::{Joint, Pose};

/// The joints the analysis follows.
pub const JOINTS: [Joint; 12] = [
    Joint::LeftShoulder,
    Joint::RightShoulder,
    Joint::LeftHip,
    Joint::RightHip,
    Joint::LeftKnee,
    Joint::RightKnee,
    Joint::LeftAnkle,
    Joint::RightAnkle,
    Joint::LeftHeel,
    Joint::RightHeel,
    Joint::LeftFootIndex,
    Joint::RightFootIndex,
];

/// Low-pass cut-off, Hz.
pub const CUTOFF_HZ: f64 = 6.0;
/// A gap longer than this (s) marks its frames as not measured (events there are dropped).
pub const MAX_BRIDGED_GAP_S: f64 = 0.25;
/// Below this score a keypoint counts as not seen (for events at the picture's edges).
pub const MIN_SCORE: f32 = 0.2;
/// A keypoint closer than this to the picture's edge (fraction of the width or height) counts as not seen: the
/// model guesses there.
pub const EDGE_MARGIN: f32 = 0.02;
/// Stature over (thigh + shank + trunk length): the segment proportions of Drillis & Contini 1966 (Winter 2009).
pub const STATURE_PER_BODY_LENGTH: f64 = 1.0 / 0.779;

/// The walker's positions frame by frame.
#[derive(Clone, Debug)]
pub struct Series {
    /// Frame index per sample.
    pub frames: Vec<u64>,
    /// Time per sample, s.
    pub times: Vec<f64>,
    /// Frames per second.
    pub fps: f64,
    /// Whether a sample is measured (a pose, or inside a short gap).
    pub measured: Vec<bool>,
    /// Position of each followed joint per sample (heel and toe fall back to the ankle on skeletons without feet).
    pub joints: BTreeMap<Joint, Vec<[f64; 2]>>,
    /// Whether each joint was seen inside the picture (score and position) per sample.
    pub seen: BTreeMap<Joint, Vec<bool>>,
}

impl Series {
    /// Builds the series from the walker's track (first and last entries holding a pose); `None` when fewer than
    /// one second of frames hold a pose.
    pub fn from_track(track: &[PoseSample]) -> Option<Series> {
        let posed = track.iter().filter(|s| s.pose.is_some()).count();
        let fps = fps_of(track)?;
        if (posed as f64) < fps {
            return None;
        }
        let n = track.len();
        // The estimator named the sides (by a side view's anatomy too, in the picture it saw); here they are only
        // kept continuous: a mirrored frame's positions are mirrored while its names are the person's own.
        let mut keeper = SideKeeper::continuity_only();
        let mut raw: BTreeMap<Joint, Vec<Option<[f64; 2]>>> = JOINTS.iter().map(|&j| (j, vec![None; n])).collect();
        let mut seen: BTreeMap<Joint, Vec<bool>> = JOINTS.iter().map(|&j| (j, vec![false; n])).collect();
        let mut last_time: Option<f64> = None;
        for (i, s) in track.iter().enumerate() {
            let Some(pose) = &s.pose else { continue };
            if last_time.is_some_and(|t| s.time_s - t > MAX_BRIDGED_GAP_S) {
                keeper.reset();
            }
            last_time = Some(s.time_s);
            let mut pose = pose.clone();
            keeper.apply(&mut pose, s.time_s);
            for &j in &JOINTS {
                if let Some((p, ok)) = position(&pose, j) {
                    raw.get_mut(&j).expect("followed joint")[i] = Some(p);
                    seen.get_mut(&j).expect("followed joint")[i] = ok;
                }
            }
        }
        let mut measured = vec![true; n];
        let times: Vec<f64> = track.iter().map(|s| s.time_s).collect();
        // Frames inside long gaps are not measured.
        let mut i = 0;
        while i < n {
            if track[i].pose.is_none() {
                let start = i;
                while i < n && track[i].pose.is_none() {
                    i += 1;
                }
                let (t0, t1) = (times[start.saturating_sub(1)], times[i.min(n - 1)]);
                if t1 - t0 > MAX_BRIDGED_GAP_S {
                    measured[start..i].iter_mut().for_each(|m| *m = false);
                }
            } else {
                i += 1;
            }
        }
        let filter = butter_lowpass(2, CUTOFF_HZ.min(0.4 * fps), fps).ok();
        let mut joints = BTreeMap::new();
        for (j, v) in raw {
            let xs = bridge(&v.iter().map(|p| p.map(|p| p[0])).collect::<Vec<_>>())?;
            let ys = bridge(&v.iter().map(|p| p.map(|p| p[1])).collect::<Vec<_>>())?;
            let smooth = |s: Vec<f64>| match &filter {
                Some(f) => filtfilt(f, &s, "gait").unwrap_or(s),
                None => s,
            };
            let (xs, ys) = (smooth(xs), smooth(ys));
            joints.insert(j, xs.into_iter().zip(ys).map(|(x, y)| [x, y]).collect());
        }
        Some(Series { frames: track.iter().map(|s| s.frame).collect(), times, fps, measured, joints, seen })
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// Position of `joint` at sample `i`.
    pub fn at(&self, joint: Joint, i: usize) -> [f64; 2] {
        self.joints.get(&joint).and_then(|v| v.get(i)).copied().unwrap_or([f64::NAN, f64::NAN])
    }

    /// The midpoint of two joints at sample `i`.
    pub fn mid(&self, a: Joint, b: Joint, i: usize) -> [f64; 2] {
        let (a, b) = (self.at(a, i), self.at(b, i));
        [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]
    }

    /// The pelvis (mid-hip) at sample `i`.
    pub fn pelvis(&self, i: usize) -> [f64; 2] {
        self.mid(Joint::LeftHip, Joint::RightHip, i)
    }

    /// Whether `joint` was seen inside the picture at sample `i`.
    pub fn seen(&self, joint: Joint, i: usize) -> bool {
        self.seen.get(&joint).and_then(|v| v.get(i)).copied().unwrap_or(false)
    }

    /// Median thigh + shank + trunk length over the measured samples, frame heights.
    pub fn body_length(&self) -> Option<f64> {
        median_length(&self.lengths())
    }

    /// The person's length in the picture at every sample (see [`Series::length_at`]).
    fn lengths(&self) -> Vec<Option<f64>> {
        (0..self.len()).map(|i| self.length_at(i)).collect()
    }

    /// The person's length in the picture at sample `i` (legs and trunk, as [`Series::body_length`]); `None` when the
    /// sample was not measured.
    fn length_at(&self, i: usize) -> Option<f64> {
        if !self.measured[i] {
            return None;
        }
        let d = |a: [f64; 2], b: [f64; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
        let leg = |h: Joint, k: Joint, a: Joint| d(self.at(h, i), self.at(k, i)) + d(self.at(k, i), self.at(a, i));
        let legs = (leg(Joint::LeftHip, Joint::LeftKnee, Joint::LeftAnkle)
            + leg(Joint::RightHip, Joint::RightKnee, Joint::RightAnkle))
            / 2.0;
        Some(legs + d(self.mid(Joint::LeftShoulder, Joint::RightShoulder, i), self.pelvis(i)))
            .filter(|x| x.is_finite() && *x > 0.0)
    }

    /// The person's size in the picture at each sample relative to [`Series::body_length`] (1 at the median size;
    /// 0.5 twice as far from the camera): the length averaged over ±`half` samples, unmeasured samples bridged from
    /// their neighbours. `None` when the size is never measured.
    pub fn relative_size(&self, half: usize) -> Option<Vec<f64>> {
        let lengths = self.lengths();
        let reference = median_length(&lengths)?;
        let raw = bridge(&lengths)?;
        let n = raw.len();
        Some(
            (0..n)
                .map(|i| {
                    let (a, b) = (i.saturating_sub(half), (i + half).min(n - 1));
                    raw[a..=b].iter().sum::<f64>() / (b - a + 1) as f64 / reference
                })
                .collect(),
        )
    }

    /// Metres per frame height for a person `height_cm` tall (their stature estimated from the body).
    pub fn metres_per_unit(&self, height_cm: f64) -> Option<f64> {
        let stature = self.body_length()? * STATURE_PER_BODY_LENGTH;
        (height_cm.is_finite() && height_cm > 0.0 && stature > 0.0).then(|| height_cm / 100.0 / stature)
    }
}

/// The position of `joint` in frame heights and whether it was seen inside the picture; the ankle stands in for a
/// missing heel or toe.
fn position(pose: &Pose, joint: Joint) -> Option<([f64; 2], bool)> {
    let aspect = pose.frame_width as f64 / pose.frame_height.max(1) as f64;
    let k = pose.get(joint).or_else(|| match joint {
        Joint::LeftHeel | Joint::LeftFootIndex => pose.get(Joint::LeftAnkle),
        Joint::RightHeel | Joint::RightFootIndex => pose.get(Joint::RightAnkle),
        _ => None,
    })?;
    let inner = EDGE_MARGIN..=1.0 - EDGE_MARGIN;
    let inside = inner.contains(&k.x) && inner.contains(&k.y) && k.score >= MIN_SCORE;
    Some(([k.x as f64 * aspect, k.y as f64], inside))
}

/// Frames per second from the median time step.
fn fps_of(track: &[PoseSample]) -> Option<f64> {
    let mut dt: Vec<f64> = track.windows(2).map(|w| w[1].time_s - w[0].time_s).filter(|d| *d > 0.0).collect();
    if dt.is_empty() {
        return None;
    }
    dt.sort_by(f64::total_cmp);
    Some(1.0 / dt[dt.len() / 2])
}

/// The median of the known lengths; `None` when none is known.
fn median_length(lengths: &[Option<f64>]) -> Option<f64> {
    let mut v: Vec<f64> = lengths.iter().flatten().copied().collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// Fills missing values by linear interpolation (ends held); `None` if nothing is known.
pub fn bridge(v: &[Option<f64>]) -> Option<Vec<f64>> {
    let known: Vec<(usize, f64)> = v.iter().enumerate().filter_map(|(i, x)| x.map(|x| (i, x))).collect();
    let (first, last) = (*known.first()?, *known.last()?);
    let mut out = vec![0.0; v.len()];
    for (i, o) in out.iter_mut().enumerate() {
        *o = if i <= first.0 {
            first.1
        } else if i >= last.0 {
            last.1
        } else {
            let k = known.partition_point(|(j, _)| *j <= i);
            let (a, b) = (known[k - 1], known[k]);
            if a.0 == i { a.1 } else { a.1 + (b.1 - a.1) * (i - a.0) as f64 / (b.0 - a.0) as f64 }
        };
    }
    Some(out)
}

/// A constructed side-on walker, for tests of the gait analysis.
pub mod testing {
    use std::f64::consts::PI;

    use crate::balance::track::PoseSample;
    use crate::pose::{Joint, Keypoint, Pose, Skeleton};

    /// Stride length of the constructed walker, frame heights.
    pub const STRIDE: f64 = 0.3;
    /// Its gait cycle, s.
    pub const CYCLE_S: f64 = 1.2;
    /// Stance as a fraction of the cycle.
    pub const STANCE: f64 = 0.62;

    /// Horizontal position of a foot relative to the pelvis (forwards positive, frame heights) and its lift at
    /// cycle phase `phase` (0 = heel strike).
    pub fn foot(phase: f64) -> (f64, f64) {
        let a = STANCE / 2.0 * STRIDE;
        let phase = phase.rem_euclid(1.0);
        if phase < STANCE {
            (a - STRIDE * phase, 0.0)
        } else {
            let u = (phase - STANCE) / (1.0 - STANCE);
            (-a + STRIDE * (1.0 - (PI * u).cos()) / 2.0 - STRIDE * (phase - STANCE), 0.03 * (PI * u).sin())
        }
    }

    /// Width over height of the constructed frames.
    pub const ASPECT: f64 = 2.0;

    /// The pose at time `t` of a walker whose pelvis is at `pelvis_x` (frame heights; the frame is 2000 × 1000),
    /// walking towards +x (`dir` = 1), −x (−1), or standing (0). The left heel strikes at t = 0, the right half a
    /// cycle later.
    pub fn walker_pose(t: f64, pelvis_x: f64, dir: f64) -> Pose {
        walker_pose_limping(t, pelvis_x, dir, 0.5)
    }

    /// As [`walker_pose`], with the right heel striking `right_offset` of a cycle after the left (0.5 walks evenly;
    /// less makes the right steps shorter in time and the left ones longer).
    pub fn walker_pose_limping(t: f64, pelvis_x: f64, dir: f64, right_offset: f64) -> Pose {
        let mut kp = vec![Keypoint { x: (pelvis_x / ASPECT) as f32, y: 0.3, score: 0.9, presence: None, z: None }; 33];
        let mut set = |j: Joint, x: f64, y: f64| {
            if let Some(i) = Skeleton::BlazePose33.index_of(j) {
                kp[i].x = (x / ASPECT) as f32;
                kp[i].y = y as f32;
            }
        };
        for (left, offset) in [(true, 0.0), (false, -right_offset)] {
            let j = |l: Joint| if left { l } else { l.twin() };
            let (fx, lift) = if dir == 0.0 { (0.0, 0.0) } else { foot(t / CYCLE_S + offset) };
            let ax = pelvis_x + dir * fx;
            let ay = 0.85 - lift;
            set(j(Joint::LeftShoulder), pelvis_x + dir * 0.02, 0.2);
            set(j(Joint::LeftHip), pelvis_x, 0.5);
            set(j(Joint::LeftKnee), (pelvis_x + ax) / 2.0 + dir * (0.01 + 1.5 * lift), (0.5 + ay) / 2.0);
            set(j(Joint::LeftAnkle), ax, ay);
            set(j(Joint::LeftHeel), ax - dir * 0.01, ay + 0.02);
            set(j(Joint::LeftFootIndex), ax + dir * 0.05, ay + 0.025);
        }
        Pose {
            skeleton: Skeleton::BlazePose33,
            keypoints: kp,
            score: 0.9,
            world: None,
            mask: None,
            frame_width: 2000,
            frame_height: 1000,
        }
    }

    /// `seconds` of the walker crossing from x = `start` in direction `dir` at 30 fps, frames from `first_frame`.
    pub fn walk(seconds: f64, start: f64, dir: f64, first_frame: u64) -> Vec<PoseSample> {
        walk_limping(seconds, start, dir, first_frame, 0.5)
    }

    /// As [`walk`], with the right heel striking `right_offset` of a cycle after the left (see
    /// [`walker_pose_limping`]).
    pub fn walk_limping(seconds: f64, start: f64, dir: f64, first_frame: u64, right_offset: f64) -> Vec<PoseSample> {
        let n = (seconds * 30.0).round() as u64;
        (0..n)
            .map(|i| {
                let t = i as f64 / 30.0;
                let x = start + dir * STRIDE / CYCLE_S * t;
                let frame = first_frame + i;
                PoseSample {
                    frame,
                    time_s: frame as f64 / 30.0,
                    pose: Some(walker_pose_limping(t, x, dir, right_offset)),
                }
            })
            .collect()
    }
    /// The pose at time `t` (of `seconds`) of a walker seen from the front by a fixed camera, walking `toward` it
    /// or away from it at one stride (1.2 m) per cycle, the left heel striking at t = 0 and the right half a cycle
    /// later. The walker is placed in the room (metres: a foot on the ground stays where it is, the swinging one
    /// lifts) and projected: nearer is bigger and lower in the picture. Facing the camera, the person's left is on
    /// the picture's right.
    pub fn front_pose(t: f64, seconds: f64, toward: bool) -> Pose {
        // Distance of the pelvis from the camera, m: 8 → 4 towards it, 4 → 8 away.
        let speed = 4.0 * STRIDE / CYCLE_S;
        let dir = if toward { 1.0 } else { -1.0 };
        let z0 = if toward { 4.0 + speed * seconds } else { 4.0 };
        let pelvis_z = z0 - dir * speed * t;
        // Camera 1 m above the floor, focal length 0.5 frame heights per metre of depth.
        let project = |x: f64, height: f64, z: f64| (1.0 + 0.5 * x / z, 0.5 + 0.5 * (1.0 - height) / z);
        let mut kp = vec![Keypoint { x: 0.5, y: 0.3, score: 0.9, presence: None, z: None }; 33];
        let mut set = |j: Joint, p: (f64, f64)| {
            if let Some(i) = Skeleton::BlazePose33.index_of(j) {
                kp[i].x = (p.0 / ASPECT) as f32;
                kp[i].y = p.1 as f32;
            }
        };
        for (left, offset) in [(true, 0.0), (false, 0.5)] {
            let j = |l: Joint| if left { l } else { l.twin() };
            // The person's left is on the picture's right when they face the camera.
            let out = if left == toward { 1.0 } else { -1.0 };
            let (f, lift) = foot(t / CYCLE_S + offset);
            // `foot` is in frame heights of a side view (stride 0.3): ×4 gives metres (stride 1.2 m).
            let foot_z = pelvis_z - dir * 4.0 * f;
            let ankle = project(out * 0.1, 0.08 + 4.0 * lift, foot_z);
            let hip = project(out * 0.1, 0.9, pelvis_z);
            set(j(Joint::LeftShoulder), project(out * 0.2, 1.45, pelvis_z));
            set(j(Joint::LeftHip), hip);
            set(j(Joint::LeftKnee), ((hip.0 + ankle.0) / 2.0, (hip.1 + ankle.1) / 2.0));
            set(j(Joint::LeftAnkle), ankle);
            set(j(Joint::LeftHeel), project(out * 0.1, 4.0 * lift, foot_z - dir * 0.05));
            set(j(Joint::LeftFootIndex), project(out * 0.1, 4.0 * lift, foot_z + dir * 0.15));
        }
        Pose {
            skeleton: Skeleton::BlazePose33,
            keypoints: kp,
            score: 0.9,
            world: None,
            mask: None,
            frame_width: 2000,
            frame_height: 1000,
        }
    }

    /// `seconds` of [`front_pose`] at 30 fps, frames from 0.
    pub fn front_walk(seconds: f64, toward: bool) -> Vec<PoseSample> {
        let n = (seconds * 30.0).round() as u64;
        (0..n)
            .map(|i| {
                let t = i as f64 / 30.0;
                PoseSample { frame: i, time_s: t, pose: Some(front_pose(t, seconds, toward)) }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bridging_fills_inner_gaps_linearly_and_holds_the_ends() {
        let v = [None, Some(1.0), None, None, Some(4.0), None];
        assert_eq!(bridge(&v).unwrap(), vec![1.0, 1.0, 2.0, 3.0, 4.0, 4.0]);
        assert!(bridge(&[None, None]).is_none());
    }

    #[test]
    fn a_walk_becomes_smooth_series_with_the_sides_kept() {
        let mut track = testing::walk(3.0, 0.2, 1.0, 0);
        track[40].pose = None;
        // The model swaps the legs for two frames.
        for i in [50, 51] {
            if let Some(p) = track[i].pose.as_mut() {
                p.swap_sides();
            }
        }
        let s = Series::from_track(&track).unwrap();
        assert!((s.fps - 30.0).abs() < 1e-6);
        assert!(s.measured.iter().all(|m| *m));
        let truth = testing::walker_pose(50.0 / 30.0, 0.2 + 0.25 * 50.0 / 30.0, 1.0);
        let la = truth.get(Joint::LeftAnkle).unwrap();
        assert!(
            (s.at(Joint::LeftAnkle, 50)[0] - la.x as f64 * testing::ASPECT).abs() < 0.02,
            "{:?} vs {la:?}",
            s.at(Joint::LeftAnkle, 50)
        );
    }

    #[test]
    fn too_short_a_track_gives_nothing() {
        assert!(Series::from_track(&testing::walk(0.5, 0.2, 1.0, 0)).is_none());
    }

    #[test]
    fn height_scales_the_body() {
        let s = Series::from_track(&testing::walk(2.0, 0.2, 1.0, 0)).unwrap();
        let body = s.body_length().unwrap();
        let m = s.metres_per_unit(170.0).unwrap();
        assert!((body * STATURE_PER_BODY_LENGTH * m - 1.7).abs() < 1e-9);
    }
}
