//! The command line, one file per subcommand:
//!
//! - `mirrorcue [app]` (the default): the clinic app ([`crate::ui`]);
//! - [`analyze`]: keypoints of a recording, written as JSON lines, COCO or CSV ([`output`]), with `--hands` the
//!   hands too ([`hands_out`]);
//! - [`check`]: a posture protocol over a recording;
//! - [`compare`]: two recordings aligned and compared by joint angles;
//! - [`record`]: a source into a recording folder (video, pose track, manifest);
//! - [`sway`]: the sway descriptors of a centre-of-pressure trace;
//! - [`balance`]: a balance test (quiet, Romberg, single-leg, tandem, BESS) on a recording;
//! - [`gait`]: heel strikes, toe-offs, step timing and joint curves of a walk;
//! - [`bench`]: how fast each stage, the live path and side-by-side playback run;
//! - [`patient`], [`session`], [`report`], [`backup`]: the clinic record (in `--data-dir`) and its paperwork;
//! - `engine`: which inference engine runs and where it was found.
//!
//! Every failure is a [`CliError`] with its exit code ([`error`] has the table and the `From` conversions from each
//! layer's error), so the subcommands use `?` throughout.

pub mod analyze;
pub mod backup;
pub mod balance;
pub mod bench;
pub mod check;
pub mod compare;
pub mod error;
pub mod gait;
pub mod hands_out;
pub mod numbers;
pub mod output;
pub mod patient;
pub mod record;
pub mod report;
pub mod session;
pub mod sway;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use error::EXIT_HELP;
pub use error::{
    CliError, EXIT_ENGINE, EXIT_INPUT, EXIT_MODEL, EXIT_OK, EXIT_OUTPUT, EXIT_SKIPPED_FRAMES, EXIT_USAGE, WriteContext,
    refuse_inputs, write_file, write_json,
};

use crate::pose::{EngineChoice, EngineConfig, ModelCheck, ModelStore, PersonSelector, PoseModel};

