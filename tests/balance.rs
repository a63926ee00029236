//! Sway descriptors against the reference implementation of Quijoux et al. 2021 (fixture in tests/data/balance/):
//! from its filtered stabilogram, and from the raw force-plate export through our own SWARII and filtfilt.

use crate::common;

use mirrorcue::balance::{Descriptors, ForcePlateExport, Stabilogram, Trace, descriptors};
use serde_json::Value;

fn reference() -> Value {
    let text = std::fs::read_to_string(common::data("balance/quijoux_reference_descriptors.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn reference_table(v: &Value) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> =
        v["descriptors"].as_object().unwrap().iter().map(|(k, x)| (k.clone(), x.as_f64().unwrap())).collect();
    for (k, x) in v["extra_not_output_by_upstream"].as_object().unwrap() {
        if k.starts_with("sway_length") {
            out.push((k.clone(), x.as_f64().unwrap()));
        }
    }
    out
}

/// Exact for counts and frequency bins, 1e-6 relative for the rest.
fn exact(name: &str) -> bool {
    name.starts_with("zero_crossing") || name.starts_with("power_frequency") || name.starts_with("frequency_mode")
}

/// Prints the table (descriptor, reference, ours, relative difference) and checks every descriptor except those
/// in `skip`.
fn compare(ours: &Descriptors, reference: &[(String, f64)], skip: &[&str]) -> f64 {
    let mut worst = 0.0f64;
    let mut failures = Vec::new();
    println!("| descriptor | reference | mirrorcue | relative difference |");
    println!("|---|---|---|---|");
    for (name, want) in reference {
        if skip.contains(&name.as_str()) {
            continue;
        }
        let Some(got) = ours.get(name) else {
            failures.push(format!("{name}: not computed"));
            continue;
        };
        let rel = if *want == 0.0 { got.abs() } else { ((got - want) / want).abs() };
        println!("| {name} | {want:.15e} | {got:.15e} | {rel:.1e} |");
        let ok = if exact(name) { got == *want } else { rel <= 1e-6 };
        if !ok {
            failures.push(format!("{name}: {got} vs {want} ({rel:.2e})"));
        }
        worst = worst.max(rel);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    worst
}

fn fixture_stabilogram() -> Stabilogram {
    let trace = Trace::load(&common::data("balance/quijoux_stabilogram_4000_7000.csv")).unwrap();
    Stabilogram::processed(&trace, 25.0).unwrap()
}

/// The window rows 4000..6999 of the raw export, as the reference takes it: by position in the file, COP centred
/// on the whole file's mean, timed i/100 s from the window's start.
fn raw_window() -> Trace {
    let text = std::fs::read_to_string(common::data("balance/quijoux_forceplate_test.csv")).unwrap();
    let plate = ForcePlateExport::parse(&text).unwrap();
    assert_eq!(plate.rows.len(), 15605);
    let cop = plate.centred_cop_cm();
    let window: Vec<(f64, f64)> = cop[4000..7000].iter().map(|c| c.unwrap()).collect();
    let t = (0..window.len()).map(|i| i as f64 / 100.0).collect();
    Trace::new(t, window.iter().map(|c| c.0).collect(), window.iter().map(|c| c.1).collect()).unwrap()
}

#[test]
fn descriptors_of_the_reference_stabilogram_match_within_1e_6() {
    let s = fixture_stabilogram();
    assert_eq!(s.len(), 748);
    let ours = descriptors::compute(&s);
    let worst = compare(&ours, &reference_table(&reference()), &["mean_value_ML", "mean_value_AP"]);
    println!("worst relative difference: {worst:.2e}");
}

#[test]
fn from_the_raw_force_plate_export_we_reproduce_the_stabilogram_and_the_descriptors() {
    let reference_signal = fixture_stabilogram();
    let (s, ours) = mirrorcue::balance::sway(&raw_window()).unwrap();
    assert_eq!(s.len(), reference_signal.len());
    let mut worst = 0.0f64;
    let mut worst_t = 0.0f64;
    for i in 0..s.len() {
        worst = worst.max((s.ml_cm[i] - reference_signal.ml_cm[i]).abs());
        worst = worst.max((s.ap_cm[i] - reference_signal.ap_cm[i]).abs());
        worst_t = worst_t.max((s.time_s[i] - reference_signal.time_s[i]).abs());
    }
    println!("filtered stabilogram: largest difference {worst:.2e} cm, grid times within {worst_t:.1e} s");
    assert!(worst < 1e-9, "{worst}");
    assert!(worst_t < 1e-6, "{worst_t}");
    let worst = compare(&ours, &reference_table(&reference()), &[]);
    println!("worst relative difference from the raw export: {worst:.2e}");
}

#[test]
fn the_whole_recording_with_its_no_load_rows_matches_the_reference() {
    // The 7 rows with Fz = 0 are dropped with their times; 3897 points at 25 Hz.
    let text = std::fs::read_to_string(common::data("balance/quijoux_forceplate_test.csv")).unwrap();
    let trace = ForcePlateExport::parse(&text).unwrap().trace().unwrap();
    assert_eq!(trace.len(), 15598);
    let (s, ours) = mirrorcue::balance::sway(&trace).unwrap();
    assert_eq!(s.len(), 3897);
    let v = reference();
    let table: Vec<(String, f64)> = v["descriptors_whole_valid_recording"]["descriptors"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, x)| (k.clone(), x.as_f64().unwrap()))
        .collect();
    // The means are ~1e-16 (zero up to rounding): compared absolutely below, not relatively.
    compare(&ours, &table, &["mean_value_ML", "mean_value_AP"]);
    assert!(ours.get("mean_value_ML").unwrap().abs() < 1e-12);
}
