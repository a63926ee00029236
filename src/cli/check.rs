//! `mirrorcue check`: a protocol over a recording, with the same code as the app.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, CommonArgs, EXIT_INPUT, EXIT_OK, EXIT_OUTPUT};
use crate::pose::{Engine, EstimatorConfig, PoseEstimator, PoseModel};
use crate::posture::{PostureSession, Protocol};
use crate::source::{self, Flow};

/// `mirrorcue check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The protocol file (TOML), e.g. assets/protocols/squat_knee_alignment.toml.
    #[arg(value_name = "PROTOCOL")]
    pub protocol: PathBuf,
    /// A video file, an image, or a folder of images.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Write the session summary (JSON) to FILE.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write one CSV row per frame (measures, states, cue, repetitions) to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Pose model (default: the one the protocol names, else movenet-thunder).
    #[arg(long, short, value_parser = super::parse_model)]
    pub model: Option<PoseModel>,
    /// Engine and model settings.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `mirrorcue check`; returns the exit code.
pub fn run(args: &CheckArgs) -> Result<u8, CliError> {
    let protocol = Protocol::load(&args.protocol)?;
    let model = args.model.or(protocol.model).unwrap_or(PoseModel::MovenetThunder);
    let mut src = source::open(&args.input)?;
    let engine = Engine::select(&args.common.engine_config())?;
    let mut est = PoseEstimator::new(&args.common.model_store(), &engine, EstimatorConfig::video(model))?;
    let mut session = PostureSession::new(protocol);
    let run = source::for_each_frame(
        src.as_mut(),
        |e| eprintln!("warning: skipped a frame: {e}"),
        |frame| -> Result<Flow, CliError> {
            let pose = est.estimate(&frame)?;
            session.update(frame.time_s, pose.as_ref());
            Ok(Flow::Continue)
        },
    )?;
    if let Some(e) = &run.failed {
        eprintln!("error: {e}");
    }
    let skipped = run.unreadable();
    let s = session.summary();
    if s.frames == 0 {
        return Err(CliError::new(EXIT_INPUT, format!("no frame of {} could be read", args.input.display())));
    }
    println!("{}: {} frames, {:.1} s, {}", s.protocol, s.frames, s.duration_s, model.label());
    let fmt = |v: Option<f32>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into());
    for (c, spec) in s.checkpoints.iter().zip(&session.protocol().checkpoints) {
        let unit = spec.measure.unit();
        println!(
            "  {}: in tolerance {:.1} s of {:.1} s visible; cues {}; range {}..{}{unit}{}{}",
            c.name,
            c.time_in_tolerance_s,
            c.time_visible_s,
            c.cues,
            fmt(c.min),
            fmt(c.max),
            if c.other_side_min.is_some() {
                format!(" (other side {}..{}{unit})", fmt(c.other_side_min), fmt(c.other_side_max))
            } else {
                String::new()
            },
            if spec.hold_s.is_some() { format!("; holds {}", c.holds) } else { String::new() },
        );
    }
    for r in &s.reps {
        println!("  {}: {} repetitions (measure {}..{})", r.name, r.count, fmt(r.min), fmt(r.max));
    }
    if let Some(path) = &args.out {
        let text = serde_json::to_string_pretty(s).unwrap_or_default();
        std::fs::write(path, text)
            .map_err(|e| CliError::new(EXIT_OUTPUT, format!("cannot write {}: {e}", path.display())))?;
    }
    if let Some(path) = &args.csv {
        let f = std::fs::File::create(path)
            .map_err(|e| CliError::new(EXIT_OUTPUT, format!("cannot write {}: {e}", path.display())))?;
        session
            .write_csv(std::io::BufWriter::new(f))
            .map_err(|e| CliError::new(EXIT_OUTPUT, format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(if skipped > 0 { super::EXIT_SKIPPED_FRAMES } else { EXIT_OK })
}
