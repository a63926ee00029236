//! The HTML report in a real browser: headless Chromium (Debian's `chromium`, installed by `scripts/setup`) lays out
//! a progress report and a session report; a screenshot must show the plots drawn (the left side's blue and the
//! right side's vermilion lines), and the page must not overflow its width (checked in the laid-out page at a
//! printed A4 page's width and at a narrow window).
//!
//! Without Chromium the test is skipped with a message, except on CI (`CI` set), where it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use mirrorcue::paperwork::note::Clinician;
use mirrorcue::paperwork::progress::{Range, load};
use mirrorcue::paperwork::report::{ReportOptions, render_html};
use mirrorcue::store::{
    Access, ActivityKind, AffectedSide, BodySide, Condition, Goal, Measurement, NewActivity, Patient, Store,
};

fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(o) = Command::new("which").arg(name).output()
            && o.status.success()
        {
            return Some(PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
        }
    }
    None
}

fn browser_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is missing on CI: scripts/setup installs Debian's `chromium` package"
        );
        eprintln!("SKIPPED: chromium is not installed here (scripts/setup installs it: apt-get install chromium)");
    }
    found
}

fn headless(browser: &Path, args: &[&str]) -> std::process::Output {
    Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"])
        .args(args)
        .output()
        .expect("run chromium")
}

/// A record of 6 sessions of two activities, with measures per side that improve.
fn record(dir: &Path) -> Store {
    let mut store = Store::open(dir, Access::Write).unwrap();
    let mut p = Patient::new("P042");
    p.name = Some("A Long Name To See Whether The Header Wraps Without Overflowing The Page".into());
    p.affected_side = AffectedSide::Right;
    p.condition = Condition::ShoulderSurgery;
    p.goals_text = "Reach the top kitchen shelf with the right arm; hang washing without pain.".into();
    p.goals = vec![
        Goal::parse("right shoulder flexion ≥ 150°").unwrap(),
        Goal::parse("trunk upright: share in tolerance ≥ 90 %").unwrap(),
    ];
    store.add_patient(&p).unwrap();
    for n in 0..6i64 {
        let s = store.start_session_at("P042", 1_795_000_000 + n * 3 * 86_400).unwrap();
        let a = store
            .add_activity(
                s.id,
                &NewActivity {
                    kind: ActivityKind::PosturalRetraining,
                    name: "Shoulder elevation: arm raise with a very long protocol name to test wrapping in tables"
                        .into(),
                    side: Some(BodySide::Right),
                    source: Some(format!("/home/clinic/recordings/2026-11-{:02}-session-with-a-long-path.mp4", n + 1)),
                    details: String::new(),
                },
            )
            .unwrap();
        store.set_activity_seconds(a, 900.0 + 60.0 * n as f64).unwrap();
        let f = n as f64;
        let m = |measure: &str, side, value, unit: &str| Measurement {
            session_id: s.id,
            activity_id: Some(a),
            measure: measure.into(),
            side,
            value,
            unit: unit.into(),
            time_s: 900.0,
        };
        let (l, r) = (Some(BodySide::Left), Some(BodySide::Right));
        store
            .add_measurements(&[
                m("shoulder flexion: minimum", l, 10.0, "degrees"),
                m("shoulder flexion: maximum", l, 168.0 + f, "degrees"),
                m("shoulder flexion: minimum", r, 12.0, "degrees"),
                m("shoulder flexion: maximum", r, 110.0 + 8.0 * f, "degrees"),
                m("arm raises: repetitions", None, 10.0 + 2.0 * f, "repetitions"),
                m("trunk upright: share in tolerance", None, 70.0 + 4.0 * f, "percent"),
            ])
            .unwrap();
        store.finish_session_at(s.id, 1_795_000_000 + n * 3 * 86_400 + 1200).unwrap();
    }
    store
}

fn near(p: &image::Rgba<u8>, c: [u8; 3]) -> bool {
    (0..3).all(|i| (i32::from(p[i]) - i32::from(c[i])).abs() <= 30)
}

