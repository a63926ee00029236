//! The key frame of a posture session: the picture of its best repetition with the skeleton, for the session
//! report.
//!
//! A repetition runs from one count of the protocol's first repetition rule to the next; its score is the share of
//! its checked checkpoint-frames that were in tolerance (in or near the edge). The best repetition's picture is the
//! frame it counted on: the end of the movement (the bottom of a squat), where the checkpoints that matter are
//! judged. A protocol without repetitions keeps the frame with the largest share of checkpoints in tolerance (the
//! first such). Only a new best is kept, downscaled and JPEG-encoded, so memory stays at one small picture.

use serde::{Deserialize, Serialize};

use super::checkpoint::CheckState;
use super::session::FrameResult;
use crate::frame::Frame;
use crate::pose::{Pose, Skeleton};

/// The longest side of a key frame's picture, px.
pub const KEY_FRAME_SIZE: u32 = 640;
/// JPEG quality of the picture.
const JPEG_QUALITY: u8 = 82;

/// A picture of a moment of a session with the pose on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyFrame {
    /// Session time, s.
    pub time_s: f64,
    /// What it shows ("Best repetition: 3 of 5, 92 % of checks in tolerance").
    pub caption: String,
    /// The picture's size, px.
    pub width: u32,
    /// The picture's height, px.
    pub height: u32,
    /// The picture as JPEG (`None`: the skeleton only).
    #[serde(skip)]
    pub jpeg: Option<Vec<u8>>,
    /// The pose's skeleton.
    pub skeleton: Skeleton,
    /// Its keypoints in the skeleton's order: x and y normalised to the frame (origin top-left), and the score.
    pub points: Vec<[f32; 3]>,
}

/// Picks a session's key frame as it runs. See the [module](self).
#[derive(Debug, Default)]
pub struct KeyFramePicker {
    /// Checkpoint-frames checked, and in tolerance, since the last repetition.
    checked: u32,
    in_tolerance: u32,
    reps: u32,
    best: Option<(f64, u32, KeyFrame)>,
}

impl KeyFramePicker {
    /// A picker with nothing seen.
    pub fn new() -> KeyFramePicker {
        KeyFramePicker::default()
    }

    /// After each frame of the session, with its pose and result. `has_reps`: the protocol has a repetition rule.
    pub fn on_frame(&mut self, frame: &Frame, pose: Option<&Pose>, result: &FrameResult, has_reps: bool) {
        let (mut checked, mut ok) = (0u32, 0u32);
        for s in &result.states {
            match s {
                CheckState::InTolerance | CheckState::NearEdge => (checked, ok) = (checked + 1, ok + 1),
                CheckState::Out => checked += 1,
                CheckState::NotVisible | CheckState::Inactive => {}
            }
        }
        self.checked += checked;
        self.in_tolerance += ok;
        let (share, rep) = if has_reps {
            if !result.reps_counted.contains(&0) {
                return;
            }
            self.reps += 1;
            let share = if self.checked > 0 { f64::from(self.in_tolerance) / f64::from(self.checked) } else { 0.0 };
            (self.checked, self.in_tolerance) = (0, 0);
            (share, self.reps)
        } else {
            if checked == 0 {
                return;
            }
            (f64::from(ok) / f64::from(checked), 0)
        };
        let Some(pose) = pose else { return };
        if self.best.as_ref().is_some_and(|(s, _, _)| *s >= share) {
            return;
        }
        let (width, height, jpeg) = encode(frame);
        let key = KeyFrame {
            time_s: crate::units::round_s(result.time_s),
            caption: String::new(),
            width,
            height,
            jpeg,
            skeleton: pose.skeleton,
            points: pose.keypoints.iter().map(|k| [k.x, k.y, k.score]).collect(),
        };
        self.best = Some((share, rep, key));
    }

