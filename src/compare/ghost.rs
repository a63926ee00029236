//! The ghost overlay: the reference skeleton drawn over the patient, scaled and placed by the torso, so body size and
//! position in the frame do not matter.

use crate::pose::{Joint, Keypoint, Pose};

/// A torso in pixels: mid-shoulder, mid-hip, and its length.
type Torso = ((f32, f32), (f32, f32), f32);

/// The mid-points and length (pixels) of a pose's torso (mid-shoulder to mid-hip), if seen.
fn torso(p: &Pose, min_score: f32) -> Option<Torso> {
    let (w, h) = (p.frame_width as f32, p.frame_height as f32);
    let mid = |a: Joint, b: Joint| -> Option<(f32, f32)> {
        let (ka, kb) = (p.get_confident(a, min_score)?, p.get_confident(b, min_score)?);
        Some(((ka.x + kb.x) / 2.0 * w, (ka.y + kb.y) / 2.0 * h))
    };
    let s = mid(Joint::LeftShoulder, Joint::RightShoulder)?;
    let hip = mid(Joint::LeftHip, Joint::RightHip)?;
    let len = ((s.0 - hip.0).powi(2) + (s.1 - hip.1).powi(2)).sqrt();
    (len > 1.0).then_some((s, hip, len))
}

/// The reference pose moved and scaled so that its torso lies on the patient's: same mid-hip, same torso length.
/// Returned in the patient's frame (normalised). `None` when either torso is not seen.
pub fn ghost(reference: &Pose, patient: &Pose, min_score: f32) -> Option<Pose> {
    let (_, r_hip, r_len) = torso(reference, min_score)?;
    let (_, p_hip, p_len) = torso(patient, min_score)?;
    let scale = p_len / r_len;
    let (rw, rh) = (reference.frame_width as f32, reference.frame_height as f32);
    let (pw, ph) = (patient.frame_width as f32, patient.frame_height as f32);
    let mut g = reference.clone();
    g.frame_width = patient.frame_width;
    g.frame_height = patient.frame_height;
    g.mask = None;
    for k in g.keypoints.iter_mut() {
        let (x, y) = (k.x * rw, k.y * rh);
        *k = Keypoint { x: (p_hip.0 + (x - r_hip.0) * scale) / pw, y: (p_hip.1 + (y - r_hip.1) * scale) / ph, ..*k };
    }
    Some(g)
}

/// The joints whose positions differ most between the ghost and the patient, as (joint, distance in torso lengths),
/// largest first.
pub fn largest_differences(ghost: &Pose, patient: &Pose, min_score: f32, n: usize) -> Vec<(Joint, f32)> {
    let Some((_, _, len)) = torso(patient, min_score) else { return Vec::new() };
    let (w, h) = (patient.frame_width as f32, patient.frame_height as f32);
    let mut d: Vec<(Joint, f32)> = patient
        .iter()
        .filter_map(|(j, k)| {
            let g = ghost.get_confident(j, min_score)?;
            (k.score >= min_score).then(|| (j, (((g.x - k.x) * w).powi(2) + ((g.y - k.y) * h).powi(2)).sqrt() / len))
        })
        .collect();
    d.sort_by(|a, b| b.1.total_cmp(&a.1));
    d.truncate(n);
    d
}

/// The patient's other side as a ghost: every joint placed where its twin on the other side would be if it were
/// reflected across the body's midline (the vertical through mid-shoulder and mid-hip). Drawn over the patient, the
/// ghost's left arm shows where a movement symmetric to the right arm would put it. Names stay anatomical.
pub fn other_side(patient: &Pose, min_score: f32) -> Option<Pose> {
    let (s, hip, _) = torso(patient, min_score)?;
    let mid_x = (s.0 + hip.0) / 2.0 / patient.frame_width.max(1) as f32;
    let mut g = patient.clone();
    g.mask = None;
    g.world = None;
    for (i, j) in patient.skeleton.joints().iter().enumerate() {
        if let Some(twin) = patient.get(j.twin()) {
            g.keypoints[i] = Keypoint { x: 2.0 * mid_x - twin.x, ..*twin };
        }
    }
    Some(g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::Skeleton;

    fn person(scale: f32, dx: f32, arm_up: bool) -> Pose {
        let mut kps = vec![Keypoint { x: 0.0, y: 0.0, score: 0.0, presence: None, z: None }; 17];
        let mut set = |j: Joint, x: f32, y: f32| {
            kps[Skeleton::Coco17.index_of(j).unwrap()] = Keypoint {
                x: (dx + x * scale) / 1000.0,
                y: (500.0 + y * scale) / 1000.0,
                score: 0.9,
                presence: None,
                z: None,
            };
        };
        set(Joint::LeftShoulder, 20.0, -100.0);
        set(Joint::RightShoulder, -20.0, -100.0);
        set(Joint::LeftHip, 15.0, 0.0);
        set(Joint::RightHip, -15.0, 0.0);
        set(Joint::LeftWrist, 40.0, if arm_up { -200.0 } else { 0.0 });
        Pose {
            skeleton: Skeleton::Coco17,
            keypoints: kps,
            score: 0.9,
            world: None,
            mask: None,
            frame_width: 1000,
            frame_height: 1000,
        }
    }

    #[test]
    fn the_ghost_lands_on_the_patients_torso_whatever_their_size() {
        let reference = person(1.0, 300.0, true);
        let patient = person(2.0, 700.0, false);
        let g = ghost(&reference, &patient, 0.3).unwrap();
        for j in [Joint::LeftShoulder, Joint::RightHip] {
            let (a, b) = (g.get(j).unwrap(), patient.get(j).unwrap());
            assert!((a.x - b.x).abs() < 1e-4 && (a.y - b.y).abs() < 1e-4, "{}", j.name());
        }
        // Only the raised wrist differs: by 200 px × 2 = 400 px, i.e. 2 torso lengths (torso 200 px).
        let d = largest_differences(&g, &patient, 0.3, 1);
        assert_eq!(d[0].0, Joint::LeftWrist);
        assert!((d[0].1 - 2.0).abs() < 1e-3, "{:?}", d);
    }

    #[test]
    fn the_other_side_is_the_twin_reflected_across_the_midline() {
        let p = person(1.0, 500.0, true);
        let g = other_side(&p, 0.3).unwrap();
        // The midline is x = 500 px; the left shoulder's ghost is the right shoulder reflected: 500 + 20 px.
        let ls = g.get(Joint::LeftShoulder).unwrap();
        assert!((ls.x - 0.52).abs() < 1e-4, "{}", ls.x);
        // A symmetric torso is its own reflection; the right wrist (not seen) gives the left wrist's ghost no score.
        assert!(largest_differences(&g, &p, 0.3, 3).iter().all(|(j, d)| *d < 1e-3 || *j == Joint::LeftWrist));
    }
}
