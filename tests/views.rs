//! Mirror therapy views on a recorded frame: keypoints stay truthful under every mode, and each mode's picture
//! matches its snapshot.
//!
//! The pose is Google's published MoveNet output for the frame (not our engine's), so the pictures do not depend on
//! which engine runs. Snapshots are in `tests/snapshots/`; `UPDATE_SNAPSHOTS=1 cargo test --test views` rewrites
//! them after an intended change (look at them before committing).

mod common;

use mirrorcue::pose::{Joint, Keypoint, Pose, Side, Skeleton};
use mirrorcue::view::{
    DisplayImage, MirrorMode, Seam, SeamSettings, SeamTracker, SideColors, SplitSource, ViewTransform, draw_shown,
    shown_keypoints,
};

/// Frame 60 of the arm-raise clip and Google's MoveNet keypoints for it (the person faces the camera, arms up).
fn frame_and_pose() -> (image::RgbImage, Pose) {
    let img = image::open(common::data("images/stills/tfjs_pose_1_f060_arms_up.png")).unwrap().to_rgb8();
    let refs: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(common::data("annotations/stills_and_yoga_reference_keypoints.json")).unwrap(),
    )
    .unwrap();
    let r = refs.iter().find(|r| r["image"].as_str().unwrap().ends_with("f060_arms_up.png")).unwrap();
    let (w, h) = (img.width() as f32, img.height() as f32);
    let keypoints = Skeleton::Coco17
        .joints()
        .iter()
        .map(|j| {
            let xy = &r["keypoints"][j.name()];
            Keypoint {
                x: xy[0].as_f64().unwrap() as f32 / w,
                y: xy[1].as_f64().unwrap() as f32 / h,
                score: 0.9,
                presence: None,
                z: None,
            }
        })
        .collect();
    let pose = Pose {
        skeleton: Skeleton::Coco17,
        keypoints,
        score: 0.9,
        world: None,
        mask: None,
        frame_width: img.width(),
        frame_height: img.height(),
    };
    (img, pose)
}

const MODES: [(&str, MirrorMode); 7] = [
    ("off", MirrorMode::Off),
    ("mirror", MirrorMode::Mirror),
    ("split_patient_left", MirrorMode::Split { source: SplitSource::PatientLeft, selfie: false }),
    ("split_patient_right", MirrorMode::Split { source: SplitSource::PatientRight, selfie: false }),
    ("split_patient_left_selfie", MirrorMode::Split { source: SplitSource::PatientLeft, selfie: true }),
    ("split_upper", MirrorMode::Split { source: SplitSource::Upper, selfie: false }),
    ("split_lower", MirrorMode::Split { source: SplitSource::Lower, selfie: false }),
];

fn view_for(mode: MirrorMode, pose: &Pose, mirrored: bool) -> ViewTransform {
    let horizontal = matches!(mode, MirrorMode::Split { source: SplitSource::Upper | SplitSource::Lower, .. });
    let seam = SeamTracker::new().update(
        Some(pose),
        &SeamSettings::default(),
        horizontal,
        pose.frame_width,
        pose.frame_height,
    );
    ViewTransform::new(mode, pose.frame_width, pose.frame_height, seam, Some(pose), mirrored, 0.02)
}

#[test]
fn keypoints_keep_their_names_in_every_mode() {
    let (_, pose) = frame_and_pose();
    for (name, mode) in MODES {
        let view = view_for(mode, &pose, false);
        let shown = shown_keypoints(&pose, &view, 0.3);
        assert!(!shown.is_empty(), "{name}");
        for k in &shown {
            let truth = pose.get(k.joint).unwrap();
            if k.reflected {
                // A reflected copy is the mirror image of the same joint, never of its twin.
                let (rx, ry) = view.map_reflected(truth.x, truth.y).unwrap();
                assert!((k.x - rx).abs() < 1e-5 && (k.y - ry).abs() < 1e-5, "{name}: {}", k.joint.name());
            } else {
                let (x, y) = view.map_real(truth.x, truth.y);
                assert!((k.x - x).abs() < 1e-5 && (k.y - y).abs() < 1e-5, "{name}: {} moved", k.joint.name());
                assert!(!view.is_hidden(truth.x, truth.y));
            }
        }
        match mode {
            MirrorMode::Off | MirrorMode::Mirror => assert!(shown.iter().all(|k| !k.reflected), "{name}"),
            MirrorMode::Split { source, .. } => {
                assert!(shown.iter().any(|k| k.reflected), "{name}");
                let side = match source {
                    SplitSource::PatientLeft => Some(Side::Left),
                    SplitSource::PatientRight => Some(Side::Right),
                    _ => None,
                };
                if let Some(side) = side {
                    // Only the chosen side's limbs are shown, real and reflected; the other side's are covered.
                    for k in shown.iter().filter(|k| k.joint.side() != Side::Midline) {
                        assert_eq!(k.joint.side(), side, "{name}: {} shown", k.joint.name());
                    }
                    let wrist = if side == Side::Left { Joint::LeftWrist } else { Joint::RightWrist };
                    assert_eq!(shown.iter().filter(|k| k.joint == wrist).count(), 2, "{name}: the wrist and its copy");
                }
            }
        }
    }
    // Facing the camera, the patient's left wrist is on the image's right; in the mirror view it is on the left,
    // and still called left.
    let lw = pose.get(Joint::LeftWrist).unwrap();
    assert!(lw.x > 0.5);
    let mirror = view_for(MirrorMode::Mirror, &pose, false);
    let shown = shown_keypoints(&pose, &mirror, 0.3);
    let k = shown.iter().find(|k| k.joint == Joint::LeftWrist).unwrap();
    assert!(k.x < 0.5);
}

