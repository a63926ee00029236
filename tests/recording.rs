//! Recording: a folder with the video, the pose track and a manifest; crash-safe under SIGKILL.

use crate::common;

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

/// A full disk, for real: the recording goes to a tiny tmpfs, which the 120-frame clip (about 330 KB recorded) fills
/// part way. Several sizes, so that the disk fills while the video is written, while a pose line is written, or only
/// when the video is closed; the largest has room to spare. Whenever the disk fills, the process must stop on its
/// own with exit code 6 (the output cannot be written; not a panic, not a signal), one clear error line saying there
/// is no space left and that what was written is kept, and leave a folder that still opens: the manifest
/// (incomplete, saying why), the pose track up to its last whole line, and the video up to its last complete
/// fragment (at most one second behind the pose track). When it does not fill, everything is there and complete.
///
/// Why a mount namespace: only a real file system that runs out of space makes every layer (FFmpeg's muxer, the
/// pose track, the manifest's rename) meet ENOSPC part way through, as on a clinic laptop. `/dev/full` fails the
/// very first write, a size limit (`ulimit -f`) gives a different error (EFBIG) and FUSE is not available. So the
/// test mounts the tmpfs inside `unshare -m` (as root; otherwise, or if that is refused, `unshare -rm`, in a user
/// namespace), where the mounts are private and vanish with the shell. Inside that shell it runs each recording,
/// then copies the folder out to an ordinary temporary folder, with the exit code and stderr, for the checks.
/// If no namespace can be made (a container without the privilege, user namespaces turned off), the test fails
/// with the reason rather than passing without having filled a disk.
#[test]
fn a_full_disk_stops_the_recording_and_keeps_what_was_written() {
    /// tmpfs sizes: the first ones surely fill, the last surely does not.
    const SIZES: [&str; 8] = ["100k", "150k", "200k", "250k", "280k", "300k", "320k", "600k"];
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("tiny-disks");
    let copied = dir.path().join("copied");
    std::fs::create_dir_all(&mnt).unwrap();
    std::fs::create_dir_all(&copied).unwrap();
    let clip = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    // $1 binary, $2 clip, $3 mount points, $4 where to copy the results, then the tmpfs sizes.
    let script = r#"
        bin=$1 clip=$2 mnt=$3 out=$4
        shift 4
        touch "$out/entered"
        for size in "$@"; do
            mkdir -p "$mnt/$size" "$out/$size" || exit 96
            mount -t tmpfs -o "size=$size" mirrorcue-full-disk "$mnt/$size" || exit 97
            "$bin" record "$clip" --out "$mnt/$size/rec" >/dev/null 2>"$out/$size/stderr"
            echo $? >"$out/$size/code"
            df -k "$mnt/$size" >"$out/$size/df"
            cp -r "$mnt/$size/rec" "$out/$size/rec" || exit 98
            umount "$mnt/$size"
        done
    "#;
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let attempts: &[&[&str]] = if root { &[&["-m"], &["-rm"]] } else { &[&["-rm"]] };
    let mut refused = Vec::new();
    for flags in attempts {
        let out = Command::new("unshare")
            .args(*flags)
            .args(["sh", "-c", script, "sh"])
            .arg(env!("CARGO_BIN_EXE_mirrorcue"))
            .arg(&clip)
            .arg(&mnt)
            .arg(&copied)
            .args(SIZES)
            .output();
        match out {
            Ok(o) if copied.join("entered").exists() => {
                let shell = String::from_utf8_lossy(&o.stderr);
                assert_eq!(o.status.code(), Some(0), "the shell inside `unshare {}` failed: {shell}", flags.join(" "));
                break;
            }
            Ok(o) => {
                refused.push(format!("unshare {}: {}", flags.join(" "), String::from_utf8_lossy(&o.stderr).trim()))
            }
            Err(e) => refused.push(format!("unshare {}: {e}", flags.join(" "))),
        }
    }
    assert!(
        copied.join("entered").exists(),
        "cannot fill a real disk: no private mount namespace for a tiny tmpfs ({}). Run the tests as root or where \
         user namespaces are allowed (a container needs CAP_SYS_ADMIN or an unconfined seccomp profile).",
        refused.join("; ")
    );

    let mut filled = Vec::new();
    for size in SIZES {
        let read = |name: &str| std::fs::read_to_string(copied.join(size).join(name)).unwrap_or_default();
        let stderr = read("stderr");
        let code: i32 = read("code").trim().parse().unwrap_or_else(|_| panic!("{size}: no exit code: {stderr}"));
        let rec = copied.join(size).join("rec");
        let names: Vec<String> =
            std::fs::read_dir(&rec).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        let m = mirrorcue::recording::read_manifest(&rec).unwrap_or_else(|| panic!("{size}: no valid manifest"));
        let poses = mirrorcue::recording::read_poses(&rec);
        let frames = decodable_frames(&rec);
        eprintln!(
            "tmpfs {size}: exit code {code}, pose lines {}, decodable video frames {frames}, manifest frames {}, \
             complete {}\n{stderr}{}",
            poses.len(),
            m.frames,
            m.complete,
            read("df")
        );
        assert!(!stderr.contains("panicked"), "{size}: {stderr}");
        assert!(!names.iter().any(|n| n.ends_with(".partial")), "{size}: a temporary file was left: {names:?}");
        assert_eq!(poses.len() as u64, m.frames, "{size}: the pose track ends on whole lines, as the manifest says");
        assert!(poses.iter().enumerate().all(|(i, p)| p.0 == i as u64), "{size}: pose lines in order, none missing");
        if code == 0 {
            // Room enough: all there, and marked complete only if the video really is.
            assert!(m.complete && m.stopped_because.is_none(), "{size}: {m:?}");
            assert_eq!((poses.len(), frames), (120, 120), "{size}: exit code 0 but not every frame was kept");
            continue;
        }
        filled.push(size);
        // Exit code 6 is the documented "output cannot be written": not a panic (101), not a signal (128 + n).
        assert_eq!(code, 6, "{size}: exit code; stderr: {stderr}");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{size}: one error line: {stderr}");
        assert!(errors[0].contains("No space left on device"), "{size}: {}", errors[0]);
        assert!(errors[0].contains("what was written so far is kept"), "{size}: {}", errors[0]);
        assert!(!m.complete, "{size}: a recording stopped by a full disk is not complete");
        let why = m.stopped_because.as_deref().expect("the manifest says why it stopped (room was set aside)");
        assert!(why.contains("No space left on device"), "{size}: {why}");
        assert!(!poses.is_empty(), "{size}: no pose lines kept");
        assert!(frames > 0, "{size}: no video frames kept");
        // The video keeps every complete fragment (one per second, 30 frames): at most one second behind the poses.
        assert!(frames + 30 >= poses.len(), "{size}: lost more than a second: {frames} frames of {}", poses.len());
        assert!(frames <= poses.len() + 1, "{size}: {frames} video frames for {} pose lines", poses.len());
    }
    // The clip needs about 330 KB: the three smallest disks surely filled, part way through the recording.
    assert!(SIZES[..3].iter().all(|s| filled.contains(s)), "these disks should have filled: {filled:?}");
    assert!(!filled.contains(&SIZES[SIZES.len() - 1]), "600k is room enough for the clip");
}

