//! `mirrorcue bench` (the default): per-stage timings per model and engine on a recording.

use std::time::{Duration, Instant};

use super::{BenchArgs, Summary, summarize, write_json};
use crate::Frame;
use crate::cli::{CliError, EXIT_OK};
use crate::pose::{Engine, EngineChoice, EngineConfig, EstimatorConfig, PoseEstimator, PoseModel};
use crate::source;

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

/// Decodes `n` frames of `input` (looping it if shorter) and hands each to `f` as soon as it is decoded; returns
/// how long each decode took.
fn stream_frames(
    input: &std::path::Path,
    n: usize,
    mut f: impl FnMut(&Frame) -> Result<(), CliError>,
) -> Result<Vec<Duration>, CliError> {
    let mut src = source::open(input)?;
    let mut decode = Vec::with_capacity(n);
    let mut any = false;
    while decode.len() < n {
        let t = Instant::now();
        match src.next_frame() {
            Some(Ok(frame)) => {
                decode.push(t.elapsed());
                any = true;
                f(&frame)?;
            }
            Some(Err(e)) if e.is_fatal() => return Err(e.into()),
            Some(Err(_)) => continue,
            None if !any => {
                return Err(CliError::input(format!("{} has no readable frame", input.display())));
            }
            None => src.rewind()?,
        }
    }
    Ok(decode)
}

/// Times decoding, then each stage of the pose estimator per engine and model; returns the exit code.
pub fn run(args: &BenchArgs) -> Result<u8, CliError> {
    let input = args.input.clone().unwrap_or_else(crate::assets::bundled_recording);
    let wanted = args.frames.max(1) + 3;
    // A first pass times decoding alone, and notes what the recording is.
    let mut info = (String::new(), 0, 0);
    let decode = stream_frames(&input, wanted, |f| {
        info = (f.source.clone(), f.width(), f.height());
        Ok(())
    })?;
    println!("recording: {} ({}x{}, {} frames timed per model)", info.0, info.1, info.2, args.frames);
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
            engines.push(Engine::select(&tract)?);
        }
        _ => engines.push(Engine::select(&args.common.engine_config())?),
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
            // Each frame is decoded just before its pose, as in `analyze` and the live app (the pixels are fresh in
            // the cache, as they are in real use).
            let mut i = 0;
            stream_frames(&input, wanted, |f| {
                est.estimate(f)?;
                if i >= 3 {
                    times.push(est.last_times());
                }
                i += 1;
                Ok(())
            })?;
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
    let v = serde_json::json!({ "recording": info.0, "decode": d, "rows": rows });
    write_json(args.json.as_deref(), &v)?;
    Ok(EXIT_OK)
}