/// A frame the camera driver mirrored, with its pose (labels already put right by the estimator): "the patient's
/// left on both sides" still picks the patient's left arm, now on the image's left.
#[test]
fn split_follows_anatomy_on_driver_mirrored_frames() {
    let (img, pose) = frame_and_pose();
    let mut flipped_img = img.clone();
    image::imageops::flip_horizontal_in_place(&mut flipped_img);
    let flipped_pose = pose.flipped_horizontally();
    let mode = MirrorMode::Split { source: SplitSource::PatientLeft, selfie: false };
    let (a, b) = (view_for(mode, &pose, false), view_for(mode, &flipped_pose, true));
    let lw = pose.get(Joint::LeftWrist).unwrap();
    let lw_f = flipped_pose.get(Joint::LeftWrist).unwrap();
    assert!(!a.is_hidden(lw.x, lw.y) && !b.is_hidden(lw_f.x, lw_f.y), "the left wrist is the source in both");
    let rw = flipped_pose.get(Joint::RightWrist).unwrap();
    assert!(b.is_hidden(rw.x, rw.y));
    // And the pictures are mirror images of each other.
    let (mut da, mut db) = (DisplayImage::default(), DisplayImage::default());
    a.render(&img, &mut da);
    b.render(&flipped_img, &mut db);
    let mut db_img = db.to_rgb();
    image::imageops::flip_horizontal_in_place(&mut db_img);
    let diff = mean_abs_diff(&da.to_rgb(), &db_img);
    assert!(diff < 2.0, "mean difference {diff}");
}

/// No pose yet: split reflection assumes the patient faces the camera and still shows their chosen side.
#[test]
fn split_without_a_pose_uses_the_facing_assumption() {
    let (_, pose) = frame_and_pose();
    let seam = Seam::vertical(pose.frame_width as f32 / 2.0);
    let mode = MirrorMode::Split { source: SplitSource::PatientLeft, selfie: false };
    let view = ViewTransform::new(mode, pose.frame_width, pose.frame_height, seam, None, false, 0.0);
    let lw = pose.get(Joint::LeftWrist).unwrap();
    assert!(!view.is_hidden(lw.x, lw.y));
}

fn mean_abs_diff(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    a.as_raw().iter().zip(b.as_raw()).map(|(&x, &y)| (x as f64 - y as f64).abs()).sum::<f64>() / a.as_raw().len() as f64
}

#[test]
fn each_mode_matches_its_snapshot() {
    let (img, pose) = frame_and_pose();
    let update = std::env::var("UPDATE_SNAPSHOTS").is_ok();
    let mut failures = Vec::new();
    for (name, mode) in MODES {
        let view = view_for(mode, &pose, false);
        let mut display = DisplayImage::default();
        view.render(&img, &mut display);
        let mut picture = display.to_rgb();
        draw_shown(&mut picture, pose.skeleton, &shown_keypoints(&pose, &view, 0.3), &SideColors::default());
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/snapshots/view_{name}.png"));
        if update {
            picture.save(&path).unwrap();
            continue;
        }
        let Ok(expected) = image::open(&path) else {
            failures.push(format!("{name}: no snapshot at {} (run with UPDATE_SNAPSHOTS=1)", path.display()));
            continue;
        };
        let diff = mean_abs_diff(&picture, &expected.to_rgb8());
        if diff > 0.5 {
            let actual = path.with_extension("new.png");
            picture.save(&actual).unwrap();
            failures
                .push(format!("{name}: differs from its snapshot by {diff:.2} on average; see {}", actual.display()));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
