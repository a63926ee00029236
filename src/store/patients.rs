//! Patients: a pseudonymous ID, an optional name and birth year, the affected side, the condition, and goals (as
//! text and as measurable targets such as "left shoulder flexion ≥ 150°").

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::db::{Store, StoreError};
use super::sessions::BodySide;

/// The side a condition affects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AffectedSide {
    /// The patient's left.
    Left,
    /// The patient's right.
    Right,
    /// Both sides.
    Both,
    /// Not one side (the trunk, balance).
    Neither,
}

/// What brings the patient to neuromuscular re-education.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// After a stroke.
    Stroke,
    /// Complex regional pain syndrome.
    Crps,
    /// Phantom limb pain.
    PhantomLimbPain,
    /// After knee surgery.
    KneeSurgery,
    /// After hip surgery.
    HipSurgery,
    /// After shoulder surgery.
    ShoulderSurgery,
    /// Back pain.
    BackPain,
    /// Neck pain.
    NeckPain,
    /// Balance problems and fall risk.
    BalanceFallRisk,
    /// Anything else.
    Other,
}

macro_rules! keyed_enum {
    ($t:ty, $what:literal, $($v:ident => $key:literal, $words:literal;)*) => {
        impl $t {
            /// Every value, in order.
            pub const ALL: &'static [$t] = &[$(<$t>::$v),*];

            /// Its name in files and on the command line.
            pub fn key(self) -> &'static str {
                match self { $(<$t>::$v => $key),* }
            }

            /// Its name for people.
            pub fn words(self) -> &'static str {
                match self { $(<$t>::$v => $words),* }
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.words())
            }
        }

        impl FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                <$t>::ALL.iter().copied().find(|v| v.key() == s).ok_or_else(|| {
                    let keys: Vec<&str> = <$t>::ALL.iter().map(|v| v.key()).collect();
                    format!("`{s}` is not {}; use one of: {}", $what, keys.join(", "))
                })
            }
        }
    };
}

keyed_enum!(AffectedSide, "an affected side",
    Left => "left", "left";
    Right => "right", "right";
    Both => "both", "both sides";
    Neither => "neither", "neither side";
);

keyed_enum!(Condition, "a condition",
    Stroke => "stroke", "stroke";
    Crps => "crps", "complex regional pain syndrome (CRPS)";
    PhantomLimbPain => "phantom_limb_pain", "phantom limb pain";
    KneeSurgery => "knee_surgery", "after knee surgery";
    HipSurgery => "hip_surgery", "after hip surgery";
    ShoulderSurgery => "shoulder_surgery", "after shoulder surgery";
    BackPain => "back_pain", "back pain";
    NeckPain => "neck_pain", "neck pain";
    BalanceFallRisk => "balance_fall_risk", "balance and fall risk";
    Other => "other", "other";
);

/// Which way a goal's target points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// The value should reach at least the target (`≥`).
    AtLeast,
    /// The value should stay at most the target (`≤`).
    AtMost,
}

impl Comparison {
    /// `"at_least"` / `"at_most"`.
    pub fn key(self) -> &'static str {
        match self {
            Comparison::AtLeast => "at_least",
            Comparison::AtMost => "at_most",
        }
    }

    /// `≥` / `≤`.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::AtLeast => "≥",
            Comparison::AtMost => "≤",
        }
    }

    /// Whether `value` meets `target`.
    pub fn met(self, value: f64, target: f64) -> bool {
        match self {
            Comparison::AtLeast => value >= target,
            Comparison::AtMost => value <= target,
        }
    }
}

/// A measurable goal: "left shoulder flexion ≥ 150°" is the measure "shoulder flexion" on the left side, at least
/// 150 degrees. It is matched to measurements of the same measure and side (or, for a range, to the measure's
/// `maximum` when at least and its `minimum` when at most).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Goal {
    /// As the therapist wrote it.
    pub text: String,
    /// The measure, without its side ("shoulder flexion", "single-leg stance").
    pub measure: String,
    /// The side, when the measure has one.
    pub side: Option<BodySide>,
    /// At least or at most.
    pub comparison: Comparison,
    /// The target value, in `unit`.
    pub target: f64,
    /// The unit's key (`degrees`, `seconds`, `repetitions`, `torso_lengths`, `percent`).
    pub unit: String,
}

