//! The report: one self-contained HTML page (no file beside it, no script, no network), with print CSS so a
//! browser prints it to PDF, and plots drawn as inline SVG by `plotters`.
//!
//! Over several sessions (a progress report, which Medicare asks for at least every 10 treatment days) it plots each
//! measure per session: range of motion per side, repetitions, the share of time in tolerance, match scores, and
//! tabulates the goals with their progress. For one session (a session report) it plots the values filed once a
//! second over the session and the trends of the sessions up to it, lists every measure, and includes the note
//! draft (editable in the page before printing).
//!
//! Every number carries its unit; a value that is not a finite number is never drawn or written.

use std::collections::BTreeSet;

use plotters::prelude::*;
use thiserror::Error;

use super::note::{Clinician, draft};
use super::progress::{GoalProgress, SessionRecord, format_value, series, unit_label};
use super::units::{timed_minutes, units_for_minutes};
use crate::posture::keyframe::KeyFrame;
use crate::store::{BodySide, Measurement, Patient};
use crate::units as u;

/// Why a report could not be made.
#[derive(Debug, Error)]
pub enum ReportError {
    /// No session in the range.
    #[error("patient {0} has no session in this range; nothing to report")]
    NoSessions(String),
    /// A plot could not be drawn.
    #[error("cannot draw the plot `{0}`: {1}")]
    Plot(String, String),
}

/// What a report shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ReportOptions {
    /// Leave out the name and birth year (the ID only).
    pub deidentified: bool,
}

/// The colour of a side in every plot (colour-blind safe): left blue, right vermilion, no side green.
fn side_colour(side: Option<BodySide>) -> RGBColor {
    match side {
        Some(BodySide::Left) => RGBColor(0, 114, 178),
        Some(BodySide::Right) => RGBColor(213, 94, 0),
        None => RGBColor(0, 158, 115),
    }
}

/// One line of a plot.
struct Line {
    label: String,
    side: Option<BodySide>,
    points: Vec<(f64, f64)>,
}

const PLOT_SIZE: (u32, u32) = (760, 300);

/// Draws lines as an SVG chart: x in `x_desc`, y in `y_desc` (with its unit).
fn plot(title: &str, x_desc: &str, y_desc: &str, lines: &[Line], whole_x: bool) -> Result<String, ReportError> {
    let pts: Vec<(f64, f64)> =
        lines.iter().flat_map(|l| l.points.iter().copied()).filter(|(x, y)| x.is_finite() && y.is_finite()).collect();
    let (mut x0, mut x1) = pts.iter().fold((f64::MAX, f64::MIN), |(a, b), (x, _)| (a.min(*x), b.max(*x)));
    let (mut y0, mut y1) = pts.iter().fold((f64::MAX, f64::MIN), |(a, b), (_, y)| (a.min(*y), b.max(*y)));
    if pts.is_empty() {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    let xpad = if whole_x { 0.5 } else { ((x1 - x0) * 0.02).max(0.5) };
    let ypad = ((y1 - y0) * 0.1).max(if y1.abs().max(y0.abs()) < 2.0 { 0.05 } else { 1.0 });
    // Room above the data for the legend.
    (x0, x1, y0, y1) = (x0 - xpad, x1 + xpad, y0 - ypad, y1 + ypad);
    y1 += (y1 - y0) * 0.35;
    let err = |e: &dyn std::fmt::Display| ReportError::Plot(title.to_string(), e.to_string());
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, PLOT_SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|e| err(&e))?;
        let xfmt = |x: &f64| {
            if whole_x {
                if (x - x.round()).abs() < 1e-6 { format!("{}", x.round() as i64) } else { String::new() }
            } else {
                u::fixed(*x, 0)
            }
        };
        let yfmt = |y: &f64| u::fixed(*y, if (y1 - y0) < 5.0 { 2 } else { 0 });
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_labels(if whole_x { ((x1 - x0).round() as usize + 1).min(12) } else { 10 })
            .x_label_formatter(&xfmt)
            .y_label_formatter(&yfmt)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(|e| err(&e))?;
        for l in lines {
            let c = side_colour(l.side);
            let data: Vec<(f64, f64)> =
                l.points.iter().copied().filter(|(x, y)| x.is_finite() && y.is_finite()).collect();
            chart
                .draw_series(LineSeries::new(data.clone(), c.stroke_width(2)))
                .map_err(|e| err(&e))?
                .label(l.label.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3)));
            chart
                .draw_series(PointSeries::of_element(data, 4, c.filled(), &|p, s, st| Circle::new(p, s, st)))
                .map_err(|e| err(&e))?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(|e| err(&e))?;
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}

