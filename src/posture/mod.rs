//! Posture checkpoints and cues: measures on the pose, checkpoints with targets and tolerances (two-sided or one
//! limit, always or in a phase of a movement), one calm cue at a time, repetitions and holds, protocols saved as
//! files in a library, the model a protocol needs, the session record and its export. The same code runs in the
//! app and headless (`mirrorcue check`).

pub mod capture;
pub mod checkpoint;
pub mod cues;
pub mod export;
pub mod files;
pub mod keyframe;
pub mod library;
pub mod measure;
pub mod protocol;
pub mod reps;
pub mod requirement;
pub mod session;

pub use capture::{
    AngleDefaults, CaptureReport, PICK_RADIUS, capture_targets, checkpoint_from_joints, default_checkpoints,
    new_from_posture, pick_joint,
};
pub use checkpoint::{CheckState, Checkpoint, Limit, Phase, PhaseCondition};
pub use cues::{Cue, CueEngine, CueTiming};
pub use export::{ExportError, ExportedFiles, export_session};
pub use library::{LibraryEntry, Origin, ProtocolLibrary, Saved};
pub use measure::{Measure, Plane, Point};
pub use protocol::{Protocol, ProtocolError};
pub use reps::{HoldCounter, RepCounter, RepRule};
pub use requirement::{ModelFit, ModelRequirement};
pub use session::{
    EditReport, FrameResult, HoldDisplay, PatientDisplay, PostureSession, RepDisplay, SessionContext, Summary,
};
