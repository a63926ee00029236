//! Opening the record: the data folder, the SQLite file, its schema migrations, the WAL journal and the one-writer
//! lock.
//!
//! - **Where**: [`default_data_dir`] (the user's data folder), or any folder given with `--data-dir` /
//!   `MIRRORCUE_DATA_DIR`; the database is [`DB_FILE`] in it.
//! - **What is checked before anything is written**: an existing file is first opened read-only and must be an
//!   SQLite database ([`StoreError::NotADatabase`]), made by mirrorcue ([`StoreError::Foreign`]), not by a newer
//!   mirrorcue ([`StoreError::TooNew`]), and pass SQLite's `quick_check` ([`StoreError::Corrupt`]). A file that
//!   fails is left byte for byte as it was.
//! - **One writer**: [`Access::Write`] takes an exclusive SQLite lock on [`LOCK_FILE`] for as long as the [`Store`]
//!   lives (the system releases it when the process ends, even by `kill -9`). A second instance asking to write gets
//!   [`StoreError::InUse`]; it can still open the record with [`Access::Read`].
//! - **Schema**: versioned with `rusqlite_migration` (SQLite's `user_version`); [`SCHEMA_VERSION`] is the latest.
//!   Version 1: patients, sessions, activities, the one measurement table, settings. Version 2: measurable goals
//!   (a target per goal: measure, side, at least / at most, value, unit) and an index for per-session reads.
//!   Version 3: key frames (an activity's best moment: a JPEG picture, its size, caption and pose).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use rusqlite_migration::{M, Migrations};
use thiserror::Error;

/// The database's file name inside the data folder.
pub const DB_FILE: &str = "mirrorcue.db";
/// The lock file a writer holds (an SQLite file with an exclusive lock) inside the data folder.
pub const LOCK_FILE: &str = "mirrorcue.lock";
/// SQLite's `application_id` of a mirrorcue record ("MCUE").
pub const APPLICATION_ID: i32 = 0x4D43_5545;
/// The latest schema version.
pub const SCHEMA_VERSION: usize = 3;

/// Schema version 1: patients, sessions, activities, measurements, settings.
const V1: &str = "
PRAGMA application_id = 1296258373;
CREATE TABLE patient (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT,
    birth_year    INTEGER,
    affected_side TEXT NOT NULL,
    condition     TEXT NOT NULL,
    goals         TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);
CREATE TABLE session (
    id         INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patient(id),
    number     INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER,
    note       TEXT,
    UNIQUE (patient_id, number)
);
CREATE TABLE activity (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES session(id),
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    side       TEXT,
    seconds    REAL NOT NULL DEFAULT 0,
    source     TEXT,
    details    TEXT NOT NULL DEFAULT ''
);
CREATE TABLE measurement (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES session(id),
    activity_id INTEGER REFERENCES activity(id),
    measure     TEXT NOT NULL,
    side        TEXT,
    value       REAL NOT NULL,
    unit        TEXT NOT NULL,
    time_s      REAL NOT NULL
);
CREATE TABLE setting (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
";

/// Schema version 2: measurable goals, and measurements indexed by session.
const V2: &str = "
CREATE TABLE goal (
    id         INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patient(id),
    text       TEXT NOT NULL,
    measure    TEXT NOT NULL,
    side       TEXT,
    comparison TEXT NOT NULL CHECK (comparison IN ('at_least', 'at_most')),
    target     REAL NOT NULL,
    unit       TEXT NOT NULL
);
CREATE INDEX measurement_by_session ON measurement(session_id, time_s);
";

/// Schema version 3: key frames (a picture of an activity's best moment with its pose, for the session report).
const V3: &str = "
CREATE TABLE key_frame (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activity(id),
    time_s      REAL NOT NULL,
    caption     TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    image       BLOB,
    pose        TEXT NOT NULL
);
CREATE INDEX key_frame_by_activity ON key_frame(activity_id);
";

const MIGRATIONS: &[M<'static>] = &[M::up(V1), M::up(V2), M::up(V3)];

/// The schema's migrations, oldest first (version `n` is `MIGRATIONS[n - 1]`).
pub fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// How a [`Store`] is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Read and write: takes the one-writer lock, creates the folder and the database if needed, upgrades the
    /// schema.
    Write,
    /// Read only: never changes the file, works while another instance writes.
    Read,
}

/// Why the record cannot be opened, read or written. Every message names the file and says what to do.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The file is not an SQLite database at all.
    #[error(
        "{path} is not a mirrorcue record (not an SQLite database); it was left untouched. Move it away to start a \
         new record, or copy a backup (made with `mirrorcue backup`) in its place"
    )]
    NotADatabase {
        /// The file.
        path: PathBuf,
    },
    /// An SQLite database of another program.
    #[error(
        "{path} is an SQLite database of another program, not a mirrorcue record; it was left untouched. Use another \
         data folder (--data-dir) or move the file away"
    )]
    Foreign {
        /// The file.
        path: PathBuf,
    },
    /// The database is damaged.
    #[error(
        "{path} is damaged ({detail}); it was left untouched. Copy a backup (made with `mirrorcue backup`) in its \
         place, or move it away to start a new record"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// Made by a newer mirrorcue.
    #[error(
        "{path} was written by a newer mirrorcue (schema version {found}, this one knows up to {known}); it was left \
         untouched. Update mirrorcue"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The latest this build knows.
        known: usize,
    },
    /// Another instance holds the writer's lock.
    #[error(
        "the record in {dir} is open for writing in another mirrorcue (only one may write at a time); close it there \
         first. Reading (list, show, report, backup) works meanwhile"
    )]
    InUse {
        /// The data folder.
        dir: PathBuf,
    },
    /// Read-only access to a record that does not exist yet.
    #[error("there is no record in {dir} yet; add a patient first (`mirrorcue patient add --id P001`)")]
    Missing {
        /// The data folder.
        dir: PathBuf,
    },
    /// Read-only access to a record whose schema is older than this build's.
    #[error(
        "the record {path} has an older layout (version {found}); open it once for writing (the app, or a command \
         that writes such as `mirrorcue patient add`) to upgrade it"
    )]
    Outdated {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
    },
    /// The disk (or the file system's quota) is full: the transaction was rolled back, nothing half-written.
    #[error("the disk holding {path} is full: nothing of this change was written; free some space and try again")]
    DiskFull {
        /// The file.
        path: PathBuf,
    },
    /// A patient, a session or an activity that does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A value that cannot be stored (a duplicate ID, a bad goal, a number that is not finite).
    #[error("{0}")]
    Invalid(String),
    /// The record was opened read-only.
    #[error("the record {path} is open read-only here")]
    ReadOnly {
        /// The file.
        path: PathBuf,
    },
    /// A file or folder could not be created or read.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Any other SQLite failure.
    #[error("{path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The writer thread stopped.
    #[error("the record's writer stopped: {0}")]
    Writer(String),
}

