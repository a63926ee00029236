//! Posture protocols on real recordings: squats counted, arms overhead with their range of motion, no extra
//! repetitions from jitter, and the shipped protocols all load.

use crate::common;

use mirrorcue::pose::{EstimatorConfig, Pose, PoseEstimator, PoseModel};
use mirrorcue::posture::{PostureSession, Protocol};

fn protocol(name: &str) -> Protocol {
    Protocol::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/protocols").join(name))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn poses(clip: &str, model: PoseModel) -> Vec<(f64, Option<Pose>)> {
    let engine = common::engine();
    let mut est = PoseEstimator::new(&common::models(), &engine, EstimatorConfig::video(model)).unwrap();
    common::frames(clip).into_iter().map(|f| (f.time_s, est.estimate(&f).unwrap())).collect()
}

#[test]
fn the_squat_clip_has_exactly_three_squats() {
    let p = protocol("squat_knee_alignment.toml");
    let model = p.model.unwrap();
    let mut s = PostureSession::new(p);
    for (t, pose) in poses("videos/tfjs_pose_squats.mp4", model) {
        s.update(t, pose.as_ref());
    }
    let sum = s.summary();
    eprintln!("{}", serde_json::to_string_pretty(sum).unwrap());
    assert_eq!(sum.reps[0].count, 3, "{:?}", sum.reps[0]);
    // Knee flexion range: from standing to a deep squat.
    assert!(sum.reps[0].max.unwrap() > 155.0 && sum.reps[0].min.unwrap() < 95.0);
}

/// Noise added to every keypoint (±1.5% of the frame, several times the model's own jitter) counts no extra
/// squats.
#[test]
fn jitter_counts_no_extra_repetitions() {
    let p = protocol("squat_knee_alignment.toml");
    let model = p.model.unwrap();
    let clean = poses("videos/tfjs_pose_squats.mp4", model);
    // A deterministic pseudo-random sequence, so the test is repeatable.
    let mut state = 0x2545F4914F6CDD1Du64;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 2001) as f32 / 1000.0 - 1.0
    };
    for round in 0..5 {
        let mut s = PostureSession::new(p.clone());
        for (t, pose) in &clean {
            let noisy = pose.clone().map(|mut q| {
                for k in q.keypoints.iter_mut() {
                    k.x += 0.015 * noise();
                    k.y += 0.015 * noise();
                }
                if let Some(w) = q.world.as_mut() {
                    for p in w.iter_mut() {
                        p.x += 0.015 * noise();
                        p.y += 0.015 * noise();
                        p.z += 0.015 * noise();
                    }
                }
                q
            });
            s.update(*t, noisy.as_ref());
        }
        assert_eq!(s.summary().reps[0].count, 3, "round {round}");
    }
}

#[test]
fn arm_raise_reports_both_arms_overhead_and_their_range() {
    let p = protocol("arm_raise_range_of_motion.toml");
    let model = p.model.unwrap();
    let mut s = PostureSession::new(p);
    for (t, pose) in poses("videos/tfjs_pose_1_synthetic_arm_raises.mp4", model) {
        s.update(t, pose.as_ref());
    }
    let sum = s.summary();
    eprintln!("{}", serde_json::to_string_pretty(sum).unwrap());
    for c in &sum.checkpoints {
        let (min, max) = (c.min.unwrap(), c.max.unwrap());
        assert!(max > 150.0, "{}: max {max}: not overhead", c.name);
        assert!(min < 60.0, "{}: min {min}: the arms start down", c.name);
        assert!(c.time_in_tolerance_s > 0.3, "{}: overhead for {} s", c.name, c.time_in_tolerance_s);
    }
    for r in &sum.reps {
        assert_eq!(r.count, 1, "{}", r.name);
    }
}

#[test]
fn shipped_protocols_load_and_round_trip() {
    let all = mirrorcue::posture::protocol::shipped();
    assert!(all.len() >= 5);
    for (path, p) in all {
        let p = p.unwrap_or_else(|e| panic!("{e}"));
        let again = Protocol::from_toml(&p.to_toml(), &path).unwrap();
        assert_eq!(again, p, "{}", path.display());
    }
}

fn run_check(args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_mirrorcue")).arg("check").args(args).output().unwrap()
}

fn squat_protocol_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/protocols/squat_knee_alignment.toml")
}

