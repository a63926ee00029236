//! Running a protocol over a stream of poses: states, the cue, repetitions, holds, and the session record.
//!
//! **Time.** [`PostureSession::update`] takes each frame's own time (a camera's clock, a clip's time). The session
//! keeps its own elapsed time from it: a frame advances the session by the interval since the previous frame;
//! when the time goes back (a looping clip restarting) or jumps by more than [`MAX_STEP_S`] (a seek, a stall), the
//! frame counts for one usual frame interval instead; the same time again (a paused source re-sending its frame)
//! counts for nothing. A monotonic clock works as well. Every time the session reports (repetition times, the
//! CSV's `time_s`, holds, the duration) is this session time, so it only ever increases.
//!
//! **Edits.** [`PostureSession::edit`] takes an edited protocol and keeps what was counted: checkpoints and
//! repetition rules are matched by name; a changed target, tolerance, cue or priority keeps the history; a changed
//! measure restarts that checkpoint's record (said in the [`EditReport`]); a removed checkpoint's record stays in
//! the summary, marked removed.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::SystemTime;

use serde::Serialize;

use super::checkpoint::{CheckState, Checkpoint};
use super::cues::{Cue, CueEngine};
use super::protocol::Protocol;
use super::reps::{HoldCounter, RepCounter, RepRule};
use crate::pose::{Pose, PoseModel};
use crate::units::{self, Unit};

/// The longest step between two frames that counts as elapsed time (s); a longer jump counts as one frame.
pub const MAX_STEP_S: f64 = 0.5;
/// The frame interval assumed until two frames have shown the real one (s).
pub const DEFAULT_FRAME_S: f64 = 1.0 / 30.0;

/// What one frame changed.
#[derive(Clone, Debug, Default)]
pub struct FrameResult {
    /// Session time of this frame (s, increasing).
    pub time_s: f64,
    /// Each checkpoint's value (`None` = not visible).
    pub values: Vec<Option<f32>>,
    /// Each checkpoint's state.
    pub states: Vec<CheckState>,
    /// The cue to show.
    pub cue: Option<Cue>,
    /// Rules (by index) that counted a repetition on this frame.
    pub reps_counted: Vec<usize>,
    /// Checkpoints (by index) that completed a hold on this frame.
    pub holds_completed: Vec<usize>,
}

/// Where a session's frames come from, for the summary.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SessionContext {
    /// The source in words (a file name, "Live camera: …").
    pub source: String,
    /// The pose model.
    pub model: Option<PoseModel>,
    /// The protocol's file, when it has one.
    pub protocol_file: Option<PathBuf>,
}

/// Per-checkpoint totals, rounded to what they mean (times 0.01 s; values by their unit).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckpointSummary {
    /// Its name.
    pub name: String,
    /// The unit of `min`, `max`, `other_side_min`, `other_side_max`.
    pub unit: Unit,
    /// The limit in words ("at most 0.10 torso lengths, at the end of the movement (squats)").
    pub limit: String,
    /// Seconds in tolerance (in or near the edge).
    pub time_in_tolerance_s: f64,
    /// Seconds checked: visible and in the phase it applies to.
    pub time_checked_s: f64,
    /// Seconds the measure was visible.
    pub time_visible_s: f64,
    /// Seconds out of tolerance.
    pub time_out_s: f64,
    /// Longest continuous time in tolerance.
    pub longest_in_tolerance_s: f64,
    /// How often its cue was shown.
    pub cues: u32,
    /// Smallest value seen (range of motion).
    pub min: Option<f64>,
    /// Largest value seen.
    pub max: Option<f64>,
    /// The same measure on the other side of the body: smallest and largest (range of motion per side).
    pub other_side_min: Option<f64>,
    /// See `other_side_min`.
    pub other_side_max: Option<f64>,
    /// The hold time asked for (s), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold_s: Option<f64>,
    /// Completed holds.
    pub holds: u32,
    /// Session time its record starts (s) when it was added or restarted by an edit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_s: Option<f64>,
    /// Session time it was removed by an edit (s).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_at_s: Option<f64>,
}

/// Per-rule repetition totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RepSummary {
    /// Its name.
    pub name: String,
    /// The unit of `min` and `max`.
    pub unit: Unit,
    /// Repetitions.
    pub count: u32,
    /// Session time at which each counted (s, increasing).
    pub at_s: Vec<f64>,
    /// Smallest value of its measure.
    pub min: Option<f64>,
    /// Largest value of its measure.
    pub max: Option<f64>,
    /// Session time its count starts (s) when it was added or restarted by an edit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_s: Option<f64>,
    /// Session time it was removed by an edit (s).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_at_s: Option<f64>,
}

