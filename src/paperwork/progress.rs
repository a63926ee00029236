//! What the paperwork reads from the record: a patient's sessions with their measurements over a range, each
//! measure's value per session (for trends), each goal's progress, and numbers written with their unit.

use serde::Serialize;

use crate::store::{BodySide, Comparison, Goal, Measurement, Patient, Session, Store, StoreError};
use crate::units::{self as u, Unit};

/// A session with its measurements.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SessionRecord {
    /// The session.
    pub session: Session,
    /// Its measurements, in time order.
    pub measurements: Vec<Measurement>,
    /// Its activities' key frames: (activity ID, key frame).
    pub key_frames: Vec<(i64, crate::posture::keyframe::KeyFrame)>,
}

/// Which sessions a report covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Range {
    /// All of them.
    All,
    /// One, by number.
    Session(i64),
    /// Those started between two moments (Unix seconds, inclusive).
    Between(i64, i64),
}

/// A patient and their sessions in `range`, oldest first.
pub fn load(store: &Store, patient: &str, range: Range) -> Result<(Patient, Vec<SessionRecord>), StoreError> {
    let p = store.patient(patient)?;
    let sessions = match range {
        Range::Session(n) => vec![store.session(patient, n)?],
        Range::All => store.sessions(patient)?,
        Range::Between(a, b) => {
            store.sessions(patient)?.into_iter().filter(|s| (a..=b).contains(&s.started_at)).collect()
        }
    };
    let records = sessions
        .into_iter()
        .map(|s| {
            Ok(SessionRecord {
                measurements: store.measurements(s.id)?,
                key_frames: store.key_frames(s.id)?,
                session: s,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((p, records))
}

/// A number with its unit, rounded to what it means: "121.5°", "0.12 torso lengths", "42.3 s", "10 repetitions",
/// "3 cues", "85 %", "0.82 match (0 to 1)", "1.2 cm", "3.4 cm²", "0.85 cm/s", "2" (a count). An unknown unit is
/// written after the number.
pub fn format_value(value: f64, unit: &str) -> String {
    let n = |singular: &str, plural: &str| u::count(value.round().max(0.0) as u64, singular, plural);
    match unit {
        "degrees" => u::format_value(value, Unit::Degrees),
        "torso_lengths" => u::format_value(value, Unit::TorsoLengths),
        "palm_lengths" => u::format_value(value, Unit::PalmLengths),
        "hz" => format!("{} taps/s", u::fixed(value, 1)),
        "per_minute" => format!("{} per minute", u::fixed(value, 0)),
        "seconds" => u::format_seconds(value),
        "repetitions" => n("repetition", "repetitions"),
        "cues" => n("cue", "cues"),
        "holds" => n("hold", "holds"),
        "percent" => format!("{} %", u::fixed(value, 0)),
        "score" => format!("{} match (0 to 1)", u::fixed(value, 2)),
        "cm" => format!("{} cm", u::fixed(value, 1)),
        "cm2" => format!("{} cm²", u::fixed(value, 1)),
        "cm_per_s" => format!("{} cm/s", u::fixed(value, 2)),
        "count" => format!("{}", value.round().max(0.0) as u64),
        "steps_per_min" => format!("{} steps/min", u::fixed(value, 1)),
        "m_per_s" => format!("{} m/s", u::fixed(value, 2)),
        other => format!("{} {other}", u::fixed(value, 2)),
    }
}

/// The unit's short label for an axis: "°", "torso lengths", "s", "repetitions", "%", "match (0 to 1)".
pub fn unit_label(unit: &str) -> &str {
    match unit {
        "degrees" => "°",
        "torso_lengths" => "torso lengths",
        "palm_lengths" => "palm lengths",
        "hz" => "taps/s",
        "per_minute" => "per minute",
        "seconds" => "s",
        "percent" => "%",
        "score" => "match (0 to 1)",
        "cm2" => "cm²",
        "cm_per_s" => "cm/s",
        "steps_per_min" => "steps/min",
        "m_per_s" => "m/s",
        other => other,
    }
}

/// A measure with its side, for people: "knee angle: maximum (left)".
pub fn measure_label(measure: &str, side: Option<BodySide>) -> String {
    match side {
        Some(s) => format!("{measure} ({s})"),
        None => measure.to_string(),
    }
}

/// Whether a measurement counts toward `goal`: the same side and unit, and the goal's measure, or its `maximum`
/// (for at least) or `minimum` (for at most).
pub fn matches_goal(goal: &Goal, m: &Measurement) -> bool {
    let name = m.measure.to_lowercase();
    let stat = match goal.comparison {
        Comparison::AtLeast => "maximum",
        Comparison::AtMost => "minimum",
    };
    (name == goal.measure || name == format!("{}: {stat}", goal.measure))
        && (goal.side.is_none() || goal.side == m.side)
        && m.unit == goal.unit
}

/// A session's value for a goal: its best matching measurement (largest for at least, smallest for at most).
pub fn goal_value(goal: &Goal, measurements: &[Measurement]) -> Option<f64> {
    let values = measurements.iter().filter(|m| matches_goal(goal, m)).map(|m| m.value).filter(|v| v.is_finite());
    match goal.comparison {
        Comparison::AtLeast => values.fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v)))),
        Comparison::AtMost => values.fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.min(v)))),
    }
}

