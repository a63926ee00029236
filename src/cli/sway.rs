//! `mirrorcue sway`: a centre-of-pressure (or centre-of-mass) trace in, the sway descriptors out.
//!
//! Input: a `time_s,ml_cm,ap_cm` CSV or an AMTI force-plate export ([`crate::balance::trace`]). The trace goes
//! through the reference pipeline of Quijoux et al. 2021 (times from 0, centred, SWARII to 25 Hz, 4th-order
//! Butterworth low-pass at 10 Hz forwards and backwards) unless `--processed` says it already has been.
//!
//! Output (JSON, `--out FILE` or standard output):
//! `{"format":"mirrorcue-sway","format_version":1,"mirrorcue":"…","source":"…","pipeline":"…","units_note":"…",
//! "n_samples":748,"sampling_frequency_hz":25,"duration_s":29.92,"descriptors":{name: value},"units":{name: unit},
//! "not_computed":{name: reason}}`. Descriptors carry the reference's names (`sway_length_ML_AND_AP`,
//! `confidence_ellipse_area_ML_AND_AP`, `mean_velocity_ML`, …) and all their digits, so they can be checked
//! against the reference; the summary printed with `--out` rounds them.

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{Value, json};

use super::{CliError, EXIT_OK, WriteContext};
use crate::balance::{Descriptors, Stabilogram, Trace, descriptors};
use crate::posture::files::write_atomic;

/// `mirrorcue sway`.
#[derive(Debug, Clone, Args)]
pub struct SwayArgs {
    /// The trace: a CSV with columns time_s, ml_cm, ap_cm (one sample per row), or an AMTI force-plate export.
    #[arg(value_name = "FILE")]
    pub input: PathBuf,
    /// Write the descriptors (JSON) to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The trace is already resampled to 25 Hz and low-passed (e.g. a stabilogram exported by another tool):
    /// compute the descriptors on it as it is.
    #[arg(long)]
    pub processed: bool,
}

/// The pipeline in words, for the output file.
pub const PIPELINE: &str = "times from 0, centred on the trace's mean, resampled to 25 Hz by SWARII (window 0.08 s), \
4th-order Butterworth low-pass at 10 Hz forwards and backwards (odd extension of 15 samples, steady-state initial \
conditions), as the reference code of Quijoux et al. 2021 (Physiol Rep 9:e15067)";

/// The sway report as JSON (see the module docs).
pub fn report(source: &str, s: &Stabilogram, d: &Descriptors, processed: bool) -> Value {
    let mut v = json!({
        "format": "mirrorcue-sway",
        "format_version": 1,
        "mirrorcue": env!("CARGO_PKG_VERSION"),
        "source": source,
        "pipeline": if processed { "none: the input was given as already processed (--processed)" } else { PIPELINE },
        "reference": "descriptor names and definitions of Quijoux et al. 2021, code Jythen/code_descriptors_postural_control",
        "units_note": "cm, s, Hz, degrees as each descriptor's unit says; ML = medio-lateral, AP = antero-posterior; \
    values carry all their digits",
        "duration_s": (s.duration_s() * 100.0).round() / 100.0,
    });
    if let (Some(obj), Value::Object(rest)) = (v.as_object_mut(), d.to_json()) {
        obj.extend(rest);
    }
    v
}

/// The main descriptors for people, each rounded with its unit.
pub fn summary(d: &Descriptors) -> String {
    let rows = [
        ("mean distance", "mean_distance_Radius", "cm", 2),
        ("RMS radius", "rms_Radius", "cm", 2),
        ("path length", "sway_length_ML_AND_AP", "cm", 1),
        ("mean velocity", "mean_velocity_ML_AND_AP", "cm/s", 2),
        ("95% ellipse area", "confidence_ellipse_area_ML_AND_AP", "cm²", 2),
        ("sway area per second", "sway_area_per_second_ML_AND_AP", "cm²/s", 3),
        ("mean frequency", "mean_frequency_ML_AND_AP", "Hz", 2),
        ("principal sway direction", "principal_sway_direction_ML_AND_AP", "° from AP", 1),
    ];
    let mut out = format!("{} samples at {} Hz\n", d.n_samples, d.fs_hz);
    for (label, name, unit, decimals) in rows {
        match d.get(name) {
            Some(v) => out.push_str(&format!("  {label}: {} {unit}\n", crate::units::fixed(v, decimals))),
            None => out.push_str(&format!("  {label}: not computed\n")),
        }
    }
    out
}

/// Writes `value` as pretty JSON to `out` atomically, or to standard output.
pub fn emit(out: Option<&Path>, value: &Value) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| CliError::new(super::EXIT_OUTPUT, e.to_string()))?;
    match out {
        Some(path) => write_atomic(path, format!("{text}\n").as_bytes()).writing(path),
        None => {
            println!("{text}");
            Ok(())
        }
    }
}

/// Runs `mirrorcue sway`; returns the exit code.
pub fn run(args: &SwayArgs) -> Result<u8, CliError> {
    super::refuse_inputs(&[args.out.as_deref()], &[&args.input])?;
    let trace = Trace::load(&args.input)?;
    let s = if args.processed { Stabilogram::processed(&trace, 25.0)? } else { Stabilogram::from_trace(&trace)? };
    let d = descriptors::compute(&s);
    let v = report(&args.input.display().to_string(), &s, &d, args.processed);
    emit(args.out.as_deref(), &v)?;
    if args.out.is_some() {
        print!("{}", summary(&d));
    }
    Ok(EXIT_OK)
}
