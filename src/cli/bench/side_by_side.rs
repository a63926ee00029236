//! `mirrorcue bench --side-by-side`: two recordings played side by side as the app plays them, without a window.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::display::{SideBySideDisplay, TickOutcome, TickTimes};
use super::footage::{SIDE_BY_SIDE_FOOTAGE, SIDE_BY_SIDE_FPS, SIDE_BY_SIDE_SIZE, TempDir, make_recording};
use super::{BenchArgs, Summary, summarize, write_json};
use crate::cli::{CliError, EXIT_ENGINE, EXIT_OK};
use crate::compare::Clip;
use crate::pose::{Engine, EstimatorConfig, PoseEstimator, PoseModel};
use crate::source;

/// The display tick: a 60 Hz monitor.
const DISPLAY_HZ: f64 = 60.0;
/// A pane keeps its rate when it shows at least this share of it in distinct frames per second (29.5 of 30: at most
/// one frame in 60 lost).
const KEEPS_RATE: f64 = 29.5 / 30.0;

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

/// Runs `mirrorcue bench --side-by-side [A B]`; returns the exit code.
pub fn run(args: &BenchArgs, inputs: &[PathBuf]) -> Result<u8, CliError> {
    use crate::live::{LivePipeline, PoseSettings};
    let usage =
        || CliError::usage("--side-by-side takes no recording (it makes two) or two: the patient's and the reference");
    if inputs.len() == 1 {
        return Err(usage());
    }
    let model = args.model.first().copied().unwrap_or(PoseModel::MovenetLightning);
    let engine = Engine::select(&args.common.engine_config())?;
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
                    return Err(CliError::input(format!(
                        "{} is missing (it comes with the source tree); give two recordings instead: \
                         --side-by-side A B",
                        path.display()
                    )));
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
    let patient_fps = source::open(&a)?.info().fps;
    // 30 fps, or the patient recording's own rate when clearly lower (a 29.97 fps recording is held to 30).
    let target_fps = patient_fps.filter(|f| *f > 0.0 && *f < SIDE_BY_SIDE_FPS - 0.5).unwrap_or(SIDE_BY_SIDE_FPS);

    // The reference: loaded into memory as the app loads it (a recording folder brings its poses).
    let t = Instant::now();
    let clip = {
        let mut est = PoseEstimator::new(&store, &engine, EstimatorConfig::video(model))?;
        Clip::load(&b, Some(&mut est), crate::compare::clip::DEFAULT_CLIP_BYTES, |_| true)?
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
        crate::compare::reference_mirror(display.settings.mirror, display.compare.session.kind)
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
    write_json(args.json.as_deref(), &r)?;
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
