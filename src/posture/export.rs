//! Session export: the JSON summary and the frame-by-frame CSV, written atomically into the folder the user
//! picks. The app and `mirrorcue check` use the same writers, so their numbers are the same.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use thiserror::Error;

use super::session::PostureSession;

/// The files one export wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedFiles {
    /// The JSON summary.
    pub summary: PathBuf,
    /// The CSV, one row per frame.
    pub frames: PathBuf,
}

/// Why an export failed.
#[derive(Debug, Error)]
pub enum ExportError {
    /// The folder is missing or not a folder.
    #[error("cannot export into {path}: {reason}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

pub use super::files::write_atomic;

/// The session's summary as pretty JSON.
pub fn summary_json(session: &PostureSession) -> String {
    serde_json::to_string_pretty(session.summary()).unwrap_or_default()
}

/// Writes the summary (JSON) to `path`.
pub fn write_summary(session: &PostureSession, path: &Path) -> Result<(), ExportError> {
    let mut text = summary_json(session);
    text.push('\n');
    write_atomic(path, text.as_bytes()).map_err(|source| ExportError::Write { path: path.to_path_buf(), source })
}

/// Writes the frame-by-frame CSV to `path`.
pub fn write_frames_csv(session: &PostureSession, path: &Path) -> Result<(), ExportError> {
    let mut bytes = Vec::new();
    let err = |source| ExportError::Write { path: path.to_path_buf(), source };
    session.write_csv(&mut bytes).map_err(err)?;
    write_atomic(path, &bytes).map_err(err)
}

/// A file-name-safe form of `name`: lower-case letters, digits and single dashes ("Squat: knee" → "squat-knee").
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').chars().take(60).collect::<String>();
    if out.is_empty() { "protocol".into() } else { out }
}

/// Exports the session into `folder` (which the user picked): `<date>-<protocol>-summary.json` and
/// `<date>-<protocol>-frames.csv`, never over an existing file (a number is added). Returns the paths written.
pub fn export_session(session: &PostureSession, folder: &Path) -> Result<ExportedFiles, ExportError> {
    export_session_at(session, folder, SystemTime::now())
}

/// [`export_session`] with the moment that names the files.
pub fn export_session_at(
    session: &PostureSession,
    folder: &Path,
    now: SystemTime,
) -> Result<ExportedFiles, ExportError> {
    if !folder.is_dir() {
        return Err(ExportError::Folder { path: folder.to_path_buf(), reason: "it is not a folder".into() });
    }
    let stem = format!("{}-{}", crate::units::file_stamp(now), slug(&session.protocol().name));
    let mut n = 1;
    let (summary, frames) = loop {
        let suffix = if n == 1 { String::new() } else { format!("-{n}") };
        let s = folder.join(format!("{stem}{suffix}-summary.json"));
        let f = folder.join(format!("{stem}{suffix}-frames.csv"));
        if !s.exists() && !f.exists() {
            break (s, f);
        }
        n += 1;
    };
    write_summary(session, &summary)?;
    write_frames_csv(session, &frames)?;
    Ok(ExportedFiles { summary, frames })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posture::Protocol;

    fn session() -> PostureSession {
        let p = Protocol::from_toml(
            "format_version = 2\nname = \"Squat: knees\"\n[[rep]]\nname = \"squats\"\ncount_at = 95.0\nreset_at = 155.0\nmeasure = { kind = \"joint_angle\", a = \"left_hip\", vertex = \"left_knee\", c = \"left_ankle\" }\n",
            Path::new("s.toml"),
        )
        .unwrap();
        let mut s = PostureSession::new(p);
        for i in 0..10 {
            s.update(i as f64 / 30.0, None);
        }
        s
    }

    #[test]
    fn exports_into_the_chosen_folder_without_overwriting() {
        let dir = tempfile::tempdir().unwrap();
        let s = session();
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_795_840_665);
        let a = export_session_at(&s, dir.path(), t).unwrap();
        assert_eq!(a.summary, dir.path().join("20261128-043745-squat-knees-summary.json"));
        let b = export_session_at(&s, dir.path(), t).unwrap();
        assert_eq!(b.frames, dir.path().join("20261128-043745-squat-knees-2-frames.csv"));
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&a.summary).unwrap()).unwrap();
        assert_eq!(v["frames"], 10);
        assert_eq!(v["duration_s"], 0.33);
        assert_eq!(std::fs::read_to_string(&b.frames).unwrap().lines().count(), 11);
        assert!(export_session(&s, &dir.path().join("missing")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn never_replaces_a_link() {
        // Issue 10: a link is written through (the file it points to gets the export), never replaced by a file.
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("summary-target.json");
        std::fs::write(&target, "old").unwrap();
        let link = dir.path().join("out.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_summary(&session(), &link).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert!(std::fs::read_to_string(&target).unwrap().contains("\"frames\""));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Squat: knee alignment & reps"), "squat-knee-alignment-reps");
        assert_eq!(slug("***"), "protocol");
    }
}
