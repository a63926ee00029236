//! `mirrorcue bench --soak [MINUTES]`: the live path on a looping recording for a long time (an hour by default),
//! as the app plays it (the recording's own pace, looping, pose on its thread, the mirror view rendered for each
//! result). Memory (the process's resident set) and the pipeline's counters are sampled once a minute; the verdict
//! is on what happens after the first minute (the models load and warm up in it, and a 30 fps source drops a few
//! frames while they do): memory growth (at most 5 % allowed) and frames dropped for processing (none allowed).

use std::time::{Duration, Instant};

use super::{BenchArgs, write_json};
use crate::cli::{CliError, EXIT_OK};
use crate::pose::{Engine, PoseModel};

/// Growth of memory after the first minute that still counts as flat.
pub const FLAT_GROWTH: f64 = 0.05;

/// One minute of the soak.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SoakSample {
    /// Minutes since the start.
    pub minute: u32,
    /// The process's resident memory, MiB (`None` where the system does not say).
    pub rss_mib: Option<f64>,
    /// Frames from the source so far.
    pub captured: u64,
    /// Frames the pose stage finished so far.
    pub processed: u64,
    /// Frames dropped because the pose stage was busy, so far.
    pub dropped_for_processing: u64,
    /// The slowest pose step in this minute, ms (one longer than a frame period drops a frame).
    pub slowest_pose_ms: f64,
    /// The shortest time between two captured frames in this minute, ms (two close together drop one).
    pub closest_frames_ms: Option<f64>,
}

/// The soak's result.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SoakReport {
    /// One sample a minute.
    pub samples: Vec<SoakSample>,
    /// Memory growth from the first minute's sample to the largest later one, as a fraction (0.05 = 5 %).
    pub growth_after_first_minute: Option<f64>,
    /// Frames dropped for processing after the first minute.
    pub dropped_after_first_minute: u64,
    /// Whether memory stayed flat ([`FLAT_GROWTH`]) and no frame was dropped for processing after the first minute.
    pub passed: bool,
}

/// The process's resident memory in bytes (Linux: `/proc/self/status`), or `None`.
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The verdict over the samples: the memory growth and the frames dropped for processing after the first minute, and
/// whether the soak passed.
pub fn verdict(samples: &[SoakSample]) -> (Option<f64>, u64, bool) {
    let first = samples.first().and_then(|s| s.rss_mib);
    let later = samples.iter().skip(1).filter_map(|s| s.rss_mib).reduce(f64::max);
    let growth = match (first, later) {
        (Some(a), Some(b)) if a > 0.0 => Some((b - a) / a),
        _ => None,
    };
    let dropped = match (samples.first(), samples.last()) {
        (Some(a), Some(b)) => b.dropped_for_processing.saturating_sub(a.dropped_for_processing),
        _ => 0,
    };
    (growth, dropped, growth.is_some_and(|g| g <= FLAT_GROWTH) && dropped == 0)
}

/// Runs the live path on `input`, looping, for `minutes`, sampling once a minute (`on_sample` sees each sample).
pub fn soak(
    input: &std::path::Path,
    minutes: f64,
    settings: crate::live::PoseSettings,
    engine: crate::pose::EngineConfig,
    store: crate::pose::ModelStore,
    mut on_sample: impl FnMut(&SoakSample),
) -> SoakReport {
    use crate::live::LivePipeline;
    use crate::view::{DisplayImage, MirrorMode, Seam, ViewTransform};
    let path = input.to_path_buf();
    let factory: crate::live::SourceFactory = Box::new(move || crate::source::open(&path));
    let pipeline = LivePipeline::start(factory, settings, engine, store, std::sync::Arc::new(|| {}));
    pipeline.set_looping(true);
    let mut display = DisplayImage::default();
    let start = Instant::now();
    let end = start + Duration::from_secs_f64(minutes * 60.0);
    let mut next_sample = start + Duration::from_secs(60);
    let mut samples = Vec::new();
    while Instant::now() < end {
        if let Some(r) = pipeline.wait_result(Duration::from_millis(200)) {
            let view = ViewTransform::new(
                MirrorMode::Mirror,
                r.frame.width(),
                r.frame.height(),
                Seam::vertical(r.frame.width() as f32 / 2.0),
                r.pose.as_ref(),
                false,
                0.02,
            );
            view.render(&r.frame.image, &mut display);
            std::hint::black_box(&display.rgba);
        }
        if Instant::now() >= next_sample {
            next_sample += Duration::from_secs(60);
            let s = pipeline.stats();
            let extremes = pipeline.take_extremes();
            let ms = |d: Duration| crate::units::round_to(d.as_secs_f64() * 1e3, 1);
            let sample = SoakSample {
                minute: samples.len() as u32 + 1,
                rss_mib: resident_bytes().map(|b| crate::units::round_to(b as f64 / (1024.0 * 1024.0), 1)),
                captured: s.captured,
                processed: s.processed,
                dropped_for_processing: s.dropped_for_processing,
                slowest_pose_ms: ms(extremes.slowest_pose),
                closest_frames_ms: extremes.closest_frames.map(ms),
            };
            on_sample(&sample);
            samples.push(sample);
        }
    }
    pipeline.stop();
    let (growth, dropped, passed) = verdict(&samples);
    SoakReport { samples, growth_after_first_minute: growth, dropped_after_first_minute: dropped, passed }
}