/// The page with a script that records, once laid out, how wide the page is and any element past its right edge.
fn with_probe(html: &str) -> String {
    let probe = "<script>window.addEventListener('load', () => { const w = document.documentElement.clientWidth; \
        const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 0.5) \
        .map(e => e.tagName + ':' + Math.round(e.getBoundingClientRect().right)); \
        const svgs = [...document.querySelectorAll('svg')].map(s => Math.round(s.getBoundingClientRect().width)); \
        document.body.setAttribute('data-probe', JSON.stringify({width: w, scroll: document.documentElement.scrollWidth, \
        overflow: out, svgs: svgs})); });</script>";
    html.replace("</body>", &format!("{probe}</body>"))
}

fn probe(browser: &Path, page: &Path, width: u32) -> serde_json::Value {
    let out = headless(
        browser,
        &[
            "--virtual-time-budget=3000",
            &format!("--window-size={width},1200"),
            "--dump-dom",
            &format!("file://{}", page.display()),
        ],
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("data-probe=\"").unwrap_or_else(|| panic!("no probe in the laid-out page: {dom:.400}"))
        + "data-probe=\"".len();
    let end = dom[start..].find('"').unwrap() + start;
    serde_json::from_str(&dom[start..end].replace("&quot;", "\"")).unwrap()
}

#[test]
fn the_report_renders_in_chromium_with_plots_and_without_overflow() {
    let Some(browser) = browser_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = record(&dir.path().join("data"));
    let (patient, sessions) = load(&store, "P042", Range::All).unwrap();
    let clinician = Clinician { name: "Jane Doe".into(), credentials: "PT, DPT".into() };
    let progress = render_html(&patient, &sessions, &sessions, &clinician, ReportOptions::default()).unwrap();
    let (_, one) = load(&store, "P042", Range::Session(6)).unwrap();
    let session = render_html(&patient, &one, &sessions, &clinician, ReportOptions::default()).unwrap();

    for (name, html, plots) in [("progress", &progress, 3), ("session", &session, 3)] {
        let page = dir.path().join(format!("{name}.html"));
        std::fs::write(&page, html).unwrap();
        let shot = dir.path().join(format!("{name}.png"));
        let out = headless(
            &browser,
            &[
                &format!("--screenshot={}", shot.display()),
                "--window-size=900,3000",
                &format!("file://{}", page.display()),
            ],
        );
        assert!(shot.exists(), "no screenshot: {}", String::from_utf8_lossy(&out.stderr));
        if let Some(docs) = std::env::var_os("MIRRORCUE_REPORT_SCREENSHOTS") {
            std::fs::copy(&shot, Path::new(&docs).join(format!("report_{name}.png"))).unwrap();
        }
        let img = image::open(&shot).unwrap().to_rgba8();
        assert_eq!(img.width(), 900);
        let count = |c: [u8; 3]| img.pixels().filter(|p| near(p, c)).count();
        if plots > 0 {
            let (blue, vermilion) = (count([0, 114, 178]), count([213, 94, 0]));
            assert!(blue > 300, "the left side's line is drawn: {blue} blue pixels");
            assert!(vermilion > 300, "the right side's line is drawn: {vermilion} vermilion pixels");
            assert!(count([0, 158, 115]) > 300, "lines without a side are drawn in green");
        }
        // Not a blank page: text drawn.
        assert!(count([27, 27, 27]) > 1000, "text is drawn");

        let probe_page = dir.path().join(format!("{name}_probe.html"));
        std::fs::write(&probe_page, with_probe(html)).unwrap();
        for width in [680, 500] {
            let p = probe(&browser, &probe_page, width);
            assert_eq!(p["overflow"], serde_json::json!([]), "{name} at {width} px: elements past the edge: {p}");
            assert!(p["scroll"].as_i64() <= p["width"].as_i64(), "{name} at {width} px scrolls sideways: {p}");
            let svgs = p["svgs"].as_array().unwrap();
            assert_eq!(svgs.len(), plots, "{name}: {p}");
            for w in svgs {
                assert!(w.as_i64().unwrap() > 200 && w.as_i64() <= p["width"].as_i64(), "{name}: a plot fits: {p}");
            }
        }
    }
}
