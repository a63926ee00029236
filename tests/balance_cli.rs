//! `mirrorcue sway` on the reference fixture and on bad input: the descriptors as the reference names and computes
//! them, clear messages and exit codes otherwise.

use crate::common;

use std::path::Path;

use common::cli::{mirrorcue, s, stderr};

use serde_json::Value;

fn reference() -> Value {
    serde_json::from_str(&std::fs::read_to_string(common::data("balance/quijoux_reference_descriptors.json")).unwrap())
        .unwrap()
}

fn check_against(ours: &Value, want: &Value, skip: &[&str]) {
    let ours = ours["descriptors"].as_object().unwrap();
    for (name, w) in want.as_object().unwrap() {
        if skip.contains(&name.as_str()) {
            continue;
        }
        let w = w.as_f64().unwrap();
        let got = ours.get(name).and_then(Value::as_f64).unwrap_or_else(|| panic!("{name} missing"));
        let rel = ((got - w) / w).abs();
        assert!(rel <= 1e-6, "{name}: {got} vs {w} ({rel:.1e})");
    }
}

#[test]
fn sway_of_the_reference_stabilogram_writes_the_reference_descriptors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sway.json");
    let input = common::data("balance/quijoux_stabilogram_4000_7000.csv");
    let o = mirrorcue(&["sway", s(&input), "--processed", "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(summary.contains("95% ellipse area: 2.04 cm²"), "{summary}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["format"], "mirrorcue-sway");
    assert_eq!(v["n_samples"], 748);
    assert_eq!(v["units"]["confidence_ellipse_area_ML_AND_AP"], "cm^2");
    assert_eq!(v["units"]["mean_velocity_ML"], "cm/s");
    let r = reference();
    check_against(&v, &r["descriptors"], &["mean_value_ML", "mean_value_AP"]);
    let path = v["descriptors"]["sway_length_ML_AND_AP"].as_f64().unwrap();
    assert!((path / r["extra_not_output_by_upstream"]["sway_length_ML_AND_AP"].as_f64().unwrap() - 1.0).abs() < 1e-6);
    // The mean before centring is not known for a processed input: said, not invented.
    assert!(v["not_computed"]["mean_value_ML"].as_str().unwrap().contains("already processed"));
    assert!(!std::fs::read_to_string(&out).unwrap().contains("NaN"));
}

#[test]
fn sway_of_the_raw_force_plate_export_to_stdout() {
    let input = common::data("balance/quijoux_forceplate_test.csv");
    let o = mirrorcue(&["sway", s(&input)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = reference();
    assert_eq!(v["n_samples"], 3897);
    check_against(&v, &r["descriptors_whole_valid_recording"]["descriptors"], &["mean_value_ML", "mean_value_AP"]);
}

fn write(dir: &Path, name: &str, rows: impl Iterator<Item = (f64, f64, f64)>) -> std::path::PathBuf {
    let mut text = String::from("time_s,ml_cm,ap_cm\n");
    for (t, x, y) in rows {
        text.push_str(&format!("{t},{x},{y}\n"));
    }
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn wobble(i: usize, fs: f64) -> (f64, f64, f64) {
    let t = i as f64 / fs;
    (t, 0.3 * (1.3 * t).sin() + 0.05 * (7.0 * t).cos(), 0.5 * (0.7 * t).cos())
}

#[test]
fn bad_traces_are_refused_or_reported_clearly() {
    let dir = tempfile::tempdir().unwrap();
    // 0.3 s: too short even for the low-pass.
    let short = write(dir.path(), "short.csv", (0..30).map(|i| wobble(i, 100.0)));
    let o = mirrorcue(&["sway", s(&short)]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("too short"), "{}", stderr(&o));

    // 5 s: the spectrum and the diffusion plot need more; they say so, the rest is computed, no NaN.
    let five = write(dir.path(), "five.csv", (0..500).map(|i| wobble(i, 100.0)));
    let o = mirrorcue(&["sway", s(&five)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(!text.contains("NaN") && !text.contains("null"), "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(v["descriptors"]["confidence_ellipse_area_ML_AND_AP"].as_f64().unwrap() > 0.0);
    let why = v["not_computed"]["total_power_Power_Spectrum_Density_ML"].as_str().unwrap();
    assert!(why.starts_with("too short for the power spectrum"), "{why}");
    assert!(v["not_computed"]["critical_time_Diffusion_AP"].as_str().unwrap().starts_with("too short"));

    // A NaN in the file: refused with the file, the column and the sample.
    let nan = dir.path().join("nan.csv");
    std::fs::write(&nan, "time_s,ml_cm,ap_cm\n0,0.1,0.2\n0.01,NaN,0.2\n").unwrap();
    let o = mirrorcue(&["sway", s(&nan)]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("nan.csv") && stderr(&o).contains("ml_cm: value NaN at sample 1"), "{}", stderr(&o));

    // An uneven camera-like time base is resampled; a 2 s hole is refused with its times.
    let jitter = write(
        dir.path(),
        "jitter.csv",
        (0..1800).map(|i| {
            let (t, x, y) = wobble(i, 60.0);
            (t + if i % 2 == 0 { 0.003 } else { 0.0 }, x, y)
        }),
    );
    let o = mirrorcue(&["sway", s(&jitter)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let hole =
        write(dir.path(), "hole.csv", (0..3000).map(|i| wobble(i, 100.0)).filter(|r| !(10.0..12.0).contains(&r.0)));
    let o = mirrorcue(&["sway", s(&hole)]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("uneven time base: no sample between"), "{}", stderr(&o));

    // Not a trace at all.
    let other = dir.path().join("other.csv");
    std::fs::write(&other, "a,b\n1,2\n").unwrap();
    let o = mirrorcue(&["sway", s(&other)]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("no `time_s` column"), "{}", stderr(&o));
}