impl StoreError {
    /// An SQLite error on `path`, classified: a full disk, a damaged file, a lock held elsewhere.
    pub fn sqlite(path: &Path, e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => StoreError::DiskFull { path: path.to_path_buf() },
            Some(ErrorCode::DatabaseCorrupt) => {
                StoreError::Corrupt { path: path.to_path_buf(), detail: "SQLite reports corruption".into() }
            }
            Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path: path.to_path_buf() },
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path: path.to_path_buf() },
            _ => StoreError::Sqlite { path: path.to_path_buf(), source: e },
        }
    }

    /// Whether the failure is a full disk.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, StoreError::DiskFull { .. })
    }
}

/// The user's data folder for mirrorcue: `$XDG_DATA_HOME/mirrorcue` (default `~/.local/share/mirrorcue`) on
/// Linux, `~/Library/Application Support/mirrorcue` on macOS, `%APPDATA%\mirrorcue` on Windows; `./mirrorcue-data`
/// when none of these is known.
pub fn default_data_dir() -> PathBuf {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if cfg!(windows) {
        if let Some(d) = env("APPDATA") {
            return d.join("mirrorcue");
        }
    } else if cfg!(target_os = "macos") {
        if let Some(h) = env("HOME") {
            return h.join("Library/Application Support/mirrorcue");
        }
    } else if let Some(d) = env("XDG_DATA_HOME") {
        return d.join("mirrorcue");
    } else if let Some(h) = env("HOME") {
        return h.join(".local/share/mirrorcue");
    }
    PathBuf::from("mirrorcue-data")
}

/// The clinic record: an open SQLite database in a data folder. See the [module](self) for what opening checks.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    dir: PathBuf,
    access: Access,
    // Dropped after `conn`: the lock outlives the writing connection.
    _lock: Option<Connection>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).field("access", &self.access).finish()
    }
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// Opens the record in the data folder `dir` (see the [module](self) for the checks and the lock).
    pub fn open(dir: &Path, access: Access) -> Result<Store, StoreError> {
        let path = dir.join(DB_FILE);
        let exists = match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => m.len() > 0,
            Ok(_) => {
                return Err(StoreError::Io {
                    path,
                    source: std::io::Error::other("it is not a regular file (a folder or a device)"),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(source) => return Err(StoreError::Io { path, source }),
        };
        if exists {
            inspect(&path)?;
        } else if access == Access::Read {
            return Err(StoreError::Missing { dir: dir.to_path_buf() });
        }
        match access {
            Access::Read => {
                let conn = Connection::open_with_flags(
                    &path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
                )
                .map_err(|e| StoreError::sqlite(&path, e))?;
                conn.busy_timeout(Duration::from_secs(5)).map_err(|e| StoreError::sqlite(&path, e))?;
                let found: i64 = conn
                    .query_row("PRAGMA user_version", [], |r| r.get(0))
                    .map_err(|e| StoreError::sqlite(&path, e))?;
                if found < SCHEMA_VERSION as i64 {
                    return Err(StoreError::Outdated { path, found });
                }
                Ok(Store { conn, path, dir: dir.to_path_buf(), access, _lock: None })
            }
            Access::Write => {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
                let lock = take_writer_lock(dir)?;
                let mut conn = Connection::open(&path).map_err(|e| StoreError::sqlite(&path, e))?;
                let setup = || -> rusqlite::Result<()> {
                    conn.busy_timeout(Duration::from_secs(5))?;
                    conn.pragma_update(None, "journal_mode", "WAL")?;
                    conn.pragma_update(None, "synchronous", "FULL")?;
                    conn.pragma_update(None, "foreign_keys", "ON")?;
                    Ok(())
                };
                setup().map_err(|e| StoreError::sqlite(&path, e))?;
                migrations().to_latest(&mut conn).map_err(|e| migration_error(&path, e))?;
                Ok(Store { conn, path, dir: dir.to_path_buf(), access, _lock: Some(lock) })
            }
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether it was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.access == Access::Read
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| self.err(e))
    }

    /// The connection, for the record's own modules.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one write transaction: all of it is written, or (on any error, a full disk included) none.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>, &Path) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.access == Access::Read {
            return Err(StoreError::ReadOnly { path: self.path.clone() });
        }
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sqlite(&path, e))?;
        let out = f(&tx, &path)?;
        tx.commit().map_err(|e| StoreError::sqlite(&path, e))?;
        Ok(out)
    }

    /// An SQLite error on this record.
    pub(crate) fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::sqlite(&self.path, e)
    }

    /// Limits the database to `pages` pages (tests: a full disk without filling one).
    #[doc(hidden)]
    pub fn limit_pages_for_test(&self, pages: u64) -> Result<(), StoreError> {
        self.conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(())).map_err(|e| self.err(e))
    }
}