/// An edit of the protocol during the session.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EditNote {
    /// Session time (s).
    pub at_s: f64,
    /// What changed, in words.
    pub what: String,
}

/// The whole session's summary (exported as JSON), rounded to what the numbers mean. The checkpoints and rules of
/// the protocol come first, in its order; those removed by an edit follow.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Format of this summary.
    pub format: &'static str,
    /// Format version.
    pub format_version: u32,
    /// When the session started (UTC, ISO 8601).
    pub date: String,
    /// The source of the frames.
    pub source: String,
    /// The pose model (`movenet-thunder`, …).
    pub model: Option<String>,
    /// The protocol's name.
    pub protocol: String,
    /// The protocol's file.
    pub protocol_file: Option<String>,
    /// Frames seen.
    pub frames: u64,
    /// Session time covered (s).
    pub duration_s: f64,
    /// The units: every field ending in `_s` is seconds; `min`/`max` are in each entry's `unit`.
    pub units: BTreeMap<&'static str, &'static str>,
    /// Per checkpoint.
    pub checkpoints: Vec<CheckpointSummary>,
    /// Per repetition rule.
    pub reps: Vec<RepSummary>,
    /// Edits of the protocol during the session.
    pub edits: Vec<EditNote>,
}

/// What an edit of the protocol did to the session's record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EditReport {
    /// Checkpoints and rules kept with their history (target, tolerance, cue or priority may have changed).
    pub kept: Vec<String>,
    /// Checkpoints and rules whose measure changed: their record restarted now.
    pub restarted: Vec<String>,
    /// New ones, recorded from now.
    pub added: Vec<String>,
    /// Removed ones (their record stays in the summary).
    pub removed: Vec<String>,
}

impl EditReport {
    /// For the therapist, when anything but "kept" happened: "Counting goes on. Restarted: left knee angle
    /// (its measure changed). Added: …".
    pub fn message(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.restarted.is_empty() {
            parts.push(format!("Restarted (measure changed): {}.", self.restarted.join(", ")));
        }
        if !self.added.is_empty() {
            parts.push(format!("Added: {}.", self.added.join(", ")));
        }
        if !self.removed.is_empty() {
            parts.push(format!("Removed (kept in the session record): {}.", self.removed.join(", ")));
        }
        (!parts.is_empty()).then(|| format!("Counting goes on. {}", parts.join(" ")))
    }
}

/// A repetition count for the patient screen.
#[derive(Clone, Debug, PartialEq)]
pub struct RepDisplay {
    /// The rule's name ("squats").
    pub name: String,
    /// The count.
    pub count: u32,
    /// "3 repetitions" / "1 repetition".
    pub text: String,
}

/// A hold timer for the patient screen.
#[derive(Clone, Debug, PartialEq)]
pub struct HoldDisplay {
    /// The checkpoint's name.
    pub name: String,
    /// Seconds held in the current stretch.
    pub held_s: f64,
    /// Seconds asked for.
    pub target_s: f64,
    /// Holds completed.
    pub completed: u32,
    /// "Hold 7 s of 10 s" (whole seconds, counting up).
    pub text: String,
}

/// What the patient screen shows, large: the cue, each repetition count, and the hold timer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PatientDisplay {
    /// The cue on screen.
    pub cue: Option<Cue>,
    /// Repetition counts, one per rule.
    pub reps: Vec<RepDisplay>,
    /// The hold in progress (or the first hold checkpoint, at 0 s).
    pub hold: Option<HoldDisplay>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Range {
    min: Option<f32>,
    max: Option<f32>,
}

impl Range {
    fn widen(&mut self, v: Option<f32>) {
        if let Some(v) = v.filter(|v| v.is_finite()) {
            self.min = Some(self.min.map_or(v, |m| m.min(v)));
            self.max = Some(self.max.map_or(v, |m| m.max(v)));
        }
    }
}

/// One checkpoint's running record.
#[derive(Clone, Debug)]
struct CheckTrack {
    spec: Checkpoint,
    column: usize,
    state: CheckState,
    streak: HoldCounter,
    range: Range,
    other: Range,
    time_in: f64,
    time_checked: f64,
    time_visible: f64,
    time_out: f64,
    since_s: Option<f64>,
}

impl CheckTrack {
    fn new(spec: Checkpoint, column: usize, since_s: Option<f64>) -> Self {
        CheckTrack {
            streak: HoldCounter::new(spec.hold_s.unwrap_or(f32::INFINITY)),
            spec,
            column,
            state: CheckState::NotVisible,
            range: Range::default(),
            other: Range::default(),
            time_in: 0.0,
            time_checked: 0.0,
            time_visible: 0.0,
            time_out: 0.0,
            since_s,
        }
    }

