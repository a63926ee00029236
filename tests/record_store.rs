//! The clinic record's store under faults: an old schema, a corrupt or foreign file, a second instance, a program
//! killed mid-session, the writer thread.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mirrorcue::store::{
    Access, ActivityKind, BodySide, DB_FILE, Goal, NewActivity, Patient, RecordWriter, SCHEMA_VERSION, Sample, Store,
    StoreError,
};

fn sample(measure: &str, value: f64, t: f64) -> Sample {
    Sample { measure: measure.into(), side: Some(BodySide::Left), value, unit: "degrees".into(), time_s: t }
}

#[test]
fn a_record_at_the_first_schema_version_upgrades_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
        mirrorcue::store::db::migrations().to_version(&mut conn, 1).unwrap();
        conn.execute_batch(
            "INSERT INTO patient (id, name, birth_year, affected_side, condition, goals, created_at)
                 VALUES ('P001', 'Ada', 1950, 'left', 'stroke', 'reach the shelf', 1795000000);
             INSERT INTO session (patient_id, number, started_at, ended_at) VALUES ('P001', 1, 1795000000, 1795000900);
             INSERT INTO activity (session_id, kind, name, seconds) VALUES (1, 'postural_retraining', 'Squats', 840.0);
             INSERT INTO measurement (session_id, activity_id, measure, side, value, unit, time_s)
                 VALUES (1, 1, 'knee angle: maximum', 'left', 121.5, 'degrees', 840.0);",
        )
        .unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, 1);
    }
    // A reader cannot use the old layout and says how to upgrade, without touching it.
    let err = Store::open(dir.path(), Access::Read).unwrap_err();
    assert!(matches!(err, StoreError::Outdated { found: 1, .. }), "{err}");

    let mut store = Store::open(dir.path(), Access::Write).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION as i64);
    let p = store.patient("P001").unwrap();
    assert_eq!((p.name.as_deref(), p.birth_year, p.goals_text.as_str()), (Some("Ada"), Some(1950), "reach the shelf"));
    assert!(p.goals.is_empty(), "version 1 had no measurable goals");
    let s = store.session("P001", 1).unwrap();
    assert!(s.is_finished());
    assert_eq!(s.activities[0].kind, ActivityKind::PosturalRetraining);
    assert_eq!(s.activity_seconds(), 840.0);
    let ms = store.measurements(s.id).unwrap();
    assert_eq!(ms.len(), 1);
    assert_eq!((ms[0].value, ms[0].side, ms[0].unit.as_str()), (121.5, Some(BodySide::Left), "degrees"));
    // Version 2's goals work on the upgraded record.
    store.add_goal("P001", &Goal::parse("left knee angle: maximum ≥ 130°").unwrap()).unwrap();
    assert_eq!(store.patient("P001").unwrap().goals[0].target, 130.0);
}

fn assert_untouched(path: &Path, before: &[u8], err: &StoreError) {
    assert_eq!(std::fs::read(path).unwrap(), before, "the file was changed ({err})");
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()), "names the file: {text}");
    assert!(text.contains("left untouched"), "{text}");
}

#[test]
fn a_corrupt_or_foreign_file_gives_a_clear_error_and_stays_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);

    // Not a database at all.
    let junk: Vec<u8> = (0..10_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&path, &junk).unwrap();
    for access in [Access::Write, Access::Read] {
        let err = Store::open(dir.path(), access).unwrap_err();
        assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
        assert_untouched(&path, &junk, &err);
    }
    let text = b"patient,value\nP001,12\n".to_vec();
    std::fs::write(&path, &text).unwrap();
    let err = Store::open(dir.path(), Access::Write).unwrap_err();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
    assert_untouched(&path, &text, &err);

    // Another program's SQLite database.
    std::fs::remove_file(&path).unwrap();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);",
        )
        .unwrap();
    }
    let foreign = std::fs::read(&path).unwrap();
    let err = Store::open(dir.path(), Access::Write).unwrap_err();
    assert!(matches!(err, StoreError::Foreign { .. }), "{err}");
    assert_untouched(&path, &foreign, &err);

    // A mirrorcue record whose pages were damaged (its first page intact).
    std::fs::remove_file(&path).unwrap();
    {
        let mut store = Store::open(dir.path(), Access::Write).unwrap();
        for i in 0..50 {
            store.add_patient(&Patient::new(&format!("P{i:03}"))).unwrap();
        }
    }
    let mut bytes = std::fs::read(&path).unwrap();
    let page = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    assert!(bytes.len() > 2 * page, "{} bytes", bytes.len());
    for p in (page..bytes.len()).step_by(page) {
        bytes[p..p + 12].fill(0xEE);
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(dir.path(), Access::Write).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert_untouched(&path, &bytes, &err);
    assert!(err.to_string().contains("backup"), "offers the backup: {err}");
}

