//! Comparing recordings by joint angles: a clip against itself, against a copy that starts 1 s later, and against
//! a different exercise.

mod common;

use std::path::Path;
use std::process::Command;

fn compare(reference: &Path, input: &Path) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.json");
    let o = Command::new(env!("CARGO_BIN_EXE_mirrorcue"))
        .arg("compare")
        .arg(reference)
        .arg(input)
        .args(["--model", "movenet-lightning", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

#[test]
fn a_clip_against_itself_is_identical_with_offset_zero() {
    let clip = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    let c = compare(&clip, &clip);
    assert_eq!(c["offset_frames"], 0);
    assert!(c["overall"].as_f64().unwrap() > 0.999, "{}", c["overall"]);
}

#[test]
fn a_copy_starting_one_second_later_is_found_within_a_frame() {
    let clip = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    // The copy: frames 30.. of the 30 fps clip, as an image folder played at 30 fps.
    let dir = tempfile::tempdir().unwrap();
    for f in common::frames("videos/tfjs_pose_1_synthetic_arm_raises.mp4").into_iter().skip(30) {
        f.image.save(dir.path().join(format!("frame{:03}.png", f.index))).unwrap();
    }
    let c = compare(&clip, dir.path());
    let offset = c["offset_frames"].as_i64().unwrap();
    assert!((offset - 30).abs() <= 1, "offset {offset}");
    assert!((c["offset_s"].as_f64().unwrap() - 1.0).abs() <= 1.0 / 30.0 + 1e-6);
    assert!(c["overall"].as_f64().unwrap() > 0.95, "{}", c["overall"]);
}

#[test]
fn squats_against_arm_raises_differ_at_knees_and_shoulders() {
    let squats = common::data("videos/tfjs_pose_squats.mp4");
    let raises = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    let c = compare(&squats, &raises);
    let overall = c["overall"].as_f64().unwrap();
    assert!(overall < 0.85, "{overall}");
    let differ: Vec<&str> = c["differ_most"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(differ.iter().any(|j| j.ends_with("shoulder")), "{differ:?}");
    assert!(differ.iter().any(|j| j.ends_with("knee")), "{differ:?}");
    // The shoulders (the arm raise's movement) differ more than the trunk, which neither exercise moves much.
    let sim = |name: &str| {
        c["joints"].as_array().unwrap().iter().find(|j| j["name"] == name).unwrap()["similarity"].as_f64().unwrap()
    };
    assert!(sim("left shoulder") < sim("trunk"));
}