    /// Counts `dt` seconds in `state`; returns `true` when a hold completes.
    fn account(&mut self, dt: f64, state: CheckState) -> bool {
        if state != CheckState::NotVisible {
            self.time_visible += dt;
        }
        if !matches!(state, CheckState::NotVisible | CheckState::Inactive) {
            self.time_checked += dt;
        }
        let in_tol = matches!(state, CheckState::InTolerance | CheckState::NearEdge);
        if in_tol {
            self.time_in += dt;
        } else if state == CheckState::Out {
            self.time_out += dt;
        }
        self.streak.update(dt, in_tol)
    }

    fn summary(&self, cues: u32, removed_at_s: Option<f64>) -> CheckpointSummary {
        let unit = self.spec.unit();
        let r = |v: Option<f32>| v.map(|v| units::round(v as f64, unit));
        let twin = self.spec.measure.is_sided();
        CheckpointSummary {
            name: self.spec.name.clone(),
            unit,
            limit: self.spec.describe_limit(),
            time_in_tolerance_s: units::round_s(self.time_in),
            time_checked_s: units::round_s(self.time_checked),
            time_visible_s: units::round_s(self.time_visible),
            time_out_s: units::round_s(self.time_out),
            longest_in_tolerance_s: units::round_s(self.streak.longest_s),
            cues,
            min: r(self.range.min),
            max: r(self.range.max),
            other_side_min: if twin { r(self.other.min) } else { None },
            other_side_max: if twin { r(self.other.max) } else { None },
            hold_s: self.spec.hold_s.map(|h| units::round_s(h as f64)),
            holds: if self.spec.hold_s.is_some() { self.streak.count } else { 0 },
            since_s: self.since_s.map(units::round_s),
            removed_at_s: removed_at_s.map(units::round_s),
        }
    }
}

/// One repetition rule's running record.
#[derive(Clone, Debug)]
struct RepTrack {
    counter: RepCounter,
    column: usize,
    range: Range,
    since_s: Option<f64>,
}

impl RepTrack {
    fn summary(&self, removed_at_s: Option<f64>) -> RepSummary {
        let unit = self.counter.rule().measure.unit_kind();
        RepSummary {
            name: self.counter.rule().name.clone(),
            unit,
            count: self.counter.count,
            at_s: self.counter.times.iter().map(|t| units::round_s(*t)).collect(),
            min: self.range.min.map(|v| units::round(v as f64, unit)),
            max: self.range.max.map(|v| units::round(v as f64, unit)),
            since_s: self.since_s.map(units::round_s),
            removed_at_s: removed_at_s.map(units::round_s),
        }
    }
}

/// The session's own clock (see the module docs).
#[derive(Clone, Debug)]
struct Clock {
    last_source_s: Option<f64>,
    elapsed_s: f64,
    frame_s: f64,
    measured: bool,
}

impl Clock {
    /// Advances by the frame at `source_s`; returns (the frame's session time, the seconds it covers, and a
    /// correction to the seconds the first frame covered, once the second frame shows the real frame interval).
    fn advance(&mut self, source_s: f64) -> (f64, f64, f64) {
        let mut correction = 0.0;
        let step = match self.last_source_s {
            None => self.frame_s,
            Some(last) => {
                let dt = source_s - last;
                if dt > 0.0 && dt <= MAX_STEP_S {
                    if !self.measured {
                        // The first frame covered an assumed interval: it covers the real one.
                        correction = dt - self.frame_s;
                        self.elapsed_s += correction;
                    }
                    self.measured = true;
                    self.frame_s = dt;
                    dt
                } else if dt == 0.0 {
                    0.0
                } else {
                    self.frame_s
                }
            }
        };
        // A frame's session time is where it starts; it covers `step` seconds (the first frame one usual interval).
        let frame_time = self.elapsed_s;
        self.elapsed_s += step;
        self.last_source_s = Some(source_s);
        (frame_time, step, correction)
    }
}

/// A column of the frame-by-frame record.
#[derive(Clone, Debug)]
struct Column {
    name: String,
    unit: Unit,
}

/// One frame of the record.
#[derive(Clone, Debug)]
struct Row {
    time_s: f64,
    source_time_s: f64,
    checks: Vec<(usize, Option<f32>, CheckState)>,
    cue: Option<String>,
    reps: Vec<(usize, u32)>,
}

/// A protocol running over poses.
pub struct PostureSession {
    protocol: Protocol,
    context: SessionContext,
    started: SystemTime,
    clock: Clock,
    checks: Vec<CheckTrack>,
    reps: Vec<RepTrack>,
    cues: CueEngine,
    retired_checks: Vec<CheckpointSummary>,
    retired_reps: Vec<RepSummary>,
    check_columns: Vec<Column>,
    rep_columns: Vec<String>,
    rows: Vec<Row>,
    frames: u64,
    edits: Vec<EditNote>,
    summary: Summary,
}

