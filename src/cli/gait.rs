//! `mirrorcue gait`: steps, timing and joint curves of a walk, from one camera.
//!
//! The recording goes through the pose model (BlazePose full by default: heels and toes) with the detector on every
//! frame ([`crate::gait::track`]); [`crate::gait::analyze`] finds the walker, the passes, the events, the measures
//! and the curves.
//!
//! Output (JSON, `--out FILE` or standard output): `{"format":"mirrorcue-gait","format_version":1,"mirrorcue":"…",
//! "source":"…","model":"…","engine":"…","height_cm":…,"frames":230,"fps":30.0,"method":"…","view":"side"|"front",
//! "walker":{…},"passes":[{"first_frame","last_frame","direction"}],"events":[{"frame","time_s","foot":"left"|
//! "right","kind":"heel_strike"|"toe_off","pass"}],"steps":[{"foot","frame","time_s","step_time_s",
//! "step_length_m","pass"}],"summary":{"cadence_steps_per_min",…},"cycles":[…],"curves":{"hip_flexion":{"left":
//! {"mean_deg":[101 values],"sd_deg":[…],"strides","toe_off_pct"},"right":…},…}}`. Frames are the recording's
//! 0-based frame indices; times in seconds (ms); sides are the person's own. `--plot FILE` writes the curves as SVG.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::output::ms;
use super::{CliError, CommonArgs, EXIT_OK, EXIT_OUTPUT, EXIT_SKIPPED_FRAMES, WriteContext};
use crate::gait::{self, EventKind, GaitOptions};
use crate::pose::{Engine, PoseEstimator, PoseModel};
use crate::posture::files::write_atomic;
use crate::source;

/// `mirrorcue gait`.
#[derive(Debug, Clone, Args)]
pub struct GaitArgs {
    /// A video file, or a folder of images, of the patient walking (side-on for full timing and curves).
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Write the results (JSON) to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also draw the joint curves (hip to ankle, left against right, toe-off lines) as SVG into FILE.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    /// The patient's height in cm, to give step length (m) and speed (m/s).
    #[arg(long, value_name = "N", value_parser = super::numbers::height_cm)]
    pub height_cm: Option<f64>,
    /// Pose model (blazepose-full by default: heels and toes; MoveNet times events from the ankles).
    #[arg(long, short, default_value = "blazepose-full", value_parser = super::parse_model)]
    pub model: PoseModel,
    /// Engine and model settings.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `mirrorcue gait`; returns the exit code.
pub fn run(args: &GaitArgs) -> Result<u8, CliError> {
    let mut src = source::read_ahead(source::open(&args.input)?);
    let engine = Engine::select(&args.common.engine_config())?;
    let mut est = PoseEstimator::new(&args.common.model_store(), &engine, gait::track::estimator_config(args.model))?;
    let (samples, run) = gait::track::read(src.as_mut(), &mut est, |e| eprintln!("warning: skipped a frame: {e}"))?;
    if let Some(e) = &run.failed {
        eprintln!("error: {e}");
    }
    if samples.is_empty() {
        return Err(CliError::input(format!("no frame of {} could be read", args.input.display())));
    }
    let result = gait::analyze(&samples, &GaitOptions { height_cm: args.height_cm })
        .map_err(|e| CliError::input(format!("{}: {e}", args.input.display())))?;
    let events: Vec<_> = result
        .events
        .iter()
        .map(|e| json!({"frame": e.frame, "time_s": ms(e.time_s), "foot": e.foot.name(), "kind": e.kind, "pass": e.pass}))
        .collect();
    let v = json!({
        "format": "mirrorcue-gait",
        "format_version": 1,
        "mirrorcue": env!("CARGO_PKG_VERSION"),
        "source": args.input.display().to_string(),
        "model": args.model.name(),
        "engine": engine.kind().name(),
        "height_cm": args.height_cm,
        "frames": samples.len(),
        "fps": (result.fps * 100.0).round() / 100.0,
        "method": "events after Zeni et al. 2008 as applied to video by Stenum et al. 2021 (side view: heel strike \
    where the heel is furthest ahead of the pelvis along the walking direction, toe-off where the toes are furthest \
    behind; front view: heel strikes from the ankles' heights); positions low-passed at 6 Hz; angles in degrees from \
    the 2D pose (sagittal projections); curves normalised to 0-100% of each stride (101 points); step length and \
    speed scaled by the patient's height when given; frames are 0-based indices of the recording; left/right are \
    the person's own sides",
        "view": result.view,
        "walker": result.walker,
        "passes": result.passes,
        "events": events,
        "steps": result.steps,
        "summary": result.summary,
        "cycles": result.cycles,
        "curves": result.curves,
    });
    super::sway::emit(args.out.as_deref(), &v)?;
    if let Some(path) = &args.plot {
        let curves = result.curves.as_ref().ok_or_else(|| {
            CliError::input("no joint curves to plot: they need a side view with at least one whole stride")
        })?;
        let title = format!("Gait: {}", args.input.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
        let svg = gait::plot::render(curves, &title).map_err(|e| CliError::new(EXIT_OUTPUT, e))?;
        write_atomic(path, svg.as_bytes()).writing(path)?;
    }
    if args.out.is_some() {
        let count = |k: EventKind| result.events.iter().filter(|e| e.kind == k).count();
        println!(
            "{} heel strikes, {} toe-offs, {} steps; cadence {}",
            count(EventKind::HeelStrike),
            count(EventKind::ToeOff),
            result.summary.steps,
            result.summary.cadence_steps_per_min.map_or("not measured".into(), |c| format!("{c:.1} steps/min")),
        );
    }
    Ok(if run.unreadable() > 0 { EXIT_SKIPPED_FRAMES } else { EXIT_OK })
}
