//! Recording: a folder with the video, the pose track and a manifest; crash-safe under SIGKILL.

mod common;

use std::process::Command;
use std::time::Duration;

fn record(args: &[&str], out: &std::path::Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_mirrorcue"))
        .arg("record")
        .args(args)
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

fn decodable_frames(dir: &std::path::Path) -> usize {
    let mut src = mirrorcue::source::open(dir).unwrap_or_else(|e| panic!("{e}"));
    let mut n = 0;
    while let Some(f) = src.next_frame() {
        if f.is_ok() {
            n += 1;
        }
    }
    n
}

#[test]
fn a_recording_replays_with_its_pose_track() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("session");
    let clip = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    let status = record(&[clip.to_str().unwrap()], &out).wait().unwrap();
    assert!(status.success());
    let m = mirrorcue::recording::read_manifest(&out).expect("manifest");
    assert!(m.complete);
    assert_eq!(m.frames, 120);
    assert_eq!((m.width, m.height), (576, 576));
    assert_eq!(m.keypoint_names.len(), 17);
    let poses = mirrorcue::recording::read_poses(&out);
    assert_eq!(poses.len(), 120);
    assert!(poses.iter().all(|(_, _, k)| k.as_ref().is_some_and(|k| k.len() == 17)));
    // The folder opens as a source (its video), frame for frame.
    assert_eq!(decodable_frames(&out), 120);
}

/// The process is killed with SIGKILL halfway through: the video still opens and replays, missing at most its last
/// second, and the pose track is complete up to its last line.
#[test]
fn a_killed_recording_keeps_all_but_its_last_second() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("killed");
    let clip = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    let mut child = record(&[clip.to_str().unwrap(), "--realtime"], &out);
    // The clip lasts 4 s at its own pace; kill it after about 2.5 s of recording.
    let start = std::time::Instant::now();
    while mirrorcue::recording::read_poses(&out).len() < 75 {
        assert!(start.elapsed() < Duration::from_secs(30), "the recording did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let m = mirrorcue::recording::read_manifest(&out).expect("manifest written at the start");
    assert!(!m.complete, "a killed recording is not marked complete");
    let written = mirrorcue::recording::read_poses(&out).len();
    let frames = decodable_frames(&out);
    eprintln!("pose lines {written}, decodable video frames {frames}");
    assert!(written >= 75);
    assert!(frames + 30 >= written, "lost more than one second: {frames} frames of {written}");
    assert!(frames > 0);
}
