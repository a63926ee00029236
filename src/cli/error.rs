//! The command line's one error type, [`CliError`], and its exit codes, in one place.
//!
//! Each layer's error becomes a `CliError` through `From`, so a command writes `?` and the exit code follows from
//! what failed: a source that cannot be read is [`EXIT_INPUT`], a model file [`EXIT_MODEL`], the engine
//! [`EXIT_ENGINE`], a recording or an output file [`EXIT_OUTPUT`]. Writing a file the user named goes through
//! [`WriteContext::writing`], which names the file in the message.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done: every frame was analysed |
//! | 1 | done, output written, but some frames could not be read and were skipped (listed on stderr) |
//! | 2 | the command line is wrong |
//! | 3 | the input cannot be read (missing, unknown format, corrupt, empty folder; a malformed protocol) |
//! | 4 | a model file is missing, damaged or not the expected one |
//! | 5 | the inference engine failed (for example `--engine onnxruntime` and none installed) |
//! | 6 | the output cannot be written (`record`: it stops there and keeps what was written, marked incomplete; the clinic record: a full disk, or another instance writing) |

use std::path::Path;

use crate::balance::BalanceError;
use crate::compare::ClipError;
use crate::paperwork::report::ReportError;
use crate::pose::{EngineError, ModelError, PoseError};
use crate::posture::ProtocolError;
use crate::recording::RecordError;
use crate::source::SourceError;
use crate::store::StoreError;

/// Exit code: every frame analysed.
pub const EXIT_OK: u8 = 0;
/// Exit code: done, but some frames were skipped.
pub const EXIT_SKIPPED_FRAMES: u8 = 1;
/// Exit code: bad command line.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: unreadable input.
pub const EXIT_INPUT: u8 = 3;
/// Exit code: model file problem.
pub const EXIT_MODEL: u8 = 4;
/// Exit code: engine problem.
pub const EXIT_ENGINE: u8 = 5;
/// Exit code: output cannot be written.
pub const EXIT_OUTPUT: u8 = 6;

/// The one-line summary of the exit codes, for `--help`.
pub const EXIT_HELP: &str = "Exit codes: 0 done; 1 done but some frames were unreadable and skipped; 2 bad command \
line; 3 input unreadable; 4 model file missing or damaged; 5 inference engine problem; 6 output cannot be written (a \
recording stopped by a full disk keeps what was written).";

/// A failure with its exit code and a message for people.
#[derive(Debug)]
pub struct CliError {
    /// Exit code.
    pub code: u8,
    /// What went wrong and what to do.
    pub message: String,
}

impl CliError {
    /// A failure with `code`.
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        CliError { code, message: message.into() }
    }

    /// The command line is wrong ([`EXIT_USAGE`]).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(EXIT_USAGE, message)
    }

    /// The input cannot be used ([`EXIT_INPUT`]).
    pub fn input(message: impl Into<String>) -> Self {
        Self::new(EXIT_INPUT, message)
    }

    /// Writing `path` failed with `error` ([`EXIT_OUTPUT`]).
    pub fn write(path: &Path, error: impl std::fmt::Display) -> Self {
        Self::new(EXIT_OUTPUT, format!("cannot write {}: {error}", path.display()))
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

impl From<SourceError> for CliError {
    fn from(e: SourceError) -> Self {
        Self::new(EXIT_INPUT, e.to_string())
    }
}

impl From<ModelError> for CliError {
    fn from(e: ModelError) -> Self {
        Self::new(EXIT_MODEL, e.to_string())
    }
}

impl From<EngineError> for CliError {
    fn from(e: EngineError) -> Self {
        Self::new(EXIT_ENGINE, e.to_string())
    }
}

impl From<PoseError> for CliError {
    fn from(e: PoseError) -> Self {
        match e {
            PoseError::Model(e) => e.into(),
            PoseError::Engine(e) => e.into(),
            e @ PoseError::BadOutput(_) => Self::new(EXIT_ENGINE, e.to_string()),
        }
    }
}

impl From<ProtocolError> for CliError {
    fn from(e: ProtocolError) -> Self {
        Self::new(EXIT_INPUT, e.to_string())
    }
}

impl From<RecordError> for CliError {
    fn from(e: RecordError) -> Self {
        let code = if matches!(e, RecordError::TooSmall { .. }) { EXIT_INPUT } else { EXIT_OUTPUT };
        Self::new(code, e.to_string())
    }
}

impl From<ClipError> for CliError {
    fn from(e: ClipError) -> Self {
        match e {
            ClipError::Source(e) => e.into(),
            ClipError::Pose(e) => e.into(),
            e @ (ClipError::Empty(_) | ClipError::Cancelled) => Self::new(EXIT_INPUT, e.to_string()),
        }
    }
}

impl From<BalanceError> for CliError {
    fn from(e: BalanceError) -> Self {
        match e {
            e @ BalanceError::Parameter(_) => Self::new(EXIT_USAGE, e.to_string()),
            e => Self::new(EXIT_INPUT, e.to_string()),
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::NotADatabase { .. }
            | StoreError::Foreign { .. }
            | StoreError::Corrupt { .. }
            | StoreError::TooNew { .. }
            | StoreError::Outdated { .. }
            | StoreError::Missing { .. }
            | StoreError::NotFound(_) => EXIT_INPUT,
            StoreError::Invalid(_) => EXIT_USAGE,
            StoreError::InUse { .. }
            | StoreError::DiskFull { .. }
            | StoreError::ReadOnly { .. }
            | StoreError::Io { .. }
            | StoreError::Sqlite { .. }
            | StoreError::Writer(_) => EXIT_OUTPUT,
        };
        Self::new(code, e.to_string())
    }
}

impl From<ReportError> for CliError {
    fn from(e: ReportError) -> Self {
        let code = match e {
            ReportError::NoSessions(_) => EXIT_INPUT,
            ReportError::Plot(..) => EXIT_OUTPUT,
        };
        Self::new(code, e.to_string())
    }
}

/// Names the file in an I/O error: `std::fs::write(path, text).writing(path)?`.
pub trait WriteContext<T> {
    /// The error as [`CliError::write`] on `path`.
    fn writing(self, path: &Path) -> Result<T, CliError>;
}

impl<T, E: std::fmt::Display> WriteContext<T> for Result<T, E> {
    fn writing(self, path: &Path) -> Result<T, CliError> {
        self.map_err(|e| CliError::write(path, e))
    }
}

/// Writes `value` as pretty JSON to `path` ([`write_file`]).
pub fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(value).writing(path)?;
    text.push('\n');
    write_file(path, text.as_bytes())
}

