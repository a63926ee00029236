//! The record's writer thread: the live pipeline hands measurements over without ever waiting on the disk.
//!
//! [`RecordWriter::start`] creates the session (one small write, before the activity starts), then moves the
//! [`Store`] to a thread. Every call afterwards only sends a message. The thread commits what it received at least
//! every [`COMMIT_INTERVAL`] in one transaction, so a program killed mid-session leaves the session in the record,
//! unfinished, with every measurement up to its last second; a batch that cannot be written (a full disk) is
//! written not at all, and the first such error is reported by [`RecordWriter::error`] and
//! [`RecordWriter::finish`]. Dropping the writer without [`RecordWriter::finish`] writes what was sent and leaves
//! the session unfinished.

use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::db::{Store, StoreError};
use super::sessions::{self, BodySide, Measurement, NewActivity, Session};
use crate::posture::keyframe::KeyFrame;

/// The longest time a measurement waits before it is committed.
pub const COMMIT_INTERVAL: Duration = Duration::from_millis(250);

/// An activity begun through a [`RecordWriter`] (its database ID is known only to the writer thread).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ActivityRef(u32);

/// One measured value to record.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// What was measured.
    pub measure: String,
    /// The patient's side, if any.
    pub side: Option<BodySide>,
    /// The value in `unit`.
    pub value: f64,
    /// The unit's key (see [`Measurement::unit`]).
    pub unit: String,
    /// Seconds from the session's start.
    pub time_s: f64,
}

enum Msg {
    Activity(ActivityRef, NewActivity),
    KeyFrame(ActivityRef, Box<KeyFrame>),
    Seconds(ActivityRef, f64),
    Measure(Option<ActivityRef>, Sample),
    Flush(Sender<()>),
    Finish,
}

/// Writes one session from a thread of its own. See the [module](self).
pub struct RecordWriter {
    tx: Sender<Msg>,
    handle: Option<JoinHandle<Store>>,
    session: Session,
    next_activity: u32,
    error: Arc<Mutex<Option<String>>>,
    dropped: u64,
}

impl RecordWriter {
    /// Starts a session for `patient` in `store` (written now) and the thread that writes the rest.
    pub fn start(mut store: Store, patient: &str) -> Result<RecordWriter, StoreError> {
        let session = store.start_session(patient)?;
        let (tx, rx) = mpsc::channel();
        let error = Arc::new(Mutex::new(None));
        let thread_error = Arc::clone(&error);
        let session_id = session.id;
        let handle = std::thread::Builder::new()
            .name("record-writer".into())
            .spawn(move || run(store, session_id, rx, thread_error))
            .map_err(|e| StoreError::Writer(e.to_string()))?;
        Ok(RecordWriter { tx, handle: Some(handle), session, next_activity: 0, error, dropped: 0 })
    }

    /// The session being written (as it was at its start).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Begins an activity of the session.
    pub fn begin_activity(&mut self, activity: NewActivity) -> ActivityRef {
        let r = ActivityRef(self.next_activity);
        self.next_activity += 1;
        let _ = self.tx.send(Msg::Activity(r, activity));
        r
    }

    /// Sets how long an activity has lasted so far (s); call it as it goes, so an interrupted session keeps its
    /// minutes.
    pub fn set_activity_seconds(&self, activity: ActivityRef, seconds: f64) {
        if seconds.is_finite() && seconds >= 0.0 {
            let _ = self.tx.send(Msg::Seconds(activity, seconds));
        }
    }

    /// Files a key frame of an activity (never blocks).
    pub fn key_frame(&self, activity: ActivityRef, key: KeyFrame) {
        let _ = self.tx.send(Msg::KeyFrame(activity, Box::new(key)));
    }

    /// Records a value (never blocks). A value or time that is not finite is not recorded (counted in
    /// [`RecordWriter::dropped`]).
    pub fn measure(&mut self, activity: Option<ActivityRef>, sample: Sample) {
        if sample.value.is_finite() && sample.time_s.is_finite() {
            let _ = self.tx.send(Msg::Measure(activity, sample));
        } else {
            self.dropped += 1;
        }
    }

    /// Values refused because they were not finite numbers.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Waits until everything sent so far is committed (for tests and the end of a session; never from the live
    /// pipeline).
    pub fn flush(&self) -> Result<(), StoreError> {
        let (tx, rx) = mpsc::channel();
        self.tx.send(Msg::Flush(tx)).map_err(|_| StoreError::Writer("the writer thread is gone".into()))?;
        rx.recv().map_err(|_| StoreError::Writer("the writer thread is gone".into()))?;
        match self.error() {
            Some(e) => Err(StoreError::Writer(e)),
            None => Ok(()),
        }
    }

