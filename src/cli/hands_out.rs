//! `mirrorcue analyze --hands`: the hands of each frame added to the JSON Lines output.
//!
//! The header gains `"hand_landmark_names"` (the 21 names in order) and each frame object gains
//! `"hands": [{"side": "left"|"right", "score": s, "presence": p, "landmarks": [[x_px, y_px, score] × 21],
//! "world": [[x, y, z] × 21]}, …]` (an empty list when no hand is seen): `side` is the person's own side, `score`
//! the confidence in it (0.5–1), `presence` the landmark model's hand presence; landmarks in pixels of the frame
//! (origin top-left, x right, y down, 0.01 px) with the hand's presence as each landmark's score (the model gives no
//! per-landmark score); world landmarks in metres (0.1 mm), origin near the middle of the hand, axes of the frame.
//!
//! The pose writer ([`super::output`]) knows nothing of hands: [`HandsOutput::wrap`] puts a filter between it and the
//! file that adds the hands to each line it writes. The hands are found with the pose ([`HandsOutput::process`]) and
//! travel with their frame to the output thread, where [`HandsStage::stage`] hands them to the filter just before
//! the frame's line is written.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::CliError;
use super::output::Format;
use crate::Frame;
use crate::hands::{Hand, HandLandmark, HandTracker, HandsConfig};
use crate::pose::{Engine, ModelStore};

fn round2(v: f32) -> f64 {
    (v as f64 * 100.0).round() / 100.0
}

fn round4(v: f32) -> f64 {
    (v as f64 * 10000.0).round() / 10000.0
}

/// One hand as a JSON object (see the module docs).
pub fn hand_json(hand: &Hand) -> Value {
    let landmarks: Vec<[f64; 3]> =
        hand.to_pixels().iter().map(|p| [round2(p[0]), round2(p[1]), round4(hand.presence)]).collect();
    let world: Vec<[f64; 3]> = hand.world.iter().map(|w| [round4(w.x), round4(w.y), round4(w.z)]).collect();
    json!({
        "side": hand.side.name(),
        "score": round4(hand.score),
        "presence": round4(hand.presence),
        "landmarks": landmarks,
        "world": world,
    })
}

/// The hands waiting to be added to the next line.
type Staged = Arc<Mutex<VecDeque<Value>>>;

/// The hand tracker of an `analyze` run and the hands waiting to be added to the next line.
pub struct HandsOutput {
    tracker: Option<HandTracker>,
    staged: Staged,
}

/// One frame's hands as its line will carry them (`None` without `--hands`).
pub type FrameHands = Option<Value>;

/// Where the output thread puts a frame's hands before writing its line (see the module docs).
pub struct HandsStage(Staged);

impl HandsStage {
    /// The next line written through [`HandsOutput::wrap`]'s filter carries `hands`.
    pub fn stage(&self, hands: FrameHands) {
        if let Some(h) = hands {
            self.0.lock().unwrap_or_else(|e| e.into_inner()).push_back(h);
        }
    }
}

impl HandsOutput {
    /// With `enabled` (the `--hands` flag), loads the hand models; `stills` analyses each frame afresh, `smoothing`
    /// smooths the landmarks of a video. Hands need the `jsonl` format.
    pub fn new(
        enabled: bool,
        format: Format,
        store: &ModelStore,
        engine: &Engine,
        stills: bool,
        smoothing: bool,
    ) -> Result<Self, CliError> {
        let staged = Arc::new(Mutex::new(VecDeque::new()));
        if !enabled {
            return Ok(HandsOutput { tracker: None, staged });
        }
        if format != Format::Jsonl {
            return Err(CliError::usage("--hands needs --format jsonl"));
        }
        let mut config = if stills { HandsConfig::stills() } else { HandsConfig::default() };
        if !smoothing {
            config.smoothing = None;
        }
        Ok(HandsOutput { tracker: Some(HandTracker::new(store, engine, config)?), staged })
    }

    /// Finds the hands of `frame`, for its line ([`HandsStage::stage`]).
    pub fn process(&mut self, frame: &Frame) -> Result<FrameHands, CliError> {
        match &mut self.tracker {
            Some(t) => Ok(Some(Value::Array(t.process(frame)?.iter().map(hand_json).collect()))),
            None => Ok(None),
        }
    }

    /// Where the output puts each frame's hands before writing the frame's line.
    pub fn stage(&self) -> HandsStage {
        HandsStage(self.staged.clone())
    }

    /// The output to give the pose writer: `out` itself without `--hands`, else a filter adding the hands.
    pub fn wrap<'a>(&self, out: &'a mut (dyn Write + Send)) -> Box<dyn Write + Send + 'a> {
        match self.tracker {
            None => Box::new(out),
            Some(_) => Box::new(Splice { out, line: Vec::new(), header: true, staged: self.staged.clone() }),
        }
    }
}

/// Adds a key to each JSON object line: the hand names to the header, the staged hands to each frame line.
struct Splice<'a> {
    out: &'a mut (dyn Write + Send),
    line: Vec<u8>,
    header: bool,
    staged: Staged,
}

impl Splice<'_> {
    fn emit_line(&mut self) -> std::io::Result<()> {
        let (key, value) = if std::mem::take(&mut self.header) {
            ("hand_landmark_names", json!(HandLandmark::ALL.map(|l| l.name())))
        } else {
            ("hands", self.staged.lock().unwrap_or_else(|e| e.into_inner()).pop_front().unwrap_or(Value::Null))
        };
        // A complete line is `{…}\n`: the key goes in before the closing brace.
        let body = self.line.strip_suffix(b"\n").unwrap_or(&self.line);
        match body.strip_suffix(b"}") {
            Some(open) if body.starts_with(b"{") => {
                self.out.write_all(open)?;
                let sep = if open.len() > 1 { "," } else { "" };
                writeln!(self.out, "{sep}\"{key}\":{value}}}")?;
            }
            _ => self.out.write_all(&self.line)?,
        }
        self.line.clear();
        Ok(())
    }
}

impl Write for Splice<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for chunk in buf.split_inclusive(|&b| b == b'\n') {
            self.line.extend_from_slice(chunk);
            if chunk.ends_with(b"\n") {
                self.emit_line()?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.line.is_empty() {
            self.out.write_all(&self.line)?;
            self.line.clear();
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_adds_names_to_the_header_and_hands_to_each_line() {
        let staged = Arc::new(Mutex::new(VecDeque::new()));
        let stage = HandsStage(staged.clone());
        stage.stage(Some(json!([{"side": "left"}])));
        stage.stage(None);
        stage.stage(Some(json!([])));
        let mut out = Vec::new();
        {
            let mut s = Splice { out: &mut out, line: Vec::new(), header: true, staged: staged.clone() };
            // Lines may arrive in pieces.
            s.write_all(b"{\"format\":\"x\"}\n{\"frame\":0").expect("write");
            s.write_all(b"}\n{\"frame\":1}\n").expect("write");
            s.flush().expect("flush");
        }
        let text = String::from_utf8(out).expect("utf8");
        let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).expect("valid JSON")).collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["hand_landmark_names"][20], "pinky_tip");
        assert_eq!(lines[1]["hands"][0]["side"], "left");
        assert_eq!(lines[1]["frame"], 0);
        assert_eq!(lines[2]["hands"], json!([]));
        assert!(staged.lock().expect("not poisoned").is_empty());
    }
}
