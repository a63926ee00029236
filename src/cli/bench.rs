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
    /// Measure side-by-side playback as the app plays it, without a window: the patient's recording played live
    /// (decode and pose at real-time pace) beside a reference held in memory, both panes rendered at a 60 Hz display
    /// tick; --seconds with the reference following the patient's movement, then --seconds playing together.
    /// Without A B it first makes two 1280x720, 30 fps, 10 s recordings (video + poses from --model) in a temporary
    /// folder from the test footage, each frame stretched to 1280x720. Reports the distinct frames each pane showed
    /// per second against 30 fps, dropped frames and the display tick's cost. A (patient) and B (reference) may be
    /// any recordings, videos or recording folders.
    #[arg(long, num_args = 0..=2, value_names = ["A", "B"], conflicts_with = "live")]
    pub side_by_side: Option<Vec<PathBuf>>,
    /// How long the live or side-by-side measurement runs.
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
    if let Some(inputs) = &args.side_by_side {
        return run_side_by_side(args, inputs);
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

    #[test]
    fn a_headless_side_by_side_tick_renders_both_panes_once_per_new_frame() {
        let frame = |i: u64| Frame::new(image::RgbImage::new(64, 36), i, i as f64 / 30.0, "t");
        let clip = Clip::from_frames("r", (0..10).map(|i| (frame(i), None)).collect(), 30.0);
        let mut d = SideBySideDisplay::new(clip);
        let out = d.tick(Some((frame(0), None)), 0.0);
        assert!(out.patient_shown && out.reference_shown && out.reference_moved);
        assert!(d.patient.texture.is_some() && d.compare.pane.texture.is_some());
        assert_eq!(d.patient.display.width, 64);
        // No new frame: nothing to render again.
        let out = d.tick(None, 1.0 / 60.0);
        assert!(!out.patient_shown && !out.reference_shown);
        assert!(d.tick(Some((frame(1), None)), 1.0 / 60.0).patient_shown);
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

// --- Side by side -----------------------------------------------------------------------------------------------

use crate::compare::Clip;
use crate::pose::Pose;
use crate::ui::compare::CompareState;
use crate::ui::pane::Pane;
use crate::ui::settings::Settings;

/// Frame size of the recordings `bench --side-by-side` makes.
pub const SIDE_BY_SIDE_SIZE: (u32, u32) = (1280, 720);
/// Their frame rate, and the rate each pane must keep.
pub const SIDE_BY_SIDE_FPS: f64 = 30.0;
/// Their length, seconds.
const SIDE_BY_SIDE_RECORDING_S: f64 = 10.0;
/// The display tick: a 60 Hz monitor.
const DISPLAY_HZ: f64 = 60.0;
/// A pane keeps its rate when it shows at least this share of it in distinct frames per second (29.5 of 30: at most
/// one frame in 60 lost).
const KEEPS_RATE: f64 = 29.5 / 30.0;
/// The footage the two recordings are made of. The patient's is decoded live, so it is real camera footage of a busy
/// lab (1080x1920, 60 fps), whose decoding costs what a real session's does; the reference is decoded once, into
/// memory, and brings steady poses for the ghost (576x576, 30 fps, computer-generated).
const SIDE_BY_SIDE_FOOTAGE: [&str; 2] =
    ["tests/data/videos/pose2sim_singleperson_cam01.mp4", "tests/data/videos/tfjs_pose_1_synthetic_arm_raises.mp4"];

/// How long each part of one display tick took.
#[derive(Clone, Copy, Debug, Default)]
pub struct TickTimes {
    /// `CompareSession::on_patient_frame` (the movement follower, scores) and `advance`.
    pub session: Duration,
    /// The patient pane's `Pane::show_frame` (mirror view, RGBA to `ColorImage`, texture set).
    pub patient_pane: Duration,
    /// The reference pane's `Pane::show_frame`.
    pub reference_pane: Duration,
    /// `CompareSession::ghost`.
    pub ghost: Duration,
    /// The rest of egui's pass: laying out and painting both panes (image, overlay, ghost, captions), ending the pass.
    pub draw: Duration,
    /// Tessellating what was painted into meshes (the last CPU step before the GPU).
    pub tessellate: Duration,
}

/// What one display tick did.
#[derive(Clone, Copy, Debug, Default)]
pub struct TickOutcome {
    /// The patient pane rendered a new frame.
    pub patient_shown: bool,
    /// The reference pane rendered a new frame.
    pub reference_shown: bool,
    /// The reference frame the session asks for differs from the last tick's.
    pub reference_moved: bool,
    /// A ghost was computed.
    pub ghost: bool,
    /// Where the time went.
    pub times: TickTimes,
}

/// What the app's UI thread does for side by side, per display tick, without a window: `MirrorcueApp::poll` (the
/// patient's new frame into the comparison, the reference's clock, both panes through `Pane::show_frame` into
/// egui textures), the ghost, and drawing both panes with `ui::compare::show_panes`, inside a headless
/// `egui::Context` pass followed by tessellation. Only the GPU upload and painting are left out (there is no GPU).
pub struct SideBySideDisplay {
    /// The headless egui context (textures are set in it as in the app).
    pub ctx: egui::Context,
    /// The app's comparison state: the reference clip in memory (following the patient's movement) and its pane.
    pub compare: CompareState,
    /// The app's settings (defaults: the patient's pane mirrored, skeleton and ghost on).
    pub settings: Settings,
    /// The patient's pane.
    pub patient: Pane,
    /// Also lay out, paint and tessellate the panes (off: only the `poll` part and the ghost).
    pub draw: bool,
    current: Option<(Frame, Option<Pose>)>,
    last_reference: Option<usize>,
    screen: egui::Rect,
}

impl SideBySideDisplay {
    /// Two panes on a 1920×1080 screen, `clip` as the reference following the patient's movement.
    pub fn new(clip: Clip) -> Self {
        let mut compare = CompareState::default();
        compare.set_reference(clip);
        compare.session.follow_movement();
        SideBySideDisplay {
            ctx: egui::Context::default(),
            compare,
            settings: Settings::default(),
            patient: Pane::default(),
            draw: true,
            current: None,
            last_reference: None,
            screen: egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1920.0, 1080.0)),
        }
    }

    /// One display tick: `fresh` is the patient's new frame and pose if one arrived (`LivePipeline::take_result`),
    /// `dt_s` the time since the last tick.
    pub fn tick(&mut self, fresh: Option<(Frame, Option<Pose>)>, dt_s: f64) -> TickOutcome {
        let mut out = TickOutcome::default();
        let mut fresh = fresh;
        let mut polled = false;
        let mut ghost = None;
        let ctx = self.ctx.clone();
        let raw = egui::RawInput { screen_rect: Some(self.screen), ..Default::default() };
        let pass_start = Instant::now();
        let full = ctx.run(raw, |ctx| {
            // egui may run a pass twice (when the first is discarded); the app's poll happens once per tick.
            if !polled {
                polled = true;
                // MirrorcueApp::poll: the new frame into the comparison, then the reference's own clock.
                let t0 = Instant::now();
                if let Some((frame, pose)) = fresh.take() {
                    self.compare.on_patient_frame(&frame, pose.as_ref(), &[]);
                    self.current = Some((frame, pose));
                }
                self.compare.tick_by(dt_s);
                let t1 = Instant::now();
                out.times.session = t1 - t0;
                if let Some((frame, pose)) = &self.current {
                    let (mode, seam) = (self.settings.mirror, &self.settings.seam);
                    out.patient_shown =
                        self.patient.show_frame(ctx, "mirrorcue-view", frame, pose.as_ref(), mode, seam).is_some();
                    let t2 = Instant::now();
                    out.times.patient_pane = t2 - t1;
                    let index = self.compare.session.reference_index();
                    out.reference_moved = index != self.last_reference;
                    self.last_reference = index;
                    out.reference_shown = self.compare.render_reference(ctx, frame, pose.as_ref(), &self.settings);
                    out.times.reference_pane = t2.elapsed();
                }
                let t3 = Instant::now();
                let min_score = self.settings.overlay.min_score;
                ghost = self.compare.ghost_display(self.settings.ghost, self.patient.pose.as_ref(), min_score);
                out.ghost = ghost.is_some();
                out.times.ghost = t3.elapsed();
            }
            if self.draw {
                use crate::ui::patient::ViewContent;
                let caption = self.compare.caption();
                let main = ViewContent {
                    texture: self.patient.texture.as_ref(),
                    view: self.patient.view.as_ref(),
                    pose: self.patient.pose.as_ref(),
                    overlay: Some(&self.settings.overlay),
                    caption: Some("Recording"),
                    ghost: ghost.clone(),
                    badge: self.compare.badge(),
                    ..ViewContent::default()
                };
                let second = self.compare.reference_content(Some(&self.settings.overlay), &caption);
                egui::CentralPanel::default().frame(egui::Frame::new().fill(egui::Color32::BLACK)).show(ctx, |ui| {
                    crate::ui::compare::show_panes(ui, &main, Some(&second), self.settings.compare_layout, false);
                });
            }
        });
        let polled_time = out.times.session + out.times.patient_pane + out.times.reference_pane + out.times.ghost;
        out.times.draw = pass_start.elapsed().saturating_sub(polled_time);
        let t = Instant::now();
        if self.draw {
            std::hint::black_box(ctx.tessellate(full.shapes, full.pixels_per_point));
        }
        // What a painter would upload; here the pixels are dropped.
        drop(std::hint::black_box(full.textures_delta));
        out.times.tessellate = t.elapsed();
        out
    }
}

