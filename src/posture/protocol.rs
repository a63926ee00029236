//! Protocols: named sets of checkpoints with repetition and hold rules, saved as versioned, human-readable TOML.
//!
//! ```toml
//! format_version = 1
//! name = "Squat: knee alignment and repetitions"
//! model = "blazepose-full"      # the pose model the protocol was made for (optional)
//!
//! [[checkpoint]]
//! name = "left knee over the foot"
//! cue = "Push your left knee out"
//! target = 0.0
//! tolerance = 0.08
//! measure = { kind = "offset_from_line", joint = "left_knee", line_a = "left_hip", line_b = "left_ankle" }
//!
//! [[rep]]
//! name = "squats"
//! count_at = 95.0
//! reset_at = 155.0
//! plane = "world"
//! measure = { kind = "joint_angle", a = "left_hip", vertex = "left_knee", c = "left_ankle" }
//! ```
//! A malformed file gives an error naming the file, the line and the field; a file from a newer mirrorcue says so.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::checkpoint::Checkpoint;
use super::cues::CueTiming;
use super::reps::RepRule;
use crate::pose::PoseModel;

/// The protocol file format this mirrorcue reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A protocol.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protocol {
    /// File format version ([`FORMAT_VERSION`]).
    pub format_version: u32,
    /// Name shown to the therapist.
    pub name: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
    /// The pose model it was made for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<PoseModel>,
    /// Cue timing.
    #[serde(default)]
    pub cues: CueTiming,
    /// The checkpoints.
    #[serde(default, rename = "checkpoint")]
    pub checkpoints: Vec<Checkpoint>,
    /// Repetition rules.
    #[serde(default, rename = "rep")]
    pub reps: Vec<RepRule>,
}

/// Why a protocol file could not be used.
#[derive(Debug, Error)]
pub enum ProtocolError {
    /// Not readable.
    #[error("cannot read the protocol {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Not valid (syntax, a missing or unknown field, a bad value).
    #[error("the protocol {path} is not valid: {detail}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What and where (line, column, field).
        detail: String,
    },
    /// Written by a newer mirrorcue.
    #[error(
        "the protocol {path} has format_version {found} (line {line}), newer than this mirrorcue reads ({FORMAT_VERSION}). Update mirrorcue, or export the protocol again from the newer version choosing format {FORMAT_VERSION}."
    )]
    FutureVersion {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u32,
        /// The line of `format_version`.
        line: usize,
    },
    /// Could not be written.
    #[error("cannot save the protocol to {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl Protocol {
    /// Reads a protocol from TOML text; `path` names it in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<Protocol, ProtocolError> {
        #[derive(Deserialize)]
        struct Probe {
            format_version: Option<toml::Value>,
        }
        let invalid = |detail: String| ProtocolError::Invalid { path: path.to_path_buf(), detail };
        // The version first, so that a newer file gets the right message rather than "unknown field".
        if let Ok(Probe { format_version: Some(v) }) = toml::from_str::<Probe>(text) {
            let line = text.lines().position(|l| l.trim_start().starts_with("format_version")).map_or(0, |i| i + 1);
            match v.as_integer() {
                Some(n) if n > FORMAT_VERSION as i64 => {
                    return Err(ProtocolError::FutureVersion { path: path.to_path_buf(), found: n as u32, line });
                }
                Some(n) if n >= 1 => {}
                _ => return Err(invalid(format!("line {line}: format_version must be {FORMAT_VERSION}"))),
            }
        }
        let p: Protocol = toml::from_str(text).map_err(|e| invalid(e.to_string().trim_end().to_string()))?;
        p.validate().map_err(invalid)?;
        Ok(p)
    }

    /// Reads a protocol file.
    pub fn load(path: &Path) -> Result<Protocol, ProtocolError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ProtocolError::Io { path: path.to_path_buf(), source })?;
        Protocol::from_toml(&text, path)
    }

    /// The protocol as TOML text.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// Saves the protocol atomically (a temporary file, then a rename), so a crash never leaves half a file.
    pub fn save(&self, path: &Path) -> Result<(), ProtocolError> {
        let err = |source| ProtocolError::Write { path: path.to_path_buf(), source };
        let tmp = path.with_extension("toml.partial");
        std::fs::write(&tmp, self.to_toml()).map_err(err)?;
        std::fs::rename(&tmp, path).map_err(err)
    }

    fn validate(&self) -> Result<(), String> {
        if self.format_version != FORMAT_VERSION {
            return Err(format!("format_version must be {FORMAT_VERSION}"));
        }
        for (i, c) in self.checkpoints.iter().enumerate() {
            if !(c.tolerance.is_finite() && c.tolerance > 0.0) {
                return Err(format!("checkpoint {} (\"{}\"): tolerance must be a positive number", i + 1, c.name));
            }
            if !c.target.is_finite() {
                return Err(format!("checkpoint {} (\"{}\"): target must be a number", i + 1, c.name));
            }
            if c.hold_s.is_some_and(|h| !(h.is_finite() && h > 0.0)) {
                return Err(format!(
                    "checkpoint {} (\"{}\"): hold_s must be a positive number of seconds",
                    i + 1,
                    c.name
                ));
            }
        }
        for (i, r) in self.reps.iter().enumerate() {
            if r.count_at == r.reset_at {
                return Err(format!("rep {} (\"{}\"): count_at and reset_at must differ", i + 1, r.name));
            }
        }
        Ok(())
    }
}

