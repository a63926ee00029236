//! `mirrorcue bench`: how fast mirrorcue runs, one benchmark per file.
//!
//! - [`stages`]: per-stage timings (decoding, pre-processing, inference, decoding outputs, smoothing) per model and
//!   engine on a recording (the default);
//! - [`live`]: the live path (`--live`): capture, pose and display threads at 1280x720, 30 fps;
//! - [`soak`]: the live path on a looping recording for an hour (`--soak`), memory sampled once a minute;
//! - [`side_by_side`]: two recordings played side by side as in the app (`--side-by-side`), with the display tick in
//!   [`display`] and the recordings it makes in [`footage`].
//!
//! This file holds what they share: the arguments, the percentile summary and writing the JSON report.

pub mod display;
pub mod footage;
pub mod live;
pub mod side_by_side;
pub mod soak;
pub mod stages;

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

pub use display::{SideBySideDisplay, TickOutcome, TickTimes};
pub use footage::{SIDE_BY_SIDE_FPS, SIDE_BY_SIDE_SIZE, frames_stretched};
pub use live::{HANDS_BAND, LiveReport, frames_1280x720, frames_1280x720_band, measure_live};
pub use side_by_side::{PhaseReport, SideBySideReport};

use super::{CliError, CommonArgs};
use crate::pose::PoseModel;
use crate::source::Flow;

/// `mirrorcue bench`.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Recording to measure on (default: the bundled squat recording).
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// How many frames to time per model (after 3 warm-up frames).
    #[arg(long, default_value_t = 60, value_parser = crate::cli::numbers::count)]
    pub frames: usize,
    /// Models to time (comma-separated; default all).
    #[arg(long, value_delimiter = ',', value_parser = super::parse_model)]
    pub model: Vec<PoseModel>,
    /// Also write the results as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Measure the live path instead: frames of the recording scaled to 1280x720, fed at 30 fps as a camera would,
    /// through the capture, pose and display threads (MoveNet Lightning unless --model says otherwise); reports the
    /// latency from capture to a displayable image and the frames dropped.
    #[arg(long)]
    pub live: bool,
    /// With --live: track the hands too (palm detection and 21 landmarks per hand after the body pose) and render
    /// hand mirror therapy (the patient's left half reflected, the seam following the gap between the hands); without
    /// --input, on the bundled recording's upper body (chin to hands) so the hands are as big as at a table.
    #[arg(long, requires = "live")]
    pub hands: bool,
    /// Measure side-by-side playback as the app plays it, without a window: the patient's recording played live
    /// (decode and pose at real-time pace) beside a reference held in memory, both panes rendered at a 60 Hz display
    /// tick; --seconds with the reference following the patient's movement, then --seconds playing together.
    /// Without A B it first makes two 1280x720, 30 fps, 10 s recordings (video + poses from --model) in a temporary
    /// folder from the test footage, each frame stretched to 1280x720. Reports the distinct frames each pane showed
    /// per second against 30 fps, dropped frames and the display tick's cost. A (patient) and B (reference) may be
    /// any recordings, videos or recording folders.
    #[arg(long, num_args = 0..=2, value_names = ["A", "B"], conflicts_with = "live")]
    pub side_by_side: Option<Vec<PathBuf>>,
    /// Soak the live path: the recording (--input, default the bundled one) looping at its own pace for MINUTES
    /// (default 60), pose on its thread and the mirror view rendered as in the app; memory and dropped frames
    /// sampled once a minute.
    #[arg(long, value_name = "MINUTES", num_args = 0..=1, default_missing_value = "60",
          value_parser = crate::cli::numbers::positive, conflicts_with_all = ["live", "side_by_side"])]
    pub soak: Option<f64>,
    /// How long the live or side-by-side measurement runs.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS", value_parser = crate::cli::numbers::positive)]
    pub seconds: f64,
    /// Engine and model settings (`--engine auto` times every engine available).
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Median and 95th percentile of a set of durations, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Summary {
    /// Median, ms.
    pub median_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
}

/// Summarises durations (nearest-rank percentiles).
pub fn summarize(samples: &[Duration]) -> Summary {
    if samples.is_empty() {
        return Summary { median_ms: 0.0, p95_ms: 0.0 };
    }
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    let rank = |p: f64| ms[(((p * ms.len() as f64).ceil() as usize).max(1) - 1).min(ms.len() - 1)];
    Summary { median_ms: rank(0.5), p95_ms: rank(0.95) }
}

/// Writes `report` as pretty JSON to `path` when `--json` asked for it.
fn write_json(path: Option<&Path>, report: &impl serde::Serialize) -> Result<(), CliError> {
    match path {
        Some(path) => crate::cli::write_json(path, report),
        None => Ok(()),
    }
}

/// The first `max` readable frames of `input`, each turned into an image by `convert` (the frame loop's rule: a
/// damaged frame is skipped, a fatal error fails).
fn read_frames(
    input: &Path,
    max: usize,
    mut convert: impl FnMut(&crate::Frame) -> image::RgbImage,
) -> Result<Vec<image::RgbImage>, CliError> {
    let mut src = crate::source::open(input)?;
    let mut out = Vec::new();
    let run = crate::source::for_each_frame(
        src.as_mut(),
        |_| {},
        |f| {
            out.push(convert(&f));
            Ok::<_, CliError>(if out.len() < max { Flow::Continue } else { Flow::Stop })
        },
    )?;
    if let Some(e) = run.failed {
        return Err(e.into());
    }
    if out.is_empty() {
        return Err(CliError::input(format!("{} has no readable frame", input.display())));
    }
    Ok(out)
}

/// Runs `mirrorcue bench`; returns the exit code.
pub fn run(args: &BenchArgs) -> Result<u8, CliError> {
    if args.live {
        return live::run(args);
    }
    if let Some(minutes) = args.soak {
        return soak::run(args, minutes);
    }
    if let Some(inputs) = &args.side_by_side {
        return side_by_side::run(args, inputs);
    }
    stages::run(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let d: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let s = summarize(&d);
        assert_eq!(s.median_ms, 50.0);
        assert_eq!(s.p95_ms, 95.0);
        assert_eq!(summarize(&[]).median_ms, 0.0);
    }
}