/// Removes the temporary recordings when the bench ends, however it ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a made recording is.
struct MadeRecording {
    dir: PathBuf,
    source: String,
    source_size: (u32, u32),
    source_frames: usize,
    frames: u64,
    with_pose: usize,
}

/// Every frame of `input` (at most `max`) stretched to 1280×720 (the whole frame, not cropped, no borders), and the
/// frames' original size.
pub fn frames_stretched(input: &std::path::Path, max: usize) -> Result<(Vec<image::RgbImage>, (u32, u32)), CliError> {
    let (w, h) = SIDE_BY_SIDE_SIZE;
    let mut src = source::open(input).map_err(|e| CliError::new(EXIT_INPUT, e.to_string()))?;
    let (mut out, mut size) = (Vec::new(), (0, 0));
    while out.len() < max {
        match src.next_frame() {
            Some(Ok(f)) => {
                size = (f.width(), f.height());
                out.push(image::imageops::resize(&*f.image, w, h, image::imageops::FilterType::Triangle));
            }
            Some(Err(e)) if e.is_fatal() => return Err(CliError::new(EXIT_INPUT, e.to_string())),
            Some(Err(_)) => {}
            None => break,
        }
    }
    if out.is_empty() {
        return Err(CliError::new(EXIT_INPUT, format!("{} has no readable frame", input.display())));
    }
    Ok((out, size))
}