    /// The key frame, with its caption, if a frame with a pose was judged.
    pub fn finish(self) -> Option<KeyFrame> {
        let reps = self.reps;
        self.best.map(|(share, rep, mut key)| {
            let percent = (share * 100.0).round();
            key.caption = if rep > 0 {
                format!("Best repetition: {rep} of {reps}, {percent} % of checks in tolerance, at {:.1} s", key.time_s)
            } else {
                format!("Best moment: {percent} % of checkpoints in tolerance, at {:.1} s", key.time_s)
            };
            key
        })
    }
}

/// The frame downscaled to at most [`KEY_FRAME_SIZE`] a side, as JPEG (`None` if it cannot be encoded).
fn encode(frame: &Frame) -> (u32, u32, Option<Vec<u8>>) {
    let (w, h) = (frame.width().max(1), frame.height().max(1));
    let scale = (f64::from(KEY_FRAME_SIZE) / f64::from(w.max(h))).min(1.0);
    let (tw, th) = (((f64::from(w) * scale).round() as u32).max(1), ((f64::from(h) * scale).round() as u32).max(1));
    let small = if scale < 1.0 {
        image::imageops::resize(frame.image.as_ref(), tw, th, image::imageops::FilterType::Triangle)
    } else {
        frame.image.as_ref().clone()
    };
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
    match small.write_with_encoder(encoder) {
        Ok(()) => (tw, th, Some(out)),
        Err(_) => (tw, th, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::{Keypoint, Skeleton};

    fn pose() -> Pose {
        let k = Keypoint { x: 0.5, y: 0.5, score: 0.9, presence: None, z: None };
        Pose {
            skeleton: Skeleton::Coco17,
            keypoints: vec![k; 17],
            score: 0.9,
            world: None,
            mask: None,
            frame_width: 1280,
            frame_height: 720,
        }
    }

    fn result(t: f64, states: &[CheckState], rep: bool) -> FrameResult {
        FrameResult {
            time_s: t,
            values: vec![Some(1.0); states.len()],
            states: states.to_vec(),
            cue: None,
            reps_counted: if rep { vec![0] } else { vec![] },
            holds_completed: vec![],
        }
    }

    #[test]
    fn the_best_repetition_is_kept_at_the_frame_it_counted_on() {
        use CheckState::*;
        let frame = Frame::new(image::RgbImage::new(1280, 720), 0, 0.0, "t");
        let mut p = KeyFramePicker::new();
        let reps: [&[CheckState]; 3] = [&[Out, InTolerance], &[InTolerance, NearEdge], &[Out, Out]];
        let mut t = 0.0;
        for states in reps {
            for i in 0..10 {
                t += 0.1;
                p.on_frame(&frame, Some(&pose()), &result(t, states, i == 9), true);
            }
        }
        let key = p.finish().expect("a key frame");
        assert!((key.time_s - 2.0).abs() < 1e-9, "the second repetition counted at 2.0 s: {}", key.time_s);
        assert_eq!(key.caption, "Best repetition: 2 of 3, 100 % of checks in tolerance, at 2.0 s");
        assert_eq!((key.width, key.height), (640, 360), "downscaled to 640 px");
        let jpeg = key.jpeg.as_ref().unwrap();
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG");
        assert_eq!(key.points.len(), 17);
    }

    #[test]
    fn without_a_pose_or_repetitions_counted_there_is_no_key_frame() {
        let frame = Frame::new(image::RgbImage::new(64, 48), 0, 0.0, "t");
        let mut p = KeyFramePicker::new();
        p.on_frame(&frame, None, &result(0.1, &[CheckState::InTolerance], true), true);
        p.on_frame(&frame, Some(&pose()), &result(0.2, &[CheckState::InTolerance], false), true);
        assert_eq!(p.finish(), None);
        let mut p = KeyFramePicker::new();
        p.on_frame(&frame, Some(&pose()), &result(0.1, &[CheckState::Out, CheckState::InTolerance], false), false);
        let key = p.finish().unwrap();
        assert!(key.caption.starts_with("Best moment: 50 %"), "{}", key.caption);
        assert_eq!((key.width, key.height), (64, 48), "small frames are kept as they are");
    }
}
