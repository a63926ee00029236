//! Output formats of `mirrorcue analyze`: JSON Lines, a COCO keypoint results list, CSV.
//!
//! ## `jsonl` (default)
//! The first line is a header:
//! `{"format":"mirrorcue-keypoints","format_version":1,"mirrorcue":"0.1.0","model":"movenet-lightning",
//! "engine":"onnxruntime","source":"clip.mp4","width":576,"height":576,"keypoint_names":["nose",…],
//! "coordinates":"…"}`.
//! Then one object per frame: `{"frame":i,"time_s":t,"source":"<file name>","model":"…","width":w,"height":h,
//! "keypoints":[[x_px,y_px,score],…] or null,"score":s or null}`. Keypoints are in the model's own order (17 COCO
//! or 33 BlazePose, named in the header), in pixels of that frame, origin top-left, x right, y down. `left_*` is
//! the person's own left. BlazePose records add `"visibility"` per keypoint in `score`, and `"world"`
//! (`[[x,y,z],…]` metres, hip-centred) when present.
//!
//! ## `coco`
//! A JSON list in COCO's keypoint results format, one entry per image (per frame of a video) with a person:
//! `{"file_name":"<name>","frame":i,"category_id":1,"keypoints":[x,y,score × 17 in COCO order],"score":s}`.
//! BlazePose's 33 landmarks are mapped to COCO's 17 by name.
//!
//! ## `csv`
//! A header row `frame,time_s,source,width,height,score,<name>_x,<name>_y,<name>_score,…` and one row per frame;
//! a frame without a person has empty keypoint cells.

use std::io::Write;

use serde_json::json;

use crate::Frame;
use crate::pose::{COCO_17, Pose, PoseModel, Skeleton};

/// Which output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// JSON Lines: a header, then one object per frame.
    Jsonl,
    /// A COCO keypoint results list.
    Coco,
    /// CSV, one row per frame.
    Csv,
}

/// Writes analysis results in one format.
pub struct Writer<W: Write> {
    out: W,
    format: Format,
    model: PoseModel,
    skeleton: Skeleton,
    coco_first: bool,
    started: bool,
}

/// What the header says besides the model.
pub struct Header<'a> {
    /// Engine name.
    pub engine: &'a str,
    /// Source name.
    pub source: &'a str,
    /// Frame width.
    pub width: u32,
    /// Frame height.
    pub height: u32,
}

/// A time in seconds rounded to the millisecond, for JSON.
pub fn ms(t: f64) -> f64 {
    (t * 1000.0).round() / 1000.0
}

fn round2(v: f32) -> f64 {
    (v as f64 * 100.0).round() / 100.0
}

fn round4(v: f32) -> f64 {
    (v as f64 * 10000.0).round() / 10000.0
}

impl<W: Write> Writer<W> {
    /// A writer of `format` for poses of `model`.
    pub fn new(out: W, format: Format, model: PoseModel) -> Self {
        let skeleton = match model {
            PoseModel::MovenetLightning | PoseModel::MovenetThunder => Skeleton::Coco17,
            PoseModel::BlazeposeLite | PoseModel::BlazeposeFull | PoseModel::BlazeposeHeavy => Skeleton::BlazePose33,
        };
        Writer { out, format, model, skeleton, coco_first: true, started: false }
    }

    /// Writes the header (JSON Lines header object, CSV header row, the COCO list's opening bracket).
    pub fn header(&mut self, h: &Header<'_>) -> std::io::Result<()> {
        self.started = true;
        let names: Vec<&str> = self.skeleton.joints().iter().map(|j| j.name()).collect();
        match self.format {
            Format::Jsonl => {
                let v = json!({
                    "format": "mirrorcue-keypoints",
                    "format_version": 1,
                    "mirrorcue": env!("CARGO_PKG_VERSION"),
                    "model": self.model.name(),
                    "engine": h.engine,
                    "source": h.source,
                    "width": h.width,
                    "height": h.height,
                    "keypoint_names": names,
                    "coordinates": "pixels of each frame, origin top-left, x right, y down; [x, y, score] per keypoint in keypoint_names order; left/right are the person's own sides",
                });
                writeln!(self.out, "{v}")
            }
            Format::Coco => write!(self.out, "["),
            Format::Csv => {
                let mut row = String::from("frame,time_s,source,width,height,score");
                for n in &names {
                    row.push_str(&format!(",{n}_x,{n}_y,{n}_score"));
                }
                writeln!(self.out, "{row}")
            }
        }
    }

