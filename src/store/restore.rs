//! Automatic backups in the data folder and putting one back when the record is damaged.
//!
//! The app keeps the last [`KEEP_BACKUPS`] copies of the record in [`BACKUP_DIR`] inside the data folder (made with
//! SQLite's online backup, [`Store::backup_to`]): when the record opens and the newest copy is older than a day, and
//! after each session it files. When the record cannot be opened because it is damaged ([`is_damaged`]), the app
//! offers the newest copy that passes the same checks as the record ([`latest_backup`]); [`restore`] moves the
//! damaged file aside, byte for byte as it was (with its journal), and copies the backup in its place.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OpenFlags};

use super::db::{DB_FILE, Store, StoreError, inspect, take_writer_lock};

/// The folder, inside the data folder, of the automatic backups.
pub const BACKUP_DIR: &str = "backups";
/// How many automatic backups are kept (the oldest beyond are removed).
pub const KEEP_BACKUPS: usize = 10;
/// An automatic backup is made when the record opens if the newest is older than this.
pub const BACKUP_AGE: Duration = Duration::from_secs(24 * 3600);

/// A usable automatic backup.
#[derive(Clone, Debug, PartialEq)]
pub struct BackupFile {
    /// The file.
    pub path: PathBuf,
    /// When it was made.
    pub made: SystemTime,
    /// The patients in it.
    pub patients: i64,
    /// The sessions in it.
    pub sessions: i64,
}

impl BackupFile {
    /// "the backup of 2026-11-29 14:02 UTC (3 patients, 12 sessions)".
    pub fn describe(&self) -> String {
        let stamp = crate::units::utc_timestamp(self.made);
        format!(
            "the backup of {} {} UTC ({}, {})",
            &stamp[..10],
            &stamp[11..16],
            crate::units::count(self.patients.max(0) as u64, "patient", "patients"),
            crate::units::count(self.sessions.max(0) as u64, "session", "sessions")
        )
    }
}

/// Whether an error opening the record means the file itself is damaged or not a record (a backup can stand in),
/// rather than in use, missing or unreadable for another reason.
pub fn is_damaged(e: &StoreError) -> bool {
    matches!(e, StoreError::NotADatabase { .. } | StoreError::Foreign { .. } | StoreError::Corrupt { .. })
}

const PREFIX: &str = "mirrorcue-";
const SUFFIX: &str = ".db";

impl Store {
    /// Writes an automatic backup into the data folder's [`BACKUP_DIR`] (named by the time, UTC, to the millisecond)
    /// and removes the
    /// oldest beyond [`KEEP_BACKUPS`]. Returns the new file.
    pub fn auto_backup(&self) -> Result<PathBuf, StoreError> {
        let dir = self.dir().join(BACKUP_DIR);
        std::fs::create_dir_all(&dir).map_err(|source| StoreError::Io { path: dir.clone(), source })?;
        let now = SystemTime::now();
        let ms = now.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.subsec_millis()).unwrap_or(0);
        let out = dir.join(format!("{PREFIX}{}-{ms:03}{SUFFIX}", crate::units::file_stamp(now)));
        self.backup_to(&out)?;
        let mut all = backup_files(self.dir());
        all.sort_by_key(|(_, made)| std::cmp::Reverse(*made));
        for (old, _) in all.iter().skip(KEEP_BACKUPS) {
            let _ = std::fs::remove_file(old);
        }
        Ok(out)
    }

    /// Makes an automatic backup if there is none younger than [`BACKUP_AGE`]; returns it if one was made.
    pub fn auto_backup_if_old(&self) -> Result<Option<PathBuf>, StoreError> {
        let newest = backup_files(self.dir()).into_iter().map(|(_, made)| made).max();
        let fresh = newest.and_then(|t| t.elapsed().ok()).is_some_and(|age| age < BACKUP_AGE);
        if fresh { Ok(None) } else { self.auto_backup().map(Some) }
    }
}

/// The automatic backup files of the data folder `dir` with their times (unchecked).
fn backup_files(dir: &Path) -> Vec<(PathBuf, SystemTime)> {
    let Ok(entries) = std::fs::read_dir(dir.join(BACKUP_DIR)) else { return Vec::new() };
    entries
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(PREFIX) && name.ends_with(SUFFIX)
        })
        .filter_map(|e| {
            let m = e.metadata().ok().filter(|m| m.is_file())?;
            Some((e.path(), m.modified().ok()?))
        })
        .collect()
}

/// The newest automatic backup in the data folder `dir` that passes the record's checks, if any.
pub fn latest_backup(dir: &Path) -> Option<BackupFile> {
    let mut all = backup_files(dir);
    all.sort_by_key(|(_, made)| std::cmp::Reverse(*made));
    all.into_iter().find_map(|(path, made)| {
        inspect(&path).ok()?;
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
        let count = |table: &str| conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).ok();
        Some(BackupFile { patients: count("patient")?, sessions: count("session")?, path, made })
    })
}

