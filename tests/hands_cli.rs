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
