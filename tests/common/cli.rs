//! Running the `mirrorcue` binary from the integration tests.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `mirrorcue` with `args` and waits for it.
pub fn mirrorcue(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mirrorcue")).args(args).output().expect("run mirrorcue")
}

/// What a run printed to standard error.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A path as an argument.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}