impl Goal {
    /// Parses "left shoulder flexion ≥ 150°", "single-leg stance >= 10 s", "squats ≥ 12 repetitions",
    /// "right knee over the foot ≤ 0.1 torso lengths".
    pub fn parse(text: &str) -> Result<Goal, String> {
        let t = text.trim();
        let (at, comparison, len) =
            [("≥", Comparison::AtLeast), (">=", Comparison::AtLeast), ("≤", Comparison::AtMost)]
                .into_iter()
                .chain([("<=", Comparison::AtMost)])
                .find_map(|(op, c)| t.find(op).map(|i| (i, c, op.len())))
                .ok_or_else(|| {
                    format!(
                        "the goal `{t}` has no target: write it as `left shoulder flexion >= 150 deg` (or ≥, <=, ≤)"
                    )
                })?;
        let (lhs, rhs) = (t[..at].trim(), t[at + len..].trim());
        let mut words: Vec<&str> = lhs.split_whitespace().collect();
        let side = match words.first().map(|w| w.to_ascii_lowercase()) {
            Some(w) if w == "left" => Some(BodySide::Left),
            Some(w) if w == "right" => Some(BodySide::Right),
            _ => None,
        };
        if side.is_some() {
            words.remove(0);
        }
        if words.is_empty() {
            return Err(format!("the goal `{t}` names no measure before its target"));
        }
        let number_end = rhs.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).unwrap_or(rhs.len());
        let target: f64 = rhs[..number_end]
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("the goal `{t}` has no number after its comparison"))?;
        let unit = match rhs[number_end..].trim().to_lowercase().as_str() {
            "°" | "deg" | "degree" | "degrees" => "degrees",
            "s" | "sec" | "second" | "seconds" => "seconds",
            "rep" | "reps" | "repetition" | "repetitions" => "repetitions",
            "torso length" | "torso lengths" | "tl" => "torso_lengths",
            "%" | "percent" => "percent",
            other => {
                return Err(format!(
                    "the goal `{t}` has the unit `{other}`; use ° (degrees), s (seconds), reps, torso lengths or %"
                ));
            }
        };
        Ok(Goal {
            text: t.to_string(),
            measure: words.join(" ").to_lowercase(),
            side,
            comparison,
            target,
            unit: unit.to_string(),
        })
    }
}

/// A patient as stored.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Patient {
    /// The ID (pseudonymous by default: "P001").
    pub id: String,
    /// The name, if the clinic keeps it here.
    pub name: Option<String>,
    /// The birth year.
    pub birth_year: Option<i32>,
    /// The affected side.
    pub affected_side: AffectedSide,
    /// The condition.
    pub condition: Condition,
    /// Goals as free text.
    pub goals_text: String,
    /// Measurable goals.
    pub goals: Vec<Goal>,
}

impl Patient {
    /// A patient with only an ID (side and condition to be filled in).
    pub fn new(id: &str) -> Patient {
        Patient {
            id: id.trim().to_string(),
            name: None,
            birth_year: None,
            affected_side: AffectedSide::Neither,
            condition: Condition::Other,
            goals_text: String::new(),
            goals: Vec::new(),
        }
    }
}

/// Checks a patient ID: 1 to 40 letters, digits, `-`, `_` or `.` (it names files and appears in de-identified
/// exports, so no spaces and no names by accident of format).
pub fn check_id(id: &str) -> Result<(), StoreError> {
    let ok = !id.is_empty()
        && id.chars().count() <= 40
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "`{id}` is not a usable patient ID: use 1 to 40 letters, digits, '-', '_' or '.' (for example P001)"
        )))
    }
}

impl Store {
    /// Adds a patient; fails when the ID is taken or unusable, or a birth year is not plausible.
    pub fn add_patient(&mut self, p: &Patient) -> Result<(), StoreError> {
        check_id(&p.id)?;
        if let Some(y) = p.birth_year {
            let this_year = 1970
                + (SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) / 31_556_952) as i32;
            if !(1900..=this_year).contains(&y) {
                return Err(StoreError::Invalid(format!("{y} is not a plausible birth year (1900 to {this_year})")));
            }
        }
        if self.patient_opt(&p.id)?.is_some() {
            return Err(StoreError::Invalid(format!("a patient with the ID {} is already in the record", p.id)));
        }
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        self.write(|tx, path| {
            let e = |e| StoreError::sqlite(path, e);
            tx.execute(
                "INSERT INTO patient (id, name, birth_year, affected_side, condition, goals, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    p.id,
                    p.name.as_deref().map(str::trim).filter(|n| !n.is_empty()),
                    p.birth_year,
                    p.affected_side.key(),
                    p.condition.key(),
                    p.goals_text,
                    now
                ],
            )
            .map_err(e)?;
            for g in &p.goals {
                insert_goal(tx, &p.id, g).map_err(e)?;
            }
            Ok(())
        })
    }

    /// Adds a measurable goal to a patient.
    pub fn add_goal(&mut self, patient: &str, goal: &Goal) -> Result<(), StoreError> {
        self.patient(patient)?;
        self.write(|tx, path| insert_goal(tx, patient, goal).map(|_| ()).map_err(|e| StoreError::sqlite(path, e)))
    }

    /// The patient with `id`, or [`StoreError::NotFound`].
    pub fn patient(&self, id: &str) -> Result<Patient, StoreError> {
        self.patient_opt(id)?.ok_or_else(|| {
            StoreError::NotFound(format!("no patient with the ID {id} in the record (see `mirrorcue patient list`)"))
        })
    }

    fn patient_opt(&self, id: &str) -> Result<Option<Patient>, StoreError> {
        let row = self
            .conn()
            .query_row(
                "SELECT id, name, birth_year, affected_side, condition, goals FROM patient WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<i32>>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((id, name, birth_year, side, condition, goals_text)) = row else { return Ok(None) };
        Ok(Some(Patient {
            goals: self.goals(&id)?,
            id,
            name,
            birth_year,
            affected_side: side.parse().unwrap_or(AffectedSide::Neither),
            condition: condition.parse().unwrap_or(Condition::Other),
            goals_text,
        }))
    }

    /// Every patient, by ID.
    pub fn patients(&self) -> Result<Vec<Patient>, StoreError> {
        let ids: Vec<String> = {
            let mut st = self.conn().prepare("SELECT id FROM patient ORDER BY id").map_err(|e| self.err(e))?;
            st.query_map([], |r| r.get(0)).and_then(|rows| rows.collect()).map_err(|e| self.err(e))?
        };
        ids.iter().map(|id| self.patient(id)).collect()
    }

    /// A patient's measurable goals, in the order they were added.
    pub fn goals(&self, patient: &str) -> Result<Vec<Goal>, StoreError> {
        let mut st = self
            .conn()
            .prepare("SELECT text, measure, side, comparison, target, unit FROM goal WHERE patient_id = ?1 ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([patient], |r| {
                Ok(Goal {
                    text: r.get(0)?,
                    measure: r.get(1)?,
                    side: r.get::<_, Option<String>>(2)?.and_then(|s| s.parse().ok()),
                    comparison: if r.get::<_, String>(3)? == "at_most" {
                        Comparison::AtMost
                    } else {
                        Comparison::AtLeast
                    },
                    target: r.get(4)?,
                    unit: r.get(5)?,
                })
            })
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }
}