/// Writes `bytes` to the file the user named, by the one set of output rules
/// ([`crate::posture::files::OutputFile`]: atomically over a regular file, through a link, into a device; every
/// write checked, exit [`EXIT_OUTPUT`] naming the file on failure).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    crate::posture::files::write_atomic(path, bytes).writing(path)
}

/// Refuses ([`EXIT_USAGE`]) an output that is one of the command's `inputs`, or two outputs that are the same file
/// (links followed): writing would replace an input, or one output the other. Call it before reading anything.
pub fn refuse_inputs(outputs: &[Option<&Path>], inputs: &[&Path]) -> Result<(), CliError> {
    let outputs: Vec<&Path> = outputs.iter().flatten().copied().collect();
    for (i, out) in outputs.iter().enumerate() {
        crate::posture::files::refuse_input(out, inputs).map_err(CliError::usage)?;
        let resolved = crate::posture::files::resolve_links(out).unwrap_or_else(|_| out.to_path_buf());
        for other in &outputs[..i] {
            let other_resolved = crate::posture::files::resolve_links(other).unwrap_or_else(|_| other.to_path_buf());
            if (crate::posture::files::same_file(out, other) || resolved == other_resolved) && !is_device(out) {
                return Err(CliError::usage(format!(
                    "two outputs are the same file ({} and {}): give each its own name",
                    other.display(),
                    out.display()
                )));
            }
        }
    }
    Ok(())
}

/// `true` for a device, pipe or socket (two outputs may both go to /dev/null).
fn is_device(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn each_layer_maps_to_its_exit_code() {
        let source: CliError = SourceError::NotFound { path: PathBuf::from("x.mp4") }.into();
        assert_eq!(source.code, EXIT_INPUT);
        assert!(source.message.starts_with("x.mp4: no such file"), "{}", source.message);
        let engine: CliError = EngineError::Config("bad".into()).into();
        assert_eq!(engine.code, EXIT_ENGINE);
        let pose: CliError = PoseError::Engine(EngineError::Config("bad".into())).into();
        assert_eq!(pose.code, EXIT_ENGINE);
        let model: CliError =
            PoseError::Model(ModelError::Missing { path: "m.onnx".into(), title: "MoveNet", bytes: 1 }).into();
        assert_eq!(model.code, EXIT_MODEL);
        let record: CliError = RecordError::Encoder("none".into()).into();
        assert_eq!(record.code, EXIT_OUTPUT);
        let clip: CliError = ClipError::Source(SourceError::NotFound { path: PathBuf::from("r") }).into();
        assert_eq!(clip.code, EXIT_INPUT);
        let clip: CliError = ClipError::Empty("r".into()).into();
        assert_eq!(clip.code, EXIT_INPUT);
        let full: CliError = StoreError::DiskFull { path: "d/mirrorcue.db".into() }.into();
        assert_eq!(full.code, EXIT_OUTPUT, "a full disk is exit 6 as for the other commands");
        let corrupt: CliError = StoreError::Corrupt { path: "d".into(), detail: "x".into() }.into();
        assert_eq!(corrupt.code, EXIT_INPUT);
        let busy: CliError = StoreError::InUse { dir: "d".into() }.into();
        assert_eq!(busy.code, EXIT_OUTPUT);
    }

    #[test]
    fn a_failed_write_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/folder/out.json");
        let err = write_json(&path, &serde_json::json!({"a": 1})).unwrap_err();
        assert_eq!(err.code, EXIT_OUTPUT);
        assert!(err.message.starts_with(&format!("cannot write {}", path.display())), "{}", err.message);
        let ok = dir.path().join("out.json");
        write_json(&ok, &serde_json::json!({"a": 1})).unwrap();
        assert!(std::fs::read_to_string(ok).unwrap().contains("\"a\": 1"));
    }
}
