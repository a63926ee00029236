//! Balance tests on real footage (run on the engine `MIRRORCUE_ENGINE` selects): the single-leg stance of the lab
//! take, and quiet standing in the squat clip.

use crate::common;

use mirrorcue::balance::clinical::{self, TestKind};
use mirrorcue::balance::stance::{Contact, Params};
use mirrorcue::balance::track::{PoseSample, collect};
use mirrorcue::pose::{EstimatorConfig, PoseEstimator, PoseModel, Side};

fn track(rel: &str) -> Vec<PoseSample> {
    let engine = common::engine();
    let mut est =
        PoseEstimator::new(&common::models(), &engine, EstimatorConfig::video(PoseModel::BlazeposeFull)).unwrap();
    let mut src = mirrorcue::source::open(&common::data(rel)).unwrap();
    let (samples, run) = collect(src.as_mut(), &mut est, |e| panic!("{e}")).unwrap();
    assert_eq!(run.unreadable(), 0);
    samples
}

/// The lab take (pose2sim, cam01, 60 fps, 100 frames): the man stands on his left foot and swings his right leg
/// back and then forwards, setting it down in front.
///
/// **By eye** (frames decoded with `mirrorcue analyze --render`, cropped around the feet and looked at one by one):
/// - frames 0–12 both feet flat; from frame 9 the right heel rises (the foot rolls onto its toes), frames 14–18 the
///   right foot stands on its toes; frame 18 is the last with the right toes on the floor; **frame 19** is the
///   first with the right foot in the air (blurred, toes moving back);
/// - the right leg swings back (frames 20–47) and forwards past the left foot (frames 64–70; the two feet overlap
///   in the image there); the right foot comes down in front, heel first: **frame 74** is the first with it on the
///   floor (from 74 to 80 it no longer moves; 72–73 it is still descending);
/// - the left foot stays flat throughout (its heel begins to rise only at frame 81, the next step).
///
/// So the single-leg stance is on the **left** foot (the person's own left: he faces the camera, the raised leg is
/// on the image's left) from frame 19 to frame 74: 55 frames, 0.92 s.
const BY_EYE_START: u64 = 19;
const BY_EYE_END: u64 = 74;
/// Detection tolerance, frames (50 ms at 60 fps).
const TOLERANCE: u64 = 3;

#[test]
fn single_leg_stance_of_the_lab_take_is_found_at_the_frames_seen_by_eye() {
    let samples = track("videos/pose2sim_singleperson_cam01.mp4");
    let c = Contact::new(&samples, Params::default());
    // The left foot is down throughout the stance, also while the right foot crosses it (frames 64-73, where the
    // model briefly mixes the two feet up).
    assert!((BY_EYE_START..BY_EYE_END).all(|t| c.up[t as usize][0] == Some(false)));
    let trials = clinical::run(&samples, TestKind::SingleLeg, Some(175.0)).unwrap();
    assert_eq!(trials.len(), 1, "{:?}", trials.iter().map(|t| (t.start_frame, t.end_frame)).collect::<Vec<_>>());
    let t = &trials[0];
    eprintln!("detected {}–{} by eye {BY_EYE_START}–{BY_EYE_END}", t.start_frame, t.end_frame);
    assert!(t.start_frame.abs_diff(BY_EYE_START) <= TOLERANCE, "start {}", t.start_frame);
    assert!(t.end_frame.abs_diff(BY_EYE_END) <= TOLERANCE, "end {}", t.end_frame);
    assert_eq!(t.stance_foot, Some(Side::Left));
    assert!((t.duration_s() - 55.0 / 60.0).abs() <= 2.0 * TOLERANCE as f64 / 60.0, "{}", t.duration_s());
    let d = t.descriptors.as_ref().unwrap();
    assert!(d.get("mean_distance_Radius").is_some_and(|v| v > 0.0 && v < 30.0));
}

