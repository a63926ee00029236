//! `mirrorcue report`: a session report or a progress report as one self-contained HTML page (print it to PDF from
//! a browser).

use std::path::{Path, PathBuf};

use clap::Args;

use super::{CliError, EXIT_OK, WriteContext};
use crate::paperwork::note::Clinician;
use crate::paperwork::progress::{Range, load};
use crate::paperwork::report::{ReportOptions, render_html};
use crate::store::{Access, Store};

/// `mirrorcue report`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// The patient's ID.
    #[arg(long, value_name = "ID")]
    pub patient: String,
    /// One session (a session report with the note draft).
    #[arg(long, value_name = "N", conflicts_with_all = ["from", "to"], value_parser = super::numbers::session_number)]
    pub session: Option<i64>,
    /// The first day of a progress report (YYYY-MM-DD, UTC; default: the first session).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<i64>,
    /// The last day of a progress report (YYYY-MM-DD, UTC, included; default: the last session).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<i64>,
    /// The HTML file to write.
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
    /// The ID only: no name or birth year.
    #[arg(long)]
    pub deidentified: bool,
    /// The therapist's name for the note's signature line (default: the record's settings).
    #[arg(long, value_name = "NAME", env = "MIRRORCUE_THERAPIST")]
    pub therapist: Option<String>,
    /// The therapist's credentials, e.g. "PT, DPT".
    #[arg(long, value_name = "TEXT", env = "MIRRORCUE_CREDENTIALS")]
    pub credentials: Option<String>,
}

/// A UTC date "2026-11-30" as Unix seconds at its midnight.
pub fn parse_date(s: &str) -> Result<i64, String> {
    let bad = || format!("`{s}` is not a date: write it as YYYY-MM-DD, e.g. 2026-11-30");
    let parts: Vec<&str> = s.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else { return Err(bad()) };
    let (y, m, d): (i64, i64, i64) =
        (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days_in[(m - 1) as usize] {
        return Err(bad());
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok((era * 146_097 + doe - 719_468) * 86_400)
}

/// Runs `mirrorcue report`.
pub fn run(args: &ReportArgs, data_dir: &Path) -> Result<u8, CliError> {
    let store = Store::open(data_dir, Access::Read)?;
    let range = match (args.session, args.from, args.to) {
        (Some(n), _, _) => Range::Session(n),
        (None, None, None) => Range::All,
        (None, from, to) => {
            let (a, b) = (from.unwrap_or(i64::MIN), to.map(|t| t + 86_399).unwrap_or(i64::MAX));
            if a > b {
                return Err(CliError::usage("--from is after --to"));
            }
            Range::Between(a, b)
        }
    };
    let (patient, sessions) = load(&store, &args.patient, range)?;
    let last = sessions.last().map(|s| s.session.number).unwrap_or(0);
    let (_, all) = load(&store, &args.patient, Range::All)?;
    let history: Vec<_> = all.into_iter().filter(|s| s.session.number <= last).collect();
    let mut clinician = Clinician::from_store(&store)?;
    if let Some(n) = &args.therapist {
        clinician.name = n.clone();
    }
    if let Some(c) = &args.credentials {
        clinician.credentials = c.clone();
    }
    let html =
        render_html(&patient, &sessions, &history, &clinician, ReportOptions { deidentified: args.deidentified })?;
    crate::posture::files::write_atomic(&args.out, html.as_bytes()).writing(&args.out)?;
    println!(
        "wrote the report of patient {} ({}) to {}",
        patient.id,
        crate::units::count(sessions.len() as u64, "session", "sessions"),
        args.out.display()
    );
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_to_utc_midnights() {
        assert_eq!(parse_date("1970-01-01"), Ok(0));
        assert_eq!(parse_date("2026-11-28"), Ok(1_795_824_000));
        assert_eq!(parse_date("2000-02-29"), Ok(951_782_400));
        assert!(parse_date("2001-02-29").is_err());
        assert!(parse_date("30/11/2026").unwrap_err().contains("YYYY-MM-DD"));
    }
}