    /// The first write that failed, if any (its batch was written not at all).
    pub fn error(&self) -> Option<String> {
        self.error.lock().map(|e| e.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Writes what is left, marks the session finished, and gives the store back with the session as written.
    /// A failed batch on the way makes this an error (the session is then left unfinished).
    pub fn finish(mut self) -> Result<(Store, Session), StoreError> {
        let _ = self.tx.send(Msg::Finish);
        let store = self
            .handle
            .take()
            .ok_or_else(|| StoreError::Writer("already finished".into()))?
            .join()
            .map_err(|_| StoreError::Writer("the writer thread panicked".into()))?;
        if let Some(e) = self.error() {
            return Err(StoreError::Writer(e));
        }
        let session = store.session_by_id(self.session.id)?;
        Ok((store, session))
    }
}

impl Drop for RecordWriter {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            // The channel closes with `self.tx`; the thread writes what it has and ends (session unfinished).
            let (tx, _) = mpsc::channel();
            self.tx = tx;
            let _ = h.join();
        }
    }
}

enum Op {
    Activity(ActivityRef, NewActivity),
    KeyFrame(ActivityRef, Box<KeyFrame>),
    Seconds(ActivityRef, f64),
    Measure(Option<ActivityRef>, Sample),
}

fn run(mut store: Store, session_id: i64, rx: Receiver<Msg>, error: Arc<Mutex<Option<String>>>) -> Store {
    let mut ids: HashMap<ActivityRef, i64> = HashMap::new();
    let mut ops: Vec<Op> = Vec::new();
    let mut first_pending: Option<Instant> = None;
    let fail = |e: StoreError| {
        let mut slot = error.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert_with(|| e.to_string());
    };
    loop {
        let wait =
            first_pending.map(|t| COMMIT_INTERVAL.saturating_sub(t.elapsed())).unwrap_or(Duration::from_secs(3600));
        // (commit now, the end: Some(true) finish asked for, Some(false) writer dropped, a flush to answer)
        let (commit, end, reply) = match rx.recv_timeout(wait) {
            Ok(Msg::Activity(r, a)) => {
                ops.push(Op::Activity(r, a));
                (false, None, None)
            }
            Ok(Msg::KeyFrame(r, k)) => {
                ops.push(Op::KeyFrame(r, k));
                (false, None, None)
            }
            Ok(Msg::Seconds(r, s)) => {
                ops.push(Op::Seconds(r, s));
                (false, None, None)
            }
            Ok(Msg::Measure(r, s)) => {
                ops.push(Op::Measure(r, s));
                (false, None, None)
            }
            Ok(Msg::Flush(reply)) => (true, None, Some(reply)),
            Ok(Msg::Finish) => (true, Some(true), None),
            Err(RecvTimeoutError::Timeout) => (true, None, None),
            Err(RecvTimeoutError::Disconnected) => (true, Some(false), None),
        };
        if !ops.is_empty() && first_pending.is_none() {
            first_pending = Some(Instant::now());
        }
        let due = first_pending.is_some_and(|t| t.elapsed() >= COMMIT_INTERVAL);
        if (commit || due) && !ops.is_empty() {
            let batch = std::mem::take(&mut ops);
            first_pending = None;
            let mut next = ids.clone();
            match store.write(|tx, path| apply(tx, path, session_id, &mut next, batch)) {
                Ok(()) => ids = next,
                Err(e) => fail(e),
            }
        }
        if let Some(reply) = reply {
            let _ = reply.send(());
        }
        match end {
            None => {}
            Some(asked) => {
                let failed = error.lock().map(|e| e.is_some()).unwrap_or(true);
                if asked
                    && !failed
                    && let Err(e) = store.finish_session(session_id)
                {
                    fail(e);
                }
                return store;
            }
        }
    }
}

fn apply(
    tx: &rusqlite::Transaction<'_>,
    path: &std::path::Path,
    session_id: i64,
    ids: &mut HashMap<ActivityRef, i64>,
    batch: Vec<Op>,
) -> Result<(), StoreError> {
    let mut measures = Vec::new();
    for op in batch {
        match op {
            Op::Activity(r, a) => {
                let id = sessions::add_activity_tx(tx, path, session_id, &a)?;
                ids.insert(r, id);
            }
            Op::KeyFrame(r, k) => {
                if let Some(id) = ids.get(&r) {
                    super::key_frames::add_key_frame_tx(tx, path, *id, &k)?;
                }
            }
            Op::Seconds(r, s) => {
                if let Some(id) = ids.get(&r) {
                    sessions::set_seconds_tx(tx, path, *id, s)?;
                }
            }
            Op::Measure(r, s) => measures.push(Measurement {
                session_id,
                activity_id: r.and_then(|r| ids.get(&r).copied()),
                measure: s.measure,
                side: s.side,
                value: s.value,
                unit: s.unit,
                time_s: s.time_s,
            }),
        }
    }
    sessions::add_measurements_tx(tx, path, &measures)
}
