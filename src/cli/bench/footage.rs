//! The two recordings `mirrorcue bench --side-by-side` makes from the test footage when none are given.

use std::path::PathBuf;

use crate::Frame;
use crate::cli::CliError;
use crate::pose::{PoseEstimator, PoseModel};

/// Frame size of the recordings `bench --side-by-side` makes.
pub const SIDE_BY_SIDE_SIZE: (u32, u32) = (1280, 720);
/// Their frame rate, and the rate each pane must keep.
pub const SIDE_BY_SIDE_FPS: f64 = 30.0;
/// Their length, seconds.
const SIDE_BY_SIDE_RECORDING_S: f64 = 10.0;
/// The footage the two recordings are made of. The patient's is decoded live, so it is real camera footage of a busy
/// lab (1080x1920, 60 fps), whose decoding costs what a real session's does; the reference is decoded once, into
/// memory, and brings steady poses for the ghost (576x576, 30 fps, computer-generated).
pub(super) const SIDE_BY_SIDE_FOOTAGE: [&str; 2] =
    ["tests/data/videos/pose2sim_singleperson_cam01.mp4", "tests/data/videos/tfjs_pose_1_synthetic_arm_raises.mp4"];

/// Removes the temporary recordings when the bench ends, however it ends.
pub(super) struct TempDir(pub(super) PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a made recording is.
pub(super) struct MadeRecording {
    pub(super) dir: PathBuf,
    pub(super) source: String,
    pub(super) source_size: (u32, u32),
    pub(super) source_frames: usize,
    pub(super) frames: u64,
    pub(super) with_pose: usize,
}

/// Every frame of `input` (at most `max`) stretched to 1280×720 (the whole frame, not cropped, no borders), and the
/// frames' original size.
pub fn frames_stretched(input: &std::path::Path, max: usize) -> Result<(Vec<image::RgbImage>, (u32, u32)), CliError> {
    let (w, h) = SIDE_BY_SIDE_SIZE;
    let mut size = (0, 0);
    let out = super::read_frames(input, max, |f| {
        size = (f.width(), f.height());
        image::imageops::resize(&*f.image, w, h, image::imageops::FilterType::Triangle)
    })?;
    Ok((out, size))
}

/// Makes a mirrorcue recording folder `dir` from `footage`: every frame stretched to 1280×720, stamped at 30 fps,
/// the footage looped until the recording lasts 10 s, each frame's pose estimated on the stretched frame.
pub(super) fn make_recording(
    footage: &std::path::Path,
    dir: &std::path::Path,
    model: PoseModel,
    est: &mut PoseEstimator,
) -> Result<MadeRecording, CliError> {
    let (w, h) = SIDE_BY_SIDE_SIZE;
    let total = (SIDE_BY_SIDE_RECORDING_S * SIDE_BY_SIDE_FPS).round() as usize;
    let (stretched, source_size) = frames_stretched(footage, total)?;
    let stretched: Vec<std::sync::Arc<image::RgbImage>> = stretched.into_iter().map(std::sync::Arc::new).collect();
    let name = footage.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut writer = crate::recording::RecordingWriter::create(
        dir,
        w,
        h,
        SIDE_BY_SIDE_FPS,
        model,
        &format!("{name}, stretched to {w}x{h}, looped"),
    )?;
    let mut with_pose = 0;
    for i in 0..total {
        let k = i % stretched.len();
        if k == 0 {
            // The footage starts again: a new track, as when the app loops a recording.
            est.reset();
        }
        let frame = Frame {
            image: stretched[k].clone(),
            index: i as u64,
            time_s: i as f64 / SIDE_BY_SIDE_FPS,
            clip_time_s: i as f64 / SIDE_BY_SIDE_FPS,
            source: name.clone(),
            mirrored: false,
        };
        let pose = est.estimate(&frame)?;
        with_pose += pose.is_some() as usize;
        writer.write(&frame, pose.as_ref())?;
    }
    let manifest = writer.finish(None)?;
    Ok(MadeRecording {
        dir: dir.to_path_buf(),
        source: name,
        source_size,
        source_frames: stretched.len(),
        frames: manifest.frames,
        with_pose,
    })
}
