//! Running a protocol over a stream of poses: states, the cue, repetitions, holds, and the session record.

use std::io::Write;

use serde::Serialize;

use super::checkpoint::CheckState;
use super::cues::{Cue, CueEngine};
use super::protocol::Protocol;
use super::reps::{HoldCounter, RepCounter};
use crate::pose::Pose;

/// What one frame changed.
#[derive(Clone, Debug, Default)]
pub struct FrameResult {
    /// Each checkpoint's value (`None` = not visible).
    pub values: Vec<Option<f32>>,
    /// Each checkpoint's state.
    pub states: Vec<CheckState>,
    /// The cue to show.
    pub cue: Option<Cue>,
    /// Rules (by index) that counted a repetition on this frame.
    pub reps_counted: Vec<usize>,
}

/// Per-checkpoint totals.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CheckpointSummary {
    /// Its name.
    pub name: String,
    /// Seconds in tolerance (in or near the edge).
    pub time_in_tolerance_s: f64,
    /// Seconds the measure was visible.
    pub time_visible_s: f64,
    /// Seconds out of tolerance.
    pub time_out_s: f64,
    /// How often its cue was shown.
    pub cues: u32,
    /// Smallest value seen (range of motion).
    pub min: Option<f32>,
    /// Largest value seen.
    pub max: Option<f32>,
    /// The same measure on the other side of the body: smallest and largest (range of motion per side).
    pub other_side_min: Option<f32>,
    /// See `other_side_min`.
    pub other_side_max: Option<f32>,
    /// Completed holds (checkpoints with a hold time).
    pub holds: u32,
    /// Longest continuous time in tolerance.
    pub longest_in_tolerance_s: f64,
}

/// Per-rule repetition totals.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RepSummary {
    /// Its name.
    pub name: String,
    /// Repetitions.
    pub count: u32,
    /// When each counted (s).
    pub at_s: Vec<f64>,
    /// Smallest and largest value of its measure.
    pub min: Option<f32>,
    /// See `min`.
    pub max: Option<f32>,
}

/// The whole session's summary (exported as JSON).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Format of this summary.
    pub format: &'static str,
    /// Format version.
    pub format_version: u32,
    /// The protocol's name.
    pub protocol: String,
    /// Frames seen.
    pub frames: u64,
    /// Seconds covered.
    pub duration_s: f64,
    /// Per checkpoint.
    pub checkpoints: Vec<CheckpointSummary>,
    /// Per repetition rule.
    pub reps: Vec<RepSummary>,
}

fn widen(min: &mut Option<f32>, max: &mut Option<f32>, v: Option<f32>) {
    if let Some(v) = v {
        *min = Some(min.map_or(v, |m| m.min(v)));
        *max = Some(max.map_or(v, |m| m.max(v)));
    }
}

/// A protocol running over poses.
pub struct PostureSession {
    protocol: Protocol,
    states: Vec<CheckState>,
    cues: CueEngine,
    reps: Vec<RepCounter>,
    holds: Vec<Option<HoldCounter>>,
    summary: Summary,
    last_time: Option<f64>,
    first_time: Option<f64>,
    csv: Vec<String>,
}

impl PostureSession {
    /// Starts a session of `protocol`.
    pub fn new(protocol: Protocol) -> Self {
        let n = protocol.checkpoints.len();
        let summary = Summary {
            format: "mirrorcue-session-summary",
            format_version: 1,
            protocol: protocol.name.clone(),
            checkpoints: protocol
                .checkpoints
                .iter()
                .map(|c| CheckpointSummary { name: c.name.clone(), ..Default::default() })
                .collect(),
            reps: protocol.reps.iter().map(|r| RepSummary { name: r.name.clone(), ..Default::default() }).collect(),
            ..Default::default()
        };
        PostureSession {
            states: vec![CheckState::NotVisible; n],
            cues: CueEngine::new(n, protocol.cues),
            reps: protocol.reps.iter().cloned().map(RepCounter::new).collect(),
            holds: protocol.checkpoints.iter().map(|c| c.hold_s.map(HoldCounter::new)).collect(),
            protocol,
            summary,
            last_time: None,
            first_time: None,
            csv: Vec::new(),
        }
    }

