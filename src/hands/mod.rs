//! Hands: 21 landmarks per hand, as MediaPipe Hands finds them, for hand mirror therapy and finger range of motion.
//!
//! ```text
//! Frame ─▶ palm detector (whole frame, when fewer hands are tracked than wanted)
//!            └─▶ rotated crop around each palm ─┐
//!          previous frame's landmarks ─▶ crop ──┴─▶ landmark model ─▶ presence ≥ 0.5? ─▶ smoothing ─▶ Hand
//! ```
//! - [`palm`]: the palm detector (SSD anchors, decoding, weighted non-maximum suppression, letterbox removal);
//! - [`roi`]: the rotated square crop and MediaPipe's two rules for placing it (from a palm, from landmarks);
//! - [`landmarks`]: the landmark model (21 landmarks, world landmarks, presence, handedness);
//! - [`tracker`]: [`HandTracker`], the one entry point; [`smoothing`]: One Euro on each tracked hand;
//! - [`beside`]: the palm detector on a thread of its own, for a live view looking for a second hand;
//! - [`measures`]: finger joint flexion, total active motion, hand opening, thumb opposition, wrist angles;
//! - [`exercise`]: open/close repetitions and finger tapping over time, the affected hand against the healthy one;
//! - [`ghost`]: the healthy hand mirrored over the affected one, with a similarity per finger;
//! - [`types`]: [`Hand`], [`HandLandmark`], [`Finger`].
//!
//! The models are MediaPipe Hands' *full* palm detector and landmark model (`models/palm_detection_full.onnx`,
//! `models/hand_landmark_full.onnx`, Apache-2.0). Full rather than lite because the side of each hand comes from
//! the landmark model's handedness output, and lite's is unreliable (on the squat clip's left hand lite said
//! 0.47–0.71 where full said 0.04–0.12); the landmark model is the one that runs on every frame.
//!
//! ```no_run
//! use mirrorcue::hands::{HandTracker, HandsConfig};
//! use mirrorcue::pose::{Engine, EngineConfig, ModelStore};
//! # fn frames() -> Vec<mirrorcue::Frame> { Vec::new() }
//! let engine = Engine::select(&EngineConfig::default())?;
//! let mut tracker = HandTracker::new(&ModelStore::locate(), &engine, HandsConfig::default())?;
//! for frame in frames() {
//!     for hand in tracker.process(&frame)? {
//!         let tip = hand.get(mirrorcue::hands::HandLandmark::IndexTip);
//!         println!("{} index tip at ({:.3}, {:.3})", hand.side.name(), tip.x, tip.y);
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod beside;
pub mod exercise;
pub mod ghost;
pub mod landmarks;
pub mod measures;
pub mod palm;
pub mod roi;
pub mod smoothing;
pub mod tracker;
pub mod types;

pub use roi::HandRoi;
pub use tracker::{HandTracker, HandsConfig, MIN_PRESENCE};
pub use types::{Finger, Hand, HandLandmark, HandPoint, NUM_LANDMARKS};

use crate::pose::Side;

/// The person's own side of a hand from the landmark model's handedness output.
///
/// The model outputs one probability, which MediaPipe reports as the label "Left" with that score (and "Right" with
/// one minus it). MediaPipe's labels assume a mirrored, selfie-view image: "Left" is the hand that *appears* on the
/// left of a mirror image, which is the person's own left hand in a mirrored frame and the person's **right** hand in
/// an ordinary (unmirrored) camera image. So: unmirrored, above 0.5 = the person's right; mirrored (the frame's
/// [`mirrored`](crate::Frame::mirrored) flag), above 0.5 = the person's left. Measured on the squat clip (not
/// mirrored): the woman's right hand 0.98–0.99, her left hand 0.04–0.12.
pub fn side_from_handedness(handedness: f32, mirrored: bool) -> Side {
    let model_left = handedness > 0.5;
    if model_left == mirrored { Side::Left } else { Side::Right }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handedness_means_the_mirror_image_label() {
        // Unmirrored camera image: "Left" (above 0.5) is the person's right hand.
        assert_eq!(side_from_handedness(0.98, false), Side::Right);
        assert_eq!(side_from_handedness(0.04, false), Side::Left);
        // Mirrored: the label is the person's own side.
        assert_eq!(side_from_handedness(0.98, true), Side::Left);
        assert_eq!(side_from_handedness(0.04, true), Side::Right);
    }
}