impl PostureSession {
    /// Starts a session of `protocol`.
    pub fn new(protocol: Protocol) -> Self {
        let mut s = PostureSession {
            context: SessionContext::default(),
            started: SystemTime::now(),
            clock: Clock { last_source_s: None, elapsed_s: 0.0, frame_s: DEFAULT_FRAME_S, measured: false },
            checks: Vec::new(),
            reps: Vec::new(),
            cues: CueEngine::new(protocol.checkpoints.len(), protocol.cues),
            retired_checks: Vec::new(),
            retired_reps: Vec::new(),
            check_columns: Vec::new(),
            rep_columns: Vec::new(),
            rows: Vec::new(),
            frames: 0,
            edits: Vec::new(),
            summary: Summary {
                format: "mirrorcue-session-summary",
                format_version: 2,
                date: String::new(),
                source: String::new(),
                model: None,
                protocol: String::new(),
                protocol_file: None,
                frames: 0,
                duration_s: 0.0,
                units: BTreeMap::new(),
                checkpoints: Vec::new(),
                reps: Vec::new(),
                edits: Vec::new(),
            },
            protocol: protocol.clone(),
        };
        for c in &protocol.checkpoints {
            let col = s.check_column(c);
            s.checks.push(CheckTrack::new(c.clone(), col, None));
        }
        for r in &protocol.reps {
            let col = s.rep_column(r);
            s.reps.push(RepTrack {
                counter: RepCounter::new(r.clone()),
                column: col,
                range: Range::default(),
                since_s: None,
            });
        }
        s.refresh_summary();
        s
    }

    /// The same, with where its frames come from (source, model, protocol file) for the summary.
    pub fn with_context(mut self, context: SessionContext) -> Self {
        self.set_context(context);
        self
    }

    /// Sets where the frames come from (source, model, protocol file), for the summary.
    pub fn set_context(&mut self, context: SessionContext) {
        self.context = context;
        self.refresh_summary();
    }

    /// The protocol.
    pub fn protocol(&self) -> &Protocol {
        &self.protocol
    }

    /// Session time so far (s): the time the frames covered.
    pub fn elapsed_s(&self) -> f64 {
        self.clock.elapsed_s
    }

    fn check_column(&mut self, c: &Checkpoint) -> usize {
        self.check_columns.push(Column { name: c.name.clone(), unit: c.unit() });
        self.check_columns.len() - 1
    }

    fn rep_column(&mut self, r: &RepRule) -> usize {
        self.rep_columns.push(r.name.clone());
        self.rep_columns.len() - 1
    }

    /// Feeds one frame's pose (`None` = nobody seen) at the frame's own time `time_s` (it may restart when a clip
    /// loops: see the module docs).
    pub fn update(&mut self, time_s: f64, pose: Option<&Pose>) -> FrameResult {
        self.update_with_hands(time_s, pose, &[])
    }

    /// As [`PostureSession::update`], with the frame's hands (MediaPipe Hands), which hand measures read.
    pub fn update_with_hands(&mut self, time_s: f64, pose: Option<&Pose>, hands: &[crate::hands::Hand]) -> FrameResult {
        let (now, dt, correction) = self.clock.advance(time_s);
        if correction != 0.0 {
            // The first frame's states cover the real first interval.
            for c in self.checks.iter_mut() {
                let s = c.state;
                c.account(correction, s);
            }
        }
        // Repetition measures first: they also give the phase of the movement.
        let mut reps_counted = Vec::new();
        let mut rep_values = Vec::with_capacity(self.reps.len());
        for (i, r) in self.reps.iter_mut().enumerate() {
            let rule = r.counter.rule();
            let v = rule.measure.evaluate_in(pose, hands, rule.plane, rule.min_score);
            rep_values.push(v);
            r.range.widen(v);
            if r.counter.update(now, v) {
                reps_counted.push(i);
            }
        }
        let mut values = Vec::with_capacity(self.checks.len());
        let mut holds_completed = Vec::new();
        for (i, c) in self.checks.iter_mut().enumerate() {
            let v = c.spec.value_in(pose, hands);
            values.push(v);
            let phase_ok = match &c.spec.when {
                None => Some(true),
                Some(w) => self
                    .protocol
                    .reps
                    .iter()
                    .position(|r| r.name == w.rep)
                    .and_then(|k| rep_values.get(k).copied().flatten().map(|rv| (k, rv)))
                    .map(|(k, rv)| w.phase.includes(self.protocol.reps[k].phase(rv))),
            };
            let s = match phase_ok {
                Some(true) => c.spec.classify(v, c.state),
                Some(false) if v.is_some() => CheckState::Inactive,
                _ => CheckState::NotVisible,
            };
            c.state = s;
            if c.account(dt, s) && c.spec.hold_s.is_some() {
                holds_completed.push(i);
            }
            // The range of motion covers the whole session, in its phase or not.
            c.range.widen(v);
            if c.spec.measure.is_sided() {
                c.other.widen(c.spec.measure.twin().evaluate_in(pose, hands, c.spec.plane, c.spec.min_score));
            }
        }
        let states: Vec<CheckState> = self.checks.iter().map(|c| c.state).collect();
        let texts: Vec<&str> = self.checks.iter().map(|c| c.spec.cue.as_str()).collect();
        let prios: Vec<u8> = self.checks.iter().map(|c| c.spec.priority).collect();
        let cue = self.cues.update(now, &states, &texts, &prios).cloned();
        self.frames += 1;
        self.rows.push(Row {
            time_s: now,
            source_time_s: time_s,
            checks: self.checks.iter().zip(&values).map(|(c, v)| (c.column, *v, c.state)).collect(),
            cue: cue.as_ref().map(|c| c.text.clone()),
            reps: self.reps.iter().map(|r| (r.column, r.counter.count)).collect(),
        });
        self.refresh_summary();
        FrameResult { time_s: now, values, states, cue, reps_counted, holds_completed }
    }

