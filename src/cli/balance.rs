//! `mirrorcue balance`: a balance test (quiet, Romberg, single-leg, tandem, BESS) on a recording, from the pose.
//!
//! The recording goes through the pose model (BlazePose full by default: its world landmarks give the centre of
//! mass in 3D) in the one frame loop; [`crate::balance::clinical::run`] finds the trials.
//!
//! Output (JSON, `--out FILE` or standard output): `{"format":"mirrorcue-balance","format_version":1,
//! "mirrorcue":"…","source":"…","model":"…","engine":"…","test":"single-leg","condition":"…","height_cm":…,
//! "frames":100,"method":"…","trials":[{"start_frame","end_frame","start_time_s","end_time_s","duration_s",
//! "stance_foot":"left"|"right"|null,"ended_by":"lifted_foot_touched_down"|…,"hands_on_hips_at_start",
//! "errors":[{"frame","time_s","kinds":[…]}],"error_count","com":{"space","base_of_support","ap_observable",
//! "scale"},"sway":{"n_samples",…,"descriptors":{…},"units":{…},"not_computed":{…}} or "sway_not_computed":"…"}]}`.
//! Frames are the recording's frame indices (0-based); times in seconds rounded to the millisecond; sides are the
//! person's own.

use std::path::PathBuf;

use clap::Args;
use serde_json::{Value, json};

use super::output::ms;
use super::{CliError, CommonArgs, EXIT_OK, EXIT_SKIPPED_FRAMES};
use crate::balance::clinical::{self, TestKind, TrialResult};
use crate::balance::track::collect;
use crate::pose::{Engine, EstimatorConfig, PoseEstimator, PoseModel};
use crate::source;

/// `mirrorcue balance`.
#[derive(Debug, Clone, Args)]
pub struct BalanceArgs {
    /// A video file, or a folder of images.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Which test: quiet, romberg, single-leg, tandem or bess.
    #[arg(long, value_enum)]
    pub test: TestKind,
    /// The patient's height in cm, to scale the centre of mass's sway (otherwise the pose model's own metres).
    #[arg(long, value_name = "N", value_parser = super::numbers::height_cm)]
    pub height_cm: Option<f64>,
    /// The condition the therapist confirms, written into the results (e.g. eyes-open, eyes-closed, foam); eyes
    /// closed cannot be seen reliably from the pose.
    #[arg(long, value_name = "LABEL")]
    pub condition: Option<String>,
    /// Write the results (JSON) to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Pose model (blazepose-full by default; MoveNet has no feet or world landmarks and measures less).
    #[arg(long, short, default_value = "blazepose-full", value_parser = super::parse_model)]
    pub model: PoseModel,
    /// Engine and model settings.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// One trial as JSON.
pub fn trial_json(t: &TrialResult) -> Value {
    let mut v = json!({
        "start_frame": t.start_frame,
        "end_frame": t.end_frame,
        "start_time_s": ms(t.start_time_s),
        "end_time_s": ms(t.end_time_s),
        "duration_s": ms(t.duration_s()),
        "stance_foot": t.stance_foot.map(|s| s.name()),
        "ended_by": t.ended_by,
        "hands_on_hips_at_start": t.hands_on_hips_at_start,
        "com": t.com,
    });
    if let Some(b) = &t.bess {
        v["errors"] = json!(
            b.errors
                .iter()
                .map(|e| json!({"frame": e.frame, "time_s": ms(e.time_s), "kinds": e.kinds}))
                .collect::<Vec<_>>()
        );
        v["error_count"] = json!(b.error_count);
    }
    match &t.descriptors {
        Ok(d) => v["sway"] = d.to_json(),
        Err(why) => v["sway_not_computed"] = json!(why),
    }
    v
}

/// Runs `mirrorcue balance`; returns the exit code.
pub fn run(args: &BalanceArgs) -> Result<u8, CliError> {
    super::refuse_inputs(&[args.out.as_deref()], &[&args.input])?;
    let mut src = source::read_ahead(source::open(&args.input)?);
    let engine = Engine::select(&args.common.engine_config())?;
    let mut est = PoseEstimator::new(&args.common.model_store(), &engine, EstimatorConfig::video(args.model))?;
    let (samples, run) = collect(src.as_mut(), &mut est, |e| eprintln!("warning: {e}"))?;
    if let Some(e) = &run.failed {
        eprintln!("error: {e}");
    }
    if samples.is_empty() {
        return Err(CliError::input(format!("no frame of {} could be read", args.input.display())));
    }
    let trials = clinical::run(&samples, args.test, args.height_cm)
        .map_err(|e| CliError::input(format!("{}: {e}", args.input.display())))?;
    let v = json!({
        "format": "mirrorcue-balance",
        "format_version": 1,
        "mirrorcue": env!("CARGO_PKG_VERSION"),
        "source": args.input.display().to_string(),
        "model": args.model.name(),
        "engine": engine.kind().name(),
        "test": args.test,
        "condition": args.condition.as_deref().unwrap_or("not given (the therapist confirms eyes open/closed and surface)"),
        "height_cm": args.height_cm,
        "frames": samples.len(),
        "method": "centre of mass from the pose with de Leva's (1996) segment model, relative to the base of support, \
    ML positive to the person's left and AP forwards, in cm; sway descriptors as Quijoux et al. 2021 (25 Hz, 10 Hz \
    low-pass); frames are 0-based indices of the recording; left/right are the person's own sides",
        "trials": trials.iter().map(trial_json).collect::<Vec<_>>(),
    });
    super::sway::emit(args.out.as_deref(), &v)?;
    if args.out.is_some() {
        for t in &trials {
            println!(
                "trial: frames {}–{} ({}){}{}",
                t.start_frame,
                t.end_frame,
                crate::units::format_seconds(t.duration_s()),
                t.stance_foot.map(|s| format!(", standing on the {} foot", s.name())).unwrap_or_default(),
                t.bess.as_ref().map(|b| format!(", {} errors", b.error_count)).unwrap_or_default(),
            );
        }
    }
    Ok(if run.unreadable() > 0 { EXIT_SKIPPED_FRAMES } else { EXIT_OK })
}
