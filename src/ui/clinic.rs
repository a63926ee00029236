//! The clinic record in the app: the patient, the running session (filed as it goes by
//! [`crate::store::LiveSession`]), and the patient's history with a trend of one measure.

use std::path::PathBuf;

use crate::paperwork::progress::{self, Range, SessionRecord};
use crate::store::restore::{BackupFile, is_damaged, latest_backup, restore};
use crate::store::{Access, AffectedSide, BodySide, LiveSession, Patient, Store};

/// What the therapist can ask of the record.
#[derive(Clone, Debug, PartialEq)]
pub enum ClinicAction {
    /// Open the record (the section was opened).
    Open,
    /// Work with this patient (their history is read).
    ChoosePatient(String),
    /// Add a patient with this ID and affected side, and choose them.
    AddPatient(String, AffectedSide),
    /// Start a session for the chosen patient.
    StartSession,
    /// End the session and file it.
    EndSession,
    /// Plot this measure (name, side) over the sessions.
    SetTrend(Option<(String, Option<BodySide>)>),
    /// Put this backup in place of the damaged record (the damaged file is moved aside, untouched), then open it.
    RestoreBackup(PathBuf),
}

/// A measure over sessions: its name, side and unit.
pub type MeasureKey = (String, Option<BodySide>, String);

/// The record's UI state.
pub struct ClinicState {
    /// The data folder.
    pub data_dir: PathBuf,
    store: Option<Store>,
    /// Whether opening was tried.
    pub opened: bool,
    /// The patients in the record.
    pub patients: Vec<Patient>,
    /// The chosen patient.
    pub patient: Option<String>,
    /// The running session.
    pub live: Option<LiveSession>,
    /// The chosen patient's sessions, oldest first.
    pub history: Vec<SessionRecord>,
    /// The measure plotted over sessions.
    pub trend: Option<(String, Option<BodySide>)>,
    /// What to tell the therapist (an error, a filed session).
    pub message: Option<String>,
    /// The backup offered in place of a damaged record.
    pub backup_offer: Option<BackupFile>,
    /// The chosen patient's last measured walk in an earlier session (its curves drawn under today's).
    pub earlier_walk: Option<crate::gait::earlier::EarlierWalk>,
}

impl ClinicState {
    /// The record in `data_dir`, opened when first asked for.
    pub fn new(data_dir: PathBuf) -> ClinicState {
        ClinicState {
            data_dir,
            store: None,
            opened: false,
            patients: Vec::new(),
            patient: None,
            live: None,
            history: Vec::new(),
            trend: None,
            message: None,
            backup_offer: None,
            earlier_walk: None,
        }
    }

    /// At the app's start: looks at the record without writing or locking it, so a damaged record is said (with
    /// the backup that can stand in) before the therapist needs it. A missing record is not a problem (it is made
    /// when first opened).
    pub fn check_at_start(&mut self) {
        match Store::open(&self.data_dir, Access::Read) {
            Err(e) if is_damaged(&e) => self.damaged(&e),
            _ => {}
        }
    }

    /// Says that the record is damaged, and offers the newest usable backup.
    fn damaged(&mut self, e: &crate::store::StoreError) {
        self.backup_offer = latest_backup(&self.data_dir);
        self.message = Some(match &self.backup_offer {
            Some(b) => format!("The clinic record cannot be used: {e} You can put {} in its place.", b.describe()),
            None => format!("The clinic record cannot be used: {e} No automatic backup was found."),
        });
    }

