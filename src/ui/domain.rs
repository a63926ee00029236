//! Clinic rules the UI still keeps until the library has them (issue 9 moves them into `posture` and `recording`):
//! the usual checkpoints, capturing targets, a checkpoint from three picked joints, the protocol library, saving a
//! protocol and exporting a session. Only the shell's action handlers call these.

use std::path::PathBuf;

use super::state::LibraryEntry;
use crate::pose::Pose;
use crate::posture::{PostureSession, Protocol};

/// A folder in mirrorcue's data folder (created on use).
pub fn user_dir(sub: &str) -> Option<PathBuf> {
    eframe::storage_dir("mirrorcue").map(|d| d.join(sub))
}

/// "Hold it there": `pose`'s values become the targets of `p` (a protocol without checkpoints gets the usual ones).
/// Returns what to tell the therapist when some joints were not visible.
pub fn capture_targets(p: &mut Protocol, pose: &Pose) -> Option<String> {
    crate::posture::capture_targets(p, pose).message()
}

/// The shipped protocols and those in the user's library.
pub fn protocol_library() -> Vec<LibraryEntry> {
    let mut all: Vec<LibraryEntry> =
        crate::posture::protocol::shipped().into_iter().map(|(path, p)| (path, p.map_err(|e| e.to_string()))).collect();
    if let Some(dir) = user_dir("protocols")
        && let Ok(rd) = std::fs::read_dir(&dir)
    {
        let mut files: Vec<PathBuf> =
            rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect();
        files.sort();
        all.extend(files.into_iter().map(|p| (p.clone(), Protocol::load(&p).map_err(|e| e.to_string()))));
    }
    all
}

/// Saves `p` into the user's protocol library; what to tell the therapist.
pub fn save_protocol(p: &Protocol) -> String {
    let Some(dir) = user_dir("protocols") else {
        return "No data folder to save protocols in (is HOME set?).".into();
    };
    let slug: String = p.name.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    let path = dir.join(format!("{slug}.toml"));
    match std::fs::create_dir_all(&dir)
        .map_err(|e| e.to_string())
        .and_then(|_| p.save(&path).map_err(|e| e.to_string()))
    {
        Ok(()) => format!("Protocol saved: {}", path.display()),
        Err(e) => e,
    }
}

/// Writes the session's CSV (one row per frame) and JSON summary into the user's data folder; what to tell the
/// therapist.
pub fn export_session(s: &PostureSession) -> String {
    let Some(base) = user_dir("sessions") else {
        return "No data folder to export into (is HOME set?).".into();
    };
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let dir = base.join(format!("session-{stamp}"));
    let result = std::fs::create_dir_all(&dir)
        .and_then(|_| {
            std::fs::write(dir.join("summary.json"), serde_json::to_string_pretty(s.summary()).unwrap_or_default())
        })
        .and_then(|_| s.write_csv(std::io::BufWriter::new(std::fs::File::create(dir.join("frames.csv"))?)));
    match result {
        Ok(()) => format!("Session exported to {}", dir.display()),
        Err(e) => format!("Could not export the session to {}: {e}", dir.display()),
    }
}