/// The squat clip (5 fps): she stands still for the first frames (0–3, knees straight), then squats three times,
/// standing up straight between squats (frames 19–26 and 43–51 by the reference landmarks' knee angles).
#[test]
fn quiet_standing_in_the_squat_clip_is_found_between_squats() {
    let samples = track("videos/tfjs_pose_squats.mp4");
    let trials = clinical::run(&samples, TestKind::Quiet, Some(165.0)).unwrap();
    let spans: Vec<(u64, u64)> = trials.iter().map(|t| (t.start_frame, t.end_frame)).collect();
    eprintln!("quiet standing: {spans:?}");
    // The first frames (0.8 s): a trial, too short for the sway descriptors (said so); between squats two trials
    // of about 1.6 s each.
    assert_eq!(trials.len(), 3, "{spans:?}");
    assert!(spans[0].0 == 0 && spans[0].1.abs_diff(4) <= 1, "{spans:?}");
    let why = trials[0].descriptors.as_ref().unwrap_err();
    assert!(why.contains("too short"), "{why}");
    assert!(spans[1].0.abs_diff(19) <= 2 && spans[1].1.abs_diff(27) <= 2, "{spans:?}");
    assert!(spans[2].0.abs_diff(43) <= 2 && spans[2].1.abs_diff(52) <= 2, "{spans:?}");
    for t in &trials[1..] {
        assert_eq!(t.stance_foot, None);
        let d = t.descriptors.as_ref().unwrap();
        // Quiet standing sways by millimetres to a few centimetres.
        let mean = d.get("mean_distance_Radius").unwrap();
        assert!(mean < 5.0, "{mean}");
        let why = d.list.iter().find(|x| x.name == "total_power_Power_Spectrum_Density_ML").unwrap();
        assert!(why.value.as_ref().is_err_and(|w| w.starts_with("too short")));
    }
    // Standing for less than half a second is no trial, and it says so.
    let first: Vec<PoseSample> = samples[..2].to_vec();
    let err = clinical::run(&first, TestKind::Quiet, Some(165.0)).unwrap_err();
    assert!(err.to_string().contains("no quiet standing of at least 0.5 s"), "{err}");
}

/// `mirrorcue balance` on the lab take: the trial with its frames, times, stance foot and sway, as JSON.
#[test]
fn balance_command_writes_the_single_leg_trial() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results.json");
    let input = common::data("videos/pose2sim_singleperson_cam01.mp4");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_mirrorcue"))
        .args(["balance", input.to_str().unwrap(), "--test", "single-leg", "--height-cm", "175", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["format"], "mirrorcue-balance");
    assert_eq!(v["test"], "single-leg");
    let trials = v["trials"].as_array().unwrap();
    assert_eq!(trials.len(), 1);
    let t = &trials[0];
    assert!(t["start_frame"].as_u64().unwrap().abs_diff(BY_EYE_START) <= TOLERANCE, "{t}");
    assert!(t["end_frame"].as_u64().unwrap().abs_diff(BY_EYE_END) <= TOLERANCE, "{t}");
    assert_eq!(t["stance_foot"], "left");
    assert_eq!(t["ended_by"], "lifted_foot_touched_down");
    let start = t["start_time_s"].as_f64().unwrap();
    assert!((start - t["start_frame"].as_f64().unwrap() / 60.0).abs() < 0.01, "{t}");
    assert_eq!(t["com"]["base_of_support"], "left foot");
    assert!(t["sway"]["descriptors"]["sway_length_ML_AND_AP"].as_f64().unwrap() > 0.0);
    assert_eq!(t["sway"]["units"]["mean_velocity_ML"], "cm/s");
    assert!(
        t["sway"]["not_computed"]["total_power_Power_Spectrum_Density_ML"].as_str().unwrap().starts_with("too short")
    );

    // A still image: nobody standing on one leg, said so with exit code 3.
    let still = common::data("images/other/tfjs_pose_yoga_warrior.jpg");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_mirrorcue"))
        .args(["balance", still.to_str().unwrap(), "--test", "single-leg"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no single-leg stance"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