/// Makes a mirrorcue recording folder `dir` from `footage`: every frame stretched to 1280×720, stamped at 30 fps,
/// the footage looped until the recording lasts 10 s, each frame's pose estimated on the stretched frame.
fn make_recording(
    footage: &std::path::Path,
    dir: &std::path::Path,
    model: PoseModel,
    est: &mut PoseEstimator,
) -> Result<MadeRecording, CliError> {
    let (w, h) = SIDE_BY_SIDE_SIZE;
    let total = (SIDE_BY_SIDE_RECORDING_S * SIDE_BY_SIDE_FPS).round() as usize;
    let (stretched, source_size) = frames_stretched(footage, total)?;
    let stretched: Vec<std::sync::Arc<image::RgbImage>> = stretched.into_iter().map(std::sync::Arc::new).collect();
    let name = footage.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut writer = crate::recording::RecordingWriter::create(
        dir,
        w,
        h,
        SIDE_BY_SIDE_FPS,
        model,
        &format!("{name}, stretched to {w}x{h}, looped"),
    )
    .map_err(|e| CliError::new(EXIT_OUTPUT, e.to_string()))?;
    let mut with_pose = 0;
    for i in 0..total {
        let k = i % stretched.len();
        if k == 0 {
            // The footage starts again: a new track, as when the app loops a recording.
            est.reset();
        }
        let frame = Frame {
            image: stretched[k].clone(),
            index: i as u64,
            time_s: i as f64 / SIDE_BY_SIDE_FPS,
            source: name.clone(),
            mirrored: false,
        };
        let pose = est.estimate(&frame)?;
        with_pose += pose.is_some() as usize;
        writer.write(&frame, pose.as_ref()).map_err(|e| CliError::new(EXIT_OUTPUT, e.to_string()))?;
    }
    let manifest = writer.finish(None).map_err(|e| CliError::new(EXIT_OUTPUT, e.to_string()))?;
    Ok(MadeRecording {
        dir: dir.to_path_buf(),
        source: name,
        source_size,
        source_frames: stretched.len(),
        frames: manifest.frames,
        with_pose,
    })
}

