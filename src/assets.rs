//! Finding the files mirrorcue ships beside itself (`assets/`).

use std::path::{Path, PathBuf};

/// The recording the app plays when there is no camera, and benchmarks measure on.
pub const BUNDLED_RECORDING: &str = "assets/recordings/tfjs_pose_squats.mp4";

/// Finds `rel` next to the executable or up to three folders above it (so `target/release/mirrorcue` finds the
/// checkout's files), else in the source tree mirrorcue was built from.
pub fn locate(rel: &str) -> PathBuf {
    if let Some(mut dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
        for _ in 0..4 {
            if dir.join(rel).exists() {
                return dir.join(rel);
            }
            if !dir.pop() {
                break;
            }
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The bundled recording's path.
pub fn bundled_recording() -> PathBuf {
    locate(BUNDLED_RECORDING)
}
