//! Sessions, their activities, and the one measurement table every activity writes into (session, activity,
//! measure, side, value, unit, time), so that reports, trends and exports know nothing of the activity that made a
//! number.
//!
//! A session is numbered per patient (1, 2, 3, …), starts when it is created and is *unfinished* until
//! [`Store::finish_session`] gives it an end: a session whose program was killed stays unfinished, with every
//! measurement written before.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::db::{Store, StoreError};

/// The patient's own side a measurement belongs to (never the side of the screen).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodySide {
    /// The patient's left.
    Left,
    /// The patient's right.
    Right,
}

impl BodySide {
    /// `"left"` / `"right"`.
    pub fn key(self) -> &'static str {
        match self {
            BodySide::Left => "left",
            BodySide::Right => "right",
        }
    }

    /// The side of a pose joint (`None` on the midline).
    pub fn of(side: crate::pose::Side) -> Option<BodySide> {
        match side {
            crate::pose::Side::Left => Some(BodySide::Left),
            crate::pose::Side::Right => Some(BodySide::Right),
            crate::pose::Side::Midline => None,
        }
    }

    /// The other side.
    pub fn other(self) -> BodySide {
        match self {
            BodySide::Left => BodySide::Right,
            BodySide::Right => BodySide::Left,
        }
    }
}

impl fmt::Display for BodySide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for BodySide {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "left" => Ok(BodySide::Left),
            "right" => Ok(BodySide::Right),
            other => Err(format!("`{other}` is not a side (left or right)")),
        }
    }
}

/// What kind of intervention an activity is, named so a note can be matched to CPT 97112.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// Mirror therapy (mode and side in the activity).
    MirrorTherapy,
    /// Postural retraining with a protocol of checkpoints and cues.
    PosturalRetraining,
    /// Movement compared with a reference (match per repetition).
    MovementComparison,
    /// Balance training.
    BalanceTraining,
    /// Gait training.
    GaitTraining,
    /// Anything else, named in the activity.
    Other,
}

impl ActivityKind {
    /// Every kind.
    pub const ALL: &'static [ActivityKind] = &[
        ActivityKind::MirrorTherapy,
        ActivityKind::PosturalRetraining,
        ActivityKind::MovementComparison,
        ActivityKind::BalanceTraining,
        ActivityKind::GaitTraining,
        ActivityKind::Other,
    ];

    /// Its key in the database.
    pub fn key(self) -> &'static str {
        match self {
            ActivityKind::MirrorTherapy => "mirror_therapy",
            ActivityKind::PosturalRetraining => "postural_retraining",
            ActivityKind::MovementComparison => "movement_comparison",
            ActivityKind::BalanceTraining => "balance_training",
            ActivityKind::GaitTraining => "gait_training",
            ActivityKind::Other => "other",
        }
    }

    /// The intervention as a note names it ("postural retraining with visual and verbal cueing").
    pub fn intervention(self) -> &'static str {
        match self {
            ActivityKind::MirrorTherapy => "mirror therapy (visual feedback)",
            ActivityKind::PosturalRetraining => "postural retraining with visual and verbal cueing",
            ActivityKind::MovementComparison => "movement retraining with video feedback against a reference",
            ActivityKind::BalanceTraining => "balance training",
            ActivityKind::GaitTraining => "gait training",
            ActivityKind::Other => "neuromuscular re-education",
        }
    }

    fn from_key(s: &str) -> ActivityKind {
        ActivityKind::ALL.iter().copied().find(|k| k.key() == s).unwrap_or(ActivityKind::Other)
    }
}

/// An activity to add to a session.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewActivity {
    /// What kind of intervention.
    pub kind: ActivityKind,
    /// Its name (the protocol's name, the mirror mode, …).
    pub name: String,
    /// The side it trained, when it has one.
    pub side: Option<BodySide>,
    /// The recording it was made from or saved to, if any.
    pub source: Option<String>,
    /// Details as JSON (the posture summary, the mirror settings).
    pub details: String,
}

/// An activity as stored.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Activity {
    /// Its database ID.
    pub id: i64,
    /// What kind of intervention.
    pub kind: ActivityKind,
    /// Its name.
    pub name: String,
    /// The side it trained.
    pub side: Option<BodySide>,
    /// How long it lasted (s): the timed minutes come from here.
    pub seconds: f64,
    /// The recording.
    pub source: Option<String>,
    /// Details (JSON).
    pub details: String,
}

