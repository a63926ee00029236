//! The patient's pane and, when comparing, the reference pane beside or below it.

use egui::{Color32, Rect, Ui};

use super::patient::{self, ViewContent};
use crate::ui::settings::Layout;

/// The gap between the two panes, points.
const GAP: f32 = 6.0;

/// Where the two panes go in `avail` when the therapist asked for `layout` and the pictures have the aspect ratios
/// (width / height) `aspects` (patient, reference): the two rectangles and the arrangement used. The asked one,
/// unless it leaves a picture too small to use (under an eighth of the space, as two portrait pictures one above the
/// other on a landscape screen) and the other arrangement gives the smaller picture at least half as much again.
pub fn arrange(avail: Rect, layout: Layout, aspects: (f32, f32)) -> (Rect, Rect, Layout) {
    let smaller_picture = |(a, b, _): (Rect, Rect, Layout)| {
        let area = |r: Rect, aspect: f32| patient::fit(r, aspect).area();
        area(a, aspects.0).min(area(b, aspects.1))
    };
    let asked = split(avail, layout);
    let other = split(avail, if layout == Layout::Stacked { Layout::SideBySide } else { Layout::Stacked });
    let (mine, theirs) = (smaller_picture(asked), smaller_picture(other));
    if mine < avail.area() / 8.0 && theirs >= 1.5 * mine { other } else { asked }
}

/// `avail` cut in two for `layout`.
fn split(avail: Rect, layout: Layout) -> (Rect, Rect, Layout) {
    match layout {
        Layout::SideBySide => {
            let w = (avail.width() - GAP) / 2.0;
            (
                Rect::from_min_size(avail.min, egui::vec2(w, avail.height())),
                Rect::from_min_size(avail.min + egui::vec2(w + GAP, 0.0), egui::vec2(w, avail.height())),
                layout,
            )
        }
        Layout::Stacked => {
            let h = (avail.height() - GAP) / 2.0;
            (
                Rect::from_min_size(avail.min, egui::vec2(avail.width(), h)),
                Rect::from_min_size(avail.min + egui::vec2(0.0, h + GAP), egui::vec2(avail.width(), h)),
                layout,
            )
        }
    }
}

/// The font a pane's caption is drawn in (`large` on the patient screen), as [`patient::show`] draws it.
fn caption_font(large: bool) -> egui::FontId {
    egui::FontId::proportional(13.0 * if large { 1.4 } else { 1.0 })
}

/// A pane's caption as it fits in `width` points at the size the pane draws it (`large` on the patient screen):
/// whole when it fits, otherwise cut at a character and ended with "…", so it never runs into the other pane.
pub fn fit_caption(ctx: &egui::Context, caption: &str, width: f32, large: bool) -> String {
    let font = caption_font(large);
    let width_of = |t: &str| ctx.fonts_mut(|f| f.layout_no_wrap(t.to_string(), font.clone(), Color32::WHITE).size().x);
    if width_of(caption) <= width {
        return caption.to_string();
    }
    let chars: Vec<char> = caption.chars().collect();
    // The longest start that fits with the ellipsis (binary search on the number of characters).
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let t: String = chars[..mid].iter().collect::<String>() + "…";
        if width_of(&t) <= width { lo = mid } else { hi = mid - 1 }
    }
    chars[..lo].iter().collect::<String>().trim_end().to_string() + "…"
}

/// Room kept for the recording indicator at the top right of a pane, points.
const REC_ROOM: f32 = 120.0;

/// The recording indicator, calm, in the top-right corner of `rect` (the cue is at the bottom, the match score
/// below this line): a red dot, "REC" and the time recorded. Readable by assistive technology as "REC 12 s".
pub fn recording_indicator(ui: &mut Ui, rect: Rect, elapsed_s: f64, large: bool) {
    let scale = if large { 1.4 } else { 1.0 };
    let text = format!("REC {:.0} s", elapsed_s.max(0.0).floor());
    let font = egui::FontId::proportional(14.0 * scale);
    let galley = ui.painter().layout_no_wrap(text.clone(), font, Color32::from_gray(235));
    let dot = 5.0 * scale;
    let size = galley.size() + egui::vec2(dot * 2.0 + 20.0, 8.0);
    let r = Rect::from_min_size(egui::pos2(rect.right() - size.x - 10.0, rect.top() + 8.0), size);
    ui.painter().rect_filled(r, 6.0, Color32::from_black_alpha(150));
    ui.painter().circle_filled(egui::pos2(r.left() + 8.0 + dot, r.center().y), dot, Color32::from_rgb(220, 50, 47));
    ui.painter().galley(egui::pos2(r.left() + 14.0 + dot * 2.0, r.top() + 4.0), galley, Color32::from_gray(235));
    ui.scope_builder(egui::UiBuilder::new().max_rect(r), |ui| {
        ui.label(egui::RichText::new(text).size(1.0).color(Color32::TRANSPARENT));
    });
}

/// Draws one pane into `rect` (clipped to it), its caption fitted to its width.
fn show_pane(
    ui: &mut Ui,
    rect: Rect,
    content: ViewContent<'_>,
    large: bool,
    recording: Option<f64>,
) -> (Rect, egui::Response) {
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
        ui.set_clip_rect(rect.intersect(ui.clip_rect()));
        // The caption starts at the picture's left edge (as `patient::show` draws it) and ends before the pane's
        // right edge, or before the recording indicator.
        let picture = match content.view.filter(|_| content.texture.is_some()) {
            Some(v) => patient::fit(rect, v.width as f32 / v.height.max(1) as f32),
            None => rect,
        };
        let room = rect.right() - picture.left() - 20.0 - if recording.is_some() { REC_ROOM } else { 0.0 };
        let fitted = content.caption.map(|c| fit_caption(ui.ctx(), c, room.max(20.0), large));
        let out = patient::show(ui, &ViewContent { caption: fitted.as_deref(), ..content }, large);
        if let Some(t) = recording {
            recording_indicator(ui, rect, t, large);
        }
        out
    })
    .inner
}

/// Draws the patient's pane and, if given, the reference pane beside or below it (arranged by [`arrange`]), each
/// clipped to its own rectangle with its caption fitted, and the recording indicator over the patient's pane while
/// `recording` (seconds recorded). Returns the patient pane's image rectangle and response (for picking joints).
pub fn show_panes(
    ui: &mut Ui,
    main: ViewContent<'_>,
    second: Option<ViewContent<'_>>,
    layout: Layout,
    large: bool,
    recording: Option<f64>,
) -> (Rect, egui::Response) {
    let avail = ui.available_rect_before_wrap();
    let Some(second) = second else {
        return show_pane(ui, avail, main, large, recording);
    };
    let aspect = |c: &ViewContent<'_>| c.view.map_or(16.0 / 9.0, |v| v.width as f32 / v.height.max(1) as f32);
    let (a, b, _) = arrange(avail, layout, (aspect(&main), aspect(&second)));
    ui.painter().rect_filled(avail, 0.0, Color32::BLACK);
    let out = show_pane(ui, a, main, large, recording);
    show_pane(ui, b, second, large, None);
    out
}