fn insert_goal(tx: &rusqlite::Transaction<'_>, patient: &str, g: &Goal) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO goal (patient_id, text, measure, side, comparison, target, unit) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![patient, g.text, g.measure, g.side.map(|s| s.key()), g.comparison.key(), g.target, g.unit],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Access;

    #[test]
    fn goals_parse_with_side_comparison_and_unit() {
        let g = Goal::parse("left shoulder flexion ≥ 150°").unwrap();
        assert_eq!(g.measure, "shoulder flexion");
        assert_eq!(g.side, Some(BodySide::Left));
        assert_eq!(g.comparison, Comparison::AtLeast);
        assert_eq!(g.target, 150.0);
        assert_eq!(g.unit, "degrees");
        let g = Goal::parse("single-leg stance >= 10 s").unwrap();
        assert_eq!((g.measure.as_str(), g.side, g.unit.as_str()), ("single-leg stance", None, "seconds"));
        let g = Goal::parse("Right knee over the foot <= 0.1 torso lengths").unwrap();
        assert_eq!((g.comparison, g.side, g.target), (Comparison::AtMost, Some(BodySide::Right), 0.1));
        assert!(Goal::parse("get better").unwrap_err().contains("no target"));
        assert!(Goal::parse("left ≥ 10 s").unwrap_err().contains("no measure"));
        assert!(Goal::parse("flexion ≥ lots").unwrap_err().contains("no number"));
        assert!(Goal::parse("flexion ≥ 10 furlongs").unwrap_err().contains("furlongs"));
    }

    #[test]
    fn enums_parse_their_keys_and_say_what_is_allowed() {
        assert_eq!("left".parse::<AffectedSide>(), Ok(AffectedSide::Left));
        assert_eq!("Phantom limb pain".parse::<Condition>(), Ok(Condition::PhantomLimbPain));
        assert_eq!("balance-fall-risk".parse::<Condition>(), Ok(Condition::BalanceFallRisk));
        assert!("middle".parse::<AffectedSide>().unwrap_err().contains("left, right, both, neither"));
    }

    #[test]
    fn patients_round_trip_and_ids_are_unique() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path(), Access::Write).unwrap();
        let mut p = Patient::new("P001");
        p.name = Some("Ada Example".into());
        p.birth_year = Some(1950);
        p.affected_side = AffectedSide::Left;
        p.condition = Condition::Stroke;
        p.goals_text = "Reach the top shelf".into();
        p.goals = vec![Goal::parse("left shoulder flexion ≥ 150°").unwrap()];
        store.add_patient(&p).unwrap();
        assert_eq!(store.patient("P001").unwrap(), p);
        assert!(store.add_patient(&p).unwrap_err().to_string().contains("already"));
        assert!(matches!(store.add_patient(&Patient::new("P 2")), Err(StoreError::Invalid(_))));
        let mut old = Patient::new("P3");
        old.birth_year = Some(1800);
        assert!(store.add_patient(&old).unwrap_err().to_string().contains("birth year"));
        assert!(matches!(store.patient("P404"), Err(StoreError::NotFound(_))));
        store.add_patient(&Patient::new("A7")).unwrap();
        let ids: Vec<String> = store.patients().unwrap().into_iter().map(|p| p.id).collect();
        assert_eq!(ids, ["A7", "P001"]);
    }
}
