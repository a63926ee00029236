//! The clinic's record: an embedded SQLite database of patients, sessions, activities and one measurement table
//! (session, activity, measure, side, value, unit, time) that every activity writes into.
//!
//! - [`db`]: the data folder, opening (checks that leave a bad file untouched), migrations, WAL, the one-writer lock;
//! - [`patients`]: patients, conditions, affected side, goals (text and measurable targets);
//! - [`sessions`]: sessions, activities, measurements, clinic settings;
//! - [`key_frames`]: an activity's best moment, a picture with its pose, for the session report;
//! - [`writer`]: the writer thread the live pipeline hands measurements to, never waiting on the disk;
//! - [`filing`]: one activity filed as it runs, in a session of its own (the command line's `--patient`);
//! - [`posture`]: a posture protocol's session filed as an activity with its measurements;
//! - [`comparison`]: a comparison with a reference filed as an activity with its measurements;
//! - [`live`]: a session run in the app (mirror therapy minutes, balance trials), filed as it goes;
//! - [`backup`]: SQLite's online backup;
//! - [`restore`]: automatic backups in the data folder, and putting the latest back in place of a damaged record.
//!
//! The paperwork made from the record (97112 units, the note, reports, exports) is in [`crate::paperwork`].

pub mod backup;
pub mod comparison;
pub mod db;
pub mod filing;
pub mod key_frames;
pub mod live;
pub mod patients;
pub mod posture;
pub mod restore;
pub mod sessions;
pub mod writer;

pub use db::{Access, DB_FILE, LOCK_FILE, SCHEMA_VERSION, Store, StoreError, default_data_dir};
pub use filing::ActivityFiling;
pub use live::LiveSession;
pub use patients::{AffectedSide, Comparison, Condition, Goal, Patient};
pub use posture::PostureFiling;
pub use sessions::{Activity, ActivityKind, BodySide, Measurement, NewActivity, Session};
pub use writer::{ActivityRef, RecordWriter, Sample};