/// mirrorcue: mirror therapy, posture cues and video feedback for neuromuscular re-education.
///
/// This command line runs the same analysis as the clinic app on recordings, without a screen: for review,
/// research and automated tests.
#[derive(Debug, Parser)]
#[command(name = "mirrorcue", version, about, long_about = None, after_help = EXIT_HELP)]
pub struct Cli {
    /// What to do (without a subcommand: open the app).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The folder of the clinic record (patients, sessions, measures); default: the user's data folder.
    #[arg(long, global = true, value_name = "DIR", env = "MIRRORCUE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the clinic app: the live camera (or the bundled recording when there is none) with mirror therapy
    /// modes, the pose overlay, a patient screen and the therapist's controls. The default when no subcommand
    /// is given.
    App(CommonArgs),
    /// Find the body's keypoints in a recording (video file, image, or folder of images) and write them out.
    #[command(
        after_help = "Examples:\n  mirrorcue analyze session.mp4 --out session.jsonl\n  mirrorcue analyze photos/ --stills --format coco --out results.json\n  mirrorcue analyze squat.mp4 --model blazepose-full --render squat_overlay/"
    )]
    Analyze(AnalyzeArgs),
    /// Measure how fast each stage runs (decoding, pre-processing, inference, decoding outputs, smoothing), per model
    /// and engine, on a recording (the bundled one by default); --live measures the live path, --side-by-side two
    /// recordings played side by side as in the app.
    Bench(bench::BenchArgs),
    /// Run a posture protocol over a recording: per-checkpoint time in tolerance, cues, range of motion,
    /// repetitions and holds (the same code as the app).
    #[command(
        after_help = "Example:\n  mirrorcue check assets/protocols/squat_knee_alignment.toml squats.mp4 --out summary.json --csv frames.csv"
    )]
    Check(check::CheckArgs),
    /// Compare a recording with a reference by joint angles: the offset and warping path that align them, and the
    /// similarity per joint and overall (0..1), as JSON with --out.
    #[command(after_help = "Example:\n  mirrorcue compare demonstration.mp4 patient.mp4 --out comparison.json")]
    Compare(compare::CompareArgs),
    /// Record a source (a video file, an image folder, or a camera) into a folder: the video (MP4, H.264), the
    /// pose track and a manifest. Crash-safe: a killed recording keeps all but at most its last second; a full disk
    /// stops it with exit code 6 and keeps what was written.
    #[command(after_help = "Example:\n  mirrorcue record camera --out sessions/2026-11-21 --seconds 120")]
    Record(record::RecordArgs),
    /// The sway descriptors (Quijoux et al. 2021: mean distance, RMS, path length, velocities, 95% ellipse area,
    /// frequencies, …) of a centre-of-pressure trace: a CSV with time_s, ml_cm, ap_cm, or an AMTI force-plate
    /// export; resampled to 25 Hz and low-passed at 10 Hz first, as the reference does.
    #[command(after_help = "Example:\n  mirrorcue sway forceplate.csv --out sway.json")]
    Sway(sway::SwayArgs),
    /// A balance test on a recording, from the pose: per trial the start and end frames and times, the stance
    /// foot (single-leg), the BESS errors with their frames, and the sway of the centre of mass.
    #[command(
        after_help = "Example:\n  mirrorcue balance stance.mp4 --test single-leg --height-cm 172 --out results.json"
    )]
    Balance(balance::BalanceArgs),
    /// Gait from a recording of the patient walking: heel strikes and toe-offs, step and stride times, cadence,
    /// stance, swing, double support, symmetry, step length and speed (with --height-cm), and the joint curves.
    #[command(after_help = "Example:\n  mirrorcue gait walk.mp4 --out gait.json --plot gait.svg --height-cm 168")]
    Gait(gait::GaitArgs),
    /// Say which inference engine would run, where it was found, and how to get the faster one.
    Engine(CommonArgs),
    /// The patients in the clinic record: add, list, show.
    Patient(patient::PatientArgs),
    /// A patient's sessions: list, show (with the note draft), export every measure as CSV or JSON.
    Session(session::SessionArgs),
    /// A session or progress report as one HTML page with plots (print it to PDF from a browser).
    #[command(
        after_help = "Example:\n  mirrorcue report --patient P001 --from 2026-11-01 --to 2026-11-30 --out report.html"
    )]
    Report(report::ReportArgs),
    /// Copy the clinic record to FILE (SQLite's online backup: works while the app is open).
    Backup(backup::BackupArgs),
}

/// Settings shared by the subcommands that run models.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Inference engine: auto (ONNX Runtime if installed, else the built-in tract), onnxruntime, or tract.
    #[arg(long, default_value = "auto", env = "MIRRORCUE_ENGINE", value_parser = parse_engine)]
    pub engine: EngineChoice,
    /// Path of an ONNX Runtime library (libonnxruntime.so) to use.
    #[arg(long, value_name = "FILE", env = "MIRRORCUE_ORT_LIB")]
    pub ort_lib: Option<PathBuf>,
    /// Folder holding mirrorcue's model files (default: the models/ folder shipped with mirrorcue).
    #[arg(long, value_name = "DIR", env = "MIRRORCUE_MODELS")]
    pub models: Option<PathBuf>,
    /// Accept model files whose inputs and outputs match even if their checksum differs (re-converted models).
    #[arg(long)]
    pub signature_check_only: bool,
}

fn parse_engine(s: &str) -> Result<EngineChoice, String> {
    s.parse()
}

impl CommonArgs {
    /// The engine settings.
    pub fn engine_config(&self) -> EngineConfig {
        EngineConfig { choice: self.engine, ort_library: self.ort_lib.clone(), threads: 0 }
    }

