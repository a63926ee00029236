//! # mirrorcue
//!
//! Mirror therapy, postural cueing and video feedback for neuromuscular re-education, as a library.
//!
//! Data flows one way: a [`source`] yields [`Frame`]s, a [`pose`] estimator turns each into a [`pose::Pose`], a
//! smoother steadies it, and views, checks and recorders read the result. Nothing here knows about the UI.
//!
//! ## Conventions (stated once, carried in the types)
//! - **Coordinates** are normalised to the frame: `x` in `0..1` from the left edge, `y` in `0..1` from the top
//!   edge, origin top-left, x right, y down. Pixels appear only at the edges (model input/output, drawing, export).
//! - **Sides** are the person's own anatomical sides, always. `left_wrist` is the patient's left wrist whether the
//!   image is mirrored or not; a mirrored view moves where a keypoint is drawn, never its name.
//! - **Angles** are in degrees at the API.

pub mod assets;
pub mod frame;
pub mod live;
pub mod source;

pub use frame::Frame;
pub mod cli;
pub mod compare;
pub mod pose;
pub mod posture;
pub mod recording;
pub mod ui;
pub mod units;
pub mod view;