    fn refresh_summary(&mut self) {
        let s = &mut self.summary;
        s.date = units::utc_timestamp(self.started);
        s.source = self.context.source.clone();
        s.model = self.context.model.map(|m| m.name().to_string());
        s.protocol = self.protocol.name.clone();
        s.protocol_file = self.context.protocol_file.as_ref().map(|p| p.display().to_string());
        s.frames = self.frames;
        s.duration_s = units::round_s(self.clock.elapsed_s);
        if s.units.is_empty() {
            s.units.insert("*_s, at_s", Unit::Seconds.explanation());
            s.units.insert("degrees", Unit::Degrees.explanation());
            s.units.insert("torso_lengths", Unit::TorsoLengths.explanation());
            if self.protocol.checkpoints.iter().any(|c| c.measure.uses_hands())
                || self.protocol.reps.iter().any(|r| r.measure.uses_hands())
            {
                s.units.insert("palm_lengths", Unit::PalmLengths.explanation());
            }
        }
        s.checkpoints = self
            .checks
            .iter()
            .enumerate()
            .map(|(i, c)| c.summary(self.cues.shown.get(i).copied().unwrap_or(0), None))
            .chain(self.retired_checks.iter().cloned())
            .collect();
        s.reps = self.reps.iter().map(|r| r.summary(None)).chain(self.retired_reps.iter().cloned()).collect();
        s.edits = self.edits.clone();
    }

