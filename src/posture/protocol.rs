//! Protocols: named sets of checkpoints with repetition and hold rules, saved as versioned, human-readable TOML.
//!
//! ```toml
//! format_version = 2
//! name = "Squat: knee alignment and repetitions"
//! model = "blazepose-full"      # the pose model the protocol needs (see `requirement`)
//!
//! [[checkpoint]]
//! name = "left knee over the foot"
//! cue = "Push your left knee out"
//! target = 0.0
//! tolerance = 0.08
//! limit = "at_most"             # format 2: both (default), at_most, at_least
//! when = { rep = "squats", phase = "end" }   # format 2: only in this phase of a rule's movement
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
//! Format 1 files (no `limit`, `when`, or cue dwell) load unchanged; saving writes format 2.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::checkpoint::Checkpoint;
use super::cues::CueTiming;
use super::reps::RepRule;
use crate::pose::PoseModel;

/// The protocol file format this mirrorcue writes (it reads 1 and 2).
pub const FORMAT_VERSION: u32 = 2;

/// The largest protocol file mirrorcue reads: 1 MiB (the shipped ones are 1–2 KiB; parsing a file takes about 20
/// times its size in memory).
pub const MAX_PROTOCOL_BYTES: u64 = 1 << 20;

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
    /// The pose model it needs: made and tuned for it ([`Protocol::requirement`] adds whether it needs 3D).
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
    /// Larger than [`MAX_PROTOCOL_BYTES`]: refused before it is read.
    #[error(
        "the protocol {path} is {:.1} MiB, over the limit of {} MiB for a protocol file (a protocol is a few KiB): \
         is it the file you meant?",
        *.bytes as f64 / 1048576.0,
        MAX_PROTOCOL_BYTES >> 20
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        bytes: u64,
    },
    /// Written by a newer mirrorcue.
    #[error(
        "the protocol {path} has format_version {found} (line {line}), newer than this mirrorcue reads ({FORMAT_VERSION}). Update mirrorcue, or export the protocol again from the newer version choosing format {FORMAT_VERSION}."
    )]
    FutureVersion {
        /// The file.
        path: PathBuf,
        /// Its version, as given.
        found: i64,
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
                    return Err(ProtocolError::FutureVersion { path: path.to_path_buf(), found: n, line });
                }
                Some(n) if n >= 1 => {}
                _ => return Err(invalid(format!("line {line}: format_version must be 1 or {FORMAT_VERSION}"))),
            }
        }
        let p: Protocol = toml::from_str(text).map_err(|e| invalid(e.to_string().trim_end().to_string()))?;
        p.validate().map_err(|(table, index, field, msg)| {
            let line = line_of(text, table, index, field);
            invalid(match line {
                Some(l) => format!("line {l}, field `{field}`: {msg}"),
                None => format!("field `{field}`: {msg}"),
            })
        })?;
        Ok(p)
    }

    /// Reads a protocol file.
    pub fn load(path: &Path) -> Result<Protocol, ProtocolError> {
        use std::io::Read;
        let io = |source| ProtocolError::Io { path: path.to_path_buf(), source };
        let file = std::fs::File::open(path).map_err(io)?;
        // Read one byte past the limit (a size from metadata would not hold for a pipe or a growing file).
        let mut bytes = Vec::new();
        file.take(MAX_PROTOCOL_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
        if bytes.len() as u64 > MAX_PROTOCOL_BYTES {
            let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
            return Err(ProtocolError::TooLarge { path: path.to_path_buf(), bytes: size });
        }
        let text = String::from_utf8(bytes)
            .map_err(|e| io(std::io::Error::new(std::io::ErrorKind::InvalidData, format!("not UTF-8 text: {e}"))))?;
        Protocol::from_toml(&text, path)
    }

    /// The protocol as TOML text.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// Saves the protocol atomically (a temporary file, then a rename), so a crash never leaves half a file; it
    /// is written in the current format ([`FORMAT_VERSION`]). Refuses to replace anything but a regular file (a
    /// folder, a device, a link).
    pub fn save(&self, path: &Path) -> Result<(), ProtocolError> {
        let mut current = self.clone();
        current.format_version = FORMAT_VERSION;
        super::files::write_atomic(path, current.to_toml().as_bytes())
            .map_err(|source| ProtocolError::Write { path: path.to_path_buf(), source })
    }

    /// Checks the values serde cannot: (table, its index, field, what is wrong).
    fn validate(&self) -> Result<(), (&'static str, usize, &'static str, String)> {
        if !(1..=FORMAT_VERSION).contains(&self.format_version) {
            return Err(("", 0, "format_version", format!("must be 1 or {FORMAT_VERSION}")));
        }
        let t = |v: f32| v.is_finite() && v >= 0.0;
        let c = &self.cues;
        for (field, v) in [
            ("delay_s", c.delay_s),
            ("cooldown_s", c.cooldown_s),
            ("min_dwell_s", c.min_dwell_s),
            ("resolve_s", c.resolve_s),
            ("gap_s", c.gap_s),
        ] {
            if !t(v) {
                return Err(("cues", 0, field, "must be zero or a positive number of seconds".into()));
            }
        }
        for (i, c) in self.checkpoints.iter().enumerate() {
            let e = |field, msg: String| {
                Err(("checkpoint", i, field, format!("checkpoint {} (\"{}\"): {msg}", i + 1, c.name)))
            };
            if !(c.tolerance.is_finite() && c.tolerance > 0.0) {
                return e("tolerance", "tolerance must be a positive number".into());
            }
            if !c.target.is_finite() {
                return e("target", "target must be a number".into());
            }
            if !(c.min_score.is_finite() && (0.0..=1.0).contains(&c.min_score)) {
                return e("min_score", "min_score must be a number from 0 to 1 (a keypoint confidence)".into());
            }
            if let Some(msg) = self.missing_joints(&c.measure) {
                return e("measure", msg);
            }
            if c.hold_s.is_some_and(|h| !(h.is_finite() && h > 0.0)) {
                return e("hold_s", "hold_s must be a positive number of seconds".into());
            }
            if self.checkpoints[..i].iter().any(|o| o.name == c.name) {
                return e(
                    "name",
                    "two checkpoints have this name; each needs its own (the session record goes by it)".into(),
                );
            }
            if let Some(w) = &c.when
                && !self.reps.iter().any(|r| r.name == w.rep)
            {
                let names: Vec<&str> = self.reps.iter().map(|r| r.name.as_str()).collect();
                return e(
                    "when",
                    format!(
                        "`when` names the rule \"{}\", but the [[rep]] rules are: {}",
                        w.rep,
                        if names.is_empty() { "none".into() } else { names.join(", ") }
                    ),
                );
            }
        }
        for (i, r) in self.reps.iter().enumerate() {
            let e = |field, msg: String| Err(("rep", i, field, format!("rep {} (\"{}\"): {msg}", i + 1, r.name)));
            for (field, v) in [("count_at", r.count_at), ("reset_at", r.reset_at)] {
                if !v.is_finite() {
                    return e(field, format!("{field} must be a number"));
                }
            }
            if !(r.min_score.is_finite() && (0.0..=1.0).contains(&r.min_score)) {
                return e("min_score", "min_score must be a number from 0 to 1 (a keypoint confidence)".into());
            }
            if let Some(msg) = self.missing_joints(&r.measure) {
                return e("measure", msg);
            }
            if r.count_at == r.reset_at {
                return Err((
                    "rep",
                    i,
                    "reset_at",
                    format!("rep {} (\"{}\"): count_at and reset_at must differ", i + 1, r.name),
                ));
            }
            if self.reps[..i].iter().any(|o| o.name == r.name) {
                return Err(("rep", i, "name", format!("rep {} (\"{}\"): two rules have this name", i + 1, r.name)));
            }
        }
        Ok(())
    }
}