/// A goal's progress over sessions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoalProgress {
    /// The goal.
    pub goal: Goal,
    /// Each session's value (session number, value), oldest first; sessions without one are left out.
    pub values: Vec<(i64, f64)>,
}

impl GoalProgress {
    /// The goal's progress over `sessions`.
    pub fn of(goal: &Goal, sessions: &[SessionRecord]) -> GoalProgress {
        let values =
            sessions.iter().filter_map(|s| goal_value(goal, &s.measurements).map(|v| (s.session.number, v))).collect();
        GoalProgress { goal: goal.clone(), values }
    }

    /// The first value.
    pub fn first(&self) -> Option<(i64, f64)> {
        self.values.first().copied()
    }

    /// The latest value.
    pub fn latest(&self) -> Option<(i64, f64)> {
        self.values.last().copied()
    }

    /// Whether the latest value meets the target.
    pub fn met(&self) -> bool {
        self.latest().is_some_and(|(_, v)| self.goal.comparison.met(v, self.goal.target))
    }

    /// How far from the first value to the target the latest has come, 0 to 1 (1 when met; `None` without two
    /// values or when the first already met it).
    pub fn fraction(&self) -> Option<f64> {
        let ((_, first), (_, last)) = (self.first()?, self.latest()?);
        if self.met() {
            return Some(1.0);
        }
        let span = self.goal.target - first;
        if span == 0.0 || self.values.len() < 2 {
            return None;
        }
        let f = (last - first) / span;
        f.is_finite().then_some(f.clamp(0.0, 1.0))
    }

    /// In words: "left shoulder flexion ≥ 150°: 120.0° in session 3 (first 100.0° in session 1), 40 % of the way;
    /// not yet met".
    pub fn describe(&self) -> String {
        let g = &self.goal;
        let target = format!("{} {}", g.comparison.symbol(), format_value(g.target, &g.unit));
        let head = format!("{}{} {target}", g.side.map(|s| format!("{s} ")).unwrap_or_default(), g.measure);
        let Some((n, v)) = self.latest() else {
            return format!("{head}: not measured yet");
        };
        let mut out = format!("{head}: {} in session {n}", format_value(v, &g.unit));
        if let Some((n0, v0)) = self.first().filter(|(n0, _)| *n0 != n) {
            out.push_str(&format!(" (first {} in session {n0})", format_value(v0, &g.unit)));
        }
        if self.met() {
            out.push_str("; met");
        } else {
            if let Some(f) = self.fraction() {
                out.push_str(&format!(", {} % of the way", u::fixed(f * 100.0, 0)));
            }
            out.push_str("; not yet met");
        }
        out
    }
}

/// One measure's value per session: (session number, value) for measure `measure` on `side` in `unit`, the
/// session's last value when there are several (summary totals come last).
pub fn series(sessions: &[SessionRecord], measure: &str, side: Option<BodySide>) -> Vec<(i64, f64)> {
    sessions
        .iter()
        .filter_map(|s| {
            s.measurements
                .iter()
                .rev()
                .find(|m| m.measure == measure && m.side == side && m.value.is_finite())
                .map(|m| (s.session.number, m.value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(measure: &str, side: Option<BodySide>, value: f64, unit: &str) -> Measurement {
        Measurement {
            session_id: 1,
            activity_id: None,
            measure: measure.into(),
            side,
            value,
            unit: unit.into(),
            time_s: 0.0,
        }
    }

    #[test]
    fn values_carry_their_units() {
        assert_eq!(format_value(121.54, "degrees"), "121.5°");
        assert_eq!(format_value(1.0, "repetitions"), "1 repetition");
        assert_eq!(format_value(84.6, "percent"), "85 %");
        assert_eq!(format_value(75.0, "seconds"), "1 min 15 s");
        assert_eq!(format_value(0.823, "score"), "0.82 match (0 to 1)");
    }

    #[test]
    fn goals_match_their_measure_side_and_direction() {
        let g = Goal::parse("left shoulder flexion ≥ 150°").unwrap();
        let ms = [
            m("shoulder flexion: maximum", Some(BodySide::Left), 120.0, "degrees"),
            m("shoulder flexion: maximum", Some(BodySide::Right), 170.0, "degrees"),
            m("shoulder flexion: minimum", Some(BodySide::Left), 10.0, "degrees"),
            m("shoulder flexion", Some(BodySide::Left), 125.0, "degrees"),
        ];
        assert_eq!(goal_value(&g, &ms), Some(125.0));
        let session = |n: i64, v: f64| SessionRecord {
            session: Session {
                id: n,
                patient_id: "P".into(),
                number: n,
                started_at: 0,
                ended_at: None,
                note: None,
                activities: vec![],
            },
            measurements: vec![m("shoulder flexion: maximum", Some(BodySide::Left), v, "degrees")],
            key_frames: vec![],
        };
        let p = GoalProgress::of(&g, &[session(1, 100.0), session(2, 120.0)]);
        assert_eq!(p.fraction(), Some(0.4));
        assert!(!p.met());
        assert_eq!(
            p.describe(),
            "left shoulder flexion ≥ 150.0°: 120.0° in session 2 (first 100.0° in session 1), 40 % of the way; not yet met"
        );
        let p = GoalProgress::of(&g, &[session(1, 100.0), session(2, 151.0)]);
        assert!(p.met());
        assert_eq!(p.fraction(), Some(1.0));
        assert!(GoalProgress::of(&g, &[]).describe().ends_with("not measured yet"));
    }
}
