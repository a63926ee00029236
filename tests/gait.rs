//! Gait on the walk clip (BlazePose full), against the heel strikes and toe-offs labelled by eye in
//! `tests/data/gait/walk_events.csv` (see the README there), through the command line: one run of
//! `mirrorcue gait` per test binary (230 frames of 1768 × 994 through BlazePose full, about 30 s of CPU: the
//! walk is the point of the test; it is shared through a `OnceLock`).

use crate::common;

use std::path::PathBuf;
use std::sync::OnceLock;

use common::cli::{mirrorcue, s, stderr};
use common::data;
use serde_json::Value;

struct Run {
    json: Value,
    svg: String,
}

fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("mirrorcue_gait_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (out, plot) = (dir.join("gait.json"), dir.join("gait.svg"));
        let clip = data("videos/sports2d_demo_walk_jumpingjacks_h264.mp4");
        let o = mirrorcue(&["gait", s(&clip), "--out", s(&out), "--plot", s(&plot), "--height-cm", "165"]);
        assert!(o.status.success(), "gait failed: {}", stderr(&o));
        let json = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let svg = std::fs::read_to_string(&plot).unwrap();
        if std::env::var_os("MIRRORCUE_KEEP_GAIT").is_some() {
            eprintln!("kept in {}", dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&dir);
        }
        Run { json, svg }
    })
}

/// (frame, foot, kind) of the labels.
fn labels() -> Vec<(i64, String, String)> {
    let text = std::fs::read_to_string(data("gait/walk_events.csv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].parse().unwrap(), f[1].to_string(), f[2].to_string())
        })
        .collect()
}

fn found() -> Vec<(i64, String, String)> {
    run().json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (e["frame"].as_i64().unwrap(), e["foot"].as_str().unwrap().to_string(), e["kind"].as_str().unwrap().into())
        })
        .collect()
}

#[test]
fn labelled_events_are_found_within_two_frames() {
    let (labels, found) = (labels(), found());
    let walker = &run().json["walker"];
    let (first, last) = (walker["first_frame"].as_i64().unwrap(), walker["last_frame"].as_i64().unwrap());
    let (mut hits, mut hits_in_view, mut in_view) = (0, 0, 0);
    eprintln!("label            found (same foot and kind)   difference");
    for (frame, foot, kind) in &labels {
        let best = found
            .iter()
            .filter(|(_, f, k)| f == foot && k == kind)
            .min_by_key(|(g, _, _)| (g - frame).abs())
            .map(|(g, _, _)| *g);
        let ok = best.is_some_and(|g| (g - frame).abs() <= 2);
        hits += ok as usize;
        if (first..=last).contains(frame) {
            in_view += 1;
            hits_in_view += ok as usize;
        }
        eprintln!("{frame:>3} {foot:<5} {kind:<11}  {best:?}  {:?}", best.map(|g| g - frame));
    }
    eprintln!(
        "{hits} of {} labelled events found within 2 frames ({:.0}%); {hits_in_view} of the {in_view} in frames \
         {first}–{last} where the pose model sees her; {} events found",
        labels.len(),
        100.0 * hits as f64 / labels.len() as f64,
        found.len()
    );
    // Before frame 60 the pose model finds no pose of her at all (she comes out from behind a tree: BlazePose's
    // detector misses her, issue 11), so the goal is held where she is seen; the overall rate has its own floor.
    assert!(hits_in_view as f64 >= 0.9 * in_view as f64, "{hits_in_view} of {in_view} found within 2 frames");
    assert!(hits as f64 >= 0.85 * labels.len() as f64, "{hits} of {} found within 2 frames", labels.len());
    // Events found that match no label are at most the few the labels leave out (behind the tree, at the edge).
    let unmatched = found
        .iter()
        .filter(|(g, f, k)| !labels.iter().any(|(l, lf, lk)| lf == f && lk == k && (l - g).abs() <= 2))
        .count();
    assert!(unmatched <= 2, "{unmatched} events found that no label supports: {found:?}");
}

