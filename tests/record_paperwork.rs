//! The paperwork from the record: 97112 units by the 8-minute rule, the note draft from a known session, exports.

use mirrorcue::paperwork::units::{timed_minutes, units_for_minutes};

#[test]
fn the_8_minute_rule_at_its_edges() {
    let table = [
        (0, 0),
        (7, 0),
        (8, 1),
        (22, 1),
        (23, 2),
        (37, 2),
        (38, 3),
        (52, 3),
        (53, 4),
        (67, 4),
        (68, 5),
        (82, 5),
        (83, 6),
    ];
    for (minutes, units) in table {
        assert_eq!(units_for_minutes(minutes), units, "{minutes} min");
    }
}

#[test]
fn timed_minutes_count_only_complete_minutes() {
    assert_eq!(timed_minutes(479.9), 7, "7 min 59.9 s is not yet 8 minutes");
    assert_eq!(timed_minutes(480.0), 8);
    assert_eq!(timed_minutes(22.0 * 60.0 + 59.0), 22);
    assert_eq!(timed_minutes(f64::NAN), 0);
    assert_eq!(timed_minutes(-5.0), 0);
    assert_eq!(units_for_minutes(timed_minutes(479.9)), 0);
}

use mirrorcue::paperwork::export;
use mirrorcue::paperwork::note::{Clinician, draft};
use mirrorcue::paperwork::progress::{Range, load};
use mirrorcue::paperwork::report::{ReportOptions, render_html};
use mirrorcue::store::{
    Access, ActivityKind, AffectedSide, BodySide, Condition, Goal, Measurement, NewActivity, Patient, Store,
};

/// Two squat sessions of a stroke patient, the second 23 min 30 s long.
fn known_record(dir: &std::path::Path) -> Store {
    let mut store = Store::open(dir, Access::Write).unwrap();
    let mut p = Patient::new("P007");
    p.affected_side = AffectedSide::Left;
    p.condition = Condition::Stroke;
    p.goals_text = "Rise from a chair without using the arms.".into();
    p.name = Some("Ada Example".into());
    p.birth_year = Some(1950);
    p.goals = vec![Goal::parse("left knee angle ≤ 90°").unwrap()];
    store.add_patient(&p).unwrap();
    for (n, seconds, knee_min) in [(0, 600.0, 100.0), (1, 1410.0, 95.0)] {
        let s = store.start_session_at("P007", 1_795_840_665 + n * 86_400 * 7).unwrap();
        let a = store
            .add_activity(
                s.id,
                &NewActivity {
                    kind: ActivityKind::PosturalRetraining,
                    name: "Squat: knee alignment and repetitions".into(),
                    side: None,
                    source: Some("squats.mp4".into()),
                    details: String::new(),
                },
            )
            .unwrap();
        store.set_activity_seconds(a, seconds).unwrap();
        let m = |measure: &str, side, value, unit: &str| Measurement {
            session_id: s.id,
            activity_id: Some(a),
            measure: measure.into(),
            side,
            value,
            unit: unit.into(),
            time_s: seconds,
        };
        let left = Some(BodySide::Left);
        store
            .add_measurements(&[
                m("knee over the foot", left, 0.05, "torso_lengths"),
                m("knee over the foot: time in tolerance", left, 40.2, "seconds"),
                m("knee over the foot: time checked", left, 45.0, "seconds"),
                m("knee over the foot: longest in tolerance", left, 12.0, "seconds"),
                m("knee over the foot: cues", left, 3.0, "cues"),
                m("squats: repetitions", None, 12.0, "repetitions"),
                m("knee angle: minimum", left, knee_min, "degrees"),
                m("knee angle: maximum", left, 172.3, "degrees"),
            ])
            .unwrap();
        store.finish_session_at(s.id, 1_795_840_665 + n * 86_400 * 7 + 1500).unwrap();
    }
    store
}

