//! Criterion benchmark of a progress report over 50 sessions (the bound: under 2 s), from the record on
//! disk: loading the patient's sessions and measurements, plotting every measure and writing the HTML.
//!
//! Each session is a 10-minute squat protocol as `mirrorcue check --patient` files it: three checkpoints once a
//! second (1,800 values) and the summary's totals (about 25), so the record holds about 91,000 measurements.

use criterion::{Criterion, criterion_group, criterion_main};
use mirrorcue::paperwork::note::Clinician;
use mirrorcue::paperwork::progress::{Range, load};
use mirrorcue::paperwork::report::{ReportOptions, render_html};
use mirrorcue::store::{
    Access, ActivityKind, AffectedSide, BodySide, Condition, Goal, Measurement, NewActivity, Patient, Store,
};

const SESSIONS: i64 = 50;

fn record(dir: &std::path::Path) -> Store {
    let mut store = Store::open(dir, Access::Write).expect("record");
    let mut p = Patient::new("P001");
    p.affected_side = AffectedSide::Left;
    p.condition = Condition::KneeSurgery;
    p.goals =
        vec![Goal::parse("left knee angle ≤ 90°").unwrap(), Goal::parse("squats: repetitions ≥ 15 reps").unwrap()];
    store.add_patient(&p).unwrap();
    let (l, r) = (Some(BodySide::Left), Some(BodySide::Right));
    for n in 0..SESSIONS {
        let s = store.start_session_at("P001", 1_790_000_000 + n * 86_400 * 2).unwrap();
        let a = store
            .add_activity(
                s.id,
                &NewActivity {
                    kind: ActivityKind::PosturalRetraining,
                    name: "Squat: knee alignment and repetitions".into(),
                    side: None,
                    source: Some(format!("session-{n}.mp4")),
                    details: String::new(),
                },
            )
            .unwrap();
        store.set_activity_seconds(a, 600.0).unwrap();
        let progress = n as f64 / SESSIONS as f64;
        let m = |measure: &str, side, value: f64, unit: &str, t: f64| Measurement {
            session_id: s.id,
            activity_id: Some(a),
            measure: measure.into(),
            side,
            value,
            unit: unit.into(),
            time_s: t,
        };
        let mut ms = Vec::new();
        for t in 0..600 {
            let t = t as f64;
            let phase = (t / 4.0).sin();
            ms.push(m("knee over the foot", l, 0.05 + 0.08 * phase * (1.0 - progress), "torso_lengths", t));
            ms.push(m("knee over the foot", r, 0.03 + 0.05 * phase, "torso_lengths", t));
            ms.push(m("trunk upright", None, 12.0 + 10.0 * phase.abs(), "degrees", t));
        }
        for (side, base) in [(l, 0.0), (r, 5.0)] {
            ms.push(m(
                "knee over the foot: time in tolerance",
                side,
                400.0 + 150.0 * progress - base,
                "seconds",
                600.0,
            ));
            ms.push(m("knee over the foot: time checked", side, 580.0, "seconds", 600.0));
            ms.push(m(
                "knee over the foot: share in tolerance",
                side,
                (400.0 + 150.0 * progress - base) / 5.8,
                "percent",
                600.0,
            ));
            ms.push(m("knee over the foot: cues", side, (10.0 * (1.0 - progress)).round(), "cues", 600.0));
            ms.push(m("knee over the foot: minimum", side, -0.05, "torso_lengths", 600.0));
            ms.push(m("knee over the foot: maximum", side, 0.2 - 0.1 * progress, "torso_lengths", 600.0));
            ms.push(m("knee angle: minimum", side, 110.0 - 25.0 * progress + base, "degrees", 600.0));
            ms.push(m("knee angle: maximum", side, 170.0, "degrees", 600.0));
        }
        ms.push(m("squats: repetitions", None, (8.0 + 8.0 * progress).round(), "repetitions", 600.0));
        ms.push(m("trunk upright: share in tolerance", None, 70.0 + 20.0 * progress, "percent", 600.0));
        store.add_measurements(&ms).unwrap();
        store.finish_session_at(s.id, 1_790_000_000 + n * 86_400 * 2 + 900).unwrap();
    }
    store
}

fn bench_report(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    drop(record(dir.path()));
    let store = Store::open(dir.path(), Access::Read).unwrap();
    let clinician = Clinician { name: "Jane Doe".into(), credentials: "PT, DPT".into() };
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    group.bench_function("progress_50_sessions", |b| {
        b.iter(|| {
            let (patient, sessions) = load(&store, "P001", Range::All).unwrap();
            assert_eq!(sessions.len(), SESSIONS as usize);
            render_html(&patient, &sessions, &sessions, &clinician, ReportOptions::default()).unwrap()
        })
    });
    group.bench_function("session_report_600_s", |b| {
        b.iter(|| {
            let (patient, sessions) = load(&store, "P001", Range::Session(SESSIONS)).unwrap();
            let (_, all) = load(&store, "P001", Range::All).unwrap();
            render_html(&patient, &sessions, &all, &clinician, ReportOptions::default()).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench_report);
criterion_main!(benches);