fn migration_error(path: &Path, e: rusqlite_migration::Error) -> StoreError {
    match e {
        rusqlite_migration::Error::RusqliteError { err, .. } => StoreError::sqlite(path, err),
        other => {
            StoreError::Corrupt { path: path.to_path_buf(), detail: format!("cannot upgrade its layout: {other}") }
        }
    }
}

/// Checks an existing database file without writing to it: SQLite, mirrorcue's, not newer, not damaged.
pub(crate) fn inspect(path: &Path) -> Result<(), StoreError> {
    use std::io::Read;
    let mut head = Vec::with_capacity(100);
    std::fs::File::open(path)
        .and_then(|f| f.take(100).read_to_end(&mut head))
        .map_err(|source| StoreError::Io { path: path.to_path_buf(), source })?;
    if head.len() < 100 || &head[..16] != SQLITE_MAGIC {
        return Err(StoreError::NotADatabase { path: path.to_path_buf() });
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| StoreError::sqlite(path, e))?;
    let corrupt = |e: rusqlite::Error| match StoreError::sqlite(path, e) {
        StoreError::Sqlite { source, .. } => {
            StoreError::Corrupt { path: path.to_path_buf(), detail: source.to_string() }
        }
        other => other,
    };
    conn.busy_timeout(Duration::from_secs(5)).map_err(corrupt)?;
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(corrupt)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(corrupt)?;
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(corrupt)?;
    if app != APPLICATION_ID && (objects > 0 || version != 0 || app != 0) {
        return Err(StoreError::Foreign { path: path.to_path_buf() });
    }
    if version > SCHEMA_VERSION as i64 {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found: version, known: SCHEMA_VERSION });
    }
    let check: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0)).map_err(corrupt)?;
    if check != "ok" {
        return Err(StoreError::Corrupt { path: path.to_path_buf(), detail: check });
    }
    Ok(())
}

/// Takes the one-writer lock: an exclusive transaction on [`LOCK_FILE`], held by the returned connection.
pub(crate) fn take_writer_lock(dir: &Path) -> Result<Connection, StoreError> {
    let path = dir.join(LOCK_FILE);
    let conn = Connection::open(&path).map_err(|e| StoreError::sqlite(&path, e))?;
    conn.busy_timeout(Duration::ZERO).map_err(|e| StoreError::sqlite(&path, e))?;
    match conn.execute_batch("PRAGMA journal_mode = DELETE; BEGIN EXCLUSIVE") {
        Ok(()) => Ok(conn),
        Err(e) if matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy)) => {
            Err(StoreError::InUse { dir: dir.to_path_buf() })
        }
        Err(e) => Err(StoreError::sqlite(&path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid_and_application_id_matches() {
        migrations().validate().unwrap();
        assert_eq!(MIGRATIONS.len(), SCHEMA_VERSION);
        assert!(V1.contains(&format!("application_id = {APPLICATION_ID};")));
    }

    #[test]
    fn a_new_record_is_created_in_wal_mode_at_the_latest_version() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("new/folder"), Access::Write).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION as i64);
        let mode: String = store.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        drop(store);
        let read = Store::open(&dir.path().join("new/folder"), Access::Read).unwrap();
        assert!(read.is_read_only());
    }

    #[test]
    fn reading_a_missing_record_says_how_to_start_one() {
        let dir = tempfile::tempdir().unwrap();
        let err = Store::open(dir.path(), Access::Read).unwrap_err();
        assert!(matches!(err, StoreError::Missing { .. }), "{err}");
        assert!(err.to_string().contains("patient add"), "{err}");
        assert!(!dir.path().join(DB_FILE).exists());
    }
}
