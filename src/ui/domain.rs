//! Clinic rules the UI still keeps until the library has them (issue 9 moves them into `posture` and `recording`):
//! the usual checkpoints, capturing targets, a checkpoint from three picked joints, the protocol library, saving a
//! protocol and exporting a session. Only the shell's action handlers call these.

use std::path::PathBuf;

use super::state::LibraryEntry;
use crate::pose::{Joint, Pose};
use crate::posture::{Checkpoint, Measure, Plane, Point, PostureSession, Protocol};

/// A folder in mirrorcue's data folder (created on use).
pub fn user_dir(sub: &str) -> Option<PathBuf> {
    eframe::storage_dir("mirrorcue").map(|d| d.join(sub))
}

/// Checkpoints made from the current posture when a protocol has none: the angles and alignments a therapist
/// usually starts from.
pub fn default_checkpoints() -> Vec<Checkpoint> {
    use Joint::*;
    let cp = |name: &str, measure: Measure, tolerance: f32, cue: &str| Checkpoint {
        name: name.into(),
        measure,
        plane: Plane::Image,
        target: 0.0,
        tolerance,
        priority: 2,
        cue: cue.into(),
        hold_s: None,
        min_score: 0.3,
    };
    vec![
        cp(
            "trunk upright",
            Measure::SegmentToVertical { from: Point::MID_HIP, to: Point::MID_SHOULDER },
            8.0,
            "Stand tall",
        ),
        cp(
            "shoulders level",
            Measure::SegmentToHorizontal { from: Point::Joint(RightShoulder), to: Point::Joint(LeftShoulder) },
            6.0,
            "Keep your shoulders level",
        ),
        cp("left elbow", Measure::angle(LeftShoulder, LeftElbow, LeftWrist), 15.0, "Left elbow as shown"),
        cp("right elbow", Measure::angle(RightShoulder, RightElbow, RightWrist), 15.0, "Right elbow as shown"),
        cp("left shoulder", Measure::angle(LeftHip, LeftShoulder, LeftElbow), 15.0, "Left arm as shown"),
        cp("right shoulder", Measure::angle(RightHip, RightShoulder, RightElbow), 15.0, "Right arm as shown"),
        cp("left knee", Measure::angle(LeftHip, LeftKnee, LeftAnkle), 15.0, "Left knee as shown"),
        cp("right knee", Measure::angle(RightHip, RightKnee, RightAnkle), 15.0, "Right knee as shown"),
    ]
}

/// "Hold it there": `pose`'s values become the targets of `p` (a protocol without checkpoints gets the usual ones).
/// Returns what to tell the therapist when some joints were not visible.
pub fn capture_targets(p: &mut Protocol, pose: &Pose) -> Option<String> {
    if p.checkpoints.is_empty() {
        p.checkpoints = default_checkpoints();
    }
    let mut missing = Vec::new();
    for c in p.checkpoints.iter_mut() {
        match c.value(pose) {
            Some(v) => c.target = v,
            None => missing.push(c.name.clone()),
        }
    }
    if p.checkpoints.iter().all(|c| c.target == 0.0) && !missing.is_empty() {
        Some("Nothing could be captured: the joints are not visible.".into())
    } else if !missing.is_empty() {
        Some(format!("Not visible, target unchanged: {}", missing.join(", ")))
    } else {
        None
    }
}

/// The checkpoint for the angle at `v` between `a` and `c`, its target the angle in `pose`.
pub fn angle_checkpoint(a: Joint, v: Joint, c: Joint, pose: &Pose) -> Checkpoint {
    let measure = Measure::angle(a, v, c);
    let target = measure.evaluate(pose, Plane::Image, 0.0).unwrap_or(90.0);
    let label = super::overlay::short_label(v);
    Checkpoint {
        name: format!("{label} angle"),
        measure,
        plane: Plane::Image,
        target,
        tolerance: 10.0,
        priority: 2,
        cue: format!("Adjust your {}", label.trim_start_matches("L ").trim_start_matches("R ")),
        hold_s: None,
        min_score: 0.3,
    }
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