    /// Does what the therapist asked.
    pub fn apply(&mut self, action: ClinicAction) {
        match action {
            ClinicAction::Open => self.open(),
            ClinicAction::ChoosePatient(id) => {
                self.patient = Some(id);
                self.trend = None;
                self.reload();
            }
            ClinicAction::AddPatient(id, side) => {
                let Some(store) = self.store.as_mut() else { return };
                let mut p = Patient::new(&id);
                p.affected_side = side;
                match store.add_patient(&p) {
                    Ok(()) => {
                        self.message = Some(format!("Patient {} added.", p.id));
                        self.patient = Some(p.id);
                        self.reload();
                    }
                    Err(e) => self.message = Some(e.to_string()),
                }
            }
            ClinicAction::StartSession => {
                let (Some(id), Some(store)) = (self.patient.clone(), self.store.take()) else { return };
                match LiveSession::start(store, &id) {
                    Ok(live) => {
                        self.message = None;
                        self.live = Some(live);
                    }
                    Err(e) => {
                        self.message = Some(e.to_string());
                        self.open();
                    }
                }
            }
            ClinicAction::EndSession => self.end_session(),
            ClinicAction::SetTrend(t) => self.trend = t,
            ClinicAction::RestoreBackup(path) => match restore(&self.data_dir, &path) {
                Ok(aside) => {
                    self.backup_offer = None;
                    self.open();
                    if self.store.is_some() {
                        let moved = aside.map(|a| format!(" The damaged file was kept as {}.", a.display()));
                        self.message = Some(format!("The backup is in use.{}", moved.unwrap_or_default()));
                    }
                }
                Err(e) => self.message = Some(format!("The backup could not be put in place: {e}")),
            },
        }
    }

    /// Ends and files the running session (also when the app closes).
    pub fn end_session(&mut self) {
        let Some(live) = self.live.take() else { return };
        match live.finish() {
            Ok((store, session)) => {
                let minutes = crate::paperwork::units::timed_minutes(session.activity_seconds());
                self.message = Some(format!(
                    "Session {} filed: {minutes} timed minutes, {} of 97112 by the 8-minute rule.",
                    session.number,
                    crate::units::count(crate::paperwork::units::units_for_minutes(minutes).into(), "unit", "units")
                ));
                if let Err(e) = store.auto_backup() {
                    self.message =
                        Some(format!("{} The automatic backup failed: {e}", self.message.take().unwrap_or_default()));
                }
                self.store = Some(store);
                self.reload();
            }
            Err(e) => {
                self.message = Some(format!("The session could not be finished: {e}"));
                self.open();
            }
        }
    }

    fn open(&mut self) {
        self.opened = true;
        match Store::open(&self.data_dir, Access::Write) {
            Ok(s) => {
                if let Err(e) = s.auto_backup_if_old() {
                    self.message = Some(format!("The automatic backup failed: {e}"));
                }
                self.store = Some(s);
                self.reload();
            }
            Err(e) if is_damaged(&e) => self.damaged(&e),
            Err(e) => self.message = Some(format!("The clinic record cannot be used: {e}")),
        }
    }

    /// Reads the patients and the chosen patient's history again.
    fn reload(&mut self) {
        let Some(store) = &self.store else { return };
        match store.patients() {
            Ok(p) => self.patients = p,
            Err(e) => self.message = Some(e.to_string()),
        }
        self.history = match &self.patient {
            Some(id) => match progress::load(store, id, Range::All) {
                Ok((_, h)) => h,
                Err(e) => {
                    self.message = Some(e.to_string());
                    Vec::new()
                }
            },
            None => Vec::new(),
        };
        // The history is read only while no session runs, so none of it is today's.
        self.earlier_walk = crate::gait::earlier::latest(self.history.iter().map(|r| &r.session), None);
    }

    /// Whether the record is open and can be written.
    pub fn is_open(&self) -> bool {
        self.store.is_some() || self.live.is_some()
    }

    /// The measures found in the history (name, side, unit), sorted.
    pub fn measures(&self) -> Vec<MeasureKey> {
        let mut out: Vec<MeasureKey> = self
            .history
            .iter()
            .flat_map(|s| s.measurements.iter().map(|m| (m.measure.clone(), m.side, m.unit.clone())))
            .collect();
        out.sort_by(|a, b| (&a.0, a.1.map(|s| s.key()), &a.2).cmp(&(&b.0, b.1.map(|s| s.key()), &b.2)));
        out.dedup();
        out
    }

