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
    /// Measure the live path instead: frames of the recording scaled to 1280x720, fed at 30 fps as a camera would,
    /// through the capture, pose and display threads (MoveNet Lightning unless --model says otherwise); reports the
    /// latency from capture to a displayable image and the frames dropped.
    #[arg(long)]
    pub live: bool,
    /// How long the live measurement runs.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
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
    let mut src = source::open(input).map_err(|e| CliError::new(EXIT_INPUT, e.to_string()))?;
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
            Some(Err(e)) if e.is_fatal() => return Err(CliError::new(EXIT_INPUT, e.to_string())),
            Some(Err(_)) => continue,
            None if !any => {
                return Err(CliError::new(EXIT_INPUT, format!("{} has no readable frame", input.display())));
            }
            None => src.rewind().map_err(|e| CliError::new(EXIT_INPUT, e.to_string()))?,
        }
    }
    Ok(decode)
}

/// Runs `mirrorcue bench`; returns the exit code.
pub fn run(args: &BenchArgs) -> Result<u8, CliError> {
    if args.live {
        return run_live(args);
    }
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
    if let Some(path) = &args.json {
        let v = serde_json::json!({ "recording": info.0, "decode": d, "rows": rows });
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

/// Frames of `input` fitted into 1280×720 (letterboxed), at most `max` of them.
pub fn frames_1280x720(input: &std::path::Path, max: usize) -> Result<Vec<image::RgbImage>, CliError> {
    let mut src = source::open(input).map_err(|e| CliError::new(EXIT_INPUT, e.to_string()))?;
    let mut out = Vec::new();
    while out.len() < max {
        match src.next_frame() {
            Some(Ok(f)) => {
                let scale = (1280.0 / f.width() as f32).min(720.0 / f.height() as f32);
                let (w, h) = ((f.width() as f32 * scale) as u32, (f.height() as f32 * scale) as u32);
                let small = image::imageops::resize(&*f.image, w, h, image::imageops::FilterType::Triangle);
                let mut canvas = image::RgbImage::new(1280, 720);
                image::imageops::overlay(&mut canvas, &small, ((1280 - w) / 2) as i64, ((720 - h) / 2) as i64);
                out.push(canvas);
            }
            Some(Err(e)) if e.is_fatal() => return Err(CliError::new(EXIT_INPUT, e.to_string())),
            Some(Err(_)) => {}
            None => break,
        }
    }
    if out.is_empty() {
        return Err(CliError::new(EXIT_INPUT, format!("{} has no readable frame", input.display())));
    }
    Ok(out)
}

/// The live path's numbers.
#[derive(Debug, serde::Serialize)]
pub struct LiveReport {
    /// Frames the source delivered.
    pub captured: u64,
    /// Frames the pose stage finished.
    pub processed: u64,
    /// Frames replaced before the pose stage took them.
    pub dropped_for_processing: u64,
    /// Results replaced before the display took them.
    pub dropped_for_display: u64,
    /// Capture → displayable image, ms.
    pub latency: Summary,
    /// Pose stage per frame, ms.
    pub pose: Summary,
    /// Rendering the mirror view and preparing the texture, ms.
    pub view: Summary,
}

/// Runs the live path headless on `frames` (fed at `fps`) for `seconds`, rendering the mirror view as the app does.
pub fn measure_live(
    frames: Vec<image::RgbImage>,
    fps: f64,
    seconds: f64,
    settings: crate::live::PoseSettings,
    engine: EngineConfig,
    store: crate::pose::ModelStore,
) -> LiveReport {
    use crate::live::{LivePipeline, MemorySource};
    use crate::view::{DisplayImage, MirrorMode, Seam, ViewTransform};
    let factory: crate::live::SourceFactory = {
        let frames = frames.clone();
        Box::new(move || Ok(Box::new(MemorySource::new("1280x720 test camera", frames.clone(), fps, true)) as _))
    };
    let pipeline = LivePipeline::start(factory, settings, engine, store, std::sync::Arc::new(|| {}));
    // Let the model load and warm up before measuring.
    let warm_until = Instant::now() + Duration::from_secs(2);
    while Instant::now() < warm_until {
        pipeline.wait_result(Duration::from_millis(100));
    }
    let start_stats = pipeline.stats();
    let (mut latency, mut pose, mut view_t) = (Vec::new(), Vec::new(), Vec::new());
    let mut display = DisplayImage::default();
    let end = Instant::now() + Duration::from_secs_f64(seconds);
    while Instant::now() < end {
        let Some(r) = pipeline.wait_result(Duration::from_millis(200)) else { continue };
        let t = Instant::now();
        let view = ViewTransform::new(
            MirrorMode::Mirror,
            r.frame.width(),
            r.frame.height(),
            Seam::vertical(640.0),
            r.pose.as_ref(),
            false,
            0.02,
        );
        view.render(&r.frame.image, &mut display);
        // What the app hands to the GPU: one copy of the RGBA pixels.
        let upload: Vec<u8> = display.rgba.clone();
        std::hint::black_box(&upload);
        view_t.push(t.elapsed());
        latency.push(r.captured_at.elapsed());
        pose.push(r.pose_time);
    }
    let s = pipeline.stats();
    pipeline.stop();
    LiveReport {
        captured: s.captured - start_stats.captured,
        processed: s.processed - start_stats.processed,
        dropped_for_processing: s.dropped_for_processing - start_stats.dropped_for_processing,
        dropped_for_display: s.dropped_for_display - start_stats.dropped_for_display,
        latency: summarize(&latency),
        pose: summarize(&pose),
        view: summarize(&view_t),
    }
}

fn run_live(args: &BenchArgs) -> Result<u8, CliError> {
    let input = args.input.clone().unwrap_or_else(crate::assets::bundled_recording);
    let frames = frames_1280x720(&input, 120)?;
    let model = args.model.first().copied().unwrap_or(PoseModel::MovenetLightning);
    let engine = Engine::select(&args.common.engine_config()).map_err(|e| CliError::new(EXIT_ENGINE, e.to_string()))?;
    println!(
        "live path: {} frames of {} at 1280x720, fed at 30 fps for {:.0} s; {} on {}",
        frames.len(),
        input.display(),
        args.seconds,
        model.label(),
        engine.report()
    );
    let settings = crate::live::PoseSettings { model, ..Default::default() };
    let r = measure_live(frames, 30.0, args.seconds, settings, args.common.engine_config(), args.common.model_store());
    println!(
        "frames captured {}, processed {}, dropped for processing {}, dropped for display {}",
        r.captured, r.processed, r.dropped_for_processing, r.dropped_for_display
    );
    println!("capture -> displayable image: median {:.2} ms, p95 {:.2} ms", r.latency.median_ms, r.latency.p95_ms);
    println!(
        "pose stage: median {:.2} ms, p95 {:.2} ms; mirror view + texture copy: median {:.2} ms, p95 {:.2} ms",
        r.pose.median_ms, r.pose.p95_ms, r.view.median_ms, r.view.p95_ms
    );
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&r).unwrap_or_default())
            .map_err(|e| CliError::new(EXIT_OUTPUT, format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(EXIT_OK)
}