#[test]
fn a_second_instance_never_writes_but_can_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = Store::open(dir.path(), Access::Write).unwrap();
    first.add_patient(&Patient::new("P001")).unwrap();

    let err = Store::open(dir.path(), Access::Write).unwrap_err();
    assert!(matches!(err, StoreError::InUse { .. }), "{err}");
    assert!(err.to_string().contains("another mirrorcue"), "{err}");

    let reader = Store::open(dir.path(), Access::Read).unwrap();
    assert_eq!(reader.patient("P001").unwrap().id, "P001");
    first.add_patient(&Patient::new("P002")).unwrap();
    assert_eq!(reader.patients().unwrap().len(), 2, "a reader sees what the writer committed");

    // Once the writer is gone, another may write.
    drop(first);
    let mut second = Store::open(dir.path(), Access::Write).unwrap();
    second.add_patient(&Patient::new("P003")).unwrap();
}

#[test]
fn the_writer_thread_commits_within_a_second_without_being_asked() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), Access::Write).unwrap();
    store.add_patient(&Patient::new("P001")).unwrap();
    let mut w = RecordWriter::start(store, "P001").unwrap();
    let a = w.begin_activity(NewActivity {
        kind: ActivityKind::MirrorTherapy,
        name: "whole mirror".into(),
        side: Some(BodySide::Left),
        source: None,
        details: String::new(),
    });
    let started = Instant::now();
    for i in 0..200 {
        w.measure(Some(a), sample("shoulder flexion", i as f64, i as f64 * 0.01));
    }
    w.measure(Some(a), sample("shoulder flexion", f64::NAN, 3.0));
    assert_eq!(w.dropped(), 1);
    assert!(started.elapsed() < Duration::from_millis(100), "handing over never waits on the disk");
    w.set_activity_seconds(a, 2.0);
    std::thread::sleep(Duration::from_millis(1000));
    let reader = Store::open(dir.path(), Access::Read).unwrap();
    let id = w.session().id;
    assert_eq!(reader.measurements(id).unwrap().len(), 200);
    assert!(!reader.session_by_id(id).unwrap().is_finished());
    let (_, session) = w.finish().unwrap();
    assert!(session.is_finished());
    assert_eq!(session.activities[0].seconds, 2.0);
    assert_eq!(reader.measurements(id).unwrap()[0].activity_id, Some(session.activities[0].id));
}

const CHILD_ENV: &str = "MIRRORCUE_TEST_KILL9_DIR";

/// The child of [`a_session_killed_mid_way_is_kept_unfinished_with_its_measures`]: writes a measure every 10 ms and
/// says so on stdout, until it is killed.
#[test]
#[ignore = "run by a_session_killed_mid_way_is_kept_unfinished_with_its_measures as a child process"]
fn kill9_child_writes_until_killed() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else { return };
    let mut store = Store::open(Path::new(&dir), Access::Write).unwrap();
    store.add_patient(&Patient::new("P001")).unwrap();
    let mut w = RecordWriter::start(store, "P001").unwrap();
    let a = w.begin_activity(NewActivity {
        kind: ActivityKind::PosturalRetraining,
        name: "Squats".into(),
        side: None,
        source: None,
        details: String::new(),
    });
    for i in 0..6000u32 {
        let t = f64::from(i) * 0.01;
        w.measure(Some(a), sample("knee angle", f64::from(i), t));
        w.set_activity_seconds(a, t);
        println!("sent {i}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The full name of a test of this file, as `--exact` wants it: with this module's path inside the test binary.
fn test_name(name: &str) -> String {
    match module_path!().split_once("::") {
        Some((_, module)) => format!("{module}::{name}"),
        None => name.to_string(),
    }
}

#[cfg(unix)]
#[test]
fn a_session_killed_mid_way_is_kept_unfinished_with_its_measures() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .arg(test_name("kill9_child_writes_until_killed"))
        .args(["--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut sent: Vec<(u32, Instant)> = Vec::new();
    while let Some(Ok(line)) = lines.next() {
        if let Some(n) = line.strip_prefix("sent ").and_then(|n| n.parse().ok()) {
            sent.push((n, Instant::now()));
            if n >= 250 {
                break;
            }
        }
    }
    assert!(!sent.is_empty(), "the child wrote nothing");
    child.kill().unwrap(); // SIGKILL
    let killed_at = Instant::now();
    child.wait().unwrap();

    // Every measure sent more than a second before the kill is in the record.
    let must_have = sent
        .iter()
        .filter(|(_, at)| killed_at.duration_since(*at) > Duration::from_secs(1))
        .map(|(n, _)| *n)
        .max()
        .expect("the child ran for over a second");
    let store = Store::open(dir.path(), Access::Write).expect("the record opens after a kill -9");
    let sessions = store.sessions("P001").unwrap();
    assert_eq!(sessions.len(), 1);
    let s = &sessions[0];
    assert!(!s.is_finished(), "marked unfinished");
    assert_eq!(s.activities.len(), 1);
    assert!(s.activities[0].seconds >= f64::from(must_have) * 0.01, "{} s", s.activities[0].seconds);
    let ms = store.measurements(s.id).unwrap();
    assert!(ms.len() as u32 > must_have, "{} measures, expected at least {}", ms.len(), must_have + 1);
    for (i, m) in ms.iter().enumerate() {
        assert_eq!(m.value, i as f64, "no gap, no duplicate");
    }
}
