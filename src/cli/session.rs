//! `mirrorcue session list|show|export`: a patient's sessions, one with its measures and note draft, and every
//! measure as CSV or JSON; and filing a `check` run as a session (`--patient`).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};

use super::{CliError, EXIT_OK, WriteContext};
use crate::paperwork::export;
use crate::paperwork::note::{Clinician, draft};
use crate::paperwork::progress::{Range, format_value, load, measure_label};
use crate::posture::PostureSession;
use crate::store::{Access, PostureFiling, Session, Store};

/// `mirrorcue session`.
#[derive(Debug, Clone, Args)]
pub struct SessionArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: SessionAction,
}

/// The session subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum SessionAction {
    /// List a patient's sessions.
    List {
        /// The patient's ID.
        #[arg(long, value_name = "ID")]
        patient: String,
    },
    /// Show one session: its activities, measures and the note draft.
    Show {
        /// The patient's ID.
        #[arg(long, value_name = "ID")]
        patient: String,
        /// The session's number (see `session list`).
        #[arg(value_name = "N", value_parser = super::numbers::session_number)]
        number: i64,
    },
    /// Export measures, one row per measure, as CSV or JSON (all sessions, or one with --session).
    ///
    /// Example:
    ///   mirrorcue session export --patient P001 --format csv --deidentified --out p001.csv
    #[command(verbatim_doc_comment)]
    Export(ExportArgs),
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Comma-separated values with a header line.
    Csv,
    /// A JSON document with the units explained.
    Json,
}

/// `mirrorcue session export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// The patient's ID.
    #[arg(long, value_name = "ID")]
    pub patient: String,
    /// Only this session.
    #[arg(long, value_name = "N", value_parser = super::numbers::session_number)]
    pub session: Option<i64>,
    /// csv or json.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
    /// The ID only: no recording paths, days since the first session instead of dates (names are never exported).
    #[arg(long)]
    pub deidentified: bool,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// A session in one line: "3  2026-11-30  12 min 04 s  1 activity  finished".
pub fn one_line(s: &Session) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}",
        s.number,
        s.date(),
        crate::units::format_seconds(s.activity_seconds()),
        crate::units::count(s.activities.len() as u64, "activity", "activities"),
        if s.is_finished() { "finished" } else { "unfinished (interrupted)" }
    )
}

/// Starts filing a posture session for `patient` in the record at `data_dir` (the patient must exist).
pub fn start_posture_filing(
    data_dir: &Path,
    patient: &str,
    session: &PostureSession,
    input: &Path,
) -> Result<PostureFiling, CliError> {
    let store = open_for_filing(data_dir, patient)?;
    Ok(PostureFiling::start(store, patient, session, Some(input.display().to_string()))?)
}

/// Opens the record at `data_dir` to file a session of `patient`, checking first that the patient is there, so a
/// mistyped ID fails before any work is done.
pub fn open_for_filing(data_dir: &Path, patient: &str) -> Result<Store, CliError> {
    let store = Store::open(data_dir, Access::Write)?;
    store.patient(patient)?;
    Ok(store)
}

/// Prints where a session was filed.
pub fn say_filed(session: &Session) {
    println!("filed as session {} of patient {}", session.number, session.patient_id);
}

/// Runs `mirrorcue session`.
pub fn run(args: &SessionArgs, data_dir: &Path) -> Result<u8, CliError> {
    let store = Store::open(data_dir, Access::Read)?;
    match &args.action {
        SessionAction::List { patient } => {
            let sessions = store.sessions(patient)?;
            if sessions.is_empty() {
                println!("patient {patient} has no sessions yet");
            }
            for s in &sessions {
                println!("{}", one_line(s));
            }
        }
        SessionAction::Show { patient, number } => {
            let (p, all) = load(&store, patient, Range::All)?;
            let Some(i) = all.iter().position(|r| r.session.number == *number) else {
                return Err(store
                    .session(patient, *number)
                    .err()
                    .map(CliError::from)
                    .unwrap_or_else(|| CliError::input(format!("patient {patient} has no session {number}"))));
            };
            let r = &all[i];
            println!("session {}", one_line(&r.session));
            for a in &r.session.activities {
                println!("  {}: {} ({})", a.kind.intervention(), a.name, crate::units::format_seconds(a.seconds));
                for m in r.measurements.iter().filter(|m| m.activity_id == Some(a.id) && m.measure.contains(": ")) {
                    println!("    {}: {}", measure_label(&m.measure, m.side), format_value(m.value, &m.unit));
                }
            }
            let note = match &r.session.note {
                Some(n) => n.clone(),
                None => draft(&p, r, &all[..=i], &Clinician::from_store(&store)?),
            };
            println!("\n{note}");
        }
        SessionAction::Export(e) => {
            let range = e.session.map(Range::Session).unwrap_or(Range::All);
            let (p, sessions) = load(&store, &e.patient, range)?;
            let rows = export::rows(&p.id, &sessions, e.deidentified);
            let text = match e.format {
                ExportFormat::Csv => export::to_csv(&rows, e.deidentified),
                ExportFormat::Json => export::to_json(&rows, e.deidentified),
            };
            match &e.out {
                Some(path) => {
                    crate::posture::files::write_atomic(path, text.as_bytes()).writing(path)?;
                    eprintln!(
                        "wrote {} to {}",
                        crate::units::count(rows.len() as u64, "measure", "measures"),
                        path.display()
                    );
                }
                None => print!("{text}"),
            }
        }
    }
    Ok(EXIT_OK)
}
