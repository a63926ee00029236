//! Every measure as CSV or JSON, one row per measure, for research: patient ID, session, date, activity,
//! measure, side, value, unit, time in the session.
//!
//! A de-identified export carries the pseudonymous ID only: no name or birth year (never in any export), no
//! recording paths (they may hold a name), and days since the first exported session instead of calendar dates.

use serde::Serialize;

use super::progress::SessionRecord;
use crate::units as u;

/// One exported measure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// The patient's ID.
    pub patient_id: String,
    /// The session's number.
    pub session: i64,
    /// The session's date (UTC, "2026-11-30"); `None` when de-identified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Days from the first exported session (de-identified exports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<i64>,
    /// The activity's kind (`postural_retraining`, …), empty when the measure belongs to none.
    pub activity_kind: String,
    /// The activity's name.
    pub activity: String,
    /// The recording (not in de-identified exports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What was measured.
    pub measure: String,
    /// `left`, `right` or empty.
    pub side: String,
    /// The value, rounded to what its unit resolves.
    pub value: f64,
    /// The unit's key.
    pub unit: String,
    /// Seconds from the session's start (0.01 s).
    pub time_s: f64,
}

fn round(value: f64, unit: &str) -> f64 {
    match unit {
        "degrees" => u::round(value, u::Unit::Degrees),
        "torso_lengths" => u::round(value, u::Unit::TorsoLengths),
        "palm_lengths" => u::round(value, u::Unit::PalmLengths),
        "hz" => u::round_to(value, 1),
        "per_minute" => u::round_to(value, 0),
        "seconds" => u::round_s(value),
        "percent" => u::round_to(value, 1),
        "score" => u::round_to(value, 3),
        _ => u::round_to(value, 2),
    }
}

/// The rows of `sessions` of `patient_id`, oldest session first; values that are not finite are left out.
pub fn rows(patient_id: &str, sessions: &[SessionRecord], deidentified: bool) -> Vec<Row> {
    let day0 = sessions.iter().map(|s| s.session.started_at).min().unwrap_or(0);
    let mut out = Vec::new();
    for s in sessions {
        for m in s.measurements.iter().filter(|m| m.value.is_finite() && m.time_s.is_finite()) {
            let a = m.activity_id.and_then(|id| s.session.activities.iter().find(|a| a.id == id));
            out.push(Row {
                patient_id: patient_id.to_string(),
                session: s.session.number,
                date: (!deidentified).then(|| s.session.date()),
                day: deidentified.then(|| (s.session.started_at - day0).div_euclid(86_400)),
                activity_kind: a.map(|a| a.kind.key().to_string()).unwrap_or_default(),
                activity: a.map(|a| a.name.clone()).unwrap_or_default(),
                source: if deidentified { None } else { a.and_then(|a| a.source.clone()) },
                measure: m.measure.clone(),
                side: m.side.map(|s| s.key().to_string()).unwrap_or_default(),
                value: round(m.value, &m.unit),
                unit: m.unit.clone(),
                time_s: u::round_s(m.time_s),
            });
        }
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// The rows as CSV with a header line.
pub fn to_csv(rows: &[Row], deidentified: bool) -> String {
    let mut out = String::from(if deidentified {
        "patient_id,session,day,activity_kind,activity,measure,side,value,unit,time_s\n"
    } else {
        "patient_id,session,date,activity_kind,activity,source,measure,side,value,unit,time_s\n"
    });
    for r in rows {
        let mut f = vec![csv_field(&r.patient_id), r.session.to_string()];
        if deidentified {
            f.push(r.day.unwrap_or(0).to_string());
        } else {
            f.push(r.date.clone().unwrap_or_default());
        }
        f.push(csv_field(&r.activity_kind));
        f.push(csv_field(&r.activity));
        if !deidentified {
            f.push(csv_field(r.source.as_deref().unwrap_or("")));
        }
        f.extend([csv_field(&r.measure), r.side.clone(), r.value.to_string(), r.unit.clone(), r.time_s.to_string()]);
        out += &f.join(",");
        out.push('\n');
    }
    out
}

/// The rows as a JSON document with its format, version and the units' meanings.
pub fn to_json(rows: &[Row], deidentified: bool) -> String {
    let doc = serde_json::json!({
        "format": "mirrorcue-measures",
        "format_version": 1,
        "deidentified": deidentified,
        "units": {
            "degrees": "degrees",
            "torso_lengths": u::Unit::TorsoLengths.explanation(),
            "palm_lengths": u::Unit::PalmLengths.explanation(),
            "hz": "taps per second",
            "per_minute": "repetitions per minute",
            "seconds": "seconds",
            "repetitions": "count of repetitions",
            "cues": "count of cues shown",
            "holds": "count of completed holds",
            "percent": "percent",
            "score": "similarity with a reference, 0 to 1",
            "time_s": "seconds from the session's start",
        },
        "rows": rows,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("Squat: knee, reps"), "\"Squat: knee, reps\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
