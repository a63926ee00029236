//! `mirrorcue record`: a source to a recording folder (video, pose track, manifest), headless.
//!
//! A file is decoded on a thread of its own ([`source::read_ahead()`]; a camera has its capture thread), the pose
//! runs on the caller's, and the video is encoded and written on a third ([`source::write_behind()`]).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;

use super::{CliError, CommonArgs, EXIT_OK, EXIT_OUTPUT, EXIT_SKIPPED_FRAMES};
use crate::pose::{Engine, EstimatorConfig, PoseEstimator, PoseModel};
use crate::recording::{RecordError, RecordingWriter};
use crate::source::{self, Flow};
use crate::store::{ActivityFiling, ActivityKind, NewActivity, Sample};

/// `mirrorcue record`.
#[derive(Debug, Clone, Args)]
pub struct RecordArgs {
    /// What to record: a video file, an image folder, or `camera` (the first camera; `camera:ID` for another).
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// The recording folder to create (video.mp4, poses.jsonl, manifest.json).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Pose model.
    #[arg(long, short, default_value = "movenet-lightning", value_parser = super::parse_model)]
    pub model: PoseModel,
    /// Stop after this many seconds (default: the end of a file; 60 s for a camera).
    #[arg(long, value_name = "N", value_parser = super::numbers::positive, allow_negative_numbers = true)]
    pub seconds: Option<f64>,
    /// Play a file at its own pace, as a camera would deliver it (for tests and demonstrations).
    #[arg(long)]
    pub realtime: bool,
    /// Replace a recording already in the folder (without it, an existing take is kept and recording refused).
    #[arg(long)]
    pub overwrite: bool,
    /// File the recording in the clinic record as a session of patient ID (added with `mirrorcue patient add`):
    /// one activity of the recording's length, linked to the recording folder, filed as it goes.
    #[arg(long, value_name = "ID")]
    pub patient: Option<String>,
    /// What the recording is of, for the record and the note: mirror-therapy, postural-retraining,
    /// movement-comparison, balance-training, gait-training or other.
    #[arg(long, value_name = "KIND", default_value = "other", requires = "patient")]
    pub activity: ActivityKind,
    /// Engine and model settings.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `mirrorcue record`; returns the exit code: [`EXIT_OK`], [`EXIT_SKIPPED_FRAMES`] if frames could not be
/// read (skipped, or the source failed part way), [`EXIT_OUTPUT`] if the recording could not be written (a full
/// disk stops it; what was written is kept and the manifest says it is incomplete).
///
/// With `--patient`, the session is filed in the record at `data_dir`.
pub fn run(args: &RecordArgs, data_dir: &Path) -> Result<u8, CliError> {
    if !args.source.starts_with("camera") {
        super::refuse_inputs(&[Some(&args.out)], &[Path::new(&args.source)])?;
    }
    let store = args.patient.as_deref().map(|p| super::session::open_for_filing(data_dir, p)).transpose()?;
    let (mut src, is_camera): (Box<dyn source::FrameSource>, bool) =
        if let Some(rest) = args.source.strip_prefix("camera") {
            let id = rest.strip_prefix(':').map(str::to_string);
            let choice = source::CameraChoice { camera: id, ..Default::default() };
            let cam = source::CameraSource::open(&choice)?;
            (Box::new(cam), true)
        } else {
            (source::read_ahead(source::open(Path::new(&args.source))?), false)
        };
    let info = src.info().clone();
    let limit = args.seconds.unwrap_or(if is_camera { 60.0 } else { f64::INFINITY });
    let engine = Engine::select(&args.common.engine_config())?;
    let mut est = PoseEstimator::new(&args.common.model_store(), &engine, EstimatorConfig::video(args.model))?;
    let fps = info.fps.unwrap_or(30.0);
    let mut writer =
        RecordingWriter::create_with(&args.out, info.width, info.height, fps, args.model, &info.name, args.overwrite)?;
    let mut filing = match (store, &args.patient) {
        (Some(store), Some(patient)) => Some(ActivityFiling::start(store, patient, activity(args, &info.name))?),
        _ => None,
    };
    let (mut with_person, mut last_t) = (0u64, 0.0f64);
    let started = Instant::now();
    let mut first: Option<f64> = None;
    // The output thread encodes and writes each frame with its pose; what it counts is what the recording holds.
    let output = |(frame, pose, t): (crate::Frame, Option<crate::pose::Pose>, f64)| -> Result<(), RecordError> {
        writer.write(&frame, pose.as_ref())?;
        with_person += u64::from(pose.is_some());
        last_t = t;
        Ok(())
    };
    let (run, written) = source::write_behind(output, |behind| {
        source::for_each_frame(
            src.as_mut(),
            |e| eprintln!("warning: {e}"),
            |frame| -> Result<Flow, CliError> {
                let t0 = *first.get_or_insert(frame.time_s);
                if frame.time_s - t0 > limit {
                    return Ok(Flow::Stop);
                }
                if args.realtime && !is_camera {
                    let due = Duration::from_secs_f64((frame.time_s - t0).max(0.0));
                    if let Some(wait) = due.checked_sub(started.elapsed()) {
                        std::thread::sleep(wait);
                    }
                }
                let pose = est.estimate(&frame)?;
                let t = frame.time_s - t0;
                if let Some(f) = filing.as_mut() {
                    f.tick(t);
                }
                // A failed write stops the loop; its error follows.
                Ok(if behind.send((frame, pose, t)) { Flow::Continue } else { Flow::Stop })
            },
        )
    });
    let run = run?;
    let write_error = written.err();
    let skipped = run.skipped;
    let stopped = run.failed.map(|e| {
        eprintln!("error: {e}");
        e.to_string()
    });
    let frames = writer.frames();
    let mut filing_failed = false;
    if let Some(mut f) = filing {
        // The recording's length: its last frame's time plus one frame.
        let seconds = if frames > 0 { last_t + 1.0 / fps } else { 0.0 };
        if frames > 0 {
            f.measure(Sample {
                measure: "frames with a person".into(),
                side: None,
                value: (100.0 * with_person as f64 / frames as f64).round(),
                unit: "percent".into(),
                time_s: crate::units::round_s(seconds),
            });
        }
        match f.finish(seconds) {
            Ok((_, filed)) => super::session::say_filed(&filed),
            Err(e) => {
                eprintln!("error: the session could not be filed in the clinic record: {e}");
                filing_failed = true;
            }
        }
    }
    let out = args.out.display();
    let reason = write_error.as_ref().map(ToString::to_string).or(stopped);
    let source_failed = reason.is_some();
    let error = match (write_error, writer.finish(reason)) {
        (None, Ok(manifest)) => {
            eprintln!("recorded {frames} frames ({:.1} s) into {out}", manifest.duration_s);
            return Ok(if filing_failed {
                EXIT_OUTPUT
            } else if source_failed || skipped > 0 {
                EXIT_SKIPPED_FRAMES
            } else {
                EXIT_OK
            });
        }
        // The first failure is the one to report: closing on the same full disk fails the same way.
        (Some(e), _) | (None, Err(e)) => e,
    };
    eprintln!("error: {error}");
    match crate::recording::read_manifest(&args.out) {
        Some(m) if m.stopped_because.is_some() => eprintln!(
            "kept {frames} frames ({:.1} s) in {out}, marked incomplete (the video may end up to a second earlier)",
            m.duration_s
        ),
        _ => eprintln!("kept {frames} frames in {out}; its manifest still marks it incomplete"),
    }
    Ok(EXIT_OUTPUT)
}

/// The activity a recording files: its kind, named after the source, linked to the recording folder.
fn activity(args: &RecordArgs, source_name: &str) -> NewActivity {
    NewActivity {
        kind: args.activity,
        name: format!("recorded from {source_name}"),
        side: None,
        source: Some(args.out.display().to_string()),
        details: serde_json::json!({ "recording": args.out.display().to_string(), "model": args.model.to_string() })
            .to_string(),
    }
}
