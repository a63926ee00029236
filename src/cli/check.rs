//! `mirrorcue check`: a protocol over a recording, with the same code as the app.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, CommonArgs, EXIT_OK, EXIT_OUTPUT};
use crate::hands::exercise::{HandsComparison, OpenCloseRule, TapRule, compare_hands};
use crate::hands::{HandTracker, HandsConfig};
use crate::pose::{Engine, EstimatorConfig, PoseEstimator, PoseModel, Side};
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
    /// For a protocol measuring the hands: the affected hand (left or right); the other is the healthy one, and the
    /// affected hand's open/close and tapping rates are given as a percentage of the healthy hand's.
    #[arg(long, value_name = "SIDE", value_parser = parse_hand_side)]
    pub affected: Option<crate::pose::Side>,
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
    let mut src = source::read_ahead(source::open(&args.input)?);
    let engine = Engine::select(&args.common.engine_config())?;
    let mut est = PoseEstimator::new(&args.common.model_store(), &engine, EstimatorConfig::video(model))?;
    let mut session = PostureSession::new(protocol).with_context(SessionContext {
        source: args.input.display().to_string(),
        model: Some(model),
        protocol_file: Some(args.protocol.clone()),
    });
    // A protocol measuring the hands runs MediaPipe Hands after the body pose (whose wrists seed the hand crops).
    let mut hands = if protocol_uses_hands(&session) {
        Some(HandTracker::new(&args.common.model_store(), &engine, HandsConfig::default())?)
    } else {
        None
    };
    let mut hand_frames: Vec<(f64, Vec<crate::hands::Hand>)> = Vec::new();
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
            let found = match hands.as_mut() {
                Some(t) => t.process_with_pose(&frame, pose.as_ref())?,
                None => Vec::new(),
            };
            let result = session.update_with_hands(frame.time_s, pose.as_ref(), &found);
            if hands.is_some() {
                hand_frames.push((session.elapsed_s(), found));
            }
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
    let exercise = hands.is_some().then(|| {
        let healthy = args.affected.map_or(crate::pose::Side::Right, |a| a.opposite());
        let mut c = compare_hands(&hand_frames, healthy, OpenCloseRule::default(), TapRule::default());
        if args.affected.is_none() {
            // Without the affected side, neither hand is the healthy one.
            (c.open_close_percent, c.tapping_percent) = (None, None);
        }
        c
    });
    if let Some(c) = &exercise {
        print!("{}", hands_report(c, args.affected.is_some()));
    }
    if let Some(mut f) = filing {
        if let Some(c) = &exercise {
            for s in crate::store::posture::hand_exercise_samples(c, units::round_s(session.elapsed_s())) {
                f.measure(s);
            }
        }
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

fn protocol_uses_hands(session: &PostureSession) -> bool {
    session.protocol().uses_hands()
}

fn parse_hand_side(s: &str) -> Result<Side, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "left" => Ok(Side::Left),
        "right" => Ok(Side::Right),
        other => Err(format!("`{other}` is not a hand's side: write left or right")),
    }
}

/// The hands' open/close repetitions and finger tapping in words, each hand on its line, then (with the affected
/// side known) the affected hand against the healthy one.
pub fn hands_report(c: &HandsComparison, affected_known: bool) -> String {
    let mut out = String::from(
        "  hands (open/close: opening from 1.00 to 0.80 palm lengths; tapping: thumb to index tip within 0.30 palm lengths):\n",
    );
    let mut sides = [(c.healthy, 0), (c.healthy.opposite(), 1)];
    sides.sort_by_key(|(s, _)| s.name());
    for (side, i) in sides {
        let (o, t) = (&c.open_close[i], &c.tapping[i]);
        let role = match (affected_known, i) {
            (false, _) => "",
            (true, 0) => " (healthy)",
            (true, _) => " (affected)",
        };
        out.push_str(&format!(
            "    {} hand{role}: open/close {}{}; tapping {}{}{}\n",
            side.name(),
            units::repetitions(u64::from(o.count)),
            o.per_minute.map(|r| format!(" ({} per minute)", units::fixed(r, 0))).unwrap_or_default(),
            units::count(u64::from(t.count), "tap", "taps"),
            t.rate_hz.map(|r| format!(", {} taps/s", units::fixed(r, 1))).unwrap_or_default(),
            t.amplitude
                .map(|a| format!(", amplitude {}", units::format_value(f64::from(a), units::Unit::PalmLengths)))
                .unwrap_or_default(),
        ));
    }
    if affected_known {
        let pct = |p: Option<f64>| p.map(|p| format!("{} %", units::fixed(p, 0))).unwrap_or_else(|| "—".into());
        out.push_str(&format!(
            "    affected against healthy: open/close rate {}, tapping rate {}\n",
            pct(c.open_close_percent),
            pct(c.tapping_percent)
        ));
    }
    out
}
