//! `mirrorcue analyze`: a recording in, keypoints out.
//!
//! Three stages on three threads: decoding ([`source::read_ahead()`]), the pose and hand models (the caller's thread),
//! and the output, keypoint lines and `--render`'s pictures ([`source::write_behind()`]).

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use super::hands_out::FrameHands;
use super::output::{Header, Writer};
use super::{AnalyzeArgs, CliError, EXIT_OK, EXIT_OUTPUT, EXIT_SKIPPED_FRAMES, WriteContext, refuse_inputs};
use crate::Frame;
use crate::pose::{Engine, EstimatorConfig, Framing, OneEuroParams, Pace, Pose, PoseEstimator, PoseModel, RunMode};
use crate::posture::files::OutputFile;
use crate::source::{self, Flow, OpenOptions, SourceKind};
use crate::view::{SideColors, draw_pose};

/// Where results go: a file (written by the rules of [`OutputFile`]: atomically, through links, into devices; a
/// failed run leaves no partial file), or standard output.
enum Sink {
    File(OutputFile),
    Stdout(BufWriter<std::io::Stdout>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::File(w) => w.write(buf),
            Sink::Stdout(w) => w.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::File(w) => w.flush(),
            Sink::Stdout(w) => w.flush(),
        }
    }
}

fn open_sink(out: Option<&Path>) -> Result<Sink, CliError> {
    let Some(dest) = out else {
        return Ok(Sink::Stdout(BufWriter::new(std::io::stdout())));
    };
    let f = OutputFile::create(dest)
        .map_err(|e| format!("{e}. Check that the folder exists and is writable."))
        .writing(dest)?;
    Ok(Sink::File(f))
}

fn close_sink(sink: Sink, out: Option<&Path>) -> Result<(), CliError> {
    match (sink, out) {
        (Sink::File(f), Some(dest)) => f.commit().writing(dest),
        (Sink::File(f), None) => f.commit().writing(Path::new("the output")),
        (Sink::Stdout(mut w), _) => {
            w.flush().map_err(|e| CliError::new(EXIT_OUTPUT, format!("cannot write to standard output: {e}")))
        }
    }
}

/// A frame on its way to the output thread, with what was found in it.
struct Analysed {
    frame: Frame,
    pose: Option<Pose>,
    hands: FrameHands,
}

fn output_error(e: std::io::Error, out: Option<&Path>) -> CliError {
    let what = out.map(|p| p.display().to_string()).unwrap_or_else(|| "standard output".into());
    CliError::new(EXIT_OUTPUT, format!("cannot write {what}: {e}"))
}

/// What to say when most poses (at least half) were framed from the head to the waist or chest: what is and is not
/// measured, and the model that follows the arms best there offline, if another.
fn framing_note(model: PoseModel, upper_body: u64, with_person: u64) -> Option<String> {
    if with_person == 0 || upper_body * 2 < with_person {
        return None;
    }
    let mut note = format!(
        "upper-body framing (hips not in view) in {upper_body} of the {with_person} frames with a person: the arms \
         and hands are followed; the trunk and legs are guessed, not measured"
    );
    if let Some(better) = Framing::UpperBody.better_model(model, Pace::Offline) {
        note += &format!(". {} follows the arms best in this framing: --model {}", better.short_label(), better.name());
    }
    Some(note)
}