    /// The protocol.
    pub fn protocol(&self) -> &Protocol {
        &self.protocol
    }

    /// Feeds one frame's pose (`None` = nobody seen) at `time_s`.
    pub fn update(&mut self, time_s: f64, pose: Option<&Pose>) -> FrameResult {
        let dt = self.last_time.map_or(0.0, |t| (time_s - t).clamp(0.0, 0.5));
        self.last_time = Some(time_s);
        self.first_time.get_or_insert(time_s);
        let mut values = Vec::with_capacity(self.states.len());
        for (i, c) in self.protocol.checkpoints.iter().enumerate() {
            let v = pose.and_then(|p| c.value(p));
            let s = c.classify(v, self.states[i]);
            self.states[i] = s;
            values.push(v);
            let sum = &mut self.summary.checkpoints[i];
            widen(&mut sum.min, &mut sum.max, v);
            let other = pose.and_then(|p| c.measure.twin().evaluate(p, c.plane, c.min_score));
            if c.measure.twin() != c.measure {
                widen(&mut sum.other_side_min, &mut sum.other_side_max, other);
            }
            if s != CheckState::NotVisible {
                sum.time_visible_s += dt;
            }
            let in_tol = matches!(s, CheckState::InTolerance | CheckState::NearEdge);
            if in_tol {
                sum.time_in_tolerance_s += dt;
            } else if s == CheckState::Out {
                sum.time_out_s += dt;
            }
            if let Some(h) = self.holds[i].as_mut() {
                h.update(time_s, in_tol);
                sum.holds = h.count;
                sum.longest_in_tolerance_s = h.longest_s;
            }
        }
        let texts: Vec<&str> = self.protocol.checkpoints.iter().map(|c| c.cue.as_str()).collect();
        let prios: Vec<u8> = self.protocol.checkpoints.iter().map(|c| c.priority).collect();
        let cue = self.cues.update(time_s, &self.states, &texts, &prios).cloned();
        for (i, n) in self.cues.shown.iter().enumerate() {
            self.summary.checkpoints[i].cues = *n;
        }
        let mut reps_counted = Vec::new();
        for (i, r) in self.reps.iter_mut().enumerate() {
            let rule = r.rule();
            let v = pose.and_then(|p| rule.measure.evaluate(p, rule.plane, rule.min_score));
            let s = &mut self.summary.reps[i];
            widen(&mut s.min, &mut s.max, v);
            if r.update(time_s, v) {
                reps_counted.push(i);
            }
            s.count = r.count;
            s.at_s = r.times.clone();
        }
        self.summary.frames += 1;
        self.summary.duration_s = time_s - self.first_time.unwrap_or(time_s);
        // One CSV row per frame.
        let mut row = format!("{time_s:.4}");
        for (v, s) in values.iter().zip(&self.states) {
            row.push_str(&match v {
                Some(v) => format!(",{v:.3},{}", s.label()),
                None => format!(",,{}", s.label()),
            });
        }
        row.push_str(&format!(",{}", cue.as_ref().map(|c| csv_text(&c.text)).unwrap_or_default()));
        for r in &self.reps {
            row.push_str(&format!(",{}", r.count));
        }
        self.csv.push(row);
        FrameResult { values, states: self.states.clone(), cue, reps_counted }
    }

    /// The states of the last frame.
    pub fn states(&self) -> &[CheckState] {
        &self.states
    }

    /// The cue on screen.
    pub fn cue(&self) -> Option<&Cue> {
        self.cues.current()
    }

    /// The summary so far.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Writes one CSV row per frame: time, each checkpoint's value and state, the cue, each rule's count.
    pub fn write_csv(&self, mut w: impl Write) -> std::io::Result<()> {
        let mut header = String::from("time_s");
        for c in &self.protocol.checkpoints {
            let n = csv_text(&c.name);
            header.push_str(&format!(",{n} value,{n} state"));
        }
        header.push_str(",cue");
        for r in &self.protocol.reps {
            header.push_str(&format!(",{} reps", csv_text(&r.name)));
        }
        writeln!(w, "{header}")?;
        for row in &self.csv {
            writeln!(w, "{row}")?;
        }
        Ok(())
    }
}

fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}
