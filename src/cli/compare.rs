//! `mirrorcue compare`: two recordings aligned and compared by joint angles.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{CliError, CommonArgs, EXIT_OK};
use crate::compare::{AngleTrack, angles, compare};
use crate::pose::{Engine, EstimatorConfig, PoseEstimator, PoseModel};
use crate::source::{self, Flow};
use crate::store::comparison::comparison_samples;
use crate::store::{ActivityFiling, ActivityKind, NewActivity};

/// `mirrorcue compare`.
#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    /// The reference: the therapist's demonstration or an earlier session (video, image or folder).
    #[arg(value_name = "REFERENCE")]
    pub reference: PathBuf,
    /// The recording to compare with it.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Write the alignment (offset and warping path) and the similarity per joint and overall as JSON to FILE.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Pose model.
    #[arg(long, short, default_value = "movenet-thunder", value_parser = super::parse_model)]
    pub model: PoseModel,
    /// File the comparison in the clinic record as a session of patient ID (added with `mirrorcue patient add`);
    /// the minutes are the input's duration.
    #[arg(long, value_name = "ID")]
    pub patient: Option<String>,
    /// Engine and model settings.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The feature angles of every frame of `path`, and its frame rate. Fails ([`EXIT_INPUT`](super::EXIT_INPUT))
/// when no frame could be read, or no person was found in any.
pub fn angle_track(path: &Path, model: PoseModel, common: &CommonArgs) -> Result<(AngleTrack, f64), CliError> {
    let mut src = source::read_ahead(source::open(path)?);
    let fps = src.info().fps.unwrap_or(30.0);
    let engine = Engine::select(&common.engine_config())?;
    let mut est = PoseEstimator::new(&common.model_store(), &engine, EstimatorConfig::video(model))?;
    let mut track = Vec::new();
    let mut with_person = 0usize;
    let run = source::for_each_frame(
        src.as_mut(),
        |e| eprintln!("warning: {e}"),
        |frame| -> Result<Flow, CliError> {
            let pose = est.estimate(&frame)?;
            with_person += usize::from(pose.is_some());
            track.push(angles(pose.as_ref(), 0.3));
            Ok(Flow::Continue)
        },
    )?;
    if let Some(e) = &run.failed {
        eprintln!("error: {e}");
    }
    if track.is_empty() {
        return Err(super::no_frames(path, run.unreadable()));
    }
    if with_person == 0 {
        return Err(CliError::input(format!(
            "no person was found in {} ({} frames read): there is nothing to compare. Check that the person is in \
             view, whole and lit",
            path.display(),
            track.len()
        )));
    }
    Ok((track, fps))
}

/// Runs `mirrorcue compare` (filing into the record at `data_dir` with `--patient`); returns the exit code.
pub fn run(args: &CompareArgs, data_dir: &Path) -> Result<u8, CliError> {
    super::refuse_inputs(&[args.out.as_deref()], &[&args.reference, &args.input])?;
    let store = args.patient.as_deref().map(|p| super::session::open_for_filing(data_dir, p)).transpose()?;
    let (reference, fps) = angle_track(&args.reference, args.model, &args.common)?;
    let (input, input_fps) = angle_track(&args.input, args.model, &args.common)?;
    let c = compare(&reference, &input, fps);
    println!(
        "offset: {} frames ({:+.3} s; input frame i matches reference frame i{:+}); warping path of {} steps",
        c.offset_frames,
        c.offset_s,
        c.offset_frames,
        c.path.len()
    );
    if c.joints.iter().all(|j| j.similarity.is_none()) {
        return Err(CliError::input(format!(
            "no joint angle was seen in both {} and {} at the frames the alignment pairs: there is no similarity to \
             give. Check that the same body parts are in view in both",
            args.reference.display(),
            args.input.display()
        )));
    }
    println!("overall similarity: {:.3} (0..1, from joint angles)", c.overall);
    for j in &c.joints {
        match (j.similarity, j.mean_difference_deg) {
            (Some(s), Some(d)) => println!("  {:<15} {s:.3}  (mean difference {d:.1}°)", j.name),
            _ => println!("  {:<15} not seen in both", j.name),
        }
    }
    if !c.differ_most.is_empty() {
        println!("differ most: {}", c.differ_most.join(", "));
    }
    if let (Some(store), Some(patient)) = (store, &args.patient) {
        let minutes_s = input.len() as f64 / input_fps;
        let activity = NewActivity {
            kind: ActivityKind::MovementComparison,
            name: format!("against {}", file_name(&args.reference)),
            side: None,
            source: Some(args.input.display().to_string()),
            details: serde_json::json!({
                "reference": args.reference.display().to_string(),
                "offset_s": crate::units::round_s(c.offset_s),
                "model": args.model.to_string(),
            })
            .to_string(),
        };
        let mut filing = ActivityFiling::start(store, patient, activity)?;
        for s in comparison_samples(&c, minutes_s) {
            filing.measure(s);
        }
        let (_, filed) = filing.finish(minutes_s)?;
        super::session::say_filed(&filed);
    }
    if let Some(path) = &args.out {
        super::write_json(path, &c)?;
    }
    Ok(EXIT_OK)
}

/// A path's last part, for a name ("demo.mp4").
fn file_name(path: &Path) -> String {
    path.file_name().unwrap_or(path.as_os_str()).to_string_lossy().into_owned()
}
