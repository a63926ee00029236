//! Recording folder names, and the date a recording is shown with.
//!
//! A new recording gets a folder named by when it started, in UTC so that it sorts and never repeats with the
//! clock's seasons: `recording-2026-11-30_14-05-09_UTC` (a second one in the same second gets `-2`, `-3`, …).
//! A recording is shown by its folder name and date ([`recording_title`]), never by its video's file name.

use std::path::{Path, PathBuf};

/// The prefix of recording folder names.
pub const FOLDER_PREFIX: &str = "recording-";

/// Seconds since 1970 now (0 if the clock is before 1970).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The UTC calendar date and time of `unix_s`: (year, month 1–12, day 1–31, hour, minute, second).
pub use crate::units::civil as utc_parts;

/// `unix_s` for people: "2026-11-30 14:05 UTC".
pub fn utc_text(unix_s: u64) -> String {
    let (y, mo, d, h, mi, _) = utc_parts(unix_s);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC")
}

/// The folder name of a recording started at `unix_s`: "recording-2026-11-30_14-05-09_UTC".
pub fn recording_folder_name(unix_s: u64) -> String {
    let (y, mo, d, h, mi, s) = utc_parts(unix_s);
    format!("{FOLDER_PREFIX}{y:04}-{mo:02}-{d:02}_{h:02}-{mi:02}-{s:02}_UTC")
}

/// A folder under `base` for a recording started at `unix_s` that does not exist yet: its
/// [`recording_folder_name`], or that name with `-2`, `-3`, … after it.
pub fn new_recording_dir(base: &Path, unix_s: u64) -> PathBuf {
    let name = recording_folder_name(unix_s);
    let mut dir = base.join(&name);
    let mut n = 1;
    while dir.exists() {
        n += 1;
        dir = base.join(format!("{name}-{n}"));
    }
    dir
}

/// How a recording folder is shown (as a reference, in a list): its folder name and the date it started, with its
/// length when closed properly: "recording-2026-11-30_14-05-09_UTC (2026-11-30 14:05 UTC, 20.0 s)". `None` when
/// `dir` is not a recording folder.
pub fn recording_title(dir: &Path) -> Option<String> {
    let view = super::inspect(dir)?;
    let m = &view.manifest;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| dir.display().to_string());
    let length =
        if m.complete { format!(", {:.1} s", m.duration_s) } else { format!(", incomplete, {:.1} s", view.duration_s) };
    Some(format!("{name} ({}{length})", utc_text(m.started_unix_s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_calendar_dates() {
        assert_eq!(utc_parts(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(utc_parts(951_782_400), (2000, 2, 29, 0, 0, 0), "a leap day");
        assert_eq!(utc_parts(1_796_047_509), (2026, 11, 30, 14, 5, 9));
        assert_eq!(utc_parts(4_102_444_799), (2099, 12, 31, 23, 59, 59));
        assert_eq!(utc_text(1_796_047_509), "2026-11-30 14:05 UTC");
    }

    #[test]
    fn folder_names_sort_by_time_and_never_collide() {
        assert_eq!(recording_folder_name(1_796_047_509), "recording-2026-11-30_14-05-09_UTC");
        assert!(recording_folder_name(1_796_047_509) < recording_folder_name(1_796_047_510));
        let base = tempfile::tempdir().unwrap();
        let first = new_recording_dir(base.path(), 1_796_047_509);
        assert_eq!(first, base.path().join("recording-2026-11-30_14-05-09_UTC"));
        std::fs::create_dir(&first).unwrap();
        let second = new_recording_dir(base.path(), 1_796_047_509);
        assert_eq!(second, base.path().join("recording-2026-11-30_14-05-09_UTC-2"));
        std::fs::create_dir(&second).unwrap();
        assert!(new_recording_dir(base.path(), 1_796_047_509).ends_with("recording-2026-11-30_14-05-09_UTC-3"));
    }

    #[test]
    fn a_folder_that_is_not_a_recording_has_no_title() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(recording_title(dir.path()), None);
    }
}
