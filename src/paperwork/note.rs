//! The treatment note draft for a session, written from what mirrorcue measured, for the therapist to edit before
//! it is exported or signed: the date, each intervention named so it can be matched to CPT 97112, timed minutes and
//! total time, sets, repetitions and durations, the cueing given and the patient's response (time in tolerance),
//! objective measures, goals with progress, and a signature line with the therapist's name and credentials.
//!
//! It never claims to bill: the units the timed minutes support by the 8-minute rule are shown for the
//! therapist's own decision.

use std::collections::BTreeMap;

use super::progress::{GoalProgress, SessionRecord, format_value, measure_label};
use super::units::{timed_minutes, units_for_minutes};
use crate::store::{Activity, ActivityKind, BodySide, Measurement, Patient, Store, StoreError};
use crate::units as u;

/// The setting holding the therapist's name.
pub const THERAPIST_NAME: &str = "therapist_name";
/// The setting holding the therapist's credentials ("PT, DPT").
pub const THERAPIST_CREDENTIALS: &str = "therapist_credentials";

/// Who signs the note.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clinician {
    /// The therapist's name.
    pub name: String,
    /// Credentials ("PT, DPT").
    pub credentials: String,
}

impl Clinician {
    /// The therapist from the record's settings (empty when not set).
    pub fn from_store(store: &Store) -> Result<Clinician, StoreError> {
        Ok(Clinician {
            name: store.setting(THERAPIST_NAME)?.unwrap_or_default(),
            credentials: store.setting(THERAPIST_CREDENTIALS)?.unwrap_or_default(),
        })
    }

    /// Saves the therapist in the record's settings.
    pub fn save(&self, store: &mut Store) -> Result<(), StoreError> {
        store.set_setting(THERAPIST_NAME, &self.name)?;
        store.set_setting(THERAPIST_CREDENTIALS, &self.credentials)
    }

    /// "Jane Doe, PT, DPT", or a blank line to fill in.
    pub fn signature(&self) -> String {
        match (self.name.trim(), self.credentials.trim()) {
            ("", _) => "____________________ (name, credentials)".into(),
            (n, "") => n.to_string(),
            (n, c) => format!("{n}, {c}"),
        }
    }
}

/// One activity's summary measures, grouped by measure (the part before ':') and side.
type Groups<'a> = BTreeMap<(String, Option<BodySide>), BTreeMap<String, &'a Measurement>>;

fn groups<'a>(ms: &[&'a Measurement]) -> Groups<'a> {
    let mut g: Groups<'a> = BTreeMap::new();
    for m in ms.iter().copied() {
        if let Some((base, stat)) = m.measure.split_once(": ") {
            g.entry((base.to_string(), m.side)).or_default().insert(stat.to_string(), m);
        }
    }
    g
}

/// The measures of a session without a summary (interrupted): each measure's range per side from the values
/// filed once a second.
fn ranges(ms: &[&Measurement]) -> Vec<String> {
    let mut r: BTreeMap<(String, Option<BodySide>), (f64, f64, String)> = BTreeMap::new();
    for m in ms.iter().filter(|m| !m.measure.contains(": ")) {
        let e = r.entry((m.measure.clone(), m.side)).or_insert((m.value, m.value, m.unit.clone()));
        e.0 = e.0.min(m.value);
        e.1 = e.1.max(m.value);
    }
    r.into_iter()
        .map(|((name, side), (lo, hi, unit))| {
            format!("{}: {} to {}", measure_label(&name, side), format_value(lo, &unit), format_value(hi, &unit))
        })
        .collect()
}