/// HTML text escaped.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = "
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; color: #1b1b1b;
       margin: 0 auto; padding: 24px; max-width: 860px; box-sizing: border-box; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid #ccc; }
.meta { color: #444; margin: 0 0 12px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; table-layout: auto; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { background: #f1f1f1; font-weight: 600; } td.n { text-align: right; white-space: nowrap; }
figure { margin: 12px 0 20px; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; max-width: 100%; display: block; }
figcaption { color: #444; font-size: 13px; }
pre.note { white-space: pre-wrap; overflow-wrap: anywhere; background: #fafafa; border: 1px solid #ccc; padding: 12px;
           font: 13px/1.4 ui-monospace, 'DejaVu Sans Mono', monospace; }
.left { color: rgb(0,114,178); font-weight: 600; } .right { color: rgb(213,94,0); font-weight: 600; }
footer { margin-top: 32px; color: #555; font-size: 12px; }
@media (max-width: 640px) {
  body { padding: 10px; font-size: 14px; }
  th, td { padding: 3px 4px; }
  td.n { white-space: normal; }
}
@media print {
  body { padding: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  pre.note { border: none; background: none; }
  @page { size: A4; margin: 16mm; }
}
";

fn distinct_measures(sessions: &[SessionRecord], keep: impl Fn(&Measurement) -> bool) -> Vec<(String, String)> {
    let set: BTreeSet<(String, String)> = sessions
        .iter()
        .flat_map(|s| s.measurements.iter())
        .filter(|m| keep(m))
        .map(|m| (m.measure.clone(), m.unit.clone()))
        .collect();
    set.into_iter().collect()
}

/// One plot line per side that `measure` was taken on, each session's value (sides with no value left out).
fn side_lines(sessions: &[SessionRecord], measure: &str) -> Vec<Line> {
    sides_of(sessions, measure)
        .into_iter()
        .map(|side| Line {
            label: side_name(side),
            side,
            points: series(sessions, measure, side).into_iter().map(|(n, v)| (n as f64, v)).collect(),
        })
        .filter(|l| !l.points.is_empty())
        .collect()
}

fn sides_of(sessions: &[SessionRecord], measure: &str) -> Vec<Option<BodySide>> {
    let set: BTreeSet<Option<BodySide>> =
        sessions.iter().flat_map(|s| s.measurements.iter()).filter(|m| m.measure == measure).map(|m| m.side).collect();
    set.into_iter().collect()
}

fn side_name(side: Option<BodySide>) -> String {
    side.map(|s| format!("{s} side")).unwrap_or_else(|| "both sides / trunk".into())
}

/// The y axis title for a unit: "degrees (°)", "seconds (s)", "percent (%)", "torso lengths", …
fn axis_title(unit: &str) -> String {
    match unit {
        "degrees" => "degrees (°)".into(),
        "seconds" => "seconds (s)".into(),
        "percent" => "percent (%)".into(),
        other => unit_label(other).to_string(),
    }
}

fn figure(svg: String, caption: &str) -> String {
    format!("<figure>{svg}<figcaption>{}</figcaption></figure>\n", esc(caption))
}

/// The plots over several sessions: range of motion per side, repetitions, share of time in tolerance, matches.
fn progress_plots(sessions: &[SessionRecord]) -> Result<String, ReportError> {
    let mut html = String::new();
    // Range of motion per side: maximum − minimum of each angle measure, per session.
    for (name, unit) in distinct_measures(sessions, |m| m.unit == "degrees" && m.measure.ends_with(": maximum")) {
        let base = name.trim_end_matches(": maximum").to_string();
        let lines: Vec<Line> = sides_of(sessions, &name)
            .into_iter()
            .map(|side| {
                let hi = series(sessions, &name, side);
                let lo = series(sessions, &format!("{base}: minimum"), side);
                let points = hi
                    .iter()
                    .filter_map(|(n, h)| lo.iter().find(|(m, _)| m == n).map(|(_, l)| (*n as f64, h - l)))
                    .collect();
                Line { label: side_name(side), side, points }
            })
            .filter(|l| !l.points.is_empty())
            .collect();
        if !lines.is_empty() {
            let title = format!("Range of motion: {base}");
            html += &figure(
                plot(&title, "session", &format!("range, {}", axis_title(&unit)), &lines, true)?,
                &format!("{title}, maximum − minimum per session, in degrees, per side (left blue, right vermilion)."),
            );
        }
    }
    for (suffix, what, caption) in [
        (": repetitions", "Repetitions", "repetitions counted per session"),
        (
            ": share in tolerance",
            "Time in tolerance",
            "share of the time checked spent in tolerance, in %, per session",
        ),
    ] {
        for (name, unit) in distinct_measures(sessions, |m| m.measure.ends_with(suffix)) {
            let lines = side_lines(sessions, &name);
            if !lines.is_empty() {
                let title = format!("{what}: {}", name.trim_end_matches(suffix));
                html += &figure(
                    plot(&title, "session", &axis_title(&unit), &lines, true)?,
                    &format!("{title}: {caption}."),
                );
            }
        }
    }
    for (name, unit) in distinct_measures(sessions, |m| m.unit == "score") {
        let lines = side_lines(sessions, &name);
        if lines.is_empty() {
            continue;
        }
        let title = format!("Match: {name}");
        html += &figure(
            plot(&title, "session", &axis_title(&unit), &lines, true)?,
            &format!("{title}, similarity with the reference per session (0 to 1)."),
        );
    }
    Ok(html)
}

/// A filed stabilogram: its path (ML, AP in cm) and its 95 % ellipse.
type FiledStabilogram = (Vec<(f64, f64)>, Option<crate::balance::position::Ellipse>);

/// A balance trial's stabilogram as filed (`details.stabilogram`, `details.ellipse`): the path and the 95 % ellipse.
fn stabilogram_of(details: &str) -> Option<FiledStabilogram> {
    let v: serde_json::Value = serde_json::from_str(details).ok()?;
    let s = v.get("stabilogram")?;
    let axis = |k: &str| -> Option<Vec<f64>> { s.get(k)?.as_array()?.iter().map(|x| x.as_f64()).collect() };
    let pts: Vec<(f64, f64)> =
        axis("ml_cm")?.into_iter().zip(axis("ap_cm")?).filter(|(x, y)| x.is_finite() && y.is_finite()).collect();
    let e = v.get("ellipse").and_then(|e| {
        let f = |k: &str| e.get(k)?.as_f64().filter(|x| x.is_finite());
        Some(crate::balance::position::Ellipse {
            centre: (0.0, 0.0),
            semi_major: f("semi_major_cm")?,
            semi_minor: f("semi_minor_cm")?,
            angle: f("angle_deg")?.to_radians(),
        })
    });
    (pts.len() >= 2).then_some((pts, e))
}

/// A stabilogram as an SVG chart: ML across, AP up, the same scale on both, with the 95 % ellipse.
fn stabilogram_plot(
    title: &str,
    pts: &[(f64, f64)],
    ellipse: Option<&crate::balance::position::Ellipse>,
) -> Result<String, ReportError> {
    let ring: Vec<(f64, f64)> = ellipse.map(|e| e.outline(72)).unwrap_or_default();
    let reach = pts.iter().chain(&ring).fold(0.5f64, |m, (x, y)| m.max(x.abs()).max(y.abs())) * 1.1;
    let err = |e: &dyn std::fmt::Display| ReportError::Plot(title.to_string(), e.to_string());
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (420, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(48)
            .build_cartesian_2d(-reach..reach, -reach..reach)
            .map_err(|e| err(&e))?;
        let fmt = |v: &f64| u::fixed(*v, if reach < 5.0 { 1 } else { 0 });
        chart
            .configure_mesh()
            .x_desc("ML (cm, + = patient's left)")
            .y_desc("AP (cm, + = forwards)")
            .x_label_formatter(&fmt)
            .y_label_formatter(&fmt)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(|e| err(&e))?;
        let path = side_colour(None);
        chart.draw_series(LineSeries::new(pts.to_vec(), path.stroke_width(1))).map_err(|e| err(&e))?;
        if !ring.is_empty() {
            chart.draw_series(LineSeries::new(ring, BLACK.stroke_width(2))).map_err(|e| err(&e))?;
        }
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}

/// A key frame as an inline SVG: the picture (or, de-identified, a plain background: the skeleton only) with the
/// pose's bones and points in the sides' colours. Points below 0.3 confidence are not drawn.
fn key_frame_svg(key: &KeyFrame, deidentified: bool) -> String {
    use base64::Engine as _;
    let (w, h) = (key.width.max(1), key.height.max(1));
    // Shown at most 480 px high and as wide as a plot (a portrait video's picture would fill the page).
    let shown = (480.0 / f64::from(h)).min(f64::from(PLOT_SIZE.0) / f64::from(w)).min(1.0);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{:.0}\" height=\"{:.0}\" role=img \
         aria-label=\"{}\">",
        f64::from(w) * shown,
        f64::from(h) * shown,
        esc(&key.caption)
    );
    match (&key.jpeg, deidentified) {
        (Some(jpeg), false) => {
            let data = base64::engine::general_purpose::STANDARD.encode(jpeg);
            svg += &format!("<image href=\"data:image/jpeg;base64,{data}\" width=\"{w}\" height=\"{h}\"/>");
        }
        _ => svg += &format!("<rect width=\"{w}\" height=\"{h}\" fill=\"#2b2b2b\"/>"),
    }
    let at = |j: crate::pose::Joint| {
        let p = key.points.get(key.skeleton.index_of(j)?)?;
        (p[2] >= 0.3 && p[0].is_finite() && p[1].is_finite()).then(|| (p[0] * w as f32, p[1] * h as f32))
    };
    let colour = |j: crate::pose::Joint| colour_of(BodySide::of(j.side()));
    for &(a, b) in key.skeleton.bones() {
        if let (Some(p), Some(q)) = (at(a), at(b)) {
            // A bone between the sides (the shoulders, the hips) takes the no-side colour.
            let c = if a.side() == b.side() { colour(a) } else { colour_of(None) };
            svg += &format!(
                "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{c}\" stroke-width=\"4\" \
                 stroke-linecap=\"round\"/>",
                p.0, p.1, q.0, q.1
            );
        }
    }
    for &j in key.skeleton.joints() {
        if let Some(p) = at(j) {
            svg += &format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{}\" stroke=\"white\"/>",
                p.0,
                p.1,
                colour(j)
            );
        }
    }
    svg + "</svg>"
}

/// A side's colour as CSS.
fn colour_of(side: Option<BodySide>) -> String {
    let RGBColor(r, g, b) = side_colour(side);
    format!("rgb({r},{g},{b})")
}

/// The plots within one session: each activity's key frame (its best repetition), each balance trial's
/// stabilogram, each walk's clinical gait plot, then each measure filed once a second, over the session's time, per
/// side.
fn session_plots(record: &SessionRecord, options: ReportOptions) -> Result<String, ReportError> {
    let one = std::slice::from_ref(record);
    let mut html = String::new();
    for (activity, key) in &record.key_frames {
        let name = record.session.activities.iter().find(|a| a.id == *activity).map(|a| a.name.as_str());
        let how = match (options.deidentified, &key.jpeg) {
            (true, _) => " Skeleton only (de-identified).",
            (false, None) => " Skeleton only (the picture could not be kept).",
            (false, Some(_)) => "",
        };
        html += &figure(
            key_frame_svg(key, options.deidentified),
            &format!("{}: {}.{how}", name.unwrap_or("Key frame"), key.caption),
        );
    }
    for (i, a) in record.session.activities.iter().enumerate() {
        let Some((pts, ellipse)) = stabilogram_of(&a.details) else { continue };
        let title = format!("{} (activity {})", a.name, i + 1);
        let area = ellipse.map(|e| std::f64::consts::PI * e.semi_major * e.semi_minor);
        html += &figure(
            stabilogram_plot(&title, &pts, ellipse.as_ref())?,
            &format!(
                "{title}: the centre of mass's sway (stabilogram, cm) with its 95 % ellipse{}.",
                area.map(|a| format!(" ({})", format_value(a, "cm2"))).unwrap_or_default()
            ),
        );
    }
    for (i, a) in record.session.activities.iter().enumerate() {
        if a.kind != crate::store::ActivityKind::GaitTraining {
            continue;
        }
        let Some(curves) = crate::gait::earlier::filed_curves(&a.details) else { continue };
        let title = format!("{} (activity {})", a.name, i + 1);
        let strides =
            |c: &crate::gait::curves::JointCurve, side: crate::pose::Side| c.side(side).map_or(0, |s| s.strides);
        let (l, r) = (
            strides(&curves.knee_flexion, crate::pose::Side::Left),
            strides(&curves.knee_flexion, crate::pose::Side::Right),
        );
        let svg = crate::gait::plot::render(&curves, &title).map_err(|e| ReportError::Plot(title.clone(), e))?;
        html += &figure(
            svg,
            &format!(
                "{title}: trunk, hip, knee and ankle angles (°) over the gait cycle (heel strike to heel strike, %), \
                 the patient's left (blue, {}) against the right (orange, {}), mean ± 1 SD; dashed: toe-off.",
                u::count(l as u64, "stride", "strides"),
                u::count(r as u64, "stride", "strides"),
            ),
        );
    }
    for (name, unit) in distinct_measures(one, |m| !m.measure.contains(": ")) {
        let lines: Vec<Line> = sides_of(one, &name)
            .into_iter()
            .map(|side| Line {
                label: side_name(side),
                side,
                points: record
                    .measurements
                    .iter()
                    .filter(|m| m.measure == name && m.side == side)
                    .map(|m| (m.time_s, m.value))
                    .collect(),
            })
            .filter(|l| !l.points.is_empty())
            .collect();
        if !lines.is_empty() {
            let title = format!("{name} during the session");
            html += &figure(
                plot(&title, "time in the session (s)", &axis_title(&unit), &lines, false)?,
                &format!("{title}: its value once a second, in {}, per side.", unit_label(&unit)),
            );
        }
    }
    Ok(html)
}

fn sessions_table(sessions: &[SessionRecord]) -> String {
    let mut h = String::from(
        "<table><thead><tr><th>No.</th><th>Date (UTC)</th><th>Activities</th><th>Timed time</th>\
         <th>Minutes</th><th>Units (8-min rule)</th><th>Status</th></tr></thead><tbody>\n",
    );
    for s in sessions {
        let secs = s.session.activity_seconds();
        let minutes = timed_minutes(secs);
        let names: Vec<String> =
            s.session.activities.iter().map(|a| format!("{}: {}", a.kind.intervention(), a.name)).collect();
        h += &format!(
            "<tr><td class=n>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td></tr>\n",
            s.session.number,
            s.session.date(),
            esc(&names.join("; ")),
            u::format_seconds(secs),
            u::count(u64::from(minutes), "min", "min"),
            u::count(u64::from(units_for_minutes(minutes)), "unit", "units"),
            if s.session.is_finished() { "finished" } else { "interrupted" }
        );
    }
    h + "</tbody></table>\n"
}

fn goals_table(patient: &Patient, sessions: &[SessionRecord]) -> String {
    let mut h = String::new();
    if !patient.goals_text.trim().is_empty() {
        h += &format!("<p>{}</p>\n", esc(patient.goals_text.trim()));
    }
    if patient.goals.is_empty() {
        if h.is_empty() {
            h += "<p>No goals recorded.</p>\n";
        }
        return h;
    }
    h += "<table><thead><tr><th>Goal</th><th>First</th><th>Latest</th><th>Progress</th></tr></thead><tbody>\n";
    for g in &patient.goals {
        let p = GoalProgress::of(g, sessions);
        let v = |x: Option<(i64, f64)>| {
            x.map(|(n, v)| format!("{} (session {n})", format_value(v, &g.unit))).unwrap_or_else(|| "—".into())
        };
        let progress = if p.latest().is_none() {
            "not measured yet".to_string()
        } else if p.met() {
            "met".to_string()
        } else {
            p.fraction()
                .map(|f| format!("{} % of the way", u::fixed(f * 100.0, 0)))
                .unwrap_or_else(|| "not yet met".into())
        };
        h += &format!(
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td></tr>\n",
            esc(&format!(
                "{}{} {} {}",
                g.side.map(|s| format!("{s} ")).unwrap_or_default(),
                g.measure,
                g.comparison.symbol(),
                format_value(g.target, &g.unit)
            )),
            v(p.first()),
            v(p.latest()),
            progress
        );
    }
    h + "</tbody></table>\n"
}

fn measures_table(record: &SessionRecord) -> String {
    let mut h = String::from("<table><thead><tr><th>Measure</th><th>Side</th><th>Value</th></tr></thead><tbody>\n");
    for m in record.measurements.iter().filter(|m| m.measure.contains(": ")) {
        h += &format!(
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td></tr>\n",
            esc(&m.measure),
            m.side.map(|s| format!("<span class={s}>{s}</span>")).unwrap_or_else(|| "—".into()),
            esc(&format_value(m.value, &m.unit))
        );
    }
    h + "</tbody></table>\n"
}

/// The report over `sessions` (oldest first): a session report when there is one, a progress report otherwise.
/// `history` holds the patient's sessions up to the last reported one, for goal progress in the note.
pub fn render_html(
    patient: &Patient,
    sessions: &[SessionRecord],
    history: &[SessionRecord],
    clinician: &Clinician,
    options: ReportOptions,
) -> Result<String, ReportError> {
    let (Some(first), Some(last)) = (sessions.first(), sessions.last()) else {
        return Err(ReportError::NoSessions(patient.id.clone()));
    };
    let single = sessions.len() == 1;
    let kind = if single { "Session report" } else { "Progress report" };
    let mut who = format!("Patient <strong>{}</strong>", esc(&patient.id));
    if !options.deidentified {
        if let Some(n) = &patient.name {
            who += &format!(" · {}", esc(n));
        }
        if let Some(y) = patient.birth_year {
            who += &format!(" · born {y}");
        }
    }
    who += &format!(" · affected side: {} · {}", patient.affected_side, esc(patient.condition.words()));
    let span = if single {
        format!("session {} on {}", first.session.number, first.session.date())
    } else {
        format!(
            "{} sessions, {} (session {}) to {} (session {})",
            sessions.len(),
            first.session.date(),
            first.session.number,
            last.session.date(),
            last.session.number
        )
    };
    let total_s: f64 = sessions.iter().map(|s| s.session.activity_seconds()).sum();
    let mut body = format!(
        "<h1>{kind}</h1>\n<p class=meta>{who}<br>{span} · timed time {} · made {} by mirrorcue</p>\n",
        u::format_seconds(total_s),
        u::utc_timestamp(std::time::SystemTime::now())
    );
    body += "<h2>Sessions</h2>\n";
    body += &sessions_table(sessions);
    body += "<h2>Goals and progress</h2>\n";
    body += &goals_table(patient, history);
    body += "<h2>Plots</h2>\n";
    let plots = if single {
        let mut p = session_plots(first, options)?;
        if history.len() > 1 {
            let trends = progress_plots(history)?;
            if !trends.is_empty() {
                p += &format!("<h3>Sessions 1 to {}</h3>\n{trends}", first.session.number);
            }
        }
        p
    } else {
        progress_plots(sessions)?
    };
    body += if plots.is_empty() { "<p>No measure to plot.</p>\n" } else { &plots };
    if single {
        body += "<h2>Measures</h2>\n";
        body += &measures_table(first);
        body += "<h2>Treatment note (draft)</h2>\n<p class=meta>Edit the text below in the page before printing; the \
                 record keeps the measured values.</p>\n";
        body += &format!(
            "<pre class=note contenteditable=true spellcheck=true>{}</pre>\n",
            esc(&draft(patient, first, history, clinician))
        );
    }
    body += "<footer>Made by mirrorcue from measured data. Angles in degrees (°), times in seconds (s) or minutes, \
             alignments in torso lengths (mid-shoulder to mid-hip). Left and right are the patient's own sides. \
             mirrorcue keeps a record and drafts paperwork; it does not bill.</footer>\n";
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n<meta name=viewport content=\"width=device-width, \
         initial-scale=1\">\n<title>{kind}: {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(&patient.id)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plot_is_an_svg_with_its_points_and_no_nan() {
        let lines = [
            Line { label: "left side".into(), side: Some(BodySide::Left), points: vec![(1.0, 100.0), (2.0, 110.0)] },
            Line {
                label: "right side".into(),
                side: Some(BodySide::Right),
                points: vec![(1.0, 90.0), (2.0, f64::NAN)],
            },
        ];
        let svg = plot("Range of motion: knee angle", "session", "range (°)", &lines, true).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
        assert!(svg.contains("viewBox"));
        assert!(svg.contains("Range of motion: knee angle"));
        assert!(svg.matches("<circle").count() >= 3, "the points are drawn");
        assert!(!svg.contains("NaN"));
        let empty = plot("nothing", "session", "°", &[], true).unwrap();
        assert!(!empty.contains("NaN"));
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(esc("<b>&\"'"), "&lt;b&gt;&amp;&quot;&#39;");
    }

    #[test]
    fn a_filed_stabilogram_is_drawn_with_its_ellipse_and_a_damaged_one_is_skipped() {
        let details = serde_json::json!({
            "stabilogram": { "ml_cm": [0.0, 0.5, -0.4, 0.2], "ap_cm": [0.1, -0.3, 0.4, 0.0] },
            "ellipse": { "semi_major_cm": 1.2, "semi_minor_cm": 0.5, "angle_deg": 30.0 },
        })
        .to_string();
        let (pts, e) = stabilogram_of(&details).unwrap();
        assert_eq!(pts.len(), 4);
        let e = e.unwrap();
        assert!((e.angle.to_degrees() - 30.0).abs() < 1e-9);
        let svg = stabilogram_plot("Quiet standing", &pts, Some(&e)).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("AP (cm, + = forwards)") && !svg.contains("NaN"));
        assert!(stabilogram_of("{\"stabilogram\": {\"ml_cm\": [1.0], \"ap_cm\": [\"x\"]}}").is_none());
        assert!(stabilogram_of("not json").is_none());
        assert!(stabilogram_of("{}").is_none());
    }

    /// Before, a walk's curves were filed but no report drew them (issue 14: the clinical plot in the reports).
    #[test]
    fn a_filed_walk_is_drawn_as_the_clinical_gait_plot() {
        use crate::gait::curves::{JointCurves, SideCurve};
        use crate::store::{Activity, ActivityKind, Session};
        let side = |peak: f64| SideCurve {
            mean_deg: (0..101).map(|i| (peak * (i as f64 / 100.0 * std::f64::consts::PI).sin()).round()).collect(),
            sd_deg: vec![3.0; 101],
            strides: 4,
            toe_off_pct: Some(62.0),
        };
        let mut curves = JointCurves::default();
        curves.knee_flexion.left = Some(side(60.0));
        curves.knee_flexion.right = Some(SideCurve { strides: 3, ..side(45.0) });
        let activity = |id: i64, details: serde_json::Value| Activity {
            id,
            kind: ActivityKind::GaitTraining,
            name: "walk".into(),
            side: None,
            seconds: 40.0,
            source: None,
            details: details.to_string(),
        };
        let session = Session {
            id: 1,
            patient_id: "P1".into(),
            number: 1,
            started_at: 1_764_460_800,
            ended_at: Some(1_764_462_600),
            note: None,
            activities: vec![
                activity(1, serde_json::json!({ "curves": curves })),
                activity(2, serde_json::json!({ "not_measured": "no steps", "curves": null })),
            ],
        };
        let record = SessionRecord { session, measurements: Vec::new(), key_frames: Vec::new() };
        let html = session_plots(&record, ReportOptions::default()).unwrap();
        assert_eq!(html.matches("Knee flexion").count(), 1, "one plot, for the measured walk only");
        assert!(html.contains("walk (activity 1): trunk, hip, knee and ankle"), "{html}");
        assert!(html.contains("left (blue, 4 strides) against the right (orange, 3 strides)"));
        assert!(!html.contains("NaN"));
    }

    #[test]
    fn a_key_frame_is_the_picture_with_its_skeleton_and_de_identified_the_skeleton_alone() {
        use crate::pose::{Joint, Skeleton};
        let mut points = vec![[0.0f32, 0.0, 0.0]; 17];
        for (j, x, y) in
            [(Joint::LeftShoulder, 0.6, 0.3), (Joint::LeftElbow, 0.7, 0.5), (Joint::RightShoulder, 0.4, 0.3)]
        {
            points[Skeleton::Coco17.index_of(j).unwrap()] = [x, y, 0.9];
        }
        let key = KeyFrame {
            time_s: 3.0,
            caption: "Best repetition: 2 of 3".into(),
            width: 200,
            height: 100,
            jpeg: Some(vec![0xFF, 0xD8, 0xFF]),
            skeleton: Skeleton::Coco17,
            points,
        };
        let svg = key_frame_svg(&key, false);
        assert!(svg.contains("data:image/jpeg;base64,/9j/"), "the picture inline");
        // The left upper arm in the left's colour, from (120, 30) to (140, 50); the shoulders' line between sides.
        assert!(svg.contains("x1=\"120.0\" y1=\"30.0\" x2=\"140.0\" y2=\"50.0\" stroke=\"rgb(0,114,178)\""), "{svg}");
        assert!(svg.contains("stroke=\"rgb(0,158,115)\""), "the shoulders' line: {svg}");
        assert_eq!(svg.matches("<circle").count(), 3, "only the confident points");
        let anon = key_frame_svg(&key, true);
        assert!(!anon.contains("data:image") && anon.contains("<rect") && anon.contains("<line"));
    }
}
