//! The clinic record from the command line, on a fresh data folder: the issue's example (patient add, check
//! --patient, report), sessions, exports, backup, and the record's faults as exit codes.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::cli::s;

fn mirrorcue(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mirrorcue"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("MIRRORCUE_DATA_DIR")
        .output()
        .expect("run mirrorcue")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn the_issue_example_on_a_fresh_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("D");
    let out = mirrorcue(&data, &["patient", "add", "--id", "P001", "--affected-side", "left"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let protocol = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/protocols/squat_knee_alignment.toml");
    let clip = common::data("videos/tfjs_pose_squats.mp4");
    let out = mirrorcue(&data, &["check", protocol, s(&clip), "--patient", "P001"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("filed as session 1 of patient P001"), "{}", text(&out));

    let report = dir.path().join("report.html");
    let out = mirrorcue(&data, &["report", "--patient", "P001", "--out", s(&report)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Patient <strong>P001</strong>"), "the patient's ID");
    assert!(!html.contains("NaN") && !html.contains(">inf") && !html.contains("\"inf"), "no NaN or infinity");
    assert!(!html.contains("src=\"http") && !html.contains("<script"), "self-contained");
    assert!(html.contains("@media print"));
    // An SVG plot with data: a line and its points (the first SVG drawn by the plotting crate, after the key frame).
    let svgs: Vec<&str> = html.split("<svg").skip(1).map(|s| &s[..s.find("</svg>").unwrap()]).collect();
    let svg = *svgs.iter().find(|s| s.contains("<polyline") || s.contains("<path")).expect("a plot with a line");
    assert!(svg.matches("<circle").count() >= 5, "one point a second over a 13 s clip");
    // Units on the numbers.
    for unit in ["torso lengths", "°", " s", "3 repetitions"] {
        assert!(html.contains(unit), "`{unit}` in the report");
    }
    // The key frame: the best repetition's picture with its skeleton (before: no picture in the report).
    assert!(html.contains("data:image/jpeg;base64,"), "the key frame's picture inline");
    assert!(html.contains("Best repetition: "), "its caption");
    let anon = dir.path().join("anon.html");
    let out = mirrorcue(&data, &["report", "--patient", "P001", "--deidentified", "--out", s(&anon)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let anon = std::fs::read_to_string(&anon).unwrap();
    assert!(!anon.contains("data:image") && anon.contains("Skeleton only (de-identified)"), "no picture de-identified");
    assert!(html.contains("Treatment note (draft)") && html.contains("CPT 97112"));

    // The session as filed: finished, minutes from the recording's duration.
    let out = mirrorcue(&data, &["session", "list", "--patient", "P001"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).starts_with("1\t"), "{}", text(&out));
    assert!(text(&out).contains("13.0 s") && text(&out).contains("finished"), "{}", text(&out));

    // Every measure as CSV and JSON, one row per measure.
    let csv = dir.path().join("m.csv");
    let out = mirrorcue(&data, &["session", "export", "--patient", "P001", "--out", s(&csv)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let csv = std::fs::read_to_string(&csv).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("patient_id,session,date,activity_kind,activity,source,measure,side,value,unit,time_s")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(rows.iter().any(|r| r.contains(",squats: repetitions,,3,repetitions,")), "{csv}");
    assert!(rows.iter().any(|r| r.contains(",knee angle: minimum,left,")), "{csv}");
    assert!(!csv.contains("NaN"));
    let out = mirrorcue(&data, &["session", "export", "--patient", "P001", "--format", "json", "--deidentified"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["deidentified"], true);
    assert_eq!(v["rows"].as_array().unwrap().len(), rows.len());
    assert!(v["rows"][0].get("date").is_none() && v["rows"][0].get("source").is_none());
    assert_eq!(v["rows"][0]["day"], 0);

    // A backup is a record of its own.
    let backup = dir.path().join("backup/mirrorcue.db");
    std::fs::create_dir_all(backup.parent().unwrap()).unwrap();
    let out = mirrorcue(&data, &["backup", "--out", s(&backup)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = mirrorcue(&dir.path().join("backup"), &["patient", "show", "P001"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("1 session"), "{}", text(&out));
}

/// `record` and `compare` take `--patient` and file a session each, the minutes from the recording; an unknown
/// patient fails before anything is recorded. (Before: `--patient` was refused by both as an unknown argument.)
#[test]
fn record_and_compare_file_their_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("D");
    let out = mirrorcue(&data, &["patient", "add", "--id", "P001", "--affected-side", "left"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let clip = common::data("videos/tfjs_pose_squats.mp4");
    let take = dir.path().join("take");
    let lightning = ["--model", "movenet-lightning"];

    let mut args = vec!["record", s(&clip), "--out", s(&take), "--seconds", "3", "--patient", "P404"];
    let out = mirrorcue(&data, &args);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(!take.exists(), "an unknown patient fails before anything is recorded");
    args[7] = "P001";
    args.extend(["--activity", "balance-training"]);
    args.extend(lightning);
    let out = mirrorcue(&data, &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("filed as session 1 of patient P001"), "{}", text(&out));

    let mut args = vec!["compare", s(&clip), s(&clip), "--patient", "P001"];
    args.extend(lightning);
    let out = mirrorcue(&data, &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("filed as session 2 of patient P001"), "{}", text(&out));

    let store = mirrorcue::store::Store::open(&data, mirrorcue::store::Access::Read).unwrap();
    let recorded = store.session("P001", 1).unwrap();
    assert!(recorded.is_finished());
    let a = &recorded.activities[0];
    assert_eq!(a.kind, mirrorcue::store::ActivityKind::BalanceTraining);
    assert!((2.5..=3.5).contains(&a.seconds), "about the 3 s recorded: {} s", a.seconds);
    assert_eq!(a.source.as_deref(), Some(s(&take)));
    let compared = store.session("P001", 2).unwrap();
    let a = &compared.activities[0];
    assert_eq!(a.kind, mirrorcue::store::ActivityKind::MovementComparison);
    assert!((10.0..=16.0).contains(&a.seconds), "the clip's length: {} s", a.seconds);
    let m = store.measurements(compared.id).unwrap();
    let overall = m.iter().find(|m| m.measure == "similarity").expect("the overall similarity");
    assert!((overall.value - 1.0).abs() < 1e-9 && overall.unit == "score", "a clip against itself: {overall:?}");
    assert!(
        m.iter().any(|m| m.measure == "knee: mean angle difference"
            && m.side == Some(mirrorcue::store::BodySide::Left)
            && m.unit == "degrees"),
        "per joint, by side: {m:?}"
    );
    let out = mirrorcue(&data, &["session", "show", "--patient", "P001", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("movement retraining with video feedback"), "{}", text(&out));
}

#[test]
fn record_faults_are_clear_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    // Nothing yet: reading says how to start.
    let out = mirrorcue(data, &["patient", "list"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("patient add"), "{}", text(&out));

    let out = mirrorcue(data, &["patient", "add", "--id", "P 1"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = mirrorcue(data, &["patient", "add", "--id", "P1", "--condition", "flu"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("stroke"), "lists the conditions: {}", text(&out));
    let out = mirrorcue(data, &["patient", "add", "--id", "P1", "--goal", "left shoulder flexion >= 150 deg"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // An unknown patient on check fails before any frame is analysed.
    let protocol = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/protocols/squat_knee_alignment.toml");
    let clip = common::data("videos/tfjs_pose_squats.mp4");
    let out = mirrorcue(data, &["check", protocol, s(&clip), "--patient", "P404", "--engine", "tract"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("no patient with the ID P404"), "{}", text(&out));
    let out = mirrorcue(data, &["report", "--patient", "P1", "--out", s(&data.join("r.html"))]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("no session"), "{}", text(&out));

    // A second instance: another process writing gets a clear message; reading works.
    {
        let _first = mirrorcue::store::Store::open(data, mirrorcue::store::Access::Write).unwrap();
        let out = mirrorcue(data, &["patient", "add", "--id", "P2"]);
        assert_eq!(out.status.code(), Some(6), "{}", text(&out));
        assert!(text(&out).contains("open for writing in another mirrorcue"), "{}", text(&out));
        let out = mirrorcue(data, &["patient", "list"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(text(&out).starts_with("P1\t"), "{}", text(&out));
    }

    // A damaged file: a clear message, exit 3, the file untouched.
    let db = data.join(mirrorcue::store::DB_FILE);
    std::fs::write(
        &db,
        b"this is a spreadsheet, not a record, and it is long enough to look like a file header........",
    )
    .unwrap();
    let before = std::fs::read(&db).unwrap();
    for args in [&["patient", "list"][..], &["patient", "add", "--id", "P3"][..]] {
        let out = mirrorcue(data, args);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        assert!(text(&out).contains("not a mirrorcue record"), "{}", text(&out));
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
}
