//! Backups with SQLite's online backup: a consistent copy while the record is in use (another instance may be
//! writing), written beside the target and renamed into place, so a failed backup never leaves half a file.

use std::path::Path;

use rusqlite::MAIN_DB;

use super::db::{Store, StoreError};

impl Store {
    /// Copies the whole record to `out` (a new file, or a regular file to replace; never the record itself, a
    /// folder, a device or a link).
    pub fn backup_to(&self, out: &Path) -> Result<(), StoreError> {
        let io = |source| StoreError::Io { path: out.to_path_buf(), source };
        if let Ok(m) = std::fs::symlink_metadata(out) {
            if !m.file_type().is_file() {
                return Err(io(std::io::Error::other(
                    "it exists and is not a regular file; a backup is written only as a file",
                )));
            }
            if let (Ok(a), Ok(b)) = (std::fs::canonicalize(out), std::fs::canonicalize(self.path()))
                && a == b
            {
                return Err(StoreError::Invalid(format!(
                    "{} is the record itself; write the backup to another file",
                    out.display()
                )));
            }
        }
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "backup".into());
        let tmp = out.with_file_name(format!(".{name}.partial"));
        let _ = std::fs::remove_file(&tmp);
        let result = self
            .conn()
            .backup(MAIN_DB, &tmp, None)
            .map_err(|e| StoreError::sqlite(out, e))
            .and_then(|()| std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io))
            .and_then(|()| std::fs::rename(&tmp, out).map_err(io));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{Access, Patient, Store};

    #[test]
    fn a_backup_is_a_record_with_the_same_patients_taken_while_writing() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("data"), Access::Write).unwrap();
        store.add_patient(&Patient::new("P001")).unwrap();
        // Taken by a reader while the writer is open.
        let reader = Store::open(&dir.path().join("data"), Access::Read).unwrap();
        let out = dir.path().join("copy/mirrorcue.db");
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        reader.backup_to(&out).unwrap();
        assert!(!dir.path().join("copy/.mirrorcue.db.partial").exists());
        drop(store);
        let copy = Store::open(&dir.path().join("copy"), Access::Read).unwrap();
        assert_eq!(copy.patient("P001").unwrap().id, "P001");
        assert!(reader.backup_to(reader.path()).is_err(), "never over the record");
        assert!(reader.backup_to(dir.path()).is_err(), "never over a folder");
    }
}
