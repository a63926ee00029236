//! Today's curves against an earlier session's: the joint curves of the last measured walk filed in an earlier
//! session, read back from the record (the session record files each walk's mean curves with the gait-training
//! activity, see [`crate::store::LiveSession::gait_walk`]).

use super::curves::JointCurves;
use crate::store::{ActivityKind, Session};

/// The last measured walk of an earlier session.
#[derive(Clone, Debug, PartialEq)]
pub struct EarlierWalk {
    /// The session's number for the patient.
    pub session_number: i64,
    /// The session's date ("2026-11-30").
    pub date: String,
    /// The walk's mean curves over the gait cycle.
    pub curves: JointCurves,
}

impl EarlierWalk {
    /// How it is named next to today's curves: "session 3, 2026-11-20".
    pub fn label(&self) -> String {
        format!("session {}, {}", self.session_number, self.date)
    }
}

/// The newest walk with curves among `sessions` (any order), leaving out the session `except` (today's, when it is
/// among them). Walks that could not be measured, or whose curves cannot be read (an older or damaged record), are
/// passed over rather than shown wrong.
pub fn latest<'a>(sessions: impl IntoIterator<Item = &'a Session>, except: Option<i64>) -> Option<EarlierWalk> {
    let mut sessions: Vec<&Session> = sessions.into_iter().filter(|s| Some(s.id) != except).collect();
    sessions.sort_by_key(|s| (s.started_at, s.number));
    sessions.iter().rev().find_map(|s| {
        let curves = s
            .activities
            .iter()
            .rev()
            .filter(|a| a.kind == ActivityKind::GaitTraining)
            .find_map(|a| filed_curves(&a.details))?;
        Some(EarlierWalk { session_number: s.number, date: s.date(), curves })
    })
}

/// The curves a walk was filed with (a gait-training activity's `details.curves`); `None` when it has none (a walk
/// that could not be measured) or they cannot be read.
pub fn filed_curves(details: &str) -> Option<JointCurves> {
    let details: serde_json::Value = serde_json::from_str(details).ok()?;
    let curves = details.get("curves").filter(|c| !c.is_null())?;
    serde_json::from_value(curves.clone()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gait::SideCurve;
    use crate::store::Activity;

    fn walk(id: i64, details: serde_json::Value) -> Activity {
        Activity {
            id,
            kind: ActivityKind::GaitTraining,
            name: "walk".into(),
            side: None,
            seconds: 30.0,
            source: None,
            details: details.to_string(),
        }
    }

    fn curves(knee_peak: f64) -> JointCurves {
        let side = SideCurve {
            // Rounded to 0.1° as the analysis files them.
            mean_deg: (0..101)
                .map(|i| (knee_peak * (i as f64 / 100.0 * std::f64::consts::PI).sin() * 10.0).round() / 10.0)
                .collect(),
            sd_deg: vec![2.0; 101],
            strides: 4,
            toe_off_pct: Some(61.0),
        };
        let mut c = JointCurves::default();
        c.knee_flexion.left = Some(side.clone());
        c.knee_flexion.right = Some(side);
        c
    }

    fn session(id: i64, number: i64, day: i64, activities: Vec<Activity>) -> Session {
        Session {
            id,
            patient_id: "P1".into(),
            number,
            started_at: 1_764_460_800 + day * 86_400,
            ended_at: Some(1_764_460_800 + day * 86_400 + 1800),
            note: None,
            activities,
        }
    }

    #[test]
    fn the_newest_measured_walk_of_another_session_is_found() {
        let filed = |c: &JointCurves| serde_json::json!({ "target": null, "curves": c });
        let history = vec![
            session(1, 1, 0, vec![walk(1, filed(&curves(50.0))), walk(2, filed(&curves(55.0)))]),
            // Session 2's walk was not measured; a mirror activity has no curves.
            session(2, 2, 7, vec![walk(3, serde_json::json!({ "not_measured": "no steps", "curves": null }))]),
            // Session 3's walk has a record the app cannot read: passed over, not shown as zero.
            session(3, 3, 14, vec![walk(4, serde_json::json!({ "curves": { "knee_flexion": "?" } }))]),
            // Today's session, left out by its ID.
            session(4, 4, 21, vec![walk(5, filed(&curves(65.0)))]),
        ];
        let e = latest(&history, Some(4)).expect("session 1's last walk");
        assert_eq!(e.session_number, 1);
        assert_eq!(e.date, "2025-11-30");
        assert_eq!(e.label(), "session 1, 2025-11-30");
        // The last walk of the session (55° peak), its curves read back exactly as filed.
        assert_eq!(e.curves, curves(55.0));
        // Without an exception the newest session's walk is the one.
        assert_eq!(latest(&history, None).unwrap().session_number, 4);
        assert_eq!(latest(&history[1..3], None), None);
        assert_eq!(latest(&[] as &[Session], None), None);
    }
}
