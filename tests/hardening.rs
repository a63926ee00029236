//! Hostile, damaged and odd inputs and outputs at the command line (issue 10): each `defect_N_…` test reproduces
//! one numbered defect. Hostile files are built at test time (a JPEG or PNG header claiming a huge size with a few
//! bytes after it, a truncated copy of a library), never committed.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::cli::{mirrorcue, s, stderr};

/// Runs mirrorcue with the built-in engine (no ONNX Runtime probing: these tests are about inputs and outputs).
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mirrorcue"))
        .args(args)
        .env("MIRRORCUE_ENGINE", "tract")
        .env_remove("MIRRORCUE_ORT_LIB")
        .env_remove("ORT_DYLIB_PATH")
        .output()
        .expect("run mirrorcue")
}

fn all(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(o))
}

fn protocol() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/protocols/trunk_lean_standing.toml")
}

/// A small real JPEG (a COCO photo).
fn photo() -> PathBuf {
    common::data("images/coco/000000000790.jpg")
}

/// A JPEG of `w` × `h` pixels, grey.
fn jpeg_bytes(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([120, 120, 120]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&img).unwrap();
    out
}

/// A small JPEG whose frame header (SOF) claims `w` × `h` pixels.
fn jpeg_claiming(w: u16, h: u16) -> Vec<u8> {
    let mut bytes = jpeg_bytes(16, 16);
    let sof = bytes.windows(2).position(|p| p == [0xFF, 0xC0]).expect("a baseline JPEG has SOF0");
    // FF C0, length (2), precision (1), height (2), width (2).
    bytes[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    bytes
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

/// A PNG whose header claims `w` × `h` pixels of `color_type` at `bit_depth`, with a few bytes of zlib data.
fn png_claiming(w: u32, h: u32, bit_depth: u8, color_type: u8) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[bit_depth, color_type, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &ihdr);
    // A zlib stream of zeros: a few bytes that inflate to much more.
    png_chunk(&mut out, b"IDAT", &[0x78, 0x9C, 0x63, 0x60, 0x18, 0x05, 0xA3, 0x60, 0x14, 0x0C, 0x77, 0x00, 0x00]);
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// A folder of `n` small images named frame1.png … frameN.png.
fn small_folder(dir: &Path, n: usize, w: u32, h: u32) -> PathBuf {
    let folder = dir.join("frames");
    std::fs::create_dir_all(&folder).unwrap();
    for i in 1..=n {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 4) as u8, (y * 4) as u8, (i * 20) as u8]));
        img.save(folder.join(format!("frame{i}.png"))).unwrap();
    }
    folder
}

fn partials(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect()
}

// ---------------------------------------------------------------------------------------------------------------
// 1, 8: image decoder limits

#[test]
fn defect_1_a_jpeg_claiming_65500_squared_is_refused_with_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.jpg");
    std::fs::write(&huge, jpeg_claiming(65500, 65500)).unwrap();
    let out = run(&["analyze", s(&huge), "--quiet"]);
    assert_eq!(out.status.code(), Some(3), "{}", all(&out));
    let err = stderr(&out);
    assert!(err.contains("65500") && err.contains("megapixels"), "names the size: {err}");
}

#[test]
fn defect_1_a_huge_image_in_a_folder_is_skipped_with_exit_1_and_no_partial_left() {
    let dir = tempfile::tempdir().unwrap();
    let folder = small_folder(dir.path(), 2, 64, 64);
    std::fs::write(folder.join("frame3.png"), png_claiming(60000, 60000, 8, 2)).unwrap();
    let out_file = dir.path().join("out.jsonl");
    let out = run(&["analyze", s(&folder), "--out", s(&out_file), "--quiet"]);
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(stderr(&out).contains("60000"), "{}", stderr(&out));
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(text.lines().count(), 3, "a header and the two readable frames: {text}");
    assert!(partials(dir.path()).is_empty());
}

#[test]
fn defect_8_a_png_decompression_bomb_is_refused_before_decoding() {
    let dir = tempfile::tempdir().unwrap();
    // 20000² RGBA at 16 bits: 3.2 GB decoded.
    let bomb = dir.path().join("bomb.png");
    std::fs::write(&bomb, png_claiming(20000, 20000, 16, 6)).unwrap();
    let out = run(&["analyze", s(&bomb), "--quiet"]);
    assert_eq!(out.status.code(), Some(3), "{}", all(&out));
    let err = stderr(&out);
    assert!(err.contains("20000") && err.contains("megapixels"), "{err}");
    assert!(err.contains("100 megapixels"), "states the limit: {err}");
}