/// One phase of side-by-side playback: what each pane showed and what the UI thread spent.
#[derive(Debug, serde::Serialize)]
pub struct PhaseReport {
    /// How the reference kept time: "follow movement" or "play together".
    pub sync: &'static str,
    /// How long was measured, seconds.
    pub seconds: f64,
    /// Display ticks in that time.
    pub ticks: u64,
    /// Ticks missed because the one before overran its slot.
    pub missed_ticks: u64,
    /// Distinct frames the patient pane rendered per second.
    pub patient_fps: f64,
    /// Distinct frames the reference pane rendered per second.
    pub reference_fps: f64,
    /// Times per second the session moved the reference to another frame.
    pub reference_moves_per_s: f64,
    /// Reference moves not rendered on the tick they happened (should be 0).
    pub reference_moves_missed: u64,
    /// Ticks with a ghost.
    pub ghost_ticks: u64,
    /// Frames the source delivered.
    pub captured: u64,
    /// Frames the pose stage finished.
    pub processed: u64,
    /// Frames replaced before the pose stage took them (capture → pose).
    pub dropped_for_processing: u64,
    /// Results replaced before the display took them (pose → display).
    pub dropped_for_display: u64,
    /// Results taken by the display but not shown as a new frame (should be 0).
    pub taken_not_shown: u64,
    /// Pose stage per frame, ms.
    pub pose: Summary,
    /// Capture → on screen (texture set), ms.
    pub latency: Summary,
    /// Every tick: everything the UI thread did, ms.
    pub tick: Summary,
    /// Every tick: the longest, ms.
    pub tick_max_ms: f64,
    /// Ticks that rendered at least one pane, ms.
    pub busy_tick: Summary,
    /// Those ticks: the longest, ms.
    pub busy_tick_max_ms: f64,
    /// Those ticks' parts: session, patient pane, reference pane, ghost, draw, tessellate.
    pub parts: Vec<(String, Summary)>,
}

/// Side-by-side playback: the reference, and both phases.
#[derive(Debug, serde::Serialize)]
pub struct SideBySideReport {
    /// The patient's recording (played live).
    pub patient: String,
    /// The reference (held in memory).
    pub reference: String,
    /// Loading the reference into memory, seconds.
    pub clip_load_s: f64,
    /// Frames held.
    pub clip_frames: usize,
    /// Bytes of pixels held.
    pub clip_bytes: usize,
    /// Size of the held frames.
    pub clip_size: (u32, u32),
    /// Following the patient's movement, then playing together.
    pub phases: Vec<PhaseReport>,
    /// The rate each pane must keep: 30 fps, or the patient recording's own rate if lower.
    pub target_fps: f64,
    /// Both panes kept it (see `print_side_by_side` for the rule).
    pub pass: bool,
}

/// Runs the display ticks of one phase.
struct Ticker {
    period: Duration,
    next: Instant,
    last: Instant,
}

/// One tick as measured from outside.
struct Tick {
    out: TickOutcome,
    took: Duration,
    missed: u64,
    taken: Option<(Instant, Duration)>,
    at: Instant,
}

impl Ticker {
    fn new() -> Self {
        let now = Instant::now();
        Ticker { period: Duration::from_secs_f64(1.0 / DISPLAY_HZ), next: now, last: now }
    }

    /// Waits for the next vsync (a tick that overran its slot misses the ones it covered), then does what the app
    /// does on it.
    fn tick(&mut self, pipeline: &crate::live::LivePipeline, display: &mut SideBySideDisplay) -> Tick {
        self.next += self.period;
        let now = Instant::now();
        let mut missed = 0;
        while self.next <= now {
            self.next += self.period;
            missed += 1;
        }
        std::thread::sleep(self.next - now);
        let start = Instant::now();
        let dt = (start - self.last).as_secs_f64().min(0.25);
        self.last = start;
        let fresh = pipeline.take_result();
        let taken = fresh.as_ref().map(|r| (r.captured_at, r.pose_time));
        let out = display.tick(fresh.map(|r| (r.frame, r.pose)), dt);
        Tick { out, took: start.elapsed(), missed, taken, at: start }
    }
}

