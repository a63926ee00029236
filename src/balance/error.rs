//! The balance module's one error type.

use std::path::PathBuf;

/// Why a balance measurement could not be made. Every message says what was expected.
#[derive(Debug, thiserror::Error)]
pub enum BalanceError {
    /// A trace file could not be read or parsed.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A trace's text is not in a known format (the message names the line).
    #[error("{0}")]
    Format(String),
    /// A value is NaN or infinite.
    #[error("{what}: value {value} at sample {index} is not a finite number")]
    NonFinite {
        /// Which signal.
        what: String,
        /// 0-based sample index.
        index: usize,
        /// The value found.
        value: f64,
    },
    /// The time base cannot be used (not increasing, or with a gap too long to resample across).
    #[error("uneven time base: {0}")]
    TimeBase(String),
    /// A signal is too short for a computation.
    #[error("{what} is too short: {have} samples, at least {need} needed")]
    TooShort {
        /// What was to be computed, on what (e.g. "the 10 Hz low-pass of the ML trace").
        what: String,
        /// Samples available.
        have: usize,
        /// Samples needed.
        need: usize,
    },
    /// A parameter is out of range.
    #[error("{0}")]
    Parameter(String),
    /// A balance test found nothing to measure (nobody visible, no stance, both feet off the floor, …).
    #[error("{0}")]
    NoMeasurement(String),
}
