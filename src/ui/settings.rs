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
}

/// What the patient screen draws over the video: its own choice, apart from the therapist's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PatientOverlay {
    /// Draw bones and keypoints for the patient.
    pub skeleton: bool,
    /// Also in split reflection (off by default: a skeleton over the reflected limb breaks the illusion).
    pub skeleton_in_split: bool,
    /// Name each keypoint.
    pub labels: bool,
}

impl Default for PatientOverlay {
    fn default() -> Self {
        PatientOverlay { skeleton: true, skeleton_in_split: false, labels: false }
    }
}

impl PatientOverlay {
    /// The overlay the patient sees with `mode`, from the therapist's `overlay` (threshold) and these choices:
    /// `None` when nothing is drawn.
    pub fn for_mode(&self, overlay: &OverlaySettings, mode: MirrorMode) -> Option<OverlaySettings> {
        let split = matches!(mode, MirrorMode::Split { .. });
        let skeleton = self.skeleton && (!split || self.skeleton_in_split);
        (skeleton || self.labels).then(|| OverlaySettings {
            skeleton,
            labels: self.labels,
            min_score: overlay.min_score,
            angles: Vec::new(),
        })
    }
}

impl Default for OverlaySettings {
    fn default() -> Self {
        OverlaySettings { skeleton: true, labels: false, min_score: 0.3, angles: Vec::new() }
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
    /// The monitor the patient window opens on (its name, as `xrandr` lists it); `None`: where the system puts it.
    pub patient_monitor: Option<String>,
    /// What the patient screen draws over the video.
    pub patient_overlay: PatientOverlay,
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
    /// Hand mirror therapy's hand ghost: the healthy hand (this side) mirrored over the affected one, with the
    /// similarity of each finger; `None` = off.
    pub hand_ghost: Option<crate::pose::Side>,
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
            patient_monitor: None,
            patient_overlay: PatientOverlay::default(),
            cue_tone: false,
            compare_layout: Default::default(),
            ghost: true,
            recordings_dir: None,
            delay_memory_mb: 1024,
            hand_ghost: None,
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

    #[test]
    fn the_patient_sees_no_skeleton_in_split_reflection_unless_asked() {
        let s = Settings::default();
        let split = MirrorMode::Split { source: SplitSource::PatientLeft, selfie: true };
        assert!(s.patient_overlay.for_mode(&s.overlay, split).is_none());
        assert!(s.patient_overlay.for_mode(&s.overlay, MirrorMode::Mirror).is_some_and(|o| o.skeleton));
        let asked = PatientOverlay { skeleton_in_split: true, ..PatientOverlay::default() };
        assert!(asked.for_mode(&s.overlay, split).is_some_and(|o| o.skeleton));
    }
}
