//! The command line on good and bad input: clear messages and exit codes scripts can rely on.

use crate::common;

use std::process::Command;

use common::cli::{mirrorcue, s, stderr};

#[test]
fn analyze_a_video_to_jsonl() {
    let out = mirrorcue(&["analyze", s(&common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4")), "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 121, "a header and 120 frames");
    assert_eq!(lines[0]["keypoint_names"].as_array().unwrap().len(), 17);
    assert_eq!(lines[0]["width"], 576);
    for (i, l) in lines[1..].iter().enumerate() {
        assert_eq!(l["frame"], i as u64);
        assert_eq!(l["keypoints"].as_array().unwrap().len(), 17);
        assert_eq!(l["source"], "tfjs_pose_1_synthetic_arm_raises.mp4");
    }
    let t1 = lines[2]["time_s"].as_f64().unwrap();
    assert!((t1 - 1.0 / 30.0).abs() < 1e-3, "{t1}");
}

#[test]
fn analyze_photos_to_coco_and_csv_and_render() {
    let dir = tempfile::tempdir().unwrap();
    let coco = dir.path().join("results.json");
    let render = dir.path().join("render");
    let out = mirrorcue(&[
        "analyze",
        s(&common::data("images/coco")),
        "--stills",
        "--model",
        "blazepose-lite",
        "--format",
        "coco",
        "--out",
        s(&coco),
        "--render",
        s(&render),
        "-q",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&coco).unwrap()).unwrap();
    let list = v.as_array().unwrap();
    assert!(list.len() >= 6, "{}", list.len());
    for r in list {
        assert!(r["file_name"].as_str().unwrap().ends_with(".jpg"));
        assert_eq!(r["keypoints"].as_array().unwrap().len(), 51);
        assert_eq!(r["category_id"], 1);
    }
    assert_eq!(std::fs::read_dir(&render).unwrap().count(), 7);
    let rendered = image::open(render.join("frame_000000.jpg")).unwrap();
    assert!(rendered.width() > 100);

    let csv = dir.path().join("k.csv");
    let out = mirrorcue(&[
        "analyze",
        s(&common::data("images/stills/tfjs_pose_1_f060_arms_up.png")),
        "--format",
        "csv",
        "--out",
        s(&csv),
        "-q",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 2);
    assert!(rows[0].starts_with("frame,time_s,source,width,height,score,nose_x,nose_y,nose_score"));
    assert_eq!(rows[1].split(',').count(), rows[0].split(',').count());
}

#[test]
fn missing_input_exits_3() {
    let out = mirrorcue(&["analyze", "/no/such/recording.mp4", "-q"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("/no/such/recording.mp4"), "{}", stderr(&out));
}

#[test]
fn text_file_renamed_mp4_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("session.mp4");
    std::fs::write(&fake, "this is not a video, just some notes\n".repeat(50)).unwrap();
    let out = mirrorcue(&["analyze", s(&fake), "-q"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let e = stderr(&out);
    assert!(e.contains("session.mp4") && !e.contains("panicked"), "{e}");
}

#[test]
fn truncated_mp4_keeps_what_it_can() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(common::data("videos/tfjs_pose_squats.mp4")).unwrap();
    let cut = dir.path().join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() * 6 / 10]).unwrap();
    let out = mirrorcue(&["analyze", s(&cut), "-q"]);
    let e = stderr(&out);
    assert!(!e.contains("panicked"), "{e}");
    match out.status.code() {
        // Frames before the cut are analysed; the damage is reported.
        Some(0) | Some(1) => {
            let n = String::from_utf8_lossy(&out.stdout).lines().count();
            assert!(n > 1, "some frames expected");
        }
        Some(3) => assert!(e.contains("cut.mp4"), "{e}"),
        other => panic!("exit {other:?}: {e}"),
    }
}

#[test]
fn empty_folder_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let out = mirrorcue(&["analyze", s(dir.path()), "-q"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).to_lowercase().contains("no image"), "{}", stderr(&out));
}

#[test]
fn missing_model_exits_4_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let video = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    let out = mirrorcue(&["analyze", s(&video), "--models", s(dir.path()), "-q"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("movenet_lightning.onnx"), "{}", stderr(&out));
}

#[test]
fn truncated_model_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(common::models().path(mirrorcue::pose::models::ModelFile::MovenetLightning)).unwrap();
    std::fs::write(dir.path().join("movenet_lightning.onnx"), &bytes[..bytes.len() / 2]).unwrap();
    let video = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    let out = mirrorcue(&["analyze", s(&video), "--models", s(dir.path()), "-q"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let e = stderr(&out);
    assert!(e.contains("movenet_lightning.onnx") && e.contains("sha256"), "{e}");
    // Even when only the signature is checked, a truncated file fails to load, with a message and no panic.
    let out = mirrorcue(&["analyze", s(&video), "--models", s(dir.path()), "--signature-check-only", "-q"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn wrong_model_file_exits_4() {
    // A real ONNX model, but not the one expected: Thunder's file in Lightning's place.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::models().path(mirrorcue::pose::models::ModelFile::MovenetThunder),
        dir.path().join("movenet_lightning.onnx"),
    )
    .unwrap();
    let video = common::data("videos/tfjs_pose_1_synthetic_arm_raises.mp4");
    let out = mirrorcue(&["analyze", s(&video), "--models", s(dir.path()), "--signature-check-only", "-q"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("inputs and outputs"), "{}", stderr(&out));
}

#[test]
fn an_image_of_no_person_gives_null() {
    let dir = tempfile::tempdir().unwrap();
    // An empty room: a wall, a floor and a window, no one in it.
    let img = image::RgbImage::from_fn(640, 480, |x, y| {
        if y > 330 {
            image::Rgb([120, 90, 60])
        } else if (400..560).contains(&x) && (60..220).contains(&y) {
            image::Rgb([180, 210, 240])
        } else {
            image::Rgb([225, 220, 205])
        }
    });
    let path = dir.path().join("empty_room.png");
    img.save(&path).unwrap();
    for model in ["movenet-lightning", "blazepose-full"] {
        let out = mirrorcue(&["analyze", s(&path), "--model", model, "-q"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        let record: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
        assert!(record["keypoints"].is_null(), "{model}: {record}");
    }
}

#[test]
fn requesting_a_missing_onnxruntime_exits_5() {
    let out = Command::new(env!("CARGO_BIN_EXE_mirrorcue"))
        .args(["engine", "--engine", "onnxruntime", "--ort-lib", "/no/such/libonnxruntime.so"])
        .env("ORT_DYLIB_PATH", "/no/such/either.so")
        .env("HOME", "/nonexistent")
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    // On a machine with ONNX Runtime in a system folder it is still found; otherwise a clear error.
    let e = stderr(&out);
    assert!(!e.contains("panicked"), "{e}");
    if out.status.code() == Some(5) {
        assert!(e.contains("pip install onnxruntime"), "{e}");
    } else {
        assert_eq!(out.status.code(), Some(0));
    }
}

#[test]
fn bad_arguments_exit_2() {
    let out = mirrorcue(&["analyze", "x.mp4", "--model", "openpose"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("movenet-lightning"));
}