    /// The model folder.
    pub fn model_store(&self) -> ModelStore {
        let store = match &self.models {
            Some(d) => ModelStore::new(d),
            None => ModelStore::locate(),
        };
        if self.signature_check_only { store.with_check(ModelCheck::Signature) } else { store }
    }
}

/// `mirrorcue analyze`.
#[derive(Debug, Clone, Args)]
pub struct AnalyzeArgs {
    /// A video file (MP4, MOV, MKV, WebM: H.264, VP9, …), an image, or a folder of images (read in natural order:
    /// frame2 before frame10).
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Pose model: movenet-lightning (fastest), movenet-thunder (more accurate), blazepose-lite, blazepose-full or
    /// blazepose-heavy (33 landmarks with hands and feet; heavy is the most accurate and the slowest, for recordings).
    #[arg(long, short, default_value = "movenet-lightning", value_parser = parse_model)]
    pub model: PoseModel,
    /// Output format: jsonl (one JSON object per frame), coco (COCO keypoint results) or csv.
    #[arg(long, short, value_enum, default_value = "jsonl")]
    pub format: output::Format,
    /// Write results to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write every frame with the skeleton drawn, as JPEG images into folder OUT (created if needed).
    #[arg(long, value_name = "OUT")]
    pub render: Option<PathBuf>,
    /// Treat the images as unrelated photos: analyse each one afresh, no tracking or smoothing (default for a
    /// single image; for folders of video frames leave it off).
    #[arg(long)]
    pub stills: bool,
    /// Turn off temporal smoothing of keypoints.
    #[arg(long)]
    pub no_smoothing: bool,
    /// Smoothing strength from 0 (light) to 1 (very steady); 0.5 is the default (One Euro min cut-off 0.1 Hz,
    /// beta 40: MediaPipe's tuning for its world landmarks).
    #[arg(long, default_value_t = 0.5, value_name = "0..1", value_parser = numbers::fraction, allow_negative_numbers = true)]
    pub smoothing: f32,
    /// Whom to follow when several people are in view: confident (the person the detector is surest of), largest
    /// (the biggest body), or X,Y near the person: normalised 0..1 (e.g. 0.3,0.5 for someone left of centre) or
    /// pixels from the top-left corner (e.g. 640,360; any value above 1 means pixels).
    #[arg(long, default_value = "confident", value_parser = parse_person)]
    pub person: PersonSelector,
    /// Frame rate of an image folder, for timestamps.
    #[arg(long, default_value_t = 30.0, value_name = "FPS", value_parser = numbers::positive, allow_negative_numbers = true)]
    pub folder_fps: f64,
    /// Also find up to two hands per frame (MediaPipe Hands): each JSON line gains `hands` (side, 21 landmarks
    /// in pixels, world landmarks in metres). Needs `--format jsonl`.
    #[arg(long)]
    pub hands: bool,
    /// No progress bar or summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Engine and model settings.
    #[command(flatten)]
    pub common: CommonArgs,
}

fn parse_model(s: &str) -> Result<PoseModel, String> {
    s.parse()
}

fn parse_person(s: &str) -> Result<PersonSelector, String> {
    match s.to_ascii_lowercase().as_str() {
        "largest" => Ok(PersonSelector::Largest),
        "confident" | "most-confident" => Ok(PersonSelector::MostConfident),
        other => {
            let parts: Vec<&str> = other.split(',').collect();
            let parsed: Vec<f32> = parts.iter().filter_map(|p| p.trim().parse().ok()).collect();
            match parsed.as_slice() {
                [x, y] if parts.len() == 2 && x.is_finite() && y.is_finite() && *x >= 0.0 && *y >= 0.0 => {
                    if *x <= 1.0 && *y <= 1.0 {
                        Ok(PersonSelector::Nearest { x: *x, y: *y })
                    } else {
                        Ok(PersonSelector::NearestPixel { x: *x, y: *y })
                    }
                }
                _ => Err(format!(
                    "`{s}` is not largest, confident, or X,Y: a position near the person, either normalised (both \
                     between 0 and 1) or in pixels from the top-left corner (e.g. 640,360)"
                )),
            }
        }
    }
}