impl Protocol {
    /// Whether a checkpoint or a repetition rule measures the hands (MediaPipe Hands runs alongside the body pose).
    pub fn uses_hands(&self) -> bool {
        self.checkpoints.iter().any(|c| c.measure.uses_hands()) || self.reps.iter().any(|r| r.measure.uses_hands())
    }

    /// What is wrong when `measure` uses a joint the protocol's model does not have (a BlazePose-only joint such as
    /// `left_pinky` in a MoveNet protocol: it would never be visible).
    fn missing_joints(&self, measure: &super::Measure) -> Option<String> {
        let model = self.model?;
        let skeleton = match model {
            PoseModel::MovenetLightning | PoseModel::MovenetThunder => crate::pose::Skeleton::Coco17,
            _ => return None,
        };
        let mut names = Vec::new();
        collect_strings(&serde_json::to_value(measure).ok()?, &mut names);
        let missing: Vec<String> = names
            .iter()
            .filter_map(|n| n.parse::<super::Point>().ok())
            .flat_map(|p| match p {
                super::Point::Joint(j) => vec![j],
                super::Point::Mid(a, b) => vec![a, b],
            })
            .filter(|j| skeleton.index_of(*j).is_none())
            .map(|j| j.name().to_string())
            .collect();
        (!missing.is_empty()).then(|| {
            format!(
                "{} {} not among the keypoints of {} (the model this protocol names), so it would never be \
                 visible; use a BlazePose model or another joint",
                missing.join(", "),
                if missing.len() == 1 { "is" } else { "are" },
                model.name()
            )
        })
    }
}