/// A session as stored.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Session {
    /// Its database ID.
    pub id: i64,
    /// The patient's ID.
    pub patient_id: String,
    /// Its number for this patient (1, 2, …).
    pub number: i64,
    /// Start (Unix seconds, UTC).
    pub started_at: i64,
    /// End (Unix seconds, UTC); `None` while running, or when the program stopped before finishing it.
    pub ended_at: Option<i64>,
    /// The therapist's edited note, when one was saved.
    pub note: Option<String>,
    /// Its activities, in order.
    pub activities: Vec<Activity>,
}

impl Session {
    /// Whether it was finished (an unfinished session was interrupted, or is still running).
    pub fn is_finished(&self) -> bool {
        self.ended_at.is_some()
    }

    /// The total time of its activities (s).
    pub fn activity_seconds(&self) -> f64 {
        self.activities.iter().map(|a| a.seconds).filter(|s| s.is_finite()).sum()
    }

    /// The start date as "2026-11-30" (UTC).
    pub fn date(&self) -> String {
        crate::units::utc_timestamp(UNIX_EPOCH + std::time::Duration::from_secs(self.started_at.max(0) as u64))[..10]
            .to_string()
    }
}

/// One measurement: a value with its unit, on a side, at a time in the session.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measurement {
    /// The session's database ID.
    pub session_id: i64,
    /// The activity's database ID, when it belongs to one.
    pub activity_id: Option<i64>,
    /// What was measured ("knee angle: maximum", "squats: repetitions").
    pub measure: String,
    /// The patient's side, when the measure has one.
    pub side: Option<BodySide>,
    /// The value, in `unit` (always finite).
    pub value: f64,
    /// The unit's key: `degrees`, `torso_lengths`, `seconds`, `repetitions`, `cues`, `holds`, `score` (0 to 1),
    /// `percent`.
    pub unit: String,
    /// When, in seconds from the session's start.
    pub time_s: f64,
}

