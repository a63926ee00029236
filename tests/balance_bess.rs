//! BESS errors on constructed pose sequences (a figure with its hands on its hips, 30 fps): each error kind is
//! detected at its frame, simultaneous errors count once, out of position for more than 5 s counts again, and a
//! trial scores at most 10.

use mirrorcue::balance::bess::ErrorKind;
use mirrorcue::balance::clinical::{self, TestKind, TrialResult};
use mirrorcue::balance::testing::Figure;
use mirrorcue::balance::track::PoseSample;
use mirrorcue::pose::{Joint, Side};

const FPS: f64 = 30.0;

fn run(n: usize, figure: impl Fn(usize) -> Figure) -> TrialResult {
    let samples: Vec<PoseSample> = (0..n)
        .map(|i| {
            let mut f = figure(i);
            // A little natural sway, a few millimetres.
            f.lean(0.004 * (i as f64 * 0.7).sin(), 0.003 * (i as f64 * 0.5).cos());
            PoseSample { frame: i as u64, time_s: i as f64 / FPS, pose: Some(f.pose()) }
        })
        .collect();
    let mut trials = clinical::run(&samples, TestKind::Bess, Some(175.0)).unwrap();
    assert_eq!(trials.len(), 1);
    trials.remove(0)
}

fn kinds(t: &TrialResult) -> Vec<(u64, Vec<ErrorKind>)> {
    t.bess.as_ref().unwrap().errors.iter().map(|e| (e.frame, e.kinds.clone())).collect()
}

fn still() -> Figure {
    Figure::standing().hands_on_hips()
}

#[test]
fn a_still_stance_with_hands_on_hips_has_no_error() {
    let t = run(180, |_| still());
    assert!(t.hands_on_hips_at_start);
    assert_eq!(kinds(&t), vec![]);
    assert_eq!(t.bess.unwrap().error_count, 0);
    assert!(t.descriptors.unwrap().get("mean_velocity_ML_AND_AP").is_some());
}

#[test]
fn hands_off_the_hips() {
    let t = run(180, |i| {
        let mut f = still();
        if (60..90).contains(&i) {
            f.set(Joint::RightWrist, [-0.45, -0.35, 0.0]);
        }
        f
    });
    assert_eq!(kinds(&t), vec![(60, vec![ErrorKind::HandsOffHips])]);
}

#[test]
fn a_step_sideways() {
    let t = run(180, |i| {
        let mut f = still();
        if i >= 60 {
            for j in [Joint::RightAnkle, Joint::RightHeel, Joint::RightFootIndex] {
                f.shift(j, [-0.15, 0.0, 0.0]);
            }
        }
        f
    });
    assert_eq!(kinds(&t), vec![(60, vec![ErrorKind::StepStumbleOrFall])]);
}

#[test]
fn a_fall() {
    let t = run(180, |i| {
        let mut f = still();
        if i >= 90 {
            f.translate([0.0, 0.35, 0.0]);
        }
        f
    });
    assert_eq!(kinds(&t), vec![(90, vec![ErrorKind::StepStumbleOrFall])]);
}

#[test]
fn hip_abduction_and_flexion_beyond_30_degrees() {
    let thigh = 0.43;
    let abducted = run(180, |i| {
        let mut f = still();
        if (60..75).contains(&i) {
            let a = 40f64.to_radians();
            f.set(Joint::LeftKnee, [0.1 + thigh * a.sin(), thigh * a.cos(), 0.0]);
        }
        f
    });
    assert_eq!(kinds(&abducted), vec![(60, vec![ErrorKind::HipFlexionOrAbduction])]);
    // Flexion of 40° (knee forwards, towards the camera): seen in 3D only.
    let flexed = run(180, |i| {
        let mut f = still();
        if (60..75).contains(&i) {
            let a = 40f64.to_radians();
            f.set(Joint::RightKnee, [-0.1, thigh * a.cos(), -thigh * a.sin()]);
        }
        f
    });
    assert_eq!(kinds(&flexed), vec![(60, vec![ErrorKind::HipFlexionOrAbduction])]);
    // 20° is within the limit.
    let within = run(180, |i| {
        let mut f = still();
        if (60..75).contains(&i) {
            let a = 20f64.to_radians();
            f.set(Joint::RightKnee, [-0.1, thigh * a.cos(), -thigh * a.sin()]);
        }
        f
    });
    assert_eq!(kinds(&within), vec![]);
}

#[test]
fn heel_or_forefoot_lifted() {
    let heel = run(180, |i| {
        let mut f = still();
        if (60..80).contains(&i) {
            f.shift(Joint::LeftHeel, [0.0, -0.06, 0.0]);
        }
        f
    });
    assert_eq!(kinds(&heel), vec![(60, vec![ErrorKind::ForefootOrHeelLifted])]);
    let toe = run(180, |i| {
        let mut f = still();
        if (100..120).contains(&i) {
            f.shift(Joint::RightFootIndex, [0.0, -0.06, 0.0]);
        }
        f
    });
    assert_eq!(kinds(&toe), vec![(100, vec![ErrorKind::ForefootOrHeelLifted])]);
}

#[test]
fn errors_at_the_same_time_count_once_and_more_than_5_s_out_of_position_counts_again() {
    let t = run(300, |i| {
        let mut f = still();
        if (30..240).contains(&i) {
            f.set(Joint::LeftWrist, [0.45, -0.35, 0.0]);
        }
        if (30..50).contains(&i) {
            f.shift(Joint::LeftHeel, [0.0, -0.06, 0.0]);
        }
        f
    });
    assert_eq!(
        kinds(&t),
        vec![
            (30, vec![ErrorKind::HandsOffHips, ErrorKind::ForefootOrHeelLifted]),
            (181, vec![ErrorKind::OutOfPositionOver5S]),
        ]
    );
    assert_eq!(t.bess.unwrap().error_count, 2);
}

#[test]
fn a_trial_scores_at_most_10() {
    // Twelve separate times the hands leave the hips for 0.4 s.
    let t = run(480, |i| {
        let mut f = still();
        if i >= 30 && (i - 30) % 36 < 12 && (i - 30) / 36 < 12 {
            f.set(Joint::RightWrist, [-0.45, -0.35, 0.0]);
        }
        f
    });
    let b = t.bess.unwrap();
    assert_eq!(b.errors.len(), 12);
    assert_eq!(b.error_count, 10);
}

#[test]
fn single_leg_bess_trial_counts_a_touch_down_as_a_step() {
    let t = run(180, |i| {
        let mut f = still();
        // Into the stance at frame 10, the lifted foot down for a moment at frame 90.
        if i >= 10 && !(90..110).contains(&i) {
            f.lift_foot(false, 0.15);
        }
        f
    });
    assert_eq!(t.stance_foot, Some(Side::Left));
    assert_eq!(kinds(&t), vec![(90, vec![ErrorKind::StepStumbleOrFall])]);
}