    /// Writes one frame's result.
    pub fn frame(&mut self, frame: &Frame, pose: Option<&Pose>) -> std::io::Result<()> {
        match self.format {
            Format::Jsonl => {
                let kps = pose.map(|p| {
                    p.to_pixel_triples()
                        .iter()
                        .map(|t| vec![round2(t[0]), round2(t[1]), round4(t[2])])
                        .collect::<Vec<_>>()
                });
                let mut v = json!({
                    "frame": frame.index,
                    "time_s": (frame.time_s * 1e6).round() / 1e6,
                    "source": frame.source,
                    "model": self.model.name(),
                    "width": frame.width(),
                    "height": frame.height(),
                    "keypoints": kps,
                    "score": pose.map(|p| round4(p.score)),
                });
                if let Some(world) = pose.and_then(|p| p.world.as_ref()) {
                    v["world"] =
                        json!(world.iter().map(|w| [round4(w.x), round4(w.y), round4(w.z)]).collect::<Vec<_>>());
                }
                writeln!(self.out, "{v}")
            }
            Format::Coco => {
                let Some(p) = pose else { return Ok(()) };
                let kps: Vec<f64> =
                    p.to_coco17_pixels().iter().flat_map(|t| [round2(t[0]), round2(t[1]), round4(t[2])]).collect();
                debug_assert_eq!(kps.len(), COCO_17.len() * 3);
                let v = json!({
                    "file_name": frame.source,
                    "frame": frame.index,
                    "category_id": 1,
                    "keypoints": kps,
                    "score": round4(p.score),
                });
                let sep = if self.coco_first { "\n" } else { ",\n" };
                self.coco_first = false;
                write!(self.out, "{sep}{v}")
            }
            Format::Csv => {
                let mut row = format!(
                    "{},{:.6},{},{},{},",
                    frame.index,
                    frame.time_s,
                    csv_field(&frame.source),
                    frame.width(),
                    frame.height()
                );
                match pose {
                    Some(p) => {
                        row.push_str(&format!("{:.4}", p.score));
                        for t in p.to_pixel_triples() {
                            row.push_str(&format!(",{:.2},{:.2},{:.4}", t[0], t[1], t[2]));
                        }
                    }
                    None => row.push_str(&",,,".repeat(self.skeleton.joints().len())),
                }
                writeln!(self.out, "{row}")
            }
        }
    }

    /// Closes the output (the COCO list's closing bracket) and flushes it.
    pub fn finish(mut self) -> std::io::Result<W> {
        if self.format == Format::Coco && self.started {
            writeln!(self.out, "\n]")?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::Keypoint;

    fn pose() -> Pose {
        Pose {
            skeleton: Skeleton::Coco17,
            keypoints: (0..17)
                .map(|i| Keypoint { x: 0.5, y: i as f32 / 17.0, score: 0.5, presence: None, z: None })
                .collect(),
            score: 0.5,
            world: None,
            mask: None,
            frame_width: 200,
            frame_height: 100,
        }
    }

    fn frame() -> Frame {
        Frame::new(image::RgbImage::new(200, 100), 3, 0.1, "a,b.jpg")
    }

    fn write(format: Format, poses: &[Option<Pose>]) -> String {
        let mut w = Writer::new(Vec::new(), format, PoseModel::MovenetLightning);
        w.header(&Header { engine: "tract", source: "x", width: 200, height: 100 }).unwrap();
        for p in poses {
            w.frame(&frame(), p.as_ref()).unwrap();
        }
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn jsonl_has_a_header_and_null_for_no_person() {
        let s = write(Format::Jsonl, &[Some(pose()), None]);
        let lines: Vec<serde_json::Value> = s.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["keypoint_names"][9], "left_wrist");
        assert_eq!(lines[1]["keypoints"][0][0], 100.0);
        assert_eq!(lines[1]["frame"], 3);
        assert!(lines[2]["keypoints"].is_null());
    }

    #[test]
    fn coco_is_a_valid_list_of_17_triples() {
        let s = write(Format::Coco, &[Some(pose()), None, Some(pose())]);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        let list = v.as_array().unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0]["keypoints"].as_array().unwrap().len(), 51);
        assert_eq!(list[0]["category_id"], 1);
        let empty = write(Format::Coco, &[None]);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&empty).unwrap(), json!([]));
    }

    #[test]
    fn csv_rows_have_equal_columns() {
        let s = write(Format::Csv, &[Some(pose()), None]);
        let counts: Vec<usize> = s.lines().map(|l| l.replace("\"a,b.jpg\"", "ab").split(',').count()).collect();
        assert_eq!(counts, vec![6 + 51; 3]);
    }
}