    /// Goes on with an edited protocol, keeping counts, holds and histories (see the module docs); the report
    /// says what restarted, what was added and what was removed.
    pub fn edit(&mut self, protocol: Protocol) -> EditReport {
        let now = self.clock.elapsed_s;
        let mut report = EditReport::default();
        let mut old: Vec<Option<CheckTrack>> = std::mem::take(&mut self.checks).into_iter().map(Some).collect();
        let mut old_of_new = Vec::with_capacity(protocol.checkpoints.len());
        for spec in &protocol.checkpoints {
            let found = old.iter().position(|t| t.as_ref().is_some_and(|t| t.spec.name == spec.name));
            let track = match found {
                Some(i) => {
                    let mut t = old[i].take().unwrap_or_else(|| CheckTrack::new(spec.clone(), 0, None));
                    let same_measure = t.spec.measure == spec.measure && t.spec.plane == spec.plane;
                    if same_measure {
                        old_of_new.push(Some(i));
                        if t.spec != *spec {
                            report.kept.push(spec.name.clone());
                        }
                        t.streak.set_hold_s(spec.hold_s.unwrap_or(f32::INFINITY));
                        t.spec = spec.clone();
                        t
                    } else {
                        old_of_new.push(None);
                        report.restarted.push(spec.name.clone());
                        let cues = self.cues.shown.get(i).copied().unwrap_or(0);
                        self.retired_checks.push(t.summary(cues, Some(now)));
                        let col = self.check_column(spec);
                        CheckTrack::new(spec.clone(), col, Some(now))
                    }
                }
                None => {
                    old_of_new.push(None);
                    report.added.push(spec.name.clone());
                    let col = self.check_column(spec);
                    CheckTrack::new(spec.clone(), col, Some(now))
                }
            };
            self.checks.push(track);
        }
        for (i, t) in old.into_iter().enumerate() {
            if let Some(t) = t {
                report.removed.push(t.spec.name.clone());
                let cues = self.cues.shown.get(i).copied().unwrap_or(0);
                self.retired_checks.push(t.summary(cues, Some(now)));
            }
        }
        self.cues.remap(&old_of_new, protocol.cues);
        let mut old_reps: Vec<Option<RepTrack>> = std::mem::take(&mut self.reps).into_iter().map(Some).collect();
        for rule in &protocol.reps {
            let found = old_reps.iter().position(|t| t.as_ref().is_some_and(|t| t.counter.rule().name == rule.name));
            let track = match found.and_then(|i| old_reps[i].take()) {
                Some(mut t) if t.counter.rule().measure == rule.measure && t.counter.rule().plane == rule.plane => {
                    if t.counter.rule() != rule {
                        report.kept.push(rule.name.clone());
                    }
                    t.counter.set_rule(rule.clone());
                    t
                }
                Some(t) => {
                    report.restarted.push(rule.name.clone());
                    self.retired_reps.push(t.summary(Some(now)));
                    let col = self.rep_column(rule);
                    RepTrack {
                        counter: RepCounter::new(rule.clone()),
                        column: col,
                        range: Range::default(),
                        since_s: Some(now),
                    }
                }
                None => {
                    report.added.push(rule.name.clone());
                    let col = self.rep_column(rule);
                    RepTrack {
                        counter: RepCounter::new(rule.clone()),
                        column: col,
                        range: Range::default(),
                        since_s: Some(now),
                    }
                }
            };
            self.reps.push(track);
        }
        for t in old_reps.into_iter().flatten() {
            report.removed.push(t.counter.rule().name.clone());
            self.retired_reps.push(t.summary(Some(now)));
        }
        let mut what = Vec::new();
        for (label, names) in [
            ("changed", &report.kept),
            ("restarted", &report.restarted),
            ("added", &report.added),
            ("removed", &report.removed),
        ] {
            if !names.is_empty() {
                what.push(format!("{label}: {}", names.join(", ")));
            }
        }
        if protocol.name != self.protocol.name {
            what.push(format!("renamed to {}", protocol.name));
        }
        if !what.is_empty() && self.frames > 0 {
            self.edits.push(EditNote { at_s: units::round_s(now), what: what.join("; ") });
        }
        self.protocol = protocol;
        self.refresh_summary();
        report
    }

    /// The states of the last frame.
    pub fn states(&self) -> Vec<CheckState> {
        self.checks.iter().map(|c| c.state).collect()
    }

    /// The cue on screen.
    pub fn cue(&self) -> Option<&Cue> {
        self.cues.current()
    }

    /// What the patient screen shows: the cue, the repetition counts, the hold timer.
    pub fn patient_display(&self) -> PatientDisplay {
        let reps = self
            .reps
            .iter()
            .map(|r| RepDisplay {
                name: r.counter.rule().name.clone(),
                count: r.counter.count,
                text: units::repetitions(r.counter.count as u64),
            })
            .collect();
        let holds: Vec<&CheckTrack> = self.checks.iter().filter(|c| c.spec.hold_s.is_some()).collect();
        let hold = holds.iter().find(|c| c.streak.current_s() > 0.0).or(holds.first()).map(|c| {
            let target = c.spec.hold_s.unwrap_or(0.0) as f64;
            let held = c.streak.current_s().min(target);
            HoldDisplay {
                name: c.spec.name.clone(),
                held_s: units::round_s(held),
                target_s: units::round_s(target),
                completed: c.streak.count,
                text: format!("Hold {} s of {} s", held.floor() as u64, units::fixed(target, 0)),
            }
        });
        PatientDisplay { cue: self.cues.current().cloned(), reps, hold }
    }

    /// The summary so far (rounded to what its numbers mean).
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Writes one CSV row per frame: the session time and the frame's own time, each checkpoint's value (its unit
    /// in the header) and state, the cue, each rule's count. Checkpoints added by an edit get their own columns,
    /// empty before.
    pub fn write_csv(&self, mut w: impl Write) -> std::io::Result<()> {
        let mut header = String::from("time_s,source_time_s");
        for c in &self.check_columns {
            let n = &c.name;
            header.push_str(&format!(
                ",{},{}",
                csv_text(&format!("{n} ({})", c.unit.key())),
                csv_text(&format!("{n} state"))
            ));
        }
        header.push_str(",cue");
        for r in &self.rep_columns {
            header.push_str(&format!(",{}", csv_text(&format!("{r} repetitions"))));
        }
        writeln!(w, "{header}")?;
        let mut cells: Vec<String> = Vec::new();
        for row in &self.rows {
            let mut line = format!("{},{}", units::fixed(row.time_s, 3), units::fixed(row.source_time_s, 3));
            cells.clear();
            cells.resize(self.check_columns.len(), ",".to_string());
            for (col, v, s) in &row.checks {
                let unit = self.check_columns[*col].unit;
                let v = v.map(|v| units::fixed(v as f64, unit.decimals())).unwrap_or_default();
                cells[*col] = format!("{v},{}", s.label());
            }
            for c in &cells {
                line.push(',');
                line.push_str(c);
            }
            line.push_str(&format!(",{}", row.cue.as_deref().map(csv_text).unwrap_or_default()));
            let mut reps = vec![String::new(); self.rep_columns.len()];
            for (col, n) in &row.reps {
                reps[*col] = n.to_string();
            }
            for r in reps {
                line.push(',');
                line.push_str(&r);
            }
            writeln!(w, "{line}")?;
        }
        Ok(())
    }
}

fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::Joint::*;
    use crate::posture::Measure;
    use crate::posture::measure::tests::pose_at;

