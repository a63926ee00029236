//! Accuracy against human ground truth: PCK@0.2 on the COCO photos.
//!
//! The metric, as the Python reference pipeline computes it (tools/reference/README.md): for each photo the main
//! person is the largest annotated person (bounding box area) that is not a crowd region and has at least 8
//! labelled keypoints; a predicted keypoint is correct within 0.2 × the torso diagonal (left shoulder to right
//! hip, else right shoulder to left hip, else the box diagonal); counts are pooled over the 7 photos. The Python
//! reference (MoveNet on the letterboxed photo; BlazePose detector → crop → landmarks; one pass) scores
//! Lightning 0.39, Thunder 0.54, BlazePose full 0.62, lite 0.55. mirrorcue must match or beat each.

use crate::common;

use mirrorcue::pose::{EstimatorConfig, PoseEstimator, PoseModel};
use serde_json::Value;

struct MainPerson {
    file: String,
    keypoints: Vec<[f32; 3]>,
    torso: f32,
}

fn main_people() -> Vec<MainPerson> {
    let coco: Value =
        serde_json::from_str(&std::fs::read_to_string(common::data("annotations/person_keypoints.json")).unwrap())
            .unwrap();
    let mut out = Vec::new();
    for img in coco["images"].as_array().unwrap() {
        let id = img["id"].as_i64().unwrap();
        let best = coco["annotations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["image_id"].as_i64() == Some(id) && a["iscrowd"].as_i64() == Some(0))
            .filter(|a| {
                a["keypoints"].as_array().unwrap().chunks(3).filter(|c| c[2].as_f64().unwrap() > 0.0).count() >= 8
            })
            .max_by(|a, b| {
                let area = |a: &Value| a["bbox"][2].as_f64().unwrap() * a["bbox"][3].as_f64().unwrap();
                area(a).total_cmp(&area(b))
            })
            .expect("a main person");
        let kps: Vec<[f32; 3]> = best["keypoints"]
            .as_array()
            .unwrap()
            .chunks(3)
            .map(|c| [c[0].as_f64().unwrap() as f32, c[1].as_f64().unwrap() as f32, c[2].as_f64().unwrap() as f32])
            .collect();
        let d = |a: usize, b: usize| {
            (kps[a][2] > 0.0 && kps[b][2] > 0.0)
                .then(|| ((kps[a][0] - kps[b][0]).powi(2) + (kps[a][1] - kps[b][1]).powi(2)).sqrt())
        };
        // COCO order: 5 left shoulder, 6 right shoulder, 11 left hip, 12 right hip.
        let torso = d(5, 12).or_else(|| d(6, 11)).unwrap_or_else(|| {
            let (w, h) = (best["bbox"][2].as_f64().unwrap() as f32, best["bbox"][3].as_f64().unwrap() as f32);
            (w * w + h * h).sqrt()
        });
        out.push(MainPerson { file: img["file_name"].as_str().unwrap().to_string(), keypoints: kps, torso });
    }
    out
}

fn pck(model: PoseModel) -> f32 {
    let engine = common::engine();
    let mut est = PoseEstimator::new(&common::models(), &engine, EstimatorConfig::stills(model)).unwrap();
    let people = main_people();
    assert_eq!(people.len(), 7);
    let (mut correct, mut labelled) = (0, 0);
    for p in &people {
        let frame = common::image_frame(&format!("images/coco/{}", p.file));
        let pred = est.estimate(&frame).unwrap().map(|pose| pose.to_coco17_pixels());
        let mut c = 0;
        let mut n = 0;
        for (i, gt) in p.keypoints.iter().enumerate() {
            if gt[2] <= 0.0 {
                continue;
            }
            n += 1;
            if let Some(pred) = &pred {
                let e = ((pred[i][0] - gt[0]).powi(2) + (pred[i][1] - gt[1]).powi(2)).sqrt();
                c += usize::from(e <= 0.2 * p.torso);
            }
        }
        eprintln!("{model} {}: {c}/{n}", p.file);
        correct += c;
        labelled += n;
    }
    let score = correct as f32 / labelled as f32;
    eprintln!("{model}: PCK@0.2 = {score:.3} ({correct}/{labelled})");
    score
}

#[test]
fn movenet_lightning_pck() {
    let s = pck(PoseModel::MovenetLightning);
    assert!(s >= 0.39, "{s}");
}

#[test]
fn movenet_thunder_pck() {
    let s = pck(PoseModel::MovenetThunder);
    assert!(s >= 0.54, "{s}");
}

#[test]
fn blazepose_full_pck() {
    let s = pck(PoseModel::BlazeposeFull);
    assert!(s >= 0.62, "{s}");
}

#[test]
fn blazepose_lite_pck() {
    let s = pck(PoseModel::BlazeposeLite);
    assert!(s >= 0.55, "{s}");
}
