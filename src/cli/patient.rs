//! `mirrorcue patient add|list|show`: the patients in the clinic record.

use std::path::Path;

use clap::{Args, Subcommand};

use super::{CliError, EXIT_OK};
use crate::store::{Access, AffectedSide, Condition, Goal, Patient, Store};

/// `mirrorcue patient`.
#[derive(Debug, Clone, Args)]
pub struct PatientArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: PatientAction,
}

/// The patient subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum PatientAction {
    /// Add a patient (a pseudonymous ID; name and birth year only if the clinic keeps them here).
    ///
    /// Example:
    ///   mirrorcue patient add --id P001 --affected-side left --condition stroke --goal "left shoulder flexion >= 150 deg"
    #[command(verbatim_doc_comment)]
    Add(AddArgs),
    /// List the patients.
    List,
    /// Show a patient: details, goals and sessions.
    Show {
        /// The patient's ID.
        #[arg(value_name = "ID")]
        id: String,
    },
}

/// `mirrorcue patient add`.
#[derive(Debug, Clone, Args)]
pub struct AddArgs {
    /// The patient's ID: 1 to 40 letters, digits, '-', '_' or '.' (pseudonymous, e.g. P001).
    #[arg(long, value_name = "ID")]
    pub id: String,
    /// The name (optional; leave it out to keep the record pseudonymous).
    #[arg(long)]
    pub name: Option<String>,
    /// The birth year (optional).
    #[arg(long, value_name = "YEAR")]
    pub birth_year: Option<i32>,
    /// The affected side: left, right, both or neither.
    #[arg(long, default_value = "neither", value_parser = |s: &str| s.parse::<AffectedSide>())]
    pub affected_side: AffectedSide,
    /// The condition: stroke, crps, phantom_limb_pain, knee_surgery, hip_surgery, shoulder_surgery, back_pain,
    /// neck_pain, balance_fall_risk or other.
    #[arg(long, default_value = "other", value_parser = |s: &str| s.parse::<Condition>())]
    pub condition: Condition,
    /// A measurable goal, such as "left shoulder flexion >= 150 deg" or "single-leg stance >= 10 s" (repeatable).
    #[arg(long = "goal", value_name = "GOAL", value_parser = |s: &str| Goal::parse(s))]
    pub goals: Vec<Goal>,
    /// Goals in words.
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub goals_text: String,
}

/// Runs `mirrorcue patient`.
pub fn run(args: &PatientArgs, data_dir: &Path) -> Result<u8, CliError> {
    match &args.action {
        PatientAction::Add(a) => {
            let mut store = Store::open(data_dir, Access::Write)?;
            let p = Patient {
                id: a.id.trim().to_string(),
                name: a.name.clone(),
                birth_year: a.birth_year,
                affected_side: a.affected_side,
                condition: a.condition,
                goals_text: a.goals_text.clone(),
                goals: a.goals.clone(),
            };
            store.add_patient(&p)?;
            println!("added patient {} to {}", p.id, store.path().display());
        }
        PatientAction::List => {
            let store = Store::open(data_dir, Access::Read)?;
            let patients = store.patients()?;
            if patients.is_empty() {
                println!("no patients yet (add one with `mirrorcue patient add --id P001`)");
            }
            for p in patients {
                let n = store.sessions(&p.id)?.len();
                println!(
                    "{}\t{}\taffected side: {}\t{}",
                    p.id,
                    p.condition,
                    p.affected_side,
                    crate::units::count(n as u64, "session", "sessions")
                );
            }
        }
        PatientAction::Show { id } => {
            let store = Store::open(data_dir, Access::Read)?;
            let p = store.patient(id)?;
            println!("patient {}", p.id);
            if let Some(n) = &p.name {
                println!("  name: {n}");
            }
            if let Some(y) = p.birth_year {
                println!("  born: {y}");
            }
            println!("  affected side: {}\n  condition: {}", p.affected_side, p.condition);
            if !p.goals_text.is_empty() {
                println!("  goals: {}", p.goals_text);
            }
            let (_, sessions) = crate::paperwork::progress::load(&store, id, crate::paperwork::progress::Range::All)?;
            for g in &p.goals {
                println!("  goal: {}", crate::paperwork::progress::GoalProgress::of(g, &sessions).describe());
            }
            println!("  {}", crate::units::count(sessions.len() as u64, "session", "sessions"));
            for s in &sessions {
                println!("    {}", super::session::one_line(&s.session));
            }
        }
    }
    Ok(EXIT_OK)
}
