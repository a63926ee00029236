//! Numbers for people and for files: the one place that rounds a number to what it means, names its unit, never
//! writes "-0.0", and says "1 repetition" but "2 repetitions".
//!
//! Two kinds of output use it:
//! - **display** (`format_*`): text for the therapist or the patient, with the unit written out ("12°",
//!   "0.12 torso lengths", "7.5 s");
//! - **export** (`round_*` and the `serde` helpers): numbers in JSON and CSV, rounded to their resolution (so a
//!   value prints as `30.8`, never `30.79999999999995`), with the unit in the field name or the file's units map.
//!
//! Resolutions: angles 0.1°, lengths in torso lengths 0.01, times 0.01 s (a 30 fps frame is 0.033 s, and an
//! exported time names the moment to the frame), durations shown to people 0.1 s.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// The unit of a measured value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Degrees (joint and segment angles).
    Degrees,
    /// Torso lengths: the distance from mid-shoulder to mid-hip of the person in the picture. Alignments are
    /// divided by it so they do not depend on how far the person stands from the camera.
    TorsoLengths,
    /// Seconds.
    Seconds,
    /// Palm lengths: the distance from the wrist to the middle finger's knuckle of the hand measured. Hand opening
    /// and thumb opposition are divided by it so they do not depend on the hand's size or its distance.
    PalmLengths,
}

impl Unit {
    /// Decimals that carry meaning for this unit (what the measurement can resolve).
    pub fn decimals(self) -> u32 {
        match self {
            Unit::Degrees => 1,
            Unit::TorsoLengths => 2,
            Unit::Seconds => 2,
            Unit::PalmLengths => 2,
        }
    }

    /// The unit's name in files (`"degrees"`, `"torso_lengths"`, `"seconds"`, `"palm_lengths"`).
    pub fn key(self) -> &'static str {
        match self {
            Unit::Degrees => "degrees",
            Unit::TorsoLengths => "torso_lengths",
            Unit::Seconds => "seconds",
            Unit::PalmLengths => "palm_lengths",
        }
    }

    /// What the unit is, in one sentence (for a tooltip or a file's units map).
    pub fn explanation(self) -> &'static str {
        match self {
            Unit::Degrees => "degrees",
            Unit::TorsoLengths => {
                "torso lengths: the distance from mid-shoulder to mid-hip, so a value does not depend on how far the person stands from the camera"
            }
            Unit::Seconds => "seconds",
            Unit::PalmLengths => {
                "palm lengths: the distance from the wrist to the middle finger's knuckle, so a value does not depend on the hand's size"
            }
        }
    }
}

/// `v` rounded to `decimals` decimals, with `-0.0` (and a negative value that rounds to zero) made `0.0`, and a
/// non-finite value left as it is.
pub fn round_to(v: f64, decimals: u32) -> f64 {
    if !v.is_finite() {
        return v;
    }
    let scale = 10f64.powi(decimals as i32);
    let r = (v * scale).round() / scale;
    if r == 0.0 { 0.0 } else { r }
}

/// `v` rounded to what its unit resolves ([`Unit::decimals`]).
pub fn round(v: f64, unit: Unit) -> f64 {
    round_to(v, unit.decimals())
}

/// Seconds rounded for export (0.01 s).
pub fn round_s(v: f64) -> f64 {
    round(v, Unit::Seconds)
}

/// A value as text with `decimals` decimals, never "-0.0" / "-0".
pub fn fixed(v: f64, decimals: u32) -> String {
    let r = round_to(v, decimals);
    format!("{r:.prec$}", prec = decimals as usize)
}

/// A measured value for people, its unit written out: "12.3°", "0.12 torso lengths", "1 torso length",
/// "7.5 s".
pub fn format_value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Degrees => format!("{}°", fixed(v, 1)),
        Unit::TorsoLengths => {
            let t = fixed(v, 2);
            if t == "1.00" || t == "-1.00" { format!("{t} torso length") } else { format!("{t} torso lengths") }
        }
        Unit::Seconds => format_seconds(v),
        Unit::PalmLengths => {
            let t = fixed(v, 2);
            if t == "1.00" || t == "-1.00" { format!("{t} palm length") } else { format!("{t} palm lengths") }
        }
    }
}

