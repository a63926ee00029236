//! Gait on tracks that hold no walk, a single step, a person leaving, two people: clear results or errors, never a
//! panic. Constructed tracks (no model): fast.

use mirrorcue::balance::track::PoseSample;
use mirrorcue::gait::series::testing::{walk, walker_pose};
use mirrorcue::gait::{EventKind, GaitError, GaitOptions, analyze};
use mirrorcue::pose::{Joint, Side};

fn opts() -> GaitOptions {
    GaitOptions { height_cm: Some(170.0) }
}

#[test]
fn nobody_is_no_person() {
    let empty: Vec<PoseSample> =
        (0..60).map(|i| PoseSample { frame: i, time_s: i as f64 / 30.0, pose: None }).collect();
    assert_eq!(analyze(&empty, &opts()).unwrap_err(), GaitError::NoPerson);
    assert_eq!(analyze(&[], &opts()).unwrap_err(), GaitError::NoPerson);
}

#[test]
fn standing_is_no_walking() {
    let still: Vec<PoseSample> = (0..120)
        .map(|i| PoseSample { frame: i, time_s: i as f64 / 30.0, pose: Some(walker_pose(0.0, 0.8, 0.0)) })
        .collect();
    let e = analyze(&still, &opts()).unwrap_err();
    assert!(matches!(e, GaitError::NoWalking(_)), "{e}");
    assert!(e.to_string().starts_with("no walking"));
}

#[test]
fn a_single_step_is_too_few_or_one_step() {
    // 0.8 s of walking: at most one heel strike of each foot.
    let track = walk(1.1, 0.2, 1.0, 0);
    match analyze(&track, &opts()) {
        Err(GaitError::TooFewSteps(m)) => assert!(m.contains("heel strike")),
        Err(GaitError::NoWalking(_)) => {}
        Ok(r) => {
            assert!(r.summary.steps <= 1, "{:?}", r.summary);
            assert!(r.summary.stride_time_s.mean.is_none());
        }
        Err(e) => panic!("unexpected {e}"),
    }
}

#[test]
fn a_person_leaving_the_picture_gives_events_only_while_seen() {
    // Walking right from x = 0.1 frame heights in a 2:1 frame: the right edge is at 2.0, reached after 7.6 s.
    let track = walk(9.0, 0.1, 1.0, 0);
    let r = analyze(&track, &opts()).unwrap();
    for e in &r.events {
        let pose = track[e.frame as usize].pose.as_ref().unwrap();
        let joint = match (e.foot, e.kind) {
            (Side::Left, EventKind::HeelStrike) => Joint::LeftHeel,
            (Side::Right, EventKind::HeelStrike) => Joint::RightHeel,
            (Side::Left, EventKind::ToeOff) => Joint::LeftFootIndex,
            _ => Joint::RightFootIndex,
        };
        assert!(pose.get(joint).unwrap().x < 0.98, "{e:?} outside the picture");
    }
    assert!(r.events.iter().any(|e| e.frame > 150), "the walk inside the picture is measured");
    assert!(r.summary.steps >= 8);
}

#[test]
fn a_turn_splits_the_walk_into_passes() {
    let mut track = walk(4.0, 0.2, 1.0, 0);
    track.extend(walk(4.0, 0.2 + 0.25 * 4.0, -1.0, 120));
    let r = analyze(&track, &opts()).unwrap();
    assert_eq!(r.passes.len(), 2);
    // No step spans the turn.
    for s in &r.steps {
        assert!(s.step_time_s < 1.0, "{s:?}");
    }
    assert!(r.events.iter().any(|e| e.pass == 1 && e.kind == EventKind::HeelStrike));
}

#[test]
fn of_two_people_the_walker_is_analysed() {
    // A second person stands at the left; every third frame the detector picked them.
    let track: Vec<PoseSample> = walk(5.0, 0.6, 1.0, 0)
        .into_iter()
        .enumerate()
        .map(|(i, mut s)| {
            if i % 3 == 0 {
                s.pose = Some(walker_pose(0.0, 0.15, 0.0));
            }
            s
        })
        .collect();
    let r = analyze(&track, &opts()).unwrap();
    assert_eq!(r.walker.other_tracks, 1);
    let cadence = r.summary.cadence_steps_per_min.unwrap();
    assert!((cadence - 100.0).abs() < 3.0, "cadence {cadence}");
}