    /// The trend's points (session number, value) and its unit.
    pub fn trend_series(&self) -> Option<(Vec<(i64, f64)>, String)> {
        let (name, side) = self.trend.as_ref()?;
        let unit = self.measures().into_iter().find(|m| &m.0 == name && m.1 == *side)?.2;
        Some((progress::series(&self.history, name, *side), unit))
    }
}

/// First against last of a series, with the change: "12.0 cm² (session 1) to 8.1 cm² (session 5): −3.9 cm²".
pub fn first_vs_last(points: &[(i64, f64)], unit: &str) -> Option<String> {
    let (first, last) = (points.first()?, points.last()?);
    if points.len() < 2 {
        return None;
    }
    let change = last.1 - first.1;
    let sign = if change < 0.0 { "−" } else { "+" };
    Some(format!(
        "{} (session {}) to {} (session {}): {sign}{}",
        progress::format_value(first.1, unit),
        first.0,
        progress::format_value(last.1, unit),
        last.0,
        progress::format_value(change.abs(), unit)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patient_is_added_a_session_filed_and_its_history_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = ClinicState::new(dir.path().to_path_buf());
        c.apply(ClinicAction::Open);
        assert!(c.is_open(), "{:?}", c.message);
        c.apply(ClinicAction::AddPatient("P007".into(), AffectedSide::Left));
        assert_eq!(c.patient.as_deref(), Some("P007"));
        for _ in 0..2 {
            c.apply(ClinicAction::StartSession);
            let live = c.live.as_mut().unwrap();
            for _ in 0..(30 * 60 * 9) {
                live.tick(1.0 / 30.0, Some(("mirror", None)));
            }
            c.apply(ClinicAction::EndSession);
        }
        assert!(c.message.as_ref().unwrap().contains("9 timed minutes, 1 unit"), "{:?}", c.message);
        assert_eq!(c.history.len(), 2);
        // A second instance cannot write: it says so.
        let mut other = ClinicState::new(dir.path().to_path_buf());
        other.apply(ClinicAction::Open);
        assert!(!other.is_open() && other.message.is_some());
        assert_eq!(
            first_vs_last(&[(1, 12.0), (5, 8.06)], "cm2").unwrap(),
            "12.0 cm² (session 1) to 8.1 cm² (session 5): −3.9 cm²"
        );
    }

    /// Before: a damaged record only said "cannot be used"; nothing offered the backup.
    #[test]
    fn a_damaged_record_is_said_at_start_and_the_last_backup_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = ClinicState::new(dir.path().to_path_buf());
        c.check_at_start();
        assert_eq!(c.message, None, "no record yet is not a problem");
        c.apply(ClinicAction::Open);
        c.apply(ClinicAction::AddPatient("P007".into(), AffectedSide::Right));
        c.apply(ClinicAction::StartSession);
        c.live.as_mut().unwrap().tick(1.0, Some(("mirror", None)));
        c.apply(ClinicAction::EndSession);
        drop(c);
        let db = dir.path().join(crate::store::DB_FILE);
        std::fs::write(&db, vec![b'x'; 8192]).unwrap();

        let mut c = ClinicState::new(dir.path().to_path_buf());
        c.check_at_start();
        let m = c.message.clone().unwrap();
        assert!(m.contains("cannot be used") && m.contains("1 patient, 1 session"), "{m}");
        let offer = c.backup_offer.clone().expect("the last backup is offered");
        assert_eq!(std::fs::read(&db).unwrap(), vec![b'x'; 8192], "the damaged file untouched until asked");
        c.apply(ClinicAction::RestoreBackup(offer.path));
        assert!(c.is_open(), "{:?}", c.message);
        assert!(c.message.as_ref().unwrap().contains("damaged file was kept as"), "{:?}", c.message);
        assert_eq!(c.patients.len(), 1);
    }
}