    const ELBOW: &str = r#"
format_version = 1
name = "Elbow"

[[checkpoint]]
name = "left elbow"
cue = "Bend your left elbow"
target = 90.0
tolerance = 30.0
measure = { kind = "joint_angle", a = "left_shoulder", vertex = "left_elbow", c = "left_wrist" }

[[rep]]
name = "curls"
count_at = 60.0
reset_at = 150.0
measure = { kind = "joint_angle", a = "left_shoulder", vertex = "left_elbow", c = "left_wrist" }
"#;

    fn elbow_protocol() -> Protocol {
        Protocol::from_toml(ELBOW, std::path::Path::new("elbow.toml")).unwrap()
    }

    /// The left elbow at `deg` degrees (shoulder to its left, forearm turned by the angle).
    fn elbow_at(deg: f32) -> Pose {
        let r = deg.to_radians();
        pose_at(&[
            (LeftShoulder, 400.0, 500.0),
            (LeftElbow, 500.0, 500.0),
            (LeftWrist, 500.0 - 100.0 * r.cos(), 500.0 - 100.0 * r.sin()),
            (RightShoulder, 300.0, 500.0),
            (LeftHip, 400.0, 800.0),
            (RightHip, 300.0, 800.0),
        ])
    }

    /// A 2 s clip (30 fps) with one curl (straight → 40° → straight), played `loops` times by a looping source
    /// whose clip time restarts at 0.
    fn looped(loops: usize) -> Vec<(f64, Pose)> {
        let mut out = Vec::new();
        for _ in 0..loops {
            for i in 0..60 {
                let t = i as f64 / 30.0;
                let deg = if i < 30 { 170.0 - 130.0 * i as f32 / 29.0 } else { 40.0 + 130.0 * (i - 30) as f32 / 29.0 };
                out.push((t, elbow_at(deg)));
            }
        }
        out
    }

