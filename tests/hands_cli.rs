//! `mirrorcue analyze --hands`: the JSON lines gain the hands, with the person's sides.

use crate::common;

use common::cli::{mirrorcue, s, stderr};

/// The three-people photo: one raised open hand, the man's left; 21 landmarks in pixels and 21 world landmarks.
#[test]
fn analyze_with_hands_adds_them_to_each_line() {
    let img = common::data("images/other/tfjs_three_people.jpg");
    let out = mirrorcue(&["analyze", s(&img), "--hands", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).expect("utf8");
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["hand_landmark_names"][0], "wrist");
    assert_eq!(lines[0]["hand_landmark_names"].as_array().map(Vec::len), Some(21));
    let hands = lines[1]["hands"].as_array().expect("hands list");
    assert_eq!(hands.len(), 1, "{}", lines[1]["hands"]);
    let h = &hands[0];
    assert_eq!(h["side"], "left");
    let lm = h["landmarks"].as_array().expect("landmarks");
    assert_eq!(lm.len(), 21);
    // The wrist of the raised hand is in the upper part of the 1049 × 861 photo.
    let (x, y) = (lm[0][0].as_f64().unwrap(), lm[0][1].as_f64().unwrap());
    assert!((0.0..1049.0).contains(&x) && (0.0..861.0).contains(&y), "{x} {y}");
    assert_eq!(h["world"].as_array().map(Vec::len), Some(21));
    // The pose keypoints are still there.
    assert!(lines[1]["keypoints"].is_array());
}

/// Hands are only written as JSON lines: other formats are refused with a usage error.
#[test]
fn hands_need_jsonl() {
    let img = common::data("images/other/tfjs_three_people.jpg");
    let out = mirrorcue(&["analyze", s(&img), "--hands", "--format", "csv", "--quiet"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--hands needs --format jsonl"), "{}", stderr(&out));
}

/// `mirrorcue check` with a shipped hand protocol: the hands are measured alongside the body (the three-people
/// photo: the man's raised open left hand), the output has the hand checkpoints with their units and the hands'
/// open/close and tapping lines, and `--patient` files the hand measures on their side in the record.
#[test]
fn check_with_a_hand_protocol_measures_and_files_the_hands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("D");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_mirrorcue"))
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .env_remove("MIRRORCUE_DATA_DIR")
            .output()
            .expect("run mirrorcue")
    };
    let out = run(&["patient", "add", "--id", "H1", "--affected-side", "right"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let protocol = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/protocols/hand_thumb_opposition.toml");
    let img = common::data("images/other/tfjs_three_people.jpg");
    let out = run(&["check", protocol, s(&img), "--patient", "H1", "--affected", "right"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).expect("utf8");
    let line = |start: &str| text.lines().find(|l| l.trim_start().starts_with(start)).unwrap_or("").to_string();
    // The left hand is seen: its thumb base angle has a range in degrees, its opposition one in palm lengths.
    let thumb = line("left thumb base");
    assert!(thumb.contains("° to ") && !thumb.contains("— to —"), "{text}");
    let reach = line("left thumb reaches the little finger");
    assert!(reach.contains("palm lengths to "), "{text}");
    // The right hand is not in the photo.
    assert!(line("right thumb base").contains("range — to —"), "{text}");
    assert!(line("left thumb to index").contains("0 repetitions"), "{text}");
    assert!(text.contains("left hand (healthy): open/close 0 repetitions; tapping 0 taps"), "{text}");
    assert!(text.contains("affected against healthy: open/close rate —, tapping rate —"), "{text}");
    assert!(text.contains("filed as session 1 of patient H1"), "{text}");
    // Filed: the hand measures on the left side, with their units.
    let json = dir.path().join("m.json");
    let out = run(&["session", "export", "--patient", "H1", "--format", "json", "--out", s(&json)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).expect("export")).expect("json");
    let rows = doc["rows"].as_array().or_else(|| doc["measurements"].as_array()).expect("rows");
    let find = |m: &str| rows.iter().find(|r| r["measure"] == m).unwrap_or_else(|| panic!("{m} filed: {doc}"));
    let base = find("thumb base: maximum");
    assert_eq!((base["side"].as_str(), base["unit"].as_str()), (Some("left"), Some("degrees")), "{base}");
    let reach = find("thumb reaches the little finger: maximum");
    assert_eq!(reach["unit"], "palm_lengths", "{reach}");
    let taps = find("finger tapping: taps");
    assert_eq!(taps["value"].as_f64(), Some(0.0), "{taps}");
}
