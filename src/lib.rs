//! # mirrorcue
//!
//! Mirror therapy, postural cueing and video feedback for neuromuscular re-education, as a library.
//!
//! Data flows one way: a [`source`] yields [`Frame`]s, a [`pose`] estimator turns each into a [`pose::Pose`], a
//! smoother steadies it, and views, checks and recorders read the result.
//!
//! The library core (sources, pose, views, posture, comparison, recording, the live pipeline) knows nothing of egui:
//! it is used by three consumers, the clinic app ([`ui`], the only module that draws with egui), the command line
//! ([`cli`]) and the tests. A rule a clinic relies on lives in the core, so that all three reuse it.
//!
//! ## Modules
//! - [`frame`], [`source`]: frames and where they come from (video files, image folders, images, cameras), and the
//!   one frame loop with the skip-or-stop rule ([`source::run_frames`]);
//! - [`pose`]: pose models, engines and smoothing; [`view`]: mirror and split reflection;
//! - [`posture`]: checkpoints, cues, repetitions, protocols; [`compare`]: similarity, alignment, reference clips;
//! - [`balance`]: centre of mass, sway descriptors and the stance tests;
//! - [`recording`]: recording folders (video, pose track, events) and the recorder;
//! - [`store`]: the clinic's record (patients, sessions, measurements in SQLite); [`paperwork`]: 97112 units, the
//!   note draft, reports and exports made from it;
//! - [`live`]: the capture, pose and display threads, handing frames over through [`mailbox`]es;
//! - [`ui`]: the egui app; [`cli`]: the `mirrorcue` subcommands.
//!
//! ## Conventions (stated once, carried in the types)
//! - **Coordinates** are normalised to the frame: `x` in `0..1` from the left edge, `y` in `0..1` from the top
//!   edge, origin top-left, x right, y down. Pixels appear only at the edges (model input/output, drawing, export).
//! - **Sides** are the person's own anatomical sides, always. `left_wrist` is the patient's left wrist whether the
//!   image is mirrored or not; a mirrored view moves where a keypoint is drawn, never its name.
//! - **Angles** are in degrees at the API.

pub mod assets;
pub mod balance;
pub mod cli;
pub mod compare;
pub mod frame;
pub mod hands;
pub mod live;
pub mod mailbox;
pub mod paperwork;
pub mod pose;
pub mod posture;
pub mod recording;
pub mod source;
pub mod store;
pub mod ui;
pub mod units;
pub mod view;

pub use frame::Frame;