fn now_s() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Unix seconds of `t`.
pub fn unix_seconds(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl Store {
    /// Starts a session for `patient` now (numbered after the patient's last one); it is unfinished until
    /// [`Store::finish_session`].
    pub fn start_session(&mut self, patient: &str) -> Result<Session, StoreError> {
        self.start_session_at(patient, now_s())
    }

    /// [`Store::start_session`] at a given start (Unix seconds).
    pub fn start_session_at(&mut self, patient: &str, started_at: i64) -> Result<Session, StoreError> {
        self.patient(patient)?;
        let id = self.write(|tx, path| {
            let e = |e| StoreError::sqlite(path, e);
            let number: i64 = tx
                .query_row("SELECT COALESCE(MAX(number), 0) + 1 FROM session WHERE patient_id = ?1", [patient], |r| {
                    r.get(0)
                })
                .map_err(e)?;
            tx.execute(
                "INSERT INTO session (patient_id, number, started_at) VALUES (?1, ?2, ?3)",
                params![patient, number, started_at],
            )
            .map_err(e)?;
            Ok(tx.last_insert_rowid())
        })?;
        self.session_by_id(id)
    }

    /// Adds an activity to a session; returns its ID.
    pub fn add_activity(&mut self, session_id: i64, a: &NewActivity) -> Result<i64, StoreError> {
        self.write(|tx, path| add_activity_tx(tx, path, session_id, a))
    }

    /// Sets how long an activity lasted (s).
    pub fn set_activity_seconds(&mut self, activity_id: i64, seconds: f64) -> Result<(), StoreError> {
        self.write(|tx, path| set_seconds_tx(tx, path, activity_id, seconds))
    }

    /// Writes measurements in one transaction: all or none. A value that is not finite is refused.
    pub fn add_measurements(&mut self, ms: &[Measurement]) -> Result<(), StoreError> {
        self.write(|tx, path| add_measurements_tx(tx, path, ms))
    }

    /// Marks a session finished now.
    pub fn finish_session(&mut self, session_id: i64) -> Result<(), StoreError> {
        self.finish_session_at(session_id, now_s())
    }

    /// Marks a session finished at `ended_at` (Unix seconds).
    pub fn finish_session_at(&mut self, session_id: i64, ended_at: i64) -> Result<(), StoreError> {
        self.write(|tx, path| finish_tx(tx, path, session_id, ended_at))
    }

    /// Saves the therapist's edited note for a session.
    pub fn set_note(&mut self, session_id: i64, note: &str) -> Result<(), StoreError> {
        self.write(|tx, path| {
            tx.execute("UPDATE session SET note = ?1 WHERE id = ?2", params![note, session_id])
                .map_err(|e| StoreError::sqlite(path, e))?;
            Ok(())
        })
    }

    /// A patient's sessions, oldest first.
    pub fn sessions(&self, patient: &str) -> Result<Vec<Session>, StoreError> {
        self.patient(patient)?;
        let ids: Vec<i64> = {
            let mut st = self
                .conn()
                .prepare("SELECT id FROM session WHERE patient_id = ?1 ORDER BY number")
                .map_err(|e| self.err(e))?;
            st.query_map([patient], |r| r.get(0)).and_then(|rows| rows.collect()).map_err(|e| self.err(e))?
        };
        ids.into_iter().map(|id| self.session_by_id(id)).collect()
    }

    /// A patient's session by its number.
    pub fn session(&self, patient: &str, number: i64) -> Result<Session, StoreError> {
        self.patient(patient)?;
        let id: Option<i64> = self
            .conn()
            .query_row("SELECT id FROM session WHERE patient_id = ?1 AND number = ?2", params![patient, number], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        let id = id.ok_or_else(|| {
            StoreError::NotFound(format!(
                "patient {patient} has no session {number} (see `mirrorcue session list --patient {patient}`)"
            ))
        })?;
        self.session_by_id(id)
    }

    /// A session by its database ID.
    pub fn session_by_id(&self, id: i64) -> Result<Session, StoreError> {
        let row = self
            .conn()
            .query_row("SELECT patient_id, number, started_at, ended_at, note FROM session WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()
            .map_err(|e| self.err(e))?;
        let (patient_id, number, started_at, ended_at, note) =
            row.ok_or_else(|| StoreError::NotFound(format!("no session with the ID {id}")))?;
        let mut st = self
            .conn()
            .prepare(
                "SELECT id, kind, name, side, seconds, source, details FROM activity WHERE session_id = ?1 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let activities = st
            .query_map([id], |r| {
                Ok(Activity {
                    id: r.get(0)?,
                    kind: ActivityKind::from_key(&r.get::<_, String>(1)?),
                    name: r.get(2)?,
                    side: r.get::<_, Option<String>>(3)?.and_then(|s| s.parse().ok()),
                    seconds: r.get(4)?,
                    source: r.get(5)?,
                    details: r.get(6)?,
                })
            })
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        Ok(Session { id, patient_id, number, started_at, ended_at, note, activities })
    }

    /// A session's measurements, in time order.
    pub fn measurements(&self, session_id: i64) -> Result<Vec<Measurement>, StoreError> {
        let mut st = self
            .conn()
            .prepare(
                "SELECT session_id, activity_id, measure, side, value, unit, time_s FROM measurement
                 WHERE session_id = ?1 ORDER BY time_s, id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([session_id], |r| {
                Ok(Measurement {
                    session_id: r.get(0)?,
                    activity_id: r.get(1)?,
                    measure: r.get(2)?,
                    side: r.get::<_, Option<String>>(3)?.and_then(|s| s.parse().ok()),
                    value: r.get(4)?,
                    unit: r.get(5)?,
                    time_s: r.get(6)?,
                })
            })
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// A clinic setting (`therapist_name`, `therapist_credentials`), if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn()
            .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Sets a clinic setting.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.write(|tx, path| {
            tx.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?1, ?2)", params![key, value])
                .map_err(|e| StoreError::sqlite(path, e))?;
            Ok(())
        })
    }
}

pub(crate) fn add_activity_tx(
    tx: &rusqlite::Transaction<'_>,
    path: &std::path::Path,
    session_id: i64,
    a: &NewActivity,
) -> Result<i64, StoreError> {
    tx.execute(
        "INSERT INTO activity (session_id, kind, name, side, source, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![session_id, a.kind.key(), a.name, a.side.map(|s| s.key()), a.source, a.details],
    )
    .map_err(|e| StoreError::sqlite(path, e))?;
    Ok(tx.last_insert_rowid())
}

pub(crate) fn set_seconds_tx(
    tx: &rusqlite::Transaction<'_>,
    path: &std::path::Path,
    activity_id: i64,
    seconds: f64,
) -> Result<(), StoreError> {
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(StoreError::Invalid(format!("{seconds} s is not a duration")));
    }
    tx.execute("UPDATE activity SET seconds = ?1 WHERE id = ?2", params![seconds, activity_id])
        .map_err(|e| StoreError::sqlite(path, e))?;
    Ok(())
}

pub(crate) fn add_measurements_tx(
    tx: &rusqlite::Transaction<'_>,
    path: &std::path::Path,
    ms: &[Measurement],
) -> Result<(), StoreError> {
    let mut st = tx
        .prepare_cached(
            "INSERT INTO measurement (session_id, activity_id, measure, side, value, unit, time_s)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .map_err(|e| StoreError::sqlite(path, e))?;
    for m in ms {
        if !m.value.is_finite() || !m.time_s.is_finite() {
            return Err(StoreError::Invalid(format!(
                "{}: {} {} at {} s is not a number that can be stored",
                m.measure, m.value, m.unit, m.time_s
            )));
        }
        st.execute(params![m.session_id, m.activity_id, m.measure, m.side.map(|s| s.key()), m.value, m.unit, m.time_s])
            .map_err(|e| StoreError::sqlite(path, e))?;
    }
    Ok(())
}

pub(crate) fn finish_tx(
    tx: &rusqlite::Transaction<'_>,
    path: &std::path::Path,
    session_id: i64,
    ended_at: i64,
) -> Result<(), StoreError> {
    tx.execute("UPDATE session SET ended_at = ?1 WHERE id = ?2", params![ended_at, session_id])
        .map_err(|e| StoreError::sqlite(path, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Access, Patient};

    fn m(session: i64, measure: &str, side: Option<BodySide>, value: f64, unit: &str, t: f64) -> Measurement {
        Measurement {
            session_id: session,
            activity_id: None,
            measure: measure.into(),
            side,
            value,
            unit: unit.into(),
            time_s: t,
        }
    }

    #[test]
    fn sessions_are_numbered_per_patient_and_keep_activities_and_measures() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path(), Access::Write).unwrap();
        store.add_patient(&Patient::new("P1")).unwrap();
        store.add_patient(&Patient::new("P2")).unwrap();
        let a = store.start_session("P1").unwrap();
        let b = store.start_session("P2").unwrap();
        let c = store.start_session("P1").unwrap();
        assert_eq!((a.number, b.number, c.number), (1, 1, 2));
        assert!(!a.is_finished());
        let act = store
            .add_activity(
                a.id,
                &NewActivity {
                    kind: ActivityKind::PosturalRetraining,
                    name: "Squats".into(),
                    side: Some(BodySide::Left),
                    source: None,
                    details: String::new(),
                },
            )
            .unwrap();
        store.set_activity_seconds(act, 600.0).unwrap();
        let mut knee = m(a.id, "knee angle: maximum", Some(BodySide::Left), 120.5, "degrees", 2.0);
        knee.activity_id = Some(act);
        store.add_measurements(&[knee.clone(), m(a.id, "squats: repetitions", None, 8.0, "repetitions", 1.0)]).unwrap();
        store.finish_session(a.id).unwrap();
        let back = store.session("P1", 1).unwrap();
        assert!(back.is_finished());
        assert_eq!(back.activities.len(), 1);
        assert_eq!(back.activity_seconds(), 600.0);
        let ms = store.measurements(a.id).unwrap();
        assert_eq!(ms.len(), 2);
        assert_eq!(ms[1], knee, "in time order");
        assert_eq!(store.sessions("P1").unwrap().len(), 2);
        assert!(matches!(store.session("P1", 9), Err(StoreError::NotFound(_))));
        assert!(matches!(store.start_session("P9"), Err(StoreError::NotFound(_))));
    }

    #[test]
    fn a_nan_is_refused_and_nothing_of_its_batch_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path(), Access::Write).unwrap();
        store.add_patient(&Patient::new("P1")).unwrap();
        let s = store.start_session("P1").unwrap();
        let good = m(s.id, "x", None, 1.0, "degrees", 0.0);
        let bad = m(s.id, "x", None, f64::NAN, "degrees", 0.5);
        assert!(matches!(store.add_measurements(&[good, bad]), Err(StoreError::Invalid(_))));
        assert!(store.measurements(s.id).unwrap().is_empty());
    }

    #[test]
    fn a_full_disk_writes_nothing_half() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path(), Access::Write).unwrap();
        store.add_patient(&Patient::new("P1")).unwrap();
        let s = store.start_session("P1").unwrap();
        let pages: i64 = store.conn().query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
        store.limit_pages_for_test(pages as u64).unwrap();
        let many: Vec<Measurement> = (0..5000)
            .map(|i| m(s.id, "a long measure name to fill pages", None, i as f64, "degrees", i as f64))
            .collect();
        let err = store.add_measurements(&many).unwrap_err();
        assert!(err.is_disk_full(), "{err}");
        assert!(err.to_string().contains("nothing of this change was written"), "{err}");
        assert!(store.measurements(s.id).unwrap().is_empty());
    }
}