/// Every string inside a JSON value.
fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

/// The line (1-based) of `field` in the `index`-th `[[table]]` (or `[table]`, or the top level when `table` is
/// empty) of `text`.
fn line_of(text: &str, table: &str, index: usize, field: &str) -> Option<usize> {
    let mut current: Option<(String, usize)> = Some((String::new(), 0));
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for (n, line) in text.lines().enumerate() {
        let l = line.trim();
        if let Some(name) = l.strip_prefix("[[").and_then(|r| r.strip_suffix("]]")) {
            let k = counts.entry(name.trim().to_string()).or_insert(0);
            current = Some((name.trim().to_string(), *k));
            *k += 1;
        } else if let Some(name) = l.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            current = Some((name.trim().to_string(), 0));
        } else if current.as_ref().is_some_and(|(t, i)| t == table && *i == index)
            && l.strip_prefix(field).is_some_and(|r| r.trim_start().starts_with('='))
        {
            return Some(n + 1);
        }
    }
    None
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

    const V2: &str = r#"
format_version = 2
name = "Squat"

[[checkpoint]]
name = "left knee over the foot"
cue = "Push your left knee out"
target = 0.0
tolerance = 0.1
limit = "at_most"
when = { rep = "squats", phase = "end" }
measure = { kind = "offset_from_line", joint = "left_knee", line_a = "left_hip", line_b = "left_ankle" }

[[rep]]
name = "squats"
count_at = 95.0
reset_at = 155.0
measure = { kind = "joint_angle", a = "left_hip", vertex = "left_knee", c = "left_ankle" }
"#;

    #[test]
    fn format_2_limits_and_phases_load_and_malformed_ones_name_line_and_field() {
        let p = Protocol::from_toml(V2, Path::new("v2.toml")).unwrap();
        assert_eq!(p.checkpoints[0].limit, crate::posture::Limit::AtMost);
        assert_eq!(p.checkpoints[0].when.as_ref().unwrap().phase, crate::posture::Phase::End);
        assert_eq!(Protocol::from_toml(&p.to_toml(), Path::new("again.toml")).unwrap(), p);
        // Format 1 files still load (SAMPLE is format 1).
        assert_eq!(Protocol::from_toml(SAMPLE, Path::new("v1.toml")).unwrap().format_version, 1);
        let e = Protocol::from_toml(&V2.replace("at_most", "atmost"), Path::new("l.toml")).unwrap_err().to_string();
        assert!(e.contains("line 10") && e.contains("atmost"), "{e}");
        let e = Protocol::from_toml(&V2.replace("rep = \"squats\"", "rep = \"squat\""), Path::new("w.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 11") && e.contains("`when`") && e.contains("squats"), "{e}");
        let e = Protocol::from_toml(&V2.replace("phase = \"end\"", "phase = \"bottom\""), Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 11") && e.contains("bottom"), "{e}");
        let e = Protocol::from_toml(&SAMPLE.replace("tolerance = 10.0", "tolerance = -1.0"), Path::new("t.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 9") && e.contains("`tolerance`"), "{e}");
    }

    #[test]
    fn saves_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let p = Protocol::from_toml(SAMPLE, Path::new("s.toml")).unwrap();
        let path = dir.path().join("mine.toml");
        p.save(&path).unwrap();
        let saved = Protocol::load(&path).unwrap();
        assert_eq!(saved.format_version, FORMAT_VERSION);
        assert_eq!(Protocol { format_version: p.format_version, ..saved }, p);
        assert!(!dir.path().join("mine.toml.partial").exists());
    }
}

