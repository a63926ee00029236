//! `mirrorcue bench`: per-stage timings per model and engine on a recording.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;

use super::{CliError, CommonArgs, EXIT_ENGINE, EXIT_INPUT, EXIT_OK, EXIT_OUTPUT};
use crate::Frame;
use crate::pose::{Engine, EngineChoice, EngineConfig, EstimatorConfig, PoseEstimator, PoseModel};
use crate::source;

/// `mirrorcue bench`.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Recording to measure on (default: the bundled squat recording).
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// How many frames to time per model (after 3 warm-up frames).
    #[arg(long, default_value_t = 60)]
    pub frames: usize,
    /// Models to time (comma-separated; default all).
    #[arg(long, value_delimiter = ',', value_parser = super::parse_model)]
    pub model: Vec<PoseModel>,
    /// Also write the results as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
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

#[derive(Debug, serde::Serialize)]
struct Row {
    model: &'static str,
    engine: &'static str,
    preprocess: Summary,
    inference: Summary,
    postprocess: Summary,
    smoothing: Summary,
    pose_stage: Summary,
    pose_over_inference: f64,
    frames: usize,
}

fn bundled_recording() -> PathBuf {
    let rel = PathBuf::from("assets/recordings/tfjs_pose_squats.mp4");
    if let Some(mut dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(PathBuf::from)) {
        for _ in 0..4 {
            if dir.join(&rel).exists() {
                return dir.join(&rel);
            }
            if !dir.pop() {
                break;
            }
        }
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Runs `mirrorcue bench`; returns the exit code.
pub fn run(args: &BenchArgs) -> Result<u8, CliError> {
    let input = args.input.clone().unwrap_or_else(bundled_recording);
    let mut src = source::open(&input).map_err(|e| CliError::new(EXIT_INPUT, e.to_string()))?;
    let wanted = args.frames.max(1) + 3;
    let mut frames: Vec<Frame> = Vec::new();
    let mut decode = Vec::new();
    // Loop the recording if it is shorter than asked.
    while frames.len() < wanted {
        let t = Instant::now();
        match src.next_frame() {
            Some(Ok(f)) => {
                decode.push(t.elapsed());
                frames.push(f);
            }
            Some(Err(e)) if e.is_fatal() => return Err(CliError::new(EXIT_INPUT, e.to_string())),
            Some(Err(_)) => continue,
            None if frames.is_empty() => {
                return Err(CliError::new(EXIT_INPUT, format!("{} has no readable frame", input.display())));
            }
            None => src.rewind().map_err(|e| CliError::new(EXIT_INPUT, e.to_string()))?,
        }
    }
    let info = src.info().clone();
    println!("recording: {} ({}x{}, {} frames timed per model)", info.name, info.width, info.height, args.frames);
    let d = summarize(&decode);
    println!("video decoding: median {:.2} ms, p95 {:.2} ms per frame\n", d.median_ms, d.p95_ms);

    let mut engines = Vec::new();
    match args.common.engine {
        EngineChoice::Auto => {
            let cfg = EngineConfig { choice: EngineChoice::OnnxRuntime, ..args.common.engine_config() };
            match Engine::select(&cfg) {
                Ok(e) => engines.push(e),
                Err(e) => println!("(ONNX Runtime not timed: {e})\n"),
            }
            let tract = EngineConfig { choice: EngineChoice::Tract, ..args.common.engine_config() };
            engines.push(Engine::select(&tract).map_err(|e| CliError::new(EXIT_ENGINE, e.to_string()))?);
        }
        _ => engines
            .push(Engine::select(&args.common.engine_config()).map_err(|e| CliError::new(EXIT_ENGINE, e.to_string()))?),
    }
    let models = if args.model.is_empty() { PoseModel::ALL.to_vec() } else { args.model.clone() };
    let store = args.common.model_store();

    println!(
        "{:<18} {:<11} {:>15} {:>15} {:>15} {:>13} {:>15} {:>9}",
        "model", "engine", "pre-process", "inference", "decode output", "smoothing", "pose stage", "stage/inf"
    );
    println!(
        "{:<18} {:<11} {:>15} {:>15} {:>15} {:>13} {:>15} {:>9}",
        "", "", "med / p95 ms", "med / p95 ms", "med / p95 ms", "med / p95 ms", "med / p95 ms", "median"
    );
    let mut rows = Vec::new();
    for engine in &engines {
        for &model in &models {
            let mut est = PoseEstimator::new(&store, engine, EstimatorConfig::video(model))?;
            let mut times = Vec::new();
            for (i, f) in frames.iter().enumerate() {
                est.estimate(f)?;
                if i >= 3 {
                    times.push(est.last_times());
                }
            }
            let pick =
                |g: fn(&crate::pose::StageTimes) -> Duration| summarize(&times.iter().map(g).collect::<Vec<_>>());
            let row = Row {
                model: model.name(),
                engine: engine.kind().name(),
                preprocess: pick(|t| t.preprocess),
                inference: pick(|t| t.inference),
                postprocess: pick(|t| t.postprocess),
                smoothing: pick(|t| t.smoothing),
                pose_stage: pick(|t| t.total()),
                pose_over_inference: {
                    let mut r: Vec<f64> = times
                        .iter()
                        .filter(|t| !t.inference.is_zero())
                        .map(|t| t.total().as_secs_f64() / t.inference.as_secs_f64())
                        .collect();
                    r.sort_by(f64::total_cmp);
                    r.get(r.len() / 2).copied().unwrap_or(0.0)
                },
                frames: times.len(),
            };
            let c = |s: Summary| format!("{:.2} / {:.2}", s.median_ms, s.p95_ms);
            println!(
                "{:<18} {:<11} {:>15} {:>15} {:>15} {:>13} {:>15} {:>9.3}",
                row.model,
                row.engine,
                c(row.preprocess),
                c(row.inference),
                c(row.postprocess),
                c(row.smoothing),
                c(row.pose_stage),
                row.pose_over_inference
            );
            rows.push(row);
        }
    }
    if let Some(path) = &args.json {
        let v = serde_json::json!({ "recording": info.name, "decode": d, "rows": rows });
        std::fs::write(path, serde_json::to_string_pretty(&v).unwrap_or_default())
            .map_err(|e| CliError::new(EXIT_OUTPUT, format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(EXIT_OK)
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