    #[test]
    fn a_looping_clip_keeps_true_time() {
        let mut s = PostureSession::new(elbow_protocol());
        for (t, p) in looped(3) {
            s.update(t, Some(&p));
        }
        let sum = s.summary();
        assert!((sum.duration_s - 6.0).abs() < 0.1, "duration {} s for three loops of 2 s", sum.duration_s);
        assert_eq!(sum.reps[0].count, 3);
        let at = &sum.reps[0].at_s;
        assert!(at.windows(2).all(|w| w[1] > w[0] + 1.0), "repetition times {at:?}");
        let mut csv = Vec::new();
        s.write_csv(&mut csv).unwrap();
        let times: Vec<f64> = String::from_utf8(csv)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().parse().unwrap())
            .collect();
        assert!(times.windows(2).all(|w| w[1] > w[0]), "CSV time_s must increase");
    }

    #[test]
    fn longest_in_tolerance_without_a_hold_time() {
        let mut s = PostureSession::new(elbow_protocol());
        for i in 0..61 {
            s.update(i as f64 / 30.0, Some(&elbow_at(95.0)));
        }
        let c = &s.summary().checkpoints[0];
        assert!(
            (c.longest_in_tolerance_s - 2.0).abs() < 0.05,
            "longest {} s in tolerance all along",
            c.longest_in_tolerance_s
        );
    }

    #[test]
    fn exported_numbers_have_no_float_noise() {
        let mut s = PostureSession::new(elbow_protocol());
        for i in 0..200 {
            s.update(i as f64 * 0.1 + 0.0333333, Some(&elbow_at(93.3 + (i % 7) as f32 * 0.123_456)));
        }
        let json = serde_json::to_string(s.summary()).unwrap();
        let mut csv = Vec::new();
        s.write_csv(&mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        for text in [&json, &csv] {
            for num in text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')) {
                if let Some((_, frac)) = num.split_once('.') {
                    assert!(frac.len() <= 3, "{num} in {text}");
                }
                assert_ne!(num, "-0.0");
            }
        }
    }

    /// Defect 5: editing the protocol (a tolerance, a new angle, a changed measure) keeps the count, the holds and
    /// the history; what restarted is said.
    #[test]
    fn editing_keeps_counts_and_history() {
        let mut p = elbow_protocol();
        p.checkpoints[0].hold_s = Some(1.0);
        let mut s = PostureSession::new(p.clone());
        for (t, pose) in looped(3) {
            s.update(t, Some(&pose));
        }
        let before = s.summary().clone();
        assert_eq!(before.reps[0].count, 3);
        // Change a tolerance, add an angle, and change the rule's thresholds.
        let mut edited = p.clone();
        edited.checkpoints[0].tolerance = 35.0;
        let mut added = edited.checkpoints[0].clone();
        added.name = "left elbow, from the hip".into();
        added.measure = Measure::angle(LeftHip, LeftElbow, LeftWrist);
        edited.checkpoints.push(added);
        edited.reps[0].count_at = 65.0;
        let report = s.edit(edited.clone());
        assert_eq!(report.kept, vec!["left elbow".to_string(), "curls".to_string()]);
        assert_eq!(report.added, vec!["left elbow, from the hip".to_string()]);
        assert!(report.restarted.is_empty() && report.removed.is_empty());
        assert!(report.message().unwrap().contains("Added: left elbow, from the hip"));
        let after = s.summary();
        assert_eq!(after.reps[0].count, 3);
        assert_eq!(after.checkpoints[0].time_in_tolerance_s, before.checkpoints[0].time_in_tolerance_s);
        assert_eq!(after.checkpoints[0].holds, before.checkpoints[0].holds);
        assert_eq!(after.checkpoints[1].since_s, Some(6.0));
        s.update(0.0, Some(&elbow_at(170.0)));
        s.update(0.1, Some(&elbow_at(50.0)));
        assert_eq!(s.summary().reps[0].count, 4, "the count goes on");
        // A changed measure restarts that checkpoint (its old record stays, marked removed), and says so.
        let mut changed = edited.clone();
        changed.checkpoints[0].measure = Measure::angle(RightShoulder, LeftElbow, LeftWrist);
        let report = s.edit(changed);
        assert_eq!(report.restarted, vec!["left elbow".to_string()]);
        let sum = s.summary();
        assert_eq!(sum.checkpoints.len(), 3);
        assert!(sum.checkpoints[2].removed_at_s.is_some() && sum.checkpoints[2].name == "left elbow");
        assert_eq!(sum.checkpoints[0].time_in_tolerance_s, 0.0);
        assert_eq!(sum.edits.len(), 2);
        let mut csv = Vec::new();
        s.write_csv(&mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let header = csv.lines().next().unwrap();
        assert_eq!(header.matches("left elbow (degrees)").count(), 2, "{header}");
    }

    /// Defect 3, in the session: a checkpoint that applies only at the end of a movement is "not checked" outside
    /// it, never cues there, and counts no time.
    #[test]
    fn phase_limited_checkpoints_rest_outside_their_phase() {
        let mut p = elbow_protocol();
        p.checkpoints[0].target = 45.0;
        p.checkpoints[0].tolerance = 10.0;
        p.checkpoints[0].when =
            Some(crate::posture::PhaseCondition { rep: "curls".into(), phase: crate::posture::Phase::End });
        let mut s = PostureSession::new(p);
        let mut cued = false;
        for i in 0..90 {
            let r = s.update(i as f64 / 30.0, Some(&elbow_at(170.0)));
            assert_eq!(r.states[0], CheckState::Inactive);
            cued |= r.cue.is_some();
        }
        assert!(!cued);
        assert_eq!(s.summary().checkpoints[0].time_checked_s, 0.0);
        let r = s.update(3.0, Some(&elbow_at(50.0)));
        assert_eq!(r.states[0], CheckState::InTolerance);
        let r = s.update(3.1, Some(&elbow_at(20.0)));
        assert_eq!(r.states[0], CheckState::Out);
    }

    /// Defect 8: the patient screen gets the repetition count and the hold timer.
    #[test]
    fn patient_display_has_reps_and_the_hold_timer() {
        let mut p = elbow_protocol();
        p.checkpoints[0].hold_s = Some(10.0);
        let mut s = PostureSession::new(p);
        for (t, pose) in looped(1) {
            s.update(t, Some(&pose));
        }
        let d = s.patient_display();
        assert_eq!(d.reps[0].text, "1 repetition");
        for i in 0..211 {
            s.update(2.0 + i as f64 / 30.0, Some(&elbow_at(95.0)));
        }
        let h = s.patient_display().hold.unwrap();
        assert_eq!((h.target_s, h.completed), (10.0, 0));
        assert!((h.held_s - 7.03).abs() < 0.05, "{h:?}");
        assert_eq!(h.text, "Hold 7 s of 10 s");
    }
}
