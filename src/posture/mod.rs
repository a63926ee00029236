//! Posture checkpoints and cues: measures on the pose, checkpoints with targets and tolerances, one calm cue at a
//! time, repetitions and holds, protocols saved as files, and the session record. The same code runs in the app
//! and headless (`mirrorcue check`).

pub mod checkpoint;
pub mod cues;
pub mod measure;
pub mod protocol;
pub mod reps;
pub mod session;

pub use checkpoint::{CheckState, Checkpoint};
pub use cues::{Cue, CueEngine, CueTiming};
pub use measure::{Measure, Plane, Point};
pub use protocol::{Protocol, ProtocolError};
pub use reps::{HoldCounter, RepCounter, RepRule};
pub use session::{FrameResult, PostureSession, Summary};