#[test]
fn cadence_is_within_three_percent_of_the_labels() {
    let hs: Vec<i64> = labels().iter().filter(|l| l.2 == "heel_strike").map(|l| l.0).collect();
    let (first, last) = (hs.iter().min().unwrap(), hs.iter().max().unwrap());
    let truth = 60.0 * 30.0 * (hs.len() - 1) as f64 / (last - first) as f64;
    let summary = &run().json["summary"];
    let cadence = summary["cadence_steps_per_min"].as_f64().unwrap();
    eprintln!("cadence: labels {truth:.1} steps/min, found {cadence:.1} steps/min; summary: {summary}");
    assert!((cadence - truth).abs() <= 0.03 * truth, "cadence {cadence} vs {truth}");
}

#[test]
fn the_results_carry_every_part_the_clinic_reads() {
    let j = &run().json;
    assert_eq!(j["format"], "mirrorcue-gait");
    assert_eq!(j["view"], "side");
    assert_eq!(j["passes"][0]["direction"], "image_left");
    let e = &j["events"][0];
    for key in ["frame", "time_s", "foot", "kind"] {
        assert!(!e[key].is_null(), "event without {key}: {e}");
    }
    let s = &j["summary"];
    for key in ["stance_pct", "swing_pct", "step_time_s", "stride_time_s"] {
        assert!(s[key]["left"].is_f64() && s[key]["right"].is_f64(), "summary {key}: {s}");
    }
    assert!(s["double_support_pct"].is_f64() && s["step_time_symmetry_index_pct"].is_f64());
    // Scaled by --height-cm: a woman's steps of about 0.4–0.9 m, at 0.4–1.6 m/s.
    let step = s["step_length_m"]["mean"].as_f64().unwrap();
    let speed = s["speed_m_per_s"].as_f64().unwrap();
    assert!((0.3..1.0).contains(&step) && (0.3..1.8).contains(&speed), "step {step} m, speed {speed} m/s");
    for joint in ["hip_flexion", "knee_flexion", "ankle_dorsiflexion", "trunk_lean"] {
        for side in ["left", "right"] {
            let c = &j["curves"][joint][side];
            assert_eq!(c["mean_deg"].as_array().map(|a| a.len()), Some(101), "{joint} {side}");
        }
    }
    // Walking: the knee bends in swing well beyond its angle at heel strike.
    let cycles = j["cycles"].as_array().unwrap();
    assert!(!cycles.is_empty());
    for c in cycles {
        let (peak, hs) = (
            c["peak_knee_flexion_swing_deg"].as_f64().unwrap(),
            c["knee_flexion_at_heel_strike_deg"].as_f64().unwrap(),
        );
        assert!(peak > hs + 20.0, "cycle {c}");
    }
    assert!(run().svg.contains("Knee flexion") && run().svg.contains("left (n = "));
}

#[test]
fn no_walking_and_no_person_are_clear_errors() {
    // The squat clip: a woman squatting on the spot.
    let o = mirrorcue(&["gait", s(&data("videos/tfjs_pose_squats.mp4")), "--model", "movenet-lightning"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("no walking"), "{}", stderr(&o));
    let bad = mirrorcue(&["gait", s(&PathBuf::from("/nonexistent/walk.mp4"))]);
    assert!(!bad.status.success());
    let h = mirrorcue(&["gait", s(&data("videos/tfjs_pose_squats.mp4")), "--height-cm", "9000"]);
    assert_eq!(h.status.code(), Some(2), "{}", stderr(&h));
}

/// The lab take (pose2sim cam01, 100 frames at 60 fps): a step back and a step forward on the spot, not a walk
/// (its foot contacts are labelled in `tests/data/gait/lab_events.csv` all the same). The analysis says so rather
/// than timing steps out of it. About 10 s of CPU: 100 portrait frames through BlazePose full.
#[test]
fn the_lab_take_is_not_a_walk_and_is_said_to_be_none() {
    let o = mirrorcue(&["gait", s(&data("videos/pose2sim_singleperson_cam01.mp4"))]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("no walking was found"), "{}", stderr(&o));
    let labels = std::fs::read_to_string(data("gait/lab_events.csv")).unwrap();
    assert_eq!(labels.lines().skip(1).filter(|l| l.contains("heel_strike")).count(), 3, "{labels}");
}