/// Runs `mirrorcue analyze`; returns the exit code.
pub fn run(args: &AnalyzeArgs) -> Result<u8, CliError> {
    let options = OpenOptions { folder_fps: args.folder_fps, ..OpenOptions::default() };
    refuse_inputs(&[args.out.as_deref(), args.render.as_deref()], &[&args.input])?;
    let mut src = source::read_ahead(source::open_with(&args.input, &options)?);
    let info = src.info().clone();

    let engine = Engine::select(&args.common.engine_config())?;
    if !args.quiet {
        eprintln!("mirrorcue: {} on {} with {}", args.model.label(), info.name, engine.report());
        if let Some(note) = engine.fallback_note() {
            eprintln!("note: {note}");
        }
    }
    let stills = args.stills || info.kind == SourceKind::Image;
    let mut config = if stills { EstimatorConfig::stills(args.model) } else { EstimatorConfig::video(args.model) };
    config.selector = args.person;
    if !stills {
        config.smoothing = (!args.no_smoothing).then(|| OneEuroParams::with_strength(args.smoothing));
    }
    debug_assert!(stills == (config.mode == RunMode::Stills));
    let store = args.common.model_store();
    let mut estimator = PoseEstimator::new(&store, &engine, config)?;

    if let Some(dir) = &args.render {
        std::fs::create_dir_all(dir).writing(dir)?;
    }

    let mut hands =
        super::hands_out::HandsOutput::new(args.hands, args.format, &store, &engine, stills, !args.no_smoothing)?;
    let mut sink = open_sink(args.out.as_deref())?;
    let mut out = hands.wrap(&mut sink);
    let mut writer = Writer::new(&mut out, args.format, args.model);
    writer
        .header(&Header { engine: engine.kind().name(), source: &info.name, width: info.width, height: info.height })
        .map_err(|e| output_error(e, args.out.as_deref()))?;

    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        let bar = match info.frame_count {
            Some(n) if n > 1 => ProgressBar::new(n),
            _ => ProgressBar::new_spinner(),
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} frames ({per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    };

    let started = Instant::now();
    let mut with_person = 0u64;
    let mut upper_body = 0u64;
    let colors = SideColors::default();
    let stage = hands.stage();
    // The output thread: each frame's line (with its hands) and its rendered picture, in order.
    let output = |done: Analysed| -> Result<(), CliError> {
        stage.stage(done.hands);
        writer.frame(&done.frame, done.pose.as_ref()).map_err(|e| output_error(e, args.out.as_deref()))?;
        if let Some(dir) = &args.render {
            let mut img = (*done.frame.image).clone();
            if let Some(p) = &done.pose {
                draw_pose(&mut img, p, 0.3, &colors);
            }
            let path = dir.join(format!("frame_{:06}.jpg", done.frame.index));
            img.save(&path).writing(&path)?;
        }
        Ok(())
    };
    let (run, written) = source::write_behind(output, |behind| {
        source::for_each_frame(
            src.as_mut(),
            |e| {
                bar.suspend(|| eprintln!("warning: {e}"));
                bar.inc(1);
            },
            |frame| -> Result<Flow, CliError> {
                let pose = estimator.estimate(&frame)?;
                with_person += u64::from(pose.is_some());
                upper_body += u64::from(pose.as_ref().is_some_and(|p| Framing::of(p) == Framing::UpperBody));
                let hands = hands.process(&frame)?;
                bar.inc(1);
                // A failed output stops the loop; its error follows.
                Ok(if behind.send(Analysed { frame, pose, hands }) { Flow::Continue } else { Flow::Stop })
            },
        )
    });
    let run = run?;
    written?;
    if let Some(e) = &run.failed {
        bar.suspend(|| eprintln!("error: {e}"));
    }
    let (frames, skipped) = (run.frames, run.unreadable());
    bar.finish_and_clear();
    writer.finish().map_err(|e| output_error(e, args.out.as_deref()))?;
    drop(out);
    close_sink(sink, args.out.as_deref())?;

    if frames == 0 {
        return Err(super::no_frames(&args.input, skipped));
    }
    let secs = started.elapsed().as_secs_f64();
    if !args.quiet {
        eprintln!(
            "analysed {frames} frames in {secs:.2} s ({:.1} frames/s); a person in {with_person}; skipped {skipped}",
            frames as f64 / secs.max(1e-9)
        );
        if let Some(note) = framing_note(args.model, upper_body, with_person) {
            eprintln!("note: {note}");
        }
    }
    Ok(if skipped > 0 { EXIT_SKIPPED_FRAMES } else { EXIT_OK })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_poses_framed_head_to_chest_are_said_with_the_model_to_use() {
        assert_eq!(framing_note(PoseModel::MovenetLightning, 4, 10), None, "under half");
        assert_eq!(framing_note(PoseModel::MovenetLightning, 0, 0), None, "nobody");
        let note = framing_note(PoseModel::MovenetLightning, 5, 10).unwrap();
        assert!(
            note.starts_with("upper-body framing (hips not in view) in 5 of the 10 frames with a person"),
            "{note}"
        );
        assert!(note.ends_with("BlazePose heavy follows the arms best in this framing: --model blazepose-heavy"));
        let heavy = framing_note(PoseModel::BlazeposeHeavy, 10, 10).unwrap();
        assert!(!heavy.contains("--model"), "{heavy}");
    }
}
