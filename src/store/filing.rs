//! One activity filed as it runs, in a session of its own: what the command line does with `--patient` (`check`,
//! `record`, `compare`). The activity's seconds are written once a second of its time, so a program killed part way
//! leaves the session in the record, unfinished, with its minutes up to the last second (the
//! [`RecordWriter`]'s guarantee); [`ActivityFiling::finish`] sets the final length and marks the session finished.

use std::str::FromStr;

use super::db::{Store, StoreError};
use super::sessions::{ActivityKind, NewActivity, Session};
use super::writer::{ActivityRef, RecordWriter, Sample};
use crate::posture::keyframe::KeyFrame;

/// A session with one activity, filed as it goes. See the [module](self).
pub struct ActivityFiling {
    writer: RecordWriter,
    activity: ActivityRef,
    next_second: f64,
}

impl ActivityFiling {
    /// Starts a session for `patient` (who must be in the record) with `activity` in it (written now).
    pub fn start(store: Store, patient: &str, activity: NewActivity) -> Result<ActivityFiling, StoreError> {
        let mut writer = RecordWriter::start(store, patient)?;
        let activity = writer.begin_activity(activity);
        Ok(ActivityFiling { writer, activity, next_second: 0.0 })
    }

    /// The session being written (as it was at its start).
    pub fn session(&self) -> &Session {
        self.writer.session()
    }

    /// The activity has lasted `t` seconds: its length is written when a new whole second begins. Returns `true`
    /// then (once a second), so a caller can file the second's values with it.
    pub fn tick(&mut self, t: f64) -> bool {
        if !t.is_finite() || t < self.next_second {
            return false;
        }
        self.next_second = t.floor() + 1.0;
        self.writer.set_activity_seconds(self.activity, crate::units::round_s(t));
        true
    }

    /// Files a value of the activity.
    pub fn measure(&mut self, sample: Sample) {
        self.writer.measure(Some(self.activity), sample);
    }

    /// Files the activity's key frame (its best moment's picture and pose).
    pub fn key_frame(&self, key: KeyFrame) {
        self.writer.key_frame(self.activity, key);
    }

    /// Sets the activity's final length (`seconds`), writes what is left and marks the session finished; gives
    /// the store back with the session as written.
    pub fn finish(self, seconds: f64) -> Result<(Store, Session), StoreError> {
        self.writer.set_activity_seconds(self.activity, crate::units::round_s(seconds));
        self.writer.finish()
    }
}

/// Reads an activity kind as the command line writes it: its key with `-` or `_` ("balance-training"), or a
/// shorter word ("mirror", "posture", "balance", "gait", "comparison").
impl FromStr for ActivityKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace('-', "_");
        let short = match key.as_str() {
            "mirror" => Some(ActivityKind::MirrorTherapy),
            "posture" => Some(ActivityKind::PosturalRetraining),
            "comparison" | "compare" => Some(ActivityKind::MovementComparison),
            "balance" => Some(ActivityKind::BalanceTraining),
            "gait" => Some(ActivityKind::GaitTraining),
            _ => None,
        };
        short.or_else(|| ActivityKind::ALL.iter().copied().find(|k| k.key() == key)).ok_or_else(|| {
            let keys: Vec<String> = ActivityKind::ALL.iter().map(|k| k.key().replace('_', "-")).collect();
            format!("unknown activity '{s}': use one of {}", keys.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Access, BodySide, Patient};

    fn store_with_patient(dir: &std::path::Path) -> Store {
        let mut store = Store::open(dir, Access::Write).unwrap();
        store.add_patient(&Patient::new("P1")).unwrap();
        store
    }

    #[test]
    fn the_activity_keeps_its_seconds_and_values_and_the_session_is_finished() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_patient(dir.path());
        let activity = NewActivity {
            kind: ActivityKind::GaitTraining,
            name: "walk".into(),
            side: None,
            source: Some("walk.mp4".into()),
            details: "{}".into(),
        };
        let mut f = ActivityFiling::start(store, "P1", activity).unwrap();
        let ticks: Vec<bool> = [0.0, 0.4, 1.0, 1.5, 2.2, f64::NAN].iter().map(|t| f.tick(*t)).collect();
        assert_eq!(ticks, [true, false, true, false, true, false], "once a second, never on NaN");
        f.measure(Sample {
            measure: "cadence".into(),
            side: Some(BodySide::Left),
            value: 96.0,
            unit: "count".into(),
            time_s: 2.2,
        });
        let (store, session) = f.finish(2.25).unwrap();
        assert!(session.is_finished());
        let s = store.session("P1", session.number).unwrap();
        assert_eq!(s.activities.len(), 1);
        assert_eq!(s.activities[0].kind, ActivityKind::GaitTraining);
        assert!((s.activities[0].seconds - 2.25).abs() < 0.01, "{}", s.activities[0].seconds);
        let m = store.measurements(s.id).unwrap();
        assert_eq!((m.len(), m[0].value, m[0].side), (1, 96.0, Some(BodySide::Left)));
    }

    #[test]
    fn activity_kinds_are_read_by_key_or_short_word_and_a_wrong_one_is_named() {
        assert_eq!("balance-training".parse::<ActivityKind>(), Ok(ActivityKind::BalanceTraining));
        assert_eq!("mirror_therapy".parse::<ActivityKind>(), Ok(ActivityKind::MirrorTherapy));
        assert_eq!("Gait".parse::<ActivityKind>(), Ok(ActivityKind::GaitTraining));
        let e = "dance".parse::<ActivityKind>().unwrap_err();
        assert!(e.contains("'dance'") && e.contains("mirror-therapy"), "{e}");
    }
}