#[cfg(test)]
mod hardening_tests {
    use super::*;

    const BASE: &str = r#"format_version = 2
name = "Curls"
model = "movenet-thunder"

[cues]
delay_s = 1.0
cooldown_s = 3.0

[[checkpoint]]
name = "left elbow"
cue = "Bend your left elbow"
target = 90.0
tolerance = 10.0
min_score = 0.3
measure = { kind = "joint_angle", a = "left_shoulder", vertex = "left_elbow", c = "left_wrist" }

[[checkpoint]]
name = "right elbow"
cue = "Bend your right elbow"
target = 90.0
tolerance = 10.0
measure = { kind = "joint_angle", a = "right_shoulder", vertex = "right_elbow", c = "right_wrist" }

[[rep]]
name = "curls"
count_at = 60.0
reset_at = 150.0
measure = { kind = "joint_angle", a = "left_shoulder", vertex = "left_elbow", c = "left_wrist" }
"#;

    fn error(text: &str) -> String {
        match Protocol::from_toml(text, Path::new("p.toml")) {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn defect_12_protocols_that_can_never_work_are_refused_with_line_and_field() {
        Protocol::from_toml(BASE, Path::new("p.toml")).unwrap();
        let e = error(&BASE.replace("count_at = 60.0", "count_at = nan"));
        assert!(e.contains("line 26") && e.contains("`count_at`"), "{e}");
        let e = error(&BASE.replace("min_score = 0.3", "min_score = nan"));
        assert!(e.contains("line 14") && e.contains("`min_score`"), "{e}");
        let e = error(&BASE.replace("min_score = 0.3", "min_score = 2.0"));
        assert!(e.contains("line 14") && e.contains("`min_score`"), "{e}");
        let e = error(&BASE.replace(
            "vertex = \"left_elbow\", c = \"left_wrist\" }\n\n[[checkpoint]]",
            "vertex = \"left_elbow\", c = \"left_pinky\" }\n\n[[checkpoint]]",
        ));
        assert!(e.contains("left_pinky") && e.contains("movenet-thunder") && e.contains("`measure`"), "{e}");
        assert!(e.contains("line 15"), "{e}");
        let e = error(&BASE.replace("delay_s = 1.0", "delay_s = -1.0"));
        assert!(e.contains("line 6") && e.contains("`delay_s`"), "{e}");
        let e = error(&BASE.replace("cooldown_s = 3.0", "cooldown_s = nan"));
        assert!(e.contains("line 7") && e.contains("`cooldown_s`"), "{e}");
        let e = error(&BASE.replace("name = \"right elbow\"", "name = \"left elbow\""));
        assert!(e.contains("line 18") && e.contains("`name`"), "{e}");
    }

    #[test]
    fn defect_18_a_huge_format_version_is_reported_as_given() {
        let e = error(&BASE.replace("format_version = 2", "format_version = 4294967297"));
        assert!(e.contains("4294967297"), "{e}");
        assert!(!e.contains("format_version 1 "), "{e}");
    }

    #[test]
    fn defect_10_a_protocol_file_over_the_size_limit_is_refused_before_parsing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        let mut text = BASE.to_string();
        text.push_str(&format!("# {}\n", "x".repeat(2 << 20)));
        std::fs::write(&path, text).unwrap();
        let e = Protocol::load(&path).unwrap_err().to_string();
        assert!(e.contains("big.toml") && e.contains("MiB") && e.contains("limit"), "{e}");
    }
}