// ---------------------------------------------------------------------------------------------------------------
// 3, 4, 7, 21: outputs

#[test]
fn defect_3_out_equal_to_the_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let img = dir.path().join("img.jpg");
    std::fs::copy(photo(), &img).unwrap();
    let before = std::fs::read(&img).unwrap();
    let out = run(&["analyze", s(&img), "--out", s(&img), "--quiet"]);
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
    assert!(stderr(&out).contains("replace the input"), "{}", stderr(&out));
    let out = run(&["check", s(&protocol()), s(&img), "--out", s(&img)]);
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
    let out = run(&["check", s(&protocol()), s(&img), "--csv", s(&dir.path().join(".").join("img.jpg"))]);
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
    assert_eq!(std::fs::read(&img).unwrap(), before, "the input is untouched");
    assert!(partials(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn defect_4_outputs_are_written_through_links_and_into_devices() {
    let dir = tempfile::tempdir().unwrap();
    let null = dir.path().join("null.jsonl");
    std::os::unix::fs::symlink("/dev/null", &null).unwrap();
    let target = dir.path().join("target.jsonl");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink("target.jsonl", &link).unwrap();
    let img = photo();
    let out = run(&["analyze", s(&img), "--out", s(&null), "--quiet"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(std::fs::symlink_metadata(&null).unwrap().file_type().is_symlink(), "the link to /dev/null stays");
    let out = run(&["check", s(&protocol()), s(&img), "--out", s(&link), "--csv", "/dev/null"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays");
    assert!(std::fs::read_to_string(&target).unwrap().contains("\"protocol\""), "written through the link");
    assert!(partials(dir.path()).is_empty());
}

#[cfg(target_os = "linux")]
#[test]
fn defect_7_a_failed_write_is_exit_6() {
    use std::os::unix::fs::FileTypeExt;
    if !std::fs::metadata("/dev/full").is_ok_and(|m| m.file_type().is_char_device()) {
        // (Before this fix, `analyze --out /dev/full` run as root renamed a regular file over the device.)
        eprintln!("/dev/full is not the full device on this machine: skipped");
        return;
    }
    let img = photo();
    let out = run(&["check", s(&protocol()), s(&img), "--csv", "/dev/full"]);
    assert_eq!(out.status.code(), Some(6), "{}", all(&out));
    assert!(stderr(&out).contains("/dev/full"), "{}", stderr(&out));
    let out = run(&["analyze", s(&img), "--out", "/dev/full", "--quiet"]);
    assert_eq!(out.status.code(), Some(6), "{}", all(&out));
    let still = common::data("images/stills/tfjs_pose_squats_f001_standing.png");
    let out = run(&["compare", s(&still), s(&still), "--out", "/dev/full"]);
    assert_eq!(out.status.code(), Some(6), "{}", all(&out));
}

/// Runs mirrorcue with a file-size limit of `kib` KiB (a stand-in for a full disk: writes past it fail).
#[cfg(target_os = "linux")]
fn run_with_file_limit(kib: u64, args: &[&str]) -> Output {
    let mut script = format!("ulimit -f {}; trap '' XFSZ; exec \"$0\"", kib * 2);
    for i in 1..=args.len() {
        script.push_str(&format!(" \"${i}\""));
    }
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_mirrorcue"))
        .args(args)
        .env("MIRRORCUE_ENGINE", "tract")
        .output()
        .expect("run mirrorcue")
}

#[cfg(target_os = "linux")]
#[test]
fn defect_21_a_failed_analyze_removes_its_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let folder = small_folder(dir.path(), 40, 64, 64);
    let out_file = dir.path().join("out.jsonl");
    let out = run_with_file_limit(4, &["analyze", s(&folder), "--out", s(&out_file), "--quiet"]);
    assert_eq!(out.status.code(), Some(6), "{}", all(&out));
    assert!(!out_file.exists());
    assert!(partials(dir.path()).is_empty(), "{:?}", partials(dir.path()));
}

// ---------------------------------------------------------------------------------------------------------------
// 5, 6: recording folders

#[test]
fn defect_6_record_into_an_existing_recording_is_refused_unless_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let folder = small_folder(dir.path(), 3, 64, 64);
    let rec = dir.path().join("rec");
    let out = run(&["record", s(&folder), "--out", s(&rec)]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let manifest = std::fs::read_to_string(rec.join("manifest.json")).unwrap();
    let out = run(&["record", s(&folder), "--out", s(&rec)]);
    assert_eq!(out.status.code(), Some(6), "{}", all(&out));
    assert!(stderr(&out).contains("--overwrite"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(rec.join("manifest.json")).unwrap(), manifest, "the take is kept");
    let out = run(&["record", s(&folder), "--out", s(&rec), "--overwrite"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
}

#[test]
fn defect_5_two_records_into_one_folder_the_second_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let folder = small_folder(dir.path(), 45, 64, 64);
    let rec = dir.path().join("rec");
    let first = Command::new(env!("CARGO_BIN_EXE_mirrorcue"))
        .args(["record", s(&folder), "--out", s(&rec), "--realtime"])
        .env("MIRRORCUE_ENGINE", "tract")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the first has started writing.
    let started = std::time::Instant::now();
    while !rec.join("poses.jsonl").exists() && started.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let second = run(&["record", s(&folder), "--out", s(&rec), "--overwrite"]);
    let first = first.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", all(&first));
    assert_eq!(second.status.code(), Some(6), "{}", all(&second));
    assert!(stderr(&second).contains("another"), "{}", stderr(&second));
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(rec.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["frames"], 45, "the first recording is whole: {m}");
}

// ---------------------------------------------------------------------------------------------------------------
// 11, 16: numeric arguments

#[test]
fn defect_11_numeric_arguments_out_of_range_are_refused() {
    let img = photo();
    for bad in ["nan", "-1", "5", "inf"] {
        let out = run(&["analyze", s(&img), "--quiet", "--smoothing", bad]);
        assert_eq!(out.status.code(), Some(2), "--smoothing {bad}: {}", all(&out));
        assert!(stderr(&out).contains("0 to 1"), "{}", stderr(&out));
    }
    for bad in ["nan", "0", "-3", "inf"] {
        let out = run(&["analyze", s(&img), "--quiet", "--folder-fps", bad]);
        assert_eq!(out.status.code(), Some(2), "--folder-fps {bad}: {}", all(&out));
    }
}

#[test]
fn defect_16_record_seconds_must_be_positive() {
    let dir = tempfile::tempdir().unwrap();
    let img = photo();
    for bad in ["-5", "nan", "0", "inf"] {
        let rec = dir.path().join(format!("rec{bad}"));
        let out = run(&["record", s(&img), "--out", s(&rec), &format!("--seconds={bad}")]);
        assert_eq!(out.status.code(), Some(2), "--seconds {bad}: {}", all(&out));
        assert!(!rec.exists(), "nothing recorded");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// 14, 20, 13, 15, 19

#[test]
fn defect_14_compare_says_when_nobody_was_seen() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.jpg");
    std::fs::write(&empty, jpeg_bytes(64, 64)).unwrap();
    let out = run(&["compare", s(&empty), s(&photo())]);
    let text = all(&out);
    assert!(text.contains("no person was found"), "{text}");
    assert!(!text.contains("similarity: 0.000"), "{text}");
    assert_eq!(out.status.code(), Some(3), "{text}");
}

#[test]
fn defect_20_recording_a_1x1_image_says_it_is_too_small() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = dir.path().join("tiny.png");
    image::RgbImage::from_pixel(1, 1, image::Rgb([9, 9, 9])).save(&tiny).unwrap();
    let out = run(&["record", s(&tiny), "--out", s(&dir.path().join("rec"))]);
    assert_eq!(out.status.code(), Some(3), "{}", all(&out));
    assert!(stderr(&out).contains("too small"), "{}", stderr(&out));
}

#[test]
fn defect_13_a_folder_of_mixed_sizes_records_every_picture_whole() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mixed");
    std::fs::create_dir(&folder).unwrap();
    // 64×64 black, then 128×128 black with a white right half: cropped to 64×64 it would be all black.
    image::RgbImage::from_pixel(64, 64, image::Rgb([0, 0, 0])).save(folder.join("a1.png")).unwrap();
    let big =
        image::RgbImage::from_fn(128, 128, |x, _| if x >= 64 { image::Rgb([255; 3]) } else { image::Rgb([0; 3]) });
    big.save(folder.join("a2.png")).unwrap();
    let rec = dir.path().join("rec");
    let out = run(&["record", s(&folder), "--out", s(&rec)]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let mut video = mirrorcue::source::open(&rec.join("video.mp4")).unwrap();
    let frames: Vec<_> = std::iter::from_fn(|| video.next_frame()).map(|f| f.unwrap()).collect();
    assert_eq!(frames.len(), 2);
    let second = &frames[1].image;
    let right = second.get_pixel(second.width() * 3 / 4, second.height() / 2)[0];
    let left = second.get_pixel(second.width() / 4, second.height() / 2)[0];
    assert!(right > 200 && left < 50, "the larger picture is scaled, not cropped: left {left}, right {right}");
}

#[test]
fn defect_15_a_truncated_jpeg_warns() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(photo()).unwrap();
    let cut = dir.path().join("cut.jpg");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = run(&["analyze", s(&cut), "--quiet"]);
    assert!(stderr(&out).contains("truncated"), "{}", all(&out));
    assert_eq!(out.status.code(), Some(1), "a damaged frame is a skipped-frames exit: {}", all(&out));
}

#[test]
fn defect_19_a_recording_killed_in_its_first_second_still_opens_its_pose_track() {
    let dir = tempfile::tempdir().unwrap();
    let folder = small_folder(dir.path(), 10, 64, 64);
    let rec = dir.path().join("rec");
    let out = run(&["record", s(&folder), "--out", s(&rec)]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    // As a kill in the first second leaves it: the manifest written at the start, a video header without a
    // fragment, the pose lines.
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(rec.join("manifest.json")).unwrap()).unwrap();
    m["complete"] = false.into();
    m["frames"] = 0.into();
    m["duration_s"] = 0.0.into();
    std::fs::write(rec.join("manifest.json"), m.to_string()).unwrap();
    let video = std::fs::read(rec.join("video.mp4")).unwrap();
    let moof = video.windows(4).position(|w| w == b"moof").expect("a fragment") - 4;
    std::fs::write(rec.join("video.mp4"), &video[..moof]).unwrap();
    let view = mirrorcue::recording::inspect(&rec).expect("a recording");
    assert_eq!(view.pose_frames, 10);
    assert!(!view.complete);
    let out = run(&["analyze", s(&rec), "--quiet"]);
    let err = stderr(&out);
    assert!(err.contains("10") && err.contains("pose track"), "{err}");
    assert!(!err.contains("(0 failed)"), "{err}");
}

// ---------------------------------------------------------------------------------------------------------------
// 2, 17: ONNX Runtime libraries

/// The ONNX Runtime library `auto` finds, if any.
fn installed_ort() -> Option<PathBuf> {
    let out = mirrorcue(&["engine", "--engine", "onnxruntime"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let start = text.find('(')? + 1;
    let end = text[start..].find(')')? + start;
    Some(PathBuf::from(&text[start..end])).filter(|p| p.is_file())
}

#[test]
fn defect_2_a_truncated_onnxruntime_library_falls_back_with_a_note() {
    let Some(lib) = installed_ort() else {
        eprintln!("no ONNX Runtime installed: nothing to truncate");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(&lib).unwrap();
    let half = dir.path().join("libonnxruntime.so.1.99.0");
    std::fs::write(&half, &bytes[..bytes.len() / 2]).unwrap();
    for (flag, env) in [(true, false), (false, true)] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mirrorcue"));
        cmd.arg("engine").env_remove("MIRRORCUE_ENGINE").env_remove("MIRRORCUE_ORT_LIB");
        if flag {
            cmd.arg("--ort-lib").arg(&half);
        }
        if env {
            cmd.env("ORT_DYLIB_PATH", &half);
        }
        let out = cmd.output().unwrap();
        let text = all(&out);
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(text.contains(s(&half)) && text.contains("not used"), "says what was asked and why not: {text}");
    }
}

#[test]
fn defect_17_a_bad_ort_lib_is_named_when_another_is_used() {
    if installed_ort().is_none() {
        eprintln!("no ONNX Runtime installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("libonnxruntime.so");
    std::fs::write(&bad, "not a library").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mirrorcue"))
        .args(["engine", "--ort-lib", s(&bad)])
        .env_remove("MIRRORCUE_ENGINE")
        .output()
        .unwrap();
    let text = all(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(s(&bad)) && text.contains("not used") && text.contains("ELF"), "{text}");
    assert!(text.contains("engine: onnxruntime"), "{text}");
}