/// The error ([`EXIT_INPUT`]) when no frame of `input` could be read (`unreadable` of them failed). A recording
/// folder whose video has no frame yet (killed in its first second) says what is there: its pose track.
pub fn no_frames(input: &std::path::Path, unreadable: u64) -> CliError {
    if let Some(view) = crate::recording::inspect(input)
        && view.pose_frames > 0
    {
        return CliError::input(format!(
            "the recording {} has no video frame to read, but it holds a pose track: {}. A recording killed in its \
             first second keeps its pose track (poses.jsonl, one line per frame) and not yet any video",
            input.display(),
            view.describe()
        ));
    }
    CliError::input(format!(
        "no frame of {} could be read ({unreadable} failed); nothing was analysed",
        input.display()
    ))
}

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> u8 {
    let data_dir = cli.data_dir.clone().unwrap_or_else(crate::store::default_data_dir);
    let result = match cli.command {
        None => run_app(&AppDefaults::parse_from(["mirrorcue"]).common, &data_dir),
        Some(Command::App(common)) => run_app(&common, &data_dir),
        Some(Command::Analyze(args)) => analyze::run(&args),
        Some(Command::Bench(args)) => bench::run(&args),
        Some(Command::Check(args)) => check::run(&check::CheckArgs { data_dir: Some(data_dir), ..args }),
        Some(Command::Compare(args)) => compare::run(&args, &data_dir),
        Some(Command::Record(args)) => record::run(&args, &data_dir),
        Some(Command::Sway(args)) => sway::run(&args),
        Some(Command::Balance(args)) => balance::run(&args),
        Some(Command::Gait(args)) => gait::run(&args),
        Some(Command::Engine(common)) => engine_report(&common),
        Some(Command::Patient(args)) => patient::run(&args, &data_dir),
        Some(Command::Session(args)) => session::run(&args, &data_dir),
        Some(Command::Report(args)) => report::run(&args, &data_dir),
        Some(Command::Backup(args)) => backup::run(&args, &data_dir),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", e.message);
            e.code
        }
    }
}

/// The app's settings when no subcommand is given (defaults and environment variables).
#[derive(Debug, Parser)]
struct AppDefaults {
    #[command(flatten)]
    common: CommonArgs,
}

fn run_app(common: &CommonArgs, data_dir: &std::path::Path) -> Result<u8, CliError> {
    crate::ui::run(common.engine_config(), common.model_store(), data_dir.to_path_buf())
        .map_err(|e| CliError::new(EXIT_ENGINE, e))?;
    Ok(EXIT_OK)
}

fn engine_report(common: &CommonArgs) -> Result<u8, CliError> {
    let engine = crate::pose::Engine::select(&common.engine_config())?;
    println!("engine: {} — {}", engine.kind(), engine.report());
    if let Some(note) = engine.fallback_note() {
        println!("{note}");
    }
    println!("models: {}", common.model_store().dir().display());
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_selector_parsing() {
        assert_eq!(parse_person("largest"), Ok(PersonSelector::Largest));
        assert_eq!(parse_person("0.25,0.5"), Ok(PersonSelector::Nearest { x: 0.25, y: 0.5 }));
        // Pixels, as the README's X,Y reads (refused with exit 2 before): any value above 1.
        assert_eq!(parse_person("640,360"), Ok(PersonSelector::NearestPixel { x: 640.0, y: 360.0 }));
        assert_eq!(parse_person("0.5,720"), Ok(PersonSelector::NearestPixel { x: 0.5, y: 720.0 }));
        for bad in ["-3,4", "1,2,3", "nan,1", "inf,2", "x,y", "3"] {
            assert!(parse_person(bad).is_err(), "{bad}");
        }
        assert!(parse_person("left").is_err());
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
