//! Plain data the panels read: what the therapist set, what the pipeline shows, the protocol and the comparison.
//! Only the shell (`app.rs`) changes it, when it applies an `Action`.

use std::path::PathBuf;

use super::balance::BalanceState;
use super::clinic::ClinicState;
use super::compare::CompareState;
use super::gait::GaitState;
use super::monitors::Monitor;
use super::settings::Settings;
use crate::live::{LiveResult, LiveStats, Playback, SourceStatus};
use crate::pose::{Joint, Pose};
use crate::posture::{FrameResult, LibraryEntry, PostureSession, Protocol};
use crate::recording::RecordingControl;
use crate::source::camera::{CameraChoice, CameraInfo};
use crate::source::{CameraMode, SourceKind};
use crate::view::Seam;

/// Where frames come from right now.
#[derive(Clone, Debug, PartialEq)]
pub enum ActiveSource {
    /// A live camera.
    Camera(CameraChoice),
    /// A recording the user opened.
    Recording(PathBuf),
    /// The recording shipped with mirrorcue.
    Bundled,
}

/// The running pipeline as the panels see it (taken once per frame).
#[derive(Clone, Debug, Default)]
pub struct SourceView {
    /// The source's own name (a camera's, a file's).
    pub name: String,
    /// What kind of source it is, once opened.
    pub kind: Option<SourceKind>,
    /// What the capture side is doing.
    pub status: Option<SourceStatus>,
    /// Playback of a recording: paused, looping, speed, section.
    pub playback: Playback,
    /// The recording's length, seconds (`None` for a camera or an unknown length).
    pub duration_s: Option<f64>,
    /// Rates, latency, drops and the engine, for the readout.
    pub stats: LiveStats,
}

/// Everything the panels read.
pub struct State {
    /// What the user set (saved between runs).
    pub settings: Settings,
    /// The source the pipeline reads.
    pub active: ActiveSource,
    /// Why the app is on something other than what was asked (no camera, a missing file), for the therapist.
    pub notice: Option<String>,
    /// Cameras found at start.
    pub cameras: Vec<CameraInfo>,
    /// Modes the chosen camera offers (listed while it is not streaming).
    pub camera_modes: Option<Vec<CameraMode>>,
    /// The bundled recording stands in for a camera that was asked for but not found.
    pub no_camera_fallback: bool,
    /// The running pipeline, as of this frame (`None` before it starts).
    pub source: Option<SourceView>,
    /// The newest frame from the patient's source and its pose.
    pub current: Option<LiveResult>,
    /// How the patient is framed, steady from frame to frame (for the upper-body framing notice).
    pub framing: crate::pose::SteadyFraming,
    /// The time between the last two frames of the source, seconds (a step back goes this far).
    pub frame_interval_s: f64,
    /// The seam of the last split view (pixels).
    pub last_seam: Option<Seam>,
    /// The monitors the patient window can go to.
    pub monitors: Vec<Monitor>,
    /// The posture protocol in use.
    pub protocol: Option<Protocol>,
    /// The file the protocol was opened from ("Save" writes back only to a file of the user's library).
    pub protocol_path: Option<PathBuf>,
    /// The shipped protocols and those in the user's library (read when the list is opened).
    pub protocol_library: Vec<LibraryEntry>,
    /// The protocol running over the frames.
    pub posture: Option<PostureSession>,
    /// The posture checks on the last frame.
    pub posture_frame: Option<FrameResult>,
    /// Joints clicked so far while picking an angle on the image (`None` = not picking).
    pub picking: Option<Vec<Joint>>,
    /// Side-by-side comparison and delayed feedback.
    pub compare: CompareState,
    /// Recording in the app.
    pub record: RecordingControl,
    /// Balance trials.
    pub balance: BalanceState,
    /// Gait training: the walk measured and the walks done.
    pub gait: GaitState,
    /// The clinic record: patient, session, history.
    pub clinic: ClinicState,
}

impl State {
    /// The state at start with `settings`, on `active`.
    pub fn new(settings: Settings, active: ActiveSource, cameras: Vec<CameraInfo>) -> State {
        State {
            settings,
            active,
            notice: None,
            cameras,
            camera_modes: None,
            no_camera_fallback: false,
            source: None,
            current: None,
            framing: Default::default(),
            frame_interval_s: 1.0 / 30.0,
            last_seam: None,
            monitors: Vec::new(),
            protocol: None,
            protocol_path: None,
            protocol_library: Vec::new(),
            posture: None,
            posture_frame: None,
            picking: None,
            compare: CompareState::default(),
            record: RecordingControl::new(),
            balance: BalanceState::default(),
            gait: GaitState::default(),
            clinic: ClinicState::new(crate::store::default_data_dir()),
        }
    }

    /// Whether a recording (not a camera) is playing.
    pub fn is_recording(&self) -> bool {
        !matches!(self.active, ActiveSource::Camera(_))
    }

    /// What the source is, in words ("Live camera: …", "Recording: …").
    pub fn source_caption(&self) -> String {
        let name = self.source.as_ref().map(|s| s.name.as_str()).filter(|n| !n.is_empty());
        match &self.active {
            ActiveSource::Camera(_) => format!("Live camera{}", name.map(|n| format!(": {n}")).unwrap_or_default()),
            ActiveSource::Recording(p) => format!("Recording: {}", file_name(p)),
            ActiveSource::Bundled if self.no_camera_fallback => {
                format!("Recording (no camera found): {}", file_name(&crate::assets::bundled_recording()))
            }
            ActiveSource::Bundled => format!("Recording: {}", file_name(&crate::assets::bundled_recording())),
        }
    }

    /// The source's state as a message, when it is not simply running.
    pub fn status_message(&self) -> Option<String> {
        match self.source.as_ref()?.status.clone()? {
            SourceStatus::Running => None,
            SourceStatus::Opening => Some("Opening…".into()),
            SourceStatus::Paused => Some("Paused".into()),
            SourceStatus::Ended => Some("The recording has ended.".into()),
            SourceStatus::Reconnecting(m) => Some(m),
        }
    }

    /// The pose in the frame on screen.
    pub fn current_pose(&self) -> Option<&Pose> {
        self.current.as_ref().and_then(|r| r.pose.as_ref())
    }

    /// The newest frame from the patient's source.
    pub fn current_frame(&self) -> Option<&crate::Frame> {
        self.current.as_ref().map(|r| &r.frame)
    }

    /// Size of the frame on screen, pixels.
    pub fn frame_size(&self) -> (f32, f32) {
        self.current.as_ref().map(|r| (r.frame.width() as f32, r.frame.height() as f32)).unwrap_or((1.0, 1.0))
    }

    /// Whether the source is a recording of the given kind (for tests and captions).
    pub fn source_kind(&self) -> Option<SourceKind> {
        self.source.as_ref().and_then(|s| s.kind)
    }
}

/// A path's last part, for captions.
pub fn file_name(p: &std::path::Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}