fn measure_phase(
    sync: &'static str,
    seconds: f64,
    ticker: &mut Ticker,
    pipeline: &crate::live::LivePipeline,
    display: &mut SideBySideDisplay,
) -> PhaseReport {
    #[derive(Default)]
    struct Acc {
        ticks: u64,
        missed: u64,
        tick: Vec<Duration>,
        busy: Vec<Duration>,
        parts: Vec<TickTimes>,
        pose: Vec<Duration>,
        latency: Vec<Duration>,
        taken_not_shown: u64,
        patient_shown: u64,
        reference_shown: u64,
        reference_moves: u64,
        reference_moves_missed: u64,
        ghosts: u64,
    }
    let mut m = Acc::default();
    let s0 = pipeline.stats();
    let t0 = Instant::now();
    while t0.elapsed().as_secs_f64() < seconds {
        let t = ticker.tick(pipeline, display);
        let out = t.out;
        m.ticks += 1;
        m.missed += t.missed;
        m.tick.push(t.took);
        if let Some((captured_at, pose_time)) = t.taken {
            m.pose.push(pose_time);
            if out.patient_shown {
                m.latency.push(t.at + t.took - captured_at);
            } else {
                m.taken_not_shown += 1;
            }
        }
        m.patient_shown += out.patient_shown as u64;
        m.reference_shown += out.reference_shown as u64;
        m.reference_moves += out.reference_moved as u64;
        m.reference_moves_missed += (out.reference_moved && !out.reference_shown) as u64;
        m.ghosts += out.ghost as u64;
        if out.patient_shown || out.reference_shown {
            m.busy.push(t.took);
            m.parts.push(out.times);
        }
    }
    let elapsed = t0.elapsed().as_secs_f64();
    let s1 = pipeline.stats();
    let max_ms = |v: &[Duration]| v.iter().max().map(|d| d.as_secs_f64() * 1e3).unwrap_or(0.0);
    let part = |name: &str, g: fn(&TickTimes) -> Duration| {
        (name.to_string(), summarize(&m.parts.iter().map(g).collect::<Vec<_>>()))
    };
    PhaseReport {
        sync,
        seconds: elapsed,
        ticks: m.ticks,
        missed_ticks: m.missed,
        patient_fps: m.patient_shown as f64 / elapsed,
        reference_fps: m.reference_shown as f64 / elapsed,
        reference_moves_per_s: m.reference_moves as f64 / elapsed,
        reference_moves_missed: m.reference_moves_missed,
        ghost_ticks: m.ghosts,
        captured: s1.captured - s0.captured,
        processed: s1.processed - s0.processed,
        dropped_for_processing: s1.dropped_for_processing - s0.dropped_for_processing,
        dropped_for_display: s1.dropped_for_display - s0.dropped_for_display,
        taken_not_shown: m.taken_not_shown,
        pose: summarize(&m.pose),
        latency: summarize(&m.latency),
        tick: summarize(&m.tick),
        tick_max_ms: max_ms(&m.tick),
        busy_tick: summarize(&m.busy),
        busy_tick_max_ms: max_ms(&m.busy),
        parts: vec![
            part("session (follow/sync+score)", |t| t.session),
            part("patient pane", |t| t.patient_pane),
            part("reference pane", |t| t.reference_pane),
            part("ghost", |t| t.ghost),
            part("draw panes (egui pass)", |t| t.draw),
            part("tessellate, drop upload", |t| t.tessellate),
        ],
    }
}