/// Puts `backup` in place of the record of the data folder `dir`: the record's file (and its `-wal` and `-shm`
/// journal, which belong to it) is renamed to `mirrorcue.db.damaged-<time>` in the same folder, its bytes
/// untouched, and the backup is copied in (through a temporary file, so a failure leaves no half record). Refused
/// while another mirrorcue writes the record, or when the backup fails the record's checks. Returns where the old
/// file went (`None` if there was none).
pub fn restore(dir: &Path, backup: &Path) -> Result<Option<PathBuf>, StoreError> {
    inspect(backup)?;
    let _lock = take_writer_lock(dir)?;
    let record = dir.join(DB_FILE);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::Io { path, source }
    };
    let tmp = dir.join(format!(".{DB_FILE}.partial"));
    let copied = std::fs::copy(backup, &tmp)
        .and_then(|_| std::fs::File::open(&tmp).and_then(|f| f.sync_all()))
        .map_err(io(&tmp));
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let moved = if record.exists() {
        let aside = dir.join(format!("{DB_FILE}.damaged-{}", crate::units::file_stamp(SystemTime::now())));
        for journal in ["-wal", "-shm"] {
            let from = dir.join(format!("{DB_FILE}{journal}"));
            if from.exists() {
                let to = PathBuf::from(format!("{}{journal}", aside.display()));
                std::fs::rename(&from, &to).map_err(io(&from))?;
            }
        }
        std::fs::rename(&record, &aside).map_err(io(&record))?;
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&tmp, &record).map_err(io(&record))?;
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Access, Patient};

    #[test]
    fn a_damaged_record_is_moved_aside_untouched_and_the_latest_backup_put_in_its_place() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path();
        {
            let mut store = Store::open(data, Access::Write).unwrap();
            store.add_patient(&Patient::new("P001")).unwrap();
            store.start_session("P001").unwrap();
            assert!(store.auto_backup_if_old().unwrap().is_some(), "none yet: one is made");
            assert!(store.auto_backup_if_old().unwrap().is_none(), "one a day on opening");
            for _ in 0..(KEEP_BACKUPS + 2) {
                store.auto_backup().unwrap();
                std::thread::sleep(Duration::from_millis(5));
            }
            assert_eq!(backup_files(data).len(), KEEP_BACKUPS, "the oldest are removed");
        }
        // Damage the record: its header stays, a page in the middle is overwritten.
        let db = data.join(DB_FILE);
        let mut bytes = std::fs::read(&db).unwrap();
        let damaged_len = bytes.len();
        for b in bytes.iter_mut().skip(4096).take(4096) {
            *b = 0xA5;
        }
        std::fs::write(&db, &bytes).unwrap();
        let e = Store::open(data, Access::Write).unwrap_err();
        assert!(is_damaged(&e), "{e}");
        assert!(!is_damaged(&StoreError::Missing { dir: data.to_path_buf() }));

        let backup = latest_backup(data).expect("a usable backup");
        assert_eq!((backup.patients, backup.sessions), (1, 1));
        assert!(backup.describe().contains("(1 patient, 1 session)"), "{}", backup.describe());
        // Not while another instance writes.
        {
            let _other = take_writer_lock(data).unwrap();
            assert!(matches!(restore(data, &backup.path), Err(StoreError::InUse { .. })));
            assert_eq!(std::fs::read(&db).unwrap(), bytes, "nothing touched");
        }
        let aside = restore(data, &backup.path).unwrap().expect("the damaged file moved aside");
        assert_eq!(std::fs::read(&aside).unwrap().len(), damaged_len);
        assert_eq!(std::fs::read(&aside).unwrap(), bytes, "byte for byte as it was");
        let store = Store::open(data, Access::Write).unwrap();
        assert_eq!(store.patient("P001").unwrap().id, "P001");
        assert_eq!(store.sessions("P001").unwrap().len(), 1);
    }

    #[test]
    fn a_damaged_backup_is_not_offered_and_not_restored() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path();
        drop(Store::open(data, Access::Write).unwrap());
        std::fs::create_dir_all(data.join(BACKUP_DIR)).unwrap();
        let bad = data.join(BACKUP_DIR).join("mirrorcue-20261130-120000.db");
        std::fs::write(&bad, b"not a database at all, but long enough to have a header of a hundred bytes..........")
            .unwrap();
        assert_eq!(latest_backup(data), None);
        assert!(restore(data, &bad).is_err());
        assert!(Store::open(data, Access::Write).is_ok(), "the record is still there");
    }
}
