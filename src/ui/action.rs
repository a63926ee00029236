//! What a panel can ask for. Panels never change the app: they return `Action`s, and the shell
//! (`MirrorcueApp::apply` in `app.rs`) applies them in one place, once per frame, after every panel was drawn.

use std::path::PathBuf;

use super::balance::BalanceAction;
use super::clinic::ClinicAction;
use super::compare::CompareAction;
use super::gait::GaitAction;
use super::settings::{Layout, OverlaySettings, PatientOverlay};
use super::state::ActiveSource;
use crate::compare::SyncMode;
use crate::live::PoseSettings;
use crate::posture::{Checkpoint, Protocol};
use crate::source::CameraMode;
use crate::view::{MirrorMode, SeamSettings, SplitSource};

/// What a file dialog is opened for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogTarget {
    /// The patient's source: a video file, or a folder of images.
    Source,
    /// The folder a posture session is exported into.
    SessionExport,
    /// The reference beside the patient: a video file, or a recording or image folder.
    Reference,
}

/// One request from the therapist (or from the window: a dropped file, a click on the video).
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    // --- Source ---------------------------------------------------------------------------------------------------
    /// Switch the patient's source (the pipeline restarts on it).
    SetSource(ActiveSource),
    /// Open a video file or image folder as the source (file dialog, drag and drop); refused with a notice when it
    /// cannot be read.
    OpenPath(PathBuf),
    /// Show the file dialog, for a file or (`folder`) a folder.
    OpenFileDialog {
        /// What the picked path becomes.
        target: DialogTarget,
        /// Pick a folder rather than a file.
        folder: bool,
    },
    /// Use this camera (`None`: the first one), in its best mode.
    ChooseCamera(Option<String>),
    /// Use this camera mode (`None`: the best, MJPEG preferred).
    ChooseCameraMode(Option<CameraMode>),
    /// The camera's driver already mirrors its image (the labels are swapped back).
    SetDriverMirrors(bool),
    /// Say nothing more about the last notice.
    DismissNotice,

    // --- Playback of a recording ----------------------------------------------------------------------------------
    /// Pause (`true`) or play the recording.
    SetPaused(bool),
    /// Show the next frame (while paused).
    StepFrame,
    /// Play the recording from its start.
    Restart,
    /// Start again at the end.
    SetLooping(bool),
    /// Playback speed (1 = real time).
    SetSpeed(f32),
    /// Go to this time of the recording, seconds.
    Seek(f64),
    /// Loop this section of the recording (start, end seconds), or the whole (`None`).
    SetSection(Option<(f64, f64)>),
    /// Photos: each on screen this many seconds and analysed on its own, or (`None`) played as the frames of a
    /// video, tracked.
    SetImageDisplay(Option<f64>),

    // --- View -----------------------------------------------------------------------------------------------------
    /// Mirror mode: off, mirror, or split reflection.
    SetMirror(MirrorMode),
    /// The half split reflection shows on both sides.
    SetSplitSource(SplitSource),
    /// Flip the split view like a mirror too.
    SetSplitSelfie(bool),
    /// The seam follows the body's midline (`true`), or is locked where it is now (`false`).
    SetSeamFollowsBody(bool),
    /// The seam's steadiness, locked position and soft edge.
    SetSeam(SeamSettings),
    /// The hand ghost: the healthy hand's side, or `None` for off.
    SetHandGhost(Option<crate::pose::Side>),
    /// Model, smoothing and whom to follow.
    SetPose(PoseSettings),
    /// What is drawn over the video.
    SetOverlay(OverlaySettings),
    /// Show the patient screen as its own window.
    SetPatientWindow(bool),
    /// The patient window fills its monitor, without borders.
    SetPatientFullscreen(bool),
    /// The monitor the patient window goes to (its name), or where the system puts it (`None`).
    SetPatientMonitor(Option<String>),
    /// What the patient screen draws over the video.
    SetPatientOverlay(PatientOverlay),
    /// The therapist's window fills its monitor (F11), or not (Esc).
    SetMainFullscreen(bool),

    // --- Posture --------------------------------------------------------------------------------------------------
    /// Use this protocol (or none; from this file, if any); its session starts afresh, on the model it needs.
    ChooseProtocol(Option<Protocol>, Option<PathBuf>),
    /// "New (capture the current posture)": a new protocol of the usual checkpoints, targets from the patient now.
    NewProtocol,
    /// Give the protocol this name.
    RenameProtocol(String),
    /// Read the protocol library again (the list is being opened).
    RefreshProtocolLibrary,
    /// Show the file dialog for a protocol file.
    OpenProtocolDialog,
    /// Load the protocol file at this path and use it.
    LoadProtocol(PathBuf),
    /// Save the protocol into the user's protocol library (a new file with a name of its own, unless it was opened
    /// from the user's library: then over its own file, and the notice says so).
    SaveProtocol,
    /// Show the file dialog to export the protocol.
    ExportProtocolDialog,
    /// Write the protocol to this file.
    ExportProtocol(PathBuf),
    /// Write the session's CSV and JSON summary into this folder.
    ExportSession(PathBuf),
    /// "Hold it there": the current values become the targets.
    CaptureTargets,
    /// Start (`true`) or stop picking three joints on the video for a new angle.
    SetPicking(bool),
    /// A click on the video at this normalised display position (picks a joint while picking an angle).
    PickAt(f32, f32),
    /// A click on the patient's video, not picking joints, at this normalised display position: follow the person
    /// there.
    FollowAt(f32, f32),
    /// A soft tone with each new cue.
    SetCueTone(bool),
    /// The therapist edited the checkpoint at this index (target, tolerance, priority, cue).
    EditCheckpoint(usize, Checkpoint),
    /// Remove the checkpoint at this index.
    RemoveCheckpoint(usize),

    // --- The clinic record ------------------------------------------------------------------------------------------
    /// Something the patient and session panel asks (open the record, choose or add a patient, start or end the
    /// session, the trend plotted).
    Clinic(ClinicAction),

    // --- Balance --------------------------------------------------------------------------------------------------
    /// Something balance training asks (setup, start, stop, a loss of balance); starting a trial switches to a
    /// BlazePose model when the one in use sees no feet.
    Balance(BalanceAction),
    /// Something gait training asks (setup, start or stop a walk, a walk's results shown); starting a walk
    /// switches to a BlazePose model when the one in use sees no feet.
    Gait(GaitAction),

    // --- Compare and record ---------------------------------------------------------------------------------------
    /// Something only the comparison's own state needs.
    Compare(CompareAction),
    /// Open this video, image folder or recording folder as the reference.
    OpenReference(PathBuf),
    /// Freeze the frame on screen as the reference.
    FreezeReference,
    /// How the reference keeps time: on its own, together with the patient, or following the movement.
    SetSync(SyncMode),
    /// How the two panes share the screen.
    SetCompareLayout(Layout),
    /// Draw the reference skeleton over the patient.
    SetGhost(bool),
    /// Memory the delayed-feedback buffer may use, MiB.
    SetDelayMemory(u32),
    /// Start or stop recording the patient's source.
    ToggleRecording,
}