/// Defect 16: recording while a file source loops gives true, increasing times. A 10-frame clip (0.33 s at 30 fps)
/// plays looping through the live pipeline and is recorded from the app's side for about 2 s (six loops): the manifest's duration, the video's frame times, the pose lines and the events are all in recording time,
/// increasing. (Before: the duration was one loop, pose lines clamped to 0.0 and events in clip time.)
#[test]
fn recording_a_looping_file_has_true_increasing_times() {
    use mirrorcue::live::{LivePipeline, MemorySource, PoseSettings, SourceFactory};
    use mirrorcue::source::FrameSource;

    let frames: Vec<image::RgbImage> = common::frames("videos/tfjs_pose_1_synthetic_arm_raises.mp4")
        .into_iter()
        .take(10)
        .map(|f| (*f.image).clone())
        .collect();
    let (w, h) = frames[0].dimensions();
    let factory: SourceFactory = Box::new(move || {
        Ok(Box::new(MemorySource::new("short clip", frames.clone(), 30.0, false)) as Box<dyn FrameSource>)
    });
    let pipeline = LivePipeline::start(
        factory,
        PoseSettings::default(),
        mirrorcue::pose::EngineConfig::from_env().unwrap(),
        common::models(),
        std::sync::Arc::new(|| {}),
    );
    assert!(pipeline.playback().looping, "files loop by default");
    pipeline.wait_result(Duration::from_secs(30)).expect("a first frame");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("looped");
    let model = mirrorcue::pose::PoseModel::MovenetLightning;
    let mut recorder = mirrorcue::recording::Recorder::start(&out, w, h, 30.0, model, "short clip").unwrap();
    let start = std::time::Instant::now();
    let (mut first, mut expected_events, mut received) = (None, Vec::new(), 0);
    while start.elapsed() < Duration::from_millis(2000) {
        let Some(r) = pipeline.wait_result(Duration::from_millis(100)) else { continue };
        recorder.push(&r.frame, r.pose.as_ref());
        let t0 = *first.get_or_insert(r.frame.time_s);
        received += 1;
        if received % 2 == 0 {
            // A repetition counted on this frame: the event carries the frame's time, as the app passes it.
            recorder.event(r.frame.time_s, "rep", serde_json::json!({ "rule": "test" }));
            expected_events.push(r.frame.time_s - t0);
        }
    }
    pipeline.stop();
    let m = recorder.stop().unwrap();
    assert!(m.duration_s > 1.2, "the manifest says {:.2} s for about 2 s of a looping 0.33 s clip", m.duration_s);

    let poses = mirrorcue::recording::read_poses(&out);
    let times: Vec<f64> = poses.iter().map(|p| p.1).collect();
    // (A busy machine poses fewer frames: the pose stage drops stale ones, the times stay true.)
    assert!(times.len() >= 6, "{} pose lines", times.len());
    assert!(times.windows(2).all(|w| w[1] > w[0]), "pose times strictly increasing: {times:?}");
    assert!(*times.last().unwrap() > 1.2, "{times:?}");

    let mut video = mirrorcue::source::open(&out).unwrap();
    let mut video_times = Vec::new();
    while let Some(f) = video.next_frame() {
        video_times.push(f.unwrap().time_s);
    }
    assert!(video_times.windows(2).all(|w| w[1] > w[0]), "{video_times:?}");
    assert!(*video_times.last().unwrap() - video_times[0] > 1.2, "the video lasts one loop: {video_times:?}");

    let text = std::fs::read_to_string(out.join("events.jsonl")).unwrap();
    let events: Vec<f64> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["kind"] == "rep")
        .map(|v| v["time_s"].as_f64().unwrap())
        .collect();
    assert!(expected_events.len() >= 3, "{expected_events:?}");
    assert_eq!(events.len(), expected_events.len(), "{text}");
    assert!(events.windows(2).all(|w| w[1] > w[0]), "event times increasing, in recording time: {events:?}");
    for (got, want) in events.iter().zip(&expected_events) {
        assert!((got - want).abs() < 0.002, "event at {got} s, its frame at {want} s of the recording: {events:?}");
    }
}