#[test]
fn the_note_draft_of_a_known_session() {
    let dir = tempfile::tempdir().unwrap();
    let store = known_record(dir.path());
    let (patient, history) = load(&store, "P007", Range::All).unwrap();
    let clinician = Clinician { name: "Jane Doe".into(), credentials: "PT, DPT".into() };
    let note = draft(&patient, &history[1], &history, &clinician);
    for expected in [
        "DRAFT",
        "Patient: P007 · affected side: left · condition: stroke",
        "Date of service: 2026-12-05 · session 2",
        "CPT 97112",
        "1. Postural retraining with visual and verbal cueing: \"Squat: knee alignment and repetitions\", 23 min 30 s (23 minutes timed)",
        "Recording: squats.mp4",
        "- squats: 12 repetitions",
        "- knee over the foot (left): 3 cues; response: in tolerance 40.2 s of 45.0 s checked (89 %), longest 12.0 s at a time",
        "- knee angle (left): 95.0° to 172.3° (range 77.3°)",
        "Timed minutes: 23 minutes (23 min 30 s)",
        "support 2 units of 15 minutes",
        "mirrorcue does not bill",
        "Rise from a chair without using the arms.",
        "- left knee angle ≤ 90.0°: 95.0° in session 2 (first 100.0° in session 1), 50 % of the way; not yet met",
        "Therapist: Jane Doe, PT, DPT",
    ] {
        assert!(note.contains(expected), "missing `{expected}` in:\n{note}");
    }
    assert!(!note.contains("NaN") && !note.contains("interrupted"), "{note}");
    assert!(!note.to_lowercase().contains("billed"), "never claims to have billed:\n{note}");

    let first = draft(&patient, &history[0], &history[..1], &Clinician::default());
    assert!(first.contains("10 min 00 s (10 minutes timed)"), "{first}");
    assert!(first.contains("support 1 unit of 15 minutes"), "{first}");
    assert!(first.contains("Therapist: ____________________ (name, credentials)"), "{first}");
}

#[test]
fn a_progress_report_plots_each_measure_per_session_and_can_leave_out_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = known_record(dir.path());
    let (patient, sessions) = load(&store, "P007", Range::All).unwrap();
    let clinician = Clinician { name: "Jane Doe".into(), credentials: "PT".into() };
    let html = render_html(&patient, &sessions, &sessions, &clinician, ReportOptions::default()).unwrap();
    assert!(html.contains("<h1>Progress report</h1>"));
    assert!(html.contains("Ada Example") && html.contains("born 1950"));
    assert!(html.contains("2 sessions, 2026-11-28 (session 1) to 2026-12-05 (session 2)"), "{html}");
    // Range of motion per side (172.3 − 100.0 then 172.3 − 95.0), and the repetitions.
    assert!(html.contains("Range of motion: knee angle"));
    assert!(html.contains("Repetitions: squats"));
    assert_eq!(html.matches("<svg").count(), 2, "one plot per measure");
    // The goals table: first, latest, progress, with units.
    assert!(html.contains("left knee angle ≤ 90.0°"), "{html}");
    assert!(
        html.contains("100.0° (session 1)") && html.contains("95.0° (session 2)") && html.contains("50 % of the way")
    );
    // The sessions table: timed minutes and the units they support.
    assert!(html.contains("<td class=n>23 min</td><td class=n>2 units</td>"), "{html}");
    assert!(!html.contains("NaN"));

    let anon = render_html(&patient, &sessions, &sessions, &clinician, ReportOptions { deidentified: true }).unwrap();
    assert!(!anon.contains("Ada") && !anon.contains("1950"), "de-identified: the ID only");
    assert!(anon.contains("P007"));

    let rows = export::rows("P007", &sessions, true);
    assert_eq!(rows.len(), 16, "one row per measure");
    let csv = export::to_csv(&rows, true);
    assert!(csv.starts_with("patient_id,session,day,activity_kind,"));
    assert!(!csv.contains("Ada") && !csv.contains("squats.mp4") && !csv.contains("2026"), "{csv}");
    assert!(csv.contains("P007,2,7,postural_retraining,Squat: knee alignment and repetitions,knee angle: minimum,left,95,degrees,1410"), "{csv}");
    let full = export::to_csv(&export::rows("P007", &sessions, false), false);
    assert!(full.contains(",2026-12-05,") && full.contains(",squats.mp4,") && !full.contains("Ada"), "{full}");
}

#[test]
fn a_report_of_no_session_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let store = known_record(dir.path());
    let (patient, _) = load(&store, "P007", Range::All).unwrap();
    let err = render_html(&patient, &[], &[], &Clinician::default(), ReportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("no session"), "{err}");
    let (_, none) = load(&store, "P007", Range::Between(0, 1000)).unwrap();
    assert!(none.is_empty());
}
