//! `mirrorcue check`: a protocol over a recording, with the same code as the app.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, CommonArgs, EXIT_OK, EXIT_OUTPUT};
use crate::pose::{Engine, EstimatorConfig, PoseEstimator, PoseModel};
use crate::posture::keyframe::KeyFramePicker;
use crate::posture::{ModelFit, PostureSession, Protocol, SessionContext, export};
use crate::source::{self, Flow};
use crate::units;

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
    /// Pose model (default: the one the protocol needs, else movenet-thunder). A model the protocol cannot use
    /// (MoveNet for a protocol measuring in 3D) is run, with a warning on stderr.
    #[arg(long, short, value_parser = super::parse_model)]
    pub model: Option<PoseModel>,
    /// File the results in the clinic record as a session of patient ID (added with `mirrorcue patient add`);
    /// the minutes are the recording's duration.
    #[arg(long, value_name = "ID")]
    pub patient: Option<String>,
    /// The clinic record's folder (the global --data-dir).
    #[arg(skip)]
    pub data_dir: Option<PathBuf>,
    /// Engine and model settings.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `mirrorcue check`; returns the exit code.
pub fn run(args: &CheckArgs) -> Result<u8, CliError> {
    super::refuse_inputs(&[args.out.as_deref(), args.csv.as_deref()], &[&args.protocol, &args.input])?;
    let protocol = Protocol::load(&args.protocol)?;
    let requirement = protocol.requirement();
    let model = args.model.unwrap_or_else(|| requirement.preferred(PoseModel::MovenetThunder));
    match requirement.check(model) {
        ModelFit::Unsuitable { reason, .. } => eprintln!("warning: {reason}"),
        ModelFit::Different { note, .. } => eprintln!("note: {note}"),
        ModelFit::Suitable => {}
    }
    let mut src = source::open(&args.input)?;
    let engine = Engine::select(&args.common.engine_config())?;
    let mut est = PoseEstimator::new(&args.common.model_store(), &engine, EstimatorConfig::video(model))?;
    let mut session = PostureSession::new(protocol).with_context(SessionContext {
        source: args.input.display().to_string(),
        model: Some(model),
        protocol_file: Some(args.protocol.clone()),
    });
    let data_dir = args.data_dir.clone().unwrap_or_else(crate::store::default_data_dir);
    let mut filing = args
        .patient
        .as_deref()
        .map(|p| super::session::start_posture_filing(&data_dir, p, &session, &args.input))
        .transpose()?;
    let mut key_frame = KeyFramePicker::new();
    let has_reps = !session.protocol().reps.is_empty();
    let run = source::for_each_frame(
        src.as_mut(),
        |e| eprintln!("warning: {e}"),
        |frame| -> Result<Flow, CliError> {
            let pose = est.estimate(&frame)?;
            let result = session.update(frame.time_s, pose.as_ref());
            if let Some(f) = filing.as_mut() {
                f.frame(&session, &result);
                key_frame.on_frame(&frame, pose.as_ref(), &result, has_reps);
            }
            Ok(Flow::Continue)
        },
    )?;
    if let Some(e) = &run.failed {
        eprintln!("error: {e}");
    }
    let skipped = run.unreadable();
    if session.summary().frames == 0 {
        return Err(super::no_frames(&args.input, skipped));
    }
    print!("{}", report(&session));
    if let Some(f) = filing {
        let (_, filed) = f.finish(&session, key_frame.finish())?;
        super::session::say_filed(&filed);
    }
    let out_err = |e: export::ExportError| CliError::new(EXIT_OUTPUT, e.to_string());
    if let Some(path) = &args.out {
        export::write_summary(&session, path).map_err(out_err)?;
    }
    if let Some(path) = &args.csv {
        export::write_frames_csv(&session, path).map_err(out_err)?;
    }
    Ok(if skipped > 0 { super::EXIT_SKIPPED_FRAMES } else { EXIT_OK })
}

/// The session in words: one line per checkpoint and rule, each number with its unit.
pub fn report(session: &PostureSession) -> String {
    let s = session.summary();
    let mut out = format!(
        "{}: {} frames, {}, {}\n",
        s.protocol,
        s.frames,
        units::format_seconds(s.duration_s),
        s.model.as_deref().unwrap_or("model unknown")
    );
    for c in &s.checkpoints {
        let f = |v: Option<f64>| v.map(|v| units::format_value(v, c.unit)).unwrap_or_else(|| "—".into());
        out.push_str(&format!(
            "  {} ({}): in tolerance {} of {} checked, longest {}; {}; range {} to {}{}{}\n",
            c.name,
            c.limit,
            units::format_seconds(c.time_in_tolerance_s),
            units::format_seconds(c.time_checked_s),
            units::format_seconds(c.longest_in_tolerance_s),
            units::count(c.cues as u64, "cue", "cues"),
            f(c.min),
            f(c.max),
            if c.other_side_min.is_some() {
                format!(" (other side {} to {})", f(c.other_side_min), f(c.other_side_max))
            } else {
                String::new()
            },
            if c.hold_s.is_some() {
                format!("; {}", units::count(c.holds as u64, "hold", "holds"))
            } else {
                String::new()
            },
        ));
    }
    for r in &s.reps {
        let f = |v: Option<f64>| v.map(|v| units::format_value(v, r.unit)).unwrap_or_else(|| "—".into());
        out.push_str(&format!(
            "  {}: {} (measure {} to {})\n",
            r.name,
            units::repetitions(r.count as u64),
            f(r.min),
            f(r.max)
        ));
    }
    out
}