/// The protocols shipped in `assets/protocols/`, sorted by file name.
pub fn shipped() -> Vec<(PathBuf, Result<Protocol, ProtocolError>)> {
    let dir = crate::assets::locate("assets/protocols");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect())
        .unwrap_or_default();
    files.sort();
    files.into_iter().map(|p| (p.clone(), Protocol::load(&p))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
format_version = 1
name = "Test"

[[checkpoint]]
name = "left elbow"
cue = "Bend your left elbow"
target = 90.0
tolerance = 10.0
measure = { kind = "joint_angle", a = "left_shoulder", vertex = "left_elbow", c = "left_wrist" }

[[rep]]
name = "curls"
count_at = 60.0
reset_at = 150.0
measure = { kind = "joint_angle", a = "left_shoulder", vertex = "left_elbow", c = "left_wrist" }
"#;

    #[test]
    fn round_trip() {
        let p = Protocol::from_toml(SAMPLE, Path::new("sample.toml")).unwrap();
        assert_eq!(p.checkpoints.len(), 1);
        assert_eq!(p.checkpoints[0].priority, 1);
        let again = Protocol::from_toml(&p.to_toml(), Path::new("again.toml")).unwrap();
        assert_eq!(again, p);
    }

    #[test]
    fn malformed_files_name_the_line_and_field() {
        let typo = SAMPLE.replace("tolerance = 10.0", "tolerence = 10.0");
        let e = Protocol::from_toml(&typo, Path::new("typo.toml")).unwrap_err().to_string();
        assert!(e.contains("typo.toml") && e.contains("tolerence") && e.contains("line"), "{e}");
        let bad_joint = SAMPLE.replace("vertex = \"left_elbow\"", "vertex = \"left_elbo\"");
        let e = Protocol::from_toml(&bad_joint, Path::new("j.toml")).unwrap_err().to_string();
        assert!(e.contains("left_elbo") && e.contains("line"), "{e}");
        let future = SAMPLE.replace("format_version = 1", "format_version = 7");
        let e = Protocol::from_toml(&future, Path::new("new.toml")).unwrap_err();
        assert!(matches!(e, ProtocolError::FutureVersion { found: 7, line: 2, .. }), "{e}");
        let zero_tol = SAMPLE.replace("tolerance = 10.0", "tolerance = 0.0");
        let e = Protocol::from_toml(&zero_tol, Path::new("z.toml")).unwrap_err().to_string();
        assert!(e.contains("tolerance must be a positive"), "{e}");
        let e = Protocol::from_toml("not [ toml", Path::new("x.toml")).unwrap_err().to_string();
        assert!(e.contains("x.toml"), "{e}");
    }

    #[test]
    fn saves_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let p = Protocol::from_toml(SAMPLE, Path::new("s.toml")).unwrap();
        let path = dir.path().join("mine.toml");
        p.save(&path).unwrap();
        assert_eq!(Protocol::load(&path).unwrap(), p);
        assert!(!dir.path().join("mine.toml.partial").exists());
    }
}