fn activity_lines(a: &Activity, ms: &[&Measurement]) -> (Vec<String>, Vec<String>, Vec<String>) {
    let (mut doses, mut cueing, mut objective) = (Vec::new(), Vec::new(), Vec::new());
    for ((base, side), stats) in groups(ms) {
        let label = measure_label(&base, side);
        let v = |k: &str| stats.get(k).map(|m| format_value(m.value, &m.unit));
        for k in ["repetitions", "holds"] {
            if let Some(t) = v(k) {
                doses.push(format!("{label}: {t}"));
            }
        }
        if let (Some(cues), Some(inside), Some(checked)) =
            (stats.get("cues"), stats.get("time in tolerance"), stats.get("time checked"))
        {
            let share = if checked.value > 0.0 {
                format!(" ({} %)", u::fixed(100.0 * inside.value / checked.value, 0))
            } else {
                String::new()
            };
            let longest = v("longest in tolerance").map(|t| format!(", longest {t} at a time")).unwrap_or_default();
            cueing.push(format!(
                "{label}: {}; response: in tolerance {} of {} checked{share}{longest}",
                format_value(cues.value, &cues.unit),
                format_value(inside.value, &inside.unit),
                format_value(checked.value, &checked.unit),
            ));
        }
        if let (Some(lo), Some(hi)) = (stats.get("minimum"), stats.get("maximum")) {
            let range = if lo.unit == "degrees" {
                format!(" (range {})", format_value(hi.value - lo.value, &lo.unit))
            } else {
                String::new()
            };
            objective.push(format!(
                "{label}: {} to {}{range}",
                format_value(lo.value, &lo.unit),
                format_value(hi.value, &hi.unit)
            ));
        }
        if let Some(m) = stats.get("match") {
            objective.push(format!("{label}: {}", format_value(m.value, &m.unit)));
        }
    }
    if objective.is_empty() {
        objective = ranges(ms);
    }
    if a.kind == ActivityKind::MirrorTherapy {
        doses.insert(0, format!("{} {}", a.name, a.side.map(|s| format!("({s} side)")).unwrap_or_default()));
    }
    (doses, cueing, objective)
}

/// The note draft for `record`; `history` holds the patient's sessions up to and including it (for goal progress).
pub fn draft(patient: &Patient, record: &SessionRecord, history: &[SessionRecord], clinician: &Clinician) -> String {
    let s = &record.session;
    let timed_s: f64 = s.activity_seconds();
    let minutes = timed_minutes(timed_s);
    let units = units_for_minutes(minutes);
    let mut out = String::new();
    let mut line = |t: &str| {
        out.push_str(t);
        out.push('\n');
    };
    line("TREATMENT NOTE (DRAFT: review and edit before signing)");
    line(&format!(
        "Patient: {} · affected side: {} · condition: {}",
        patient.id, patient.affected_side, patient.condition
    ));
    line(&format!(
        "Date of service: {} · session {}{}",
        s.date(),
        s.number,
        if s.is_finished() { "" } else { " (interrupted: the session was not finished; measures up to its end)" }
    ));
    line("");
    line(
        "Interventions: neuromuscular re-education of movement, balance, coordination, kinesthetic sense, posture \
         and/or proprioception (CPT 97112, timed, one-on-one):",
    );
    for (i, a) in s.activities.iter().enumerate() {
        let ms: Vec<&Measurement> = record.measurements.iter().filter(|m| m.activity_id == Some(a.id)).collect();
        let (doses, cueing, objective) = activity_lines(a, &ms);
        line(&format!(
            "{}. {}: \"{}\", {} ({} timed)",
            i + 1,
            capitalise(a.kind.intervention()),
            a.name,
            u::format_seconds(a.seconds),
            u::count(u64::from(timed_minutes(a.seconds)), "minute", "minutes")
        ));
        if let Some(src) = &a.source {
            line(&format!("   Recording: {src}"));
        }
        section(&mut line, "   Sets, repetitions and durations:", &doses);
        section(&mut line, "   Cueing given and response:", &cueing);
        section(&mut line, "   Objective measures:", &objective);
    }
    if s.activities.is_empty() {
        line("   (no activity recorded)");
    }
    line("");
    line(&format!(
        "Timed minutes: {} ({}). Total treatment time recorded by mirrorcue: {} (add any untimed services).",
        u::count(u64::from(minutes), "minute", "minutes"),
        u::format_seconds(timed_s),
        u::format_seconds(timed_s)
    ));
    line(&format!(
        "By the 8-minute rule these timed minutes support {} of 15 minutes; whether and what to bill is the \
         therapist's decision (mirrorcue does not bill).",
        u::count(u64::from(units), "unit", "units")
    ));
    line("");
    line("Goals and progress:");
    if !patient.goals_text.trim().is_empty() {
        line(&format!("   {}", patient.goals_text.trim()));
    }
    for g in &patient.goals {
        line(&format!("   - {}", GoalProgress::of(g, history).describe()));
    }
    if patient.goals.is_empty() && patient.goals_text.trim().is_empty() {
        line("   (no goals recorded)");
    }
    line("");
    line("Assessment and plan: ");
    line("");
    line(&format!("Therapist: {}    Signature: ____________________    Date: __________", clinician.signature()));
    out
}

fn section(line: &mut impl FnMut(&str), title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    line(title);
    for i in items {
        line(&format!("     - {i}"));
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