/// A duration for people: "7.5 s"; a minute or more as "1 min 06 s".
pub fn format_seconds(s: f64) -> String {
    if s.is_finite() && s >= 59.95 {
        let total = s.round() as u64;
        format!("{} min {:02} s", total / 60, total % 60)
    } else {
        format!("{} s", fixed(s, 1))
    }
}

/// A count with its noun, singular or plural: `count(1, "repetition", "repetitions")` is "1 repetition".
pub fn count(n: u64, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// "1 repetition", "3 repetitions".
pub fn repetitions(n: u64) -> String {
    count(n, "repetition", "repetitions")
}

/// A moment as an ISO 8601 UTC timestamp to the second: "2026-11-30T04:37:45Z".
pub fn utc_timestamp(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (y, m, d, hh, mm, ss) = civil(secs);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

/// A moment as a file-name-safe UTC stamp: "20261130-043745".
pub fn file_stamp(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (y, m, d, hh, mm, ss) = civil(secs);
    format!("{y:04}{m:02}{d:02}-{hh:02}{mm:02}{ss:02}")
}

/// Seconds since 1970 to the UTC calendar date and time: (year, month 1–12, day 1–31, hour, minute, second), in
/// the proleptic Gregorian calendar (Howard Hinnant's days-from-civil inverse). The one copy of this rule.
pub fn civil(secs: u64) -> (i64, u32, u32, u32, u32, u32) {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, (rem / 3600) as u32, (rem % 3600 / 60) as u32, (rem % 60) as u32)
}

/// `serde` helpers: fields serialised rounded to their unit (`#[serde(serialize_with = "units::ser::seconds")]`).
pub mod ser {
    use serde::Serializer;

    use super::{Unit, round};

    /// Seconds, to 0.01 s.
    pub fn seconds<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(round(*v, Unit::Seconds))
    }

    /// A list of seconds, each to 0.01 s.
    pub fn seconds_list<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|x| round(*x, Unit::Seconds)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_meaning_without_negative_zero() {
        assert_eq!(round_to(30.79999999999995, 2), 30.8);
        assert_eq!(serde_json::to_string(&round_s(30.79999999999995)).unwrap(), "30.8");
        assert_eq!(round_to(-0.0001, 2).to_string(), "0");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-0.06, 1), "-0.1");
        assert!(round_to(f64::NAN, 2).is_nan());
        // An f32 measure rounded in f64 prints short.
        assert_eq!(serde_json::to_string(&round(95.123_45_f32 as f64, Unit::Degrees)).unwrap(), "95.1");
    }

    #[test]
    fn values_name_their_unit() {
        assert_eq!(format_value(12.34, Unit::Degrees), "12.3°");
        assert_eq!(format_value(-0.001, Unit::Degrees), "0.0°");
        assert_eq!(format_value(0.1234, Unit::TorsoLengths), "0.12 torso lengths");
        assert_eq!(format_value(1.0, Unit::TorsoLengths), "1.00 torso length");
        assert_eq!(format_value(-0.004, Unit::TorsoLengths), "0.00 torso lengths");
        assert_eq!(format_value(7.46, Unit::Seconds), "7.5 s");
        assert_eq!(format_seconds(66.2), "1 min 06 s");
    }

    #[test]
    fn counts_are_singular_or_plural() {
        assert_eq!(repetitions(0), "0 repetitions");
        assert_eq!(repetitions(1), "1 repetition");
        assert_eq!(repetitions(2), "2 repetitions");
        assert_eq!(count(1, "hold", "holds"), "1 hold");
    }

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        let t = UNIX_EPOCH + std::time::Duration::from_secs(1_795_840_665);
        assert_eq!(utc_timestamp(t), "2026-11-28T04:37:45Z");
        assert_eq!(file_stamp(t), "20261128-043745");
        assert_eq!(utc_timestamp(UNIX_EPOCH + std::time::Duration::from_secs(951_782_400)), "2000-02-29T00:00:00Z");
    }
}