/// Runs `mirrorcue bench --soak`; returns the exit code.
pub fn run(args: &BenchArgs, minutes: f64) -> Result<u8, CliError> {
    let input = args.input.clone().unwrap_or_else(crate::assets::bundled_recording);
    crate::source::open(&input)?;
    let model = args.model.first().copied().unwrap_or(PoseModel::MovenetLightning);
    let engine = Engine::select(&args.common.engine_config())?;
    println!(
        "soak: {} looping for {minutes} min at its own pace; {} on {}; memory sampled once a minute",
        input.display(),
        model.label(),
        engine.report()
    );
    println!(
        "minute  resident memory  frames captured  processed  dropped for processing  slowest pose step  closest \
         frames"
    );
    let settings = crate::live::PoseSettings { model, ..Default::default() };
    let report = soak(&input, minutes, settings, args.common.engine_config(), args.common.model_store(), |s| {
        println!(
            "{:>6}  {:>15}  {:>15}  {:>9}  {:>22}  {:>17}  {:>14}",
            s.minute,
            s.rss_mib.map_or("unknown".into(), |m| format!("{m:.1} MiB")),
            s.captured,
            s.processed,
            s.dropped_for_processing,
            format!("{:.1} ms", s.slowest_pose_ms),
            s.closest_frames_ms.map_or("-".into(), |m| format!("{m:.1} ms")),
        );
    });
    match report.growth_after_first_minute {
        Some(g) => println!(
            "after the first minute: memory {:+.1} % at most (flat is at most {:.0} %), {} frames dropped for \
             processing; {}",
            g * 100.0,
            FLAT_GROWTH * 100.0,
            report.dropped_after_first_minute,
            if report.passed { "passed" } else { "NOT passed" }
        ),
        None => println!("memory growth: not measured (under 2 minutes, or the system does not report memory)"),
    }
    write_json(args.json.as_deref(), &report)?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(minute: u32, rss: f64, dropped: u64) -> SoakSample {
        SoakSample {
            minute,
            rss_mib: Some(rss),
            captured: 0,
            processed: 0,
            dropped_for_processing: dropped,
            slowest_pose_ms: 10.0,
            closest_frames_ms: Some(33.3),
        }
    }

    #[test]
    fn flat_memory_and_no_drops_pass_and_growth_or_drops_fail() {
        let flat = [sample(1, 200.0, 0), sample(2, 205.0, 0), sample(3, 209.0, 0)];
        let (g, dropped, ok) = verdict(&flat);
        assert!((g.unwrap() - 0.045).abs() < 1e-9 && dropped == 0 && ok);
        assert!(!verdict(&[sample(1, 200.0, 0), sample(2, 211.0, 0)]).2, "5.5 % growth");
        assert_eq!(verdict(&[sample(1, 200.0, 0), sample(2, 200.0, 3)]), (Some(0.0), 3, false), "dropped frames");
        // Frames dropped while the models loaded, in the first minute, are not held against the soak.
        assert_eq!(verdict(&[sample(1, 200.0, 8), sample(2, 200.0, 8)]), (Some(0.0), 0, true), "warm-up drops");
        assert_eq!(verdict(&[sample(1, 200.0, 0)]), (None, 0, false), "one minute says nothing");
        assert!(resident_bytes().is_none_or(|b| b > 1024 * 1024), "this process takes over a MiB");
    }
}
