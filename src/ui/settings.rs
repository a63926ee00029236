//! The app's settings: plain data, saved between runs (eframe persistence, in the user's data folder).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::live::PoseSettings;
use crate::pose::angles::JointAngle;
use crate::view::{MirrorMode, SeamSettings, SplitSource};

/// What to draw over the video.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OverlaySettings {
    /// Draw bones and keypoints.
    pub skeleton: bool,
    /// Name each keypoint ("L wrist").
    pub labels: bool,
    /// Keypoints below this confidence are not drawn.
    pub min_score: f32,
    /// Joint angles to show.
    pub angles: Vec<JointAngle>,
    /// Also draw the overlay on the patient screen.
    pub on_patient_screen: bool,
}

impl Default for OverlaySettings {
    fn default() -> Self {
        OverlaySettings { skeleton: true, labels: false, min_score: 0.3, angles: Vec::new(), on_patient_screen: true }
    }
}

/// How the patient's pane and the reference pane share the screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Layout {
    /// Patient on the left, reference on the right.
    #[default]
    SideBySide,
    /// Patient above, reference below.
    Stacked,
}

/// Where frames come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub enum SourcePref {
    /// A live camera (the first one if none is named).
    #[default]
    Camera,
    /// A recording: a video file or a folder of images.
    Recording(PathBuf),
}

/// Everything the app remembers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// How the image is mirrored.
    pub mirror: MirrorMode,
    /// The half last chosen for split reflection (kept when switching modes).
    pub split_source: SplitSource,
    /// Flip the split view like a mirror too.
    pub split_selfie: bool,
    /// The seam of split reflection.
    pub seam: SeamSettings,
    /// Pose model and smoothing.
    pub pose: PoseSettings,
    /// Overlay.
    pub overlay: OverlaySettings,
    /// Source.
    pub source: SourcePref,
    /// Camera choice (device, mode, whether its driver mirrors).
    pub camera: crate::source::camera::CameraChoice,
    /// Show the patient screen as its own window.
    pub patient_window: bool,
    /// The patient window fills its monitor, without borders.
    pub patient_fullscreen: bool,
    /// A soft tone when a new posture cue appears.
    pub cue_tone: bool,
    /// How the patient's and the reference's panes share the screen.
    pub compare_layout: Layout,
    /// Draw the reference skeleton over the patient.
    pub ghost: bool,
    /// Where recordings made in the app go (default: mirrorcue's data folder).
    pub recordings_dir: Option<PathBuf>,
    /// Memory the delayed-feedback buffer may use, MiB.
    pub delay_memory_mb: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            mirror: MirrorMode::Mirror,
            split_source: SplitSource::PatientLeft,
            split_selfie: true,
            seam: SeamSettings::default(),
            pose: PoseSettings::default(),
            overlay: OverlaySettings::default(),
            source: SourcePref::Camera,
            camera: Default::default(),
            patient_window: false,
            patient_fullscreen: false,
            cue_tone: false,
            compare_layout: Default::default(),
            ghost: true,
            recordings_dir: None,
            delay_memory_mb: 1024,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_tolerate_missing_fields() {
        let s = Settings {
            mirror: MirrorMode::Split { source: SplitSource::PatientRight, selfie: true },
            source: SourcePref::Recording("/tmp/x.mp4".into()),
            ..Settings::default()
        };
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Settings>(&text).unwrap(), s);
        // Settings saved by an older version (fewer fields) still load, with defaults for the rest.
        let old: Settings = serde_json::from_str(r#"{"patient_window": true}"#).unwrap();
        assert!(old.patient_window);
        assert_eq!(old.mirror, MirrorMode::Mirror);
    }
}