fn run_side_by_side(args: &BenchArgs, inputs: &[PathBuf]) -> Result<u8, CliError> {
    use crate::live::{LivePipeline, PoseSettings};
    let usage = || {
        CliError::new(
            super::EXIT_USAGE,
            "--side-by-side takes no recording (it makes two) or two: the patient's and the reference",
        )
    };
    if inputs.len() == 1 {
        return Err(usage());
    }
    let model = args.model.first().copied().unwrap_or(PoseModel::MovenetLightning);
    let engine = Engine::select(&args.common.engine_config()).map_err(|e| CliError::new(EXIT_ENGINE, e.to_string()))?;
    let store = args.common.model_store();
    println!("side by side: {} on {}", model.label(), engine.report());
    let _temp;
    let (a, b) = match inputs {
        [] => {
            let dir = std::env::temp_dir().join(format!("mirrorcue-bench-side-by-side-{}", std::process::id()));
            _temp = TempDir(dir.clone());
            let mut est = PoseEstimator::new(&store, &engine, EstimatorConfig::video(model))?;
            let mut made = Vec::new();
            for (footage, name) in SIDE_BY_SIDE_FOOTAGE.iter().zip(["patient", "reference"]) {
                let path = crate::assets::locate(footage);
                if !path.exists() {
                    return Err(CliError::new(
                        EXIT_INPUT,
                        format!(
                            "{} is missing (it comes with the source tree); give two recordings instead: \
                             --side-by-side A B",
                            path.display()
                        ),
                    ));
                }
                let t = Instant::now();
                let r = make_recording(&path, &dir.join(name), model, &mut est)?;
                println!(
                    "made the {name} recording in {:.1} s: {} ({}x{}, {} frames) stretched to {}x{} (whole frame, \
                     not cropped, no borders), each frame one frame at {} fps, looped to {} frames; {} with a pose",
                    t.elapsed().as_secs_f64(),
                    r.source,
                    r.source_size.0,
                    r.source_size.1,
                    r.source_frames,
                    SIDE_BY_SIDE_SIZE.0,
                    SIDE_BY_SIDE_SIZE.1,
                    SIDE_BY_SIDE_FPS,
                    r.frames,
                    r.with_pose,
                );
                made.push(r.dir);
            }
            (made[0].clone(), made[1].clone())
        }
        [a, b, ..] => (a.clone(), b.clone()),
        [_] => return Err(usage()),
    };
    let patient_fps = source::open(&a).map_err(|e| CliError::new(EXIT_INPUT, e.to_string()))?.info().fps;
    // 30 fps, or the patient recording's own rate when clearly lower (a 29.97 fps recording is held to 30).
    let target_fps = patient_fps.filter(|f| *f > 0.0 && *f < SIDE_BY_SIDE_FPS - 0.5).unwrap_or(SIDE_BY_SIDE_FPS);

    // The reference: loaded into memory as the app loads it (a recording folder brings its poses).
    let t = Instant::now();
    let clip = {
        let mut est = PoseEstimator::new(&store, &engine, EstimatorConfig::video(model))?;
        Clip::load(&b, Some(&mut est), crate::compare::clip::DEFAULT_CLIP_BYTES, |_| true)
            .map_err(|e| CliError::new(EXIT_INPUT, e.to_string()))?
    };
    let clip_load_s = t.elapsed().as_secs_f64();
    let (clip_frames, clip_bytes) = (clip.len(), clip.bytes());
    let clip_size = clip.frames.first().map(|f| (f.frame.width(), f.frame.height())).unwrap_or((0, 0));
    println!(
        "reference {}: Clip::load {:.2} s, {} frames of {}x{} held in memory ({:.0} MiB){}",
        b.display(),
        clip_load_s,
        clip_frames,
        clip_size.0,
        clip_size.1,
        clip_bytes as f64 / (1 << 20) as f64,
        clip.note.as_ref().map(|n| format!("; {n}")).unwrap_or_default()
    );

    // The patient: played live, as the app plays a recording (real-time pacing, decode and pose on their threads).
    let factory: crate::live::SourceFactory = {
        let a = a.clone();
        Box::new(move || crate::source::open(&a))
    };
    let settings = PoseSettings { model, ..Default::default() };
    let pipeline =
        LivePipeline::start(factory, settings, args.common.engine_config(), store, std::sync::Arc::new(|| {}));
    let mut display = SideBySideDisplay::new(clip);
    println!(
        "patient {}: played live (LivePipeline: decode and pose threads, real-time pace, looping); panes {:?} \
         (patient) and {:?} (reference), ghost on; display ticking at {DISPLAY_HZ:.0} Hz on a headless egui context",
        a.display(),
        display.settings.mirror,
        display.compare.reference_mirror
    );

    // Warm-up: until the first frame is on screen (the model loads), then two more seconds.
    let mut ticker = Ticker::new();
    let give_up = Instant::now() + Duration::from_secs(60);
    let mut warm_until = None;
    while warm_until.is_none_or(|w| Instant::now() < w) {
        let t = ticker.tick(&pipeline, &mut display);
        if warm_until.is_none() && t.out.patient_shown {
            warm_until = Some(t.at + Duration::from_secs(2));
        }
        if warm_until.is_none() && t.at > give_up {
            let s = pipeline.stats();
            return Err(CliError::new(
                EXIT_ENGINE,
                format!(
                    "no frame of {} reached the screen in 60 s{}",
                    a.display(),
                    s.pose_error.map(|e| format!(": {e}")).unwrap_or_default()
                ),
            ));
        }
    }
    // The reference follows the patient's movement (DTW every frame), as it has since the first frame.
    let follow = measure_phase("follow movement", args.seconds, &mut ticker, &pipeline, &mut display);
    // Then both play together: a new reference frame with every patient frame, so the reference pane must keep
    // 30 fps too.
    display.compare.session.play_together();
    let together = measure_phase("play together", args.seconds, &mut ticker, &pipeline, &mut display);
    pipeline.stop();

    let keeps = |fps: f64| fps >= KEEPS_RATE * target_fps;
    let pass = keeps(follow.patient_fps)
        && follow.reference_moves_missed == 0
        && keeps(together.patient_fps)
        && keeps(together.reference_fps)
        && together.reference_moves_missed == 0;
    let r = SideBySideReport {
        patient: a.display().to_string(),
        reference: b.display().to_string(),
        clip_load_s,
        clip_frames,
        clip_bytes,
        clip_size,
        phases: vec![follow, together],
        target_fps,
        pass,
    };
    print_side_by_side(&r);
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&r).unwrap_or_default())
            .map_err(|e| CliError::new(EXIT_OUTPUT, format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(EXIT_OK)
}

fn print_side_by_side(r: &SideBySideReport) {
    let c = |s: Summary| format!("{:.2} / {:.2}", s.median_ms, s.p95_ms);
    for (i, p) in r.phases.iter().enumerate() {
        println!(
            "\n[{}] reference: {} — {:.1} s, {} display ticks, {} missed (the tick before overran its slot)",
            i + 1,
            p.sync,
            p.seconds,
            p.ticks,
            p.missed_ticks
        );
        println!(
            "  patient pane:   {:5.2} distinct frames/s shown; source: captured {}, posed {}; dropped capture->pose \
             {}, pose->display {}; taken but not shown {}",
            p.patient_fps, p.captured, p.processed, p.dropped_for_processing, p.dropped_for_display, p.taken_not_shown
        );
        println!(
            "  reference pane: {:5.2} distinct frames/s shown; the session moved it {:.2} times/s, {} moves not shown \
             on their tick; ghost on {} of {} ticks",
            p.reference_fps, p.reference_moves_per_s, p.reference_moves_missed, p.ghost_ticks, p.ticks
        );
        println!("  pose stage {} ms; capture -> on screen {} ms (median / p95)", c(p.pose), c(p.latency));
        println!(
            "  UI thread per tick, all ticks:           median / p95 / max {} / {:.2} ms",
            c(p.tick),
            p.tick_max_ms
        );
        println!(
            "  UI thread per tick, ticks with a render: median / p95 / max {} / {:.2} ms (budget {:.1} ms)",
            c(p.busy_tick),
            p.busy_tick_max_ms,
            1e3 / DISPLAY_HZ
        );
        let parts: Vec<String> = p.parts.iter().map(|(n, s)| format!("{n} {}", c(*s))).collect();
        println!("    of which (median / p95 ms): {}", parts.join("; "));
    }
    let (f, t) = (&r.phases[0], &r.phases[1]);
    println!(
        "\n{}: patient pane {:.2} / {:.2} fps (follow / together), reference pane {:.2} fps playing together, every \
         reference move shown on its tick ({} / {} missed); target {:.0} fps{} = at least {:.2} distinct frames/s per \
         pane",
        if r.pass { "PASS" } else { "FAIL" },
        f.patient_fps,
        t.patient_fps,
        t.reference_fps,
        f.reference_moves_missed,
        t.reference_moves_missed,
        r.target_fps,
        if r.target_fps < SIDE_BY_SIDE_FPS { " (the patient recording's own rate, below 30)" } else { "" },
        KEEPS_RATE * r.target_fps
    );
    println!(
        "  (following the movement, the reference shows only the frames the follower picks: {:.2}/s here; that rate \
         is the follower's, not the display's)",
        f.reference_fps
    );
}