/// Every number in `text` has at most `max` decimals and none is "-0.0" / "-0".
fn assert_no_float_noise(text: &str, max: usize) {
    for num in text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')) {
        if let Some((_, frac)) = num.split_once('.') {
            assert!(frac.len() <= max, "float noise: {num}");
        }
        assert!(num != "-0.0" && num != "-0", "negative zero: {num}");
    }
}

/// Defect 4: `mirrorcue check` exports numbers a clinic can use: the true duration, a longest time in tolerance
/// wherever a checkpoint was in tolerance, no float noise, increasing CSV times, and the date, source, model and
/// protocol in the summary.
#[test]
fn check_command_prints_reps_and_writes_exports() {
    let dir = tempfile::tempdir().unwrap();
    let (json, csv) = (dir.path().join("s.json"), dir.path().join("f.csv"));
    let clip = common::data("videos/tfjs_pose_squats.mp4");
    let out = run_check(&[
        squat_protocol_path().as_os_str(),
        clip.as_os_str(),
        "--out".as_ref(),
        json.as_os_str(),
        "--csv".as_ref(),
        csv.as_os_str(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("squats: 3 repetitions"), "{stdout}");
    let text = std::fs::read_to_string(json).unwrap();
    eprintln!("{text}");
    assert_no_float_noise(&text, 2);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["reps"][0]["count"], 3);
    // 65 frames at 30 fps.
    let frames = common::frames("videos/tfjs_pose_squats.mp4");
    let fps = (frames.len() - 1) as f64 / (frames.last().unwrap().time_s - frames[0].time_s);
    let true_duration = frames.len() as f64 / fps;
    let duration = v["duration_s"].as_f64().unwrap();
    assert!((duration - true_duration).abs() < 0.02, "duration_s {duration} for a {true_duration:.3} s clip");
    for c in v["checkpoints"].as_array().unwrap() {
        let (inside, longest) =
            (c["time_in_tolerance_s"].as_f64().unwrap(), c["longest_in_tolerance_s"].as_f64().unwrap());
        assert!(inside == 0.0 || longest > 0.0, "{c}: in tolerance {inside} s, longest {longest} s");
        assert!(longest <= inside + 1e-9);
    }
    for key in ["date", "source", "model", "protocol", "protocol_file", "units"] {
        assert!(!v[key].is_null() && v[key] != "", "{key} missing: {v}");
    }
    assert_eq!(v["model"], "blazepose-full");
    let at = v["reps"][0]["at_s"].as_array().unwrap();
    assert!(at.windows(2).all(|w| w[1].as_f64() > w[0].as_f64()), "{at:?}");
    let rows = std::fs::read_to_string(csv).unwrap();
    assert_eq!(rows.lines().count(), 66, "a header and 65 frames");
    assert_no_float_noise(&rows, 3);
    let times: Vec<f64> = rows.lines().skip(1).map(|l| l.split(',').next().unwrap().parse().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[1] > w[0]), "CSV times must increase");
    assert!(rows.lines().next().unwrap().contains("(torso_lengths)"), "units in the CSV header");
    // A malformed protocol: exit 3 and the line named.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "format_version = 1\nname = \"x\"\n[[checkpoint]]\nname = \"a\"\ncue = \"b\"\ntarget = 1\n")
        .unwrap();
    let out = run_check(&[bad.as_os_str(), clip.as_os_str()]);
    assert_eq!(out.status.code(), Some(3));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("bad.toml") && e.contains("line"), "{e}");
}

/// Defect 1: the squat protocol on MoveNet Lightning (no 3D) is said to be unsuitable, on stderr, with the model
/// to use; on its own model (the default) there is no warning.
#[test]
fn check_says_when_the_model_cannot_serve_the_protocol() {
    let clip = common::data("videos/tfjs_pose_squats.mp4");
    let out = run_check(&[
        squat_protocol_path().as_os_str(),
        clip.as_os_str(),
        "--model".as_ref(),
        "movenet-lightning".as_ref(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}");
    assert!(err.contains("warning") && err.contains("3D") && err.contains("BlazePose full"), "stderr: {err}");
    let out = run_check(&[squat_protocol_path().as_os_str(), clip.as_os_str()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("warning"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("squats: 3 repetitions"));
}
