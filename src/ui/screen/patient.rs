//! One pane of the patient screen: only the (mirrored) image, the chosen overlay, and calm, large messages.

use egui::{Align2, Color32, FontId, Rect, Ui};

use crate::pose::Pose;
use crate::ui::overlay;
use crate::ui::settings::OverlaySettings;
use crate::view::ViewTransform;

/// What the view needs to draw one frame.
#[derive(Default)]
pub struct ViewContent<'a> {
    /// The uploaded display image.
    pub texture: Option<&'a egui::TextureHandle>,
    /// How the frame is shown.
    pub view: Option<&'a ViewTransform>,
    /// The pose in the frame.
    pub pose: Option<&'a Pose>,
    /// Overlay settings; `None` = no overlay.
    pub overlay: Option<&'a OverlaySettings>,
    /// A short label in a corner (for example "Recording: squats.mp4").
    pub caption: Option<&'a str>,
    /// A message over the image (for example "Camera disconnected: reconnecting").
    pub message: Option<String>,
    /// The posture cue to show.
    pub cue: Option<CueDisplay>,
    /// Joints picked so far on the therapist's preview (angle picking).
    pub picked: Vec<crate::pose::Joint>,
    /// Checkpoint values to draw at their joints (display-normalised position, text, colour): the therapist's view.
    pub marks: Vec<overlay::Mark>,
    /// The reference skeleton drawn over the patient, with the joints that differ most.
    pub ghost: Option<GhostDisplay>,
    /// A short score in the top-right corner ("Match 86%").
    pub badge: Option<String>,
    /// Repetition counts and the hold timer, large, for the patient ("3 repetitions", "Hold 4 s of 10 s").
    pub counts: Vec<String>,
    /// The hands (21 landmarks each), drawn with the overlay.
    pub hands: Vec<crate::hands::Hand>,
    /// Hand mirror therapy's hand ghost (the healthy hand mirrored over the affected one), drawn with its
    /// similarity per finger.
    pub hand_ghost: Option<crate::hands::ghost::HandGhost>,
    /// A balance trial: its count-down or timer (in the cue's place when there is no cue) and the target.
    pub balance: Option<crate::ui::balance::BalanceDisplay>,
}

/// The ghost: a pose in the patient's frame (normalised) and the joints to highlight.
#[derive(Clone, Debug)]
pub struct GhostDisplay {
    /// The ghost pose.
    pub pose: Pose,
    /// Joints that differ most from the patient's.
    pub differ: Vec<crate::pose::Joint>,
}

/// The ghost's colour: a soft white, so it reads as a guide and not as the patient.
pub const GHOST_COLOR: Color32 = Color32::from_rgba_premultiplied(200, 200, 200, 200);
/// The colour of joints that differ from the reference.
pub const DIFFER_COLOR: Color32 = Color32::from_rgb(240, 90, 80);

/// A posture cue on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct CueDisplay {
    /// The text, large and calm.
    pub text: String,
    /// Where the body part is on the displayed image (normalised), for a highlight.
    pub focus: Option<(f32, f32)>,
}

/// The cue colour: a calm amber.
pub const CUE_COLOR: Color32 = Color32::from_rgb(255, 214, 120);

/// The largest rectangle of `aspect` (width / height) centred in `avail`.
pub fn fit(avail: Rect, aspect: f32) -> Rect {
    if aspect <= 0.0 || avail.width() <= 0.0 || avail.height() <= 0.0 {
        return avail;
    }
    let (w, h) = if avail.width() / avail.height() > aspect {
        (avail.height() * aspect, avail.height())
    } else {
        (avail.width(), avail.width() / aspect)
    };
    Rect::from_center_size(avail.center(), egui::vec2(w, h))
}

/// Draws the view into all of `ui`'s available space, on black. `large` scales text for a patient across the room.
pub fn show(ui: &mut Ui, content: &ViewContent<'_>, large: bool) -> (Rect, egui::Response) {
    let avail = ui.available_rect_before_wrap();
    ui.painter().rect_filled(avail, 0.0, Color32::BLACK);
    let scale: f32 = if large { 2.0 } else { 1.0 };
    let mut image_rect = avail;
    if let (Some(tex), Some(view)) = (content.texture, content.view) {
        image_rect = fit(avail, view.width as f32 / view.height.max(1) as f32);
        ui.painter().image(
            tex.id(),
            image_rect,
            Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
            Color32::WHITE,
        );
        if let Some(pose) = content.pose {
            // Without an overlay, only the checkpoint values (if any) are drawn.
            let bare;
            let ov = match content.overlay {
                Some(ov) => ov,
                None => {
                    bare = OverlaySettings { skeleton: false, labels: false, angles: Vec::new(), ..Default::default() };
                    &bare
                }
            };
            overlay::paint(ui.painter(), image_rect, pose, view, ov, &content.marks, scale.min(1.5));
        }
        if content.overlay.is_some_and(|o| o.skeleton) {
            overlay::paint_hands(ui.painter(), image_rect, &content.hands, view, scale.min(1.5));
        }
        if let Some(g) = &content.hand_ghost {
            overlay::paint_hand_ghost(ui.painter(), image_rect, g, view, (GHOST_COLOR, scale.min(1.5)));
        }
        if let Some(g) = &content.ghost {
            paint_ghost(ui, image_rect, g, view, content.overlay.map_or(0.3, |o| o.min_score), scale.min(1.5));
        }
    } else if content.message.is_none() {
        ui.painter().text(
            avail.center(),
            Align2::CENTER_CENTER,
            "Starting…",
            FontId::proportional(18.0 * scale),
            Color32::from_gray(180),
        );
    }
    if let Some(c) = content.caption {
        ui.painter().text(
            image_rect.left_top() + egui::vec2(10.0, 8.0),
            Align2::LEFT_TOP,
            c,
            FontId::proportional(13.0 * scale.min(1.4)),
            Color32::from_gray(230),
        );
    }
    if let Some(m) = &content.message {
        // Wrapped to the pane, so a message fits a half-width pane too.
        let size = (20.0 * scale).min(avail.width() / 16.0).max(13.0);
        let color = Color32::from_rgb(250, 220, 120);
        let galley = ui.painter().layout(m.clone(), FontId::proportional(size), color, avail.width() * 0.8 - 24.0);
        let r = Rect::from_center_size(avail.center(), galley.size() + egui::vec2(24.0, 16.0));
        ui.painter().rect_filled(r, 12.0, Color32::from_black_alpha(190));
        ui.painter().galley(r.min + egui::vec2(12.0, 8.0), galley, color);
    }
    let caption_height = 16.0 + 13.0 * scale.min(1.4);
    let mut below_cue = image_rect.top();
    if let Some(cue) = &content.cue {
        if let Some((fx, fy)) = cue.focus {
            let p = image_rect.min + egui::vec2(fx * image_rect.width(), fy * image_rect.height());
            let r = image_rect.width().min(image_rect.height()) * 0.06;
            ui.painter().circle_stroke(p, r, egui::Stroke::new(4.0 * scale.min(1.5), CUE_COLOR));
        }
        // Below the caption line, if any.
        let top = image_rect.top() + if content.caption.is_some() { caption_height } else { 0.0 };
        let (galley, band) = cue_layout(ui, &cue.text, image_rect, top, scale);
        below_cue = band.bottom();
        ui.painter().rect_filled(band, 0.0, Color32::from_black_alpha(200));
        let at = egui::pos2(band.center().x - galley.size().x / 2.0, band.top() + CUE_PAD);
        ui.painter().galley(at, galley, CUE_COLOR);
        accessible_text(ui, band, &format!("Cue: {}", cue.text));
    }
    if let Some(b) = &content.balance {
        if content.cue.is_none() {
            let top = image_rect.top() + if content.caption.is_some() { caption_height } else { 0.0 };
            let (galley, band) = cue_layout(ui, &b.headline, image_rect, top, scale);
            below_cue = band.bottom();
            ui.painter().rect_filled(band, 0.0, Color32::from_black_alpha(200));
            let at = egui::pos2(band.center().x - galley.size().x / 2.0, band.top() + CUE_PAD);
            ui.painter().galley(at, galley, Color32::WHITE);
            accessible_text(ui, band, &format!("Balance: {}", b.headline));
        }
        if let Some(t) = &b.target {
            paint_target(ui, image_rect, t, scale);
        }
    }
    if let (Some(pose), Some(view)) = (content.pose, content.view) {
        // Angle being picked: the joints clicked so far.
        let pts: Vec<egui::Pos2> = content
            .picked
            .iter()
            .filter_map(|j| pose.get(*j))
            .map(|k| view.map_real(k.x, k.y))
            .map(|(x, y)| image_rect.min + egui::vec2(x * image_rect.width(), y * image_rect.height()))
            .collect();
        for w in pts.windows(2) {
            ui.painter().line_segment([w[0], w[1]], egui::Stroke::new(3.0, Color32::WHITE));
        }
        for p in &pts {
            ui.painter().circle_stroke(*p, 10.0, egui::Stroke::new(3.0, Color32::WHITE));
        }
    }
    if let Some(b) = &content.badge {
        let font = FontId::proportional(22.0 * scale.min(1.6));
        let galley = ui.painter().layout_no_wrap(b.clone(), font, Color32::WHITE);
        let r = Rect::from_min_size(
            // Below the caption line, so a long caption is never covered.
            egui::pos2(
                image_rect.right() - galley.size().x - 26.0,
                (image_rect.top() + 12.0 + 22.0 * scale.min(1.4)).max(below_cue + 6.0),
            ),
            galley.size() + egui::vec2(16.0, 8.0),
        );
        ui.painter().rect_filled(r, 8.0, Color32::from_black_alpha(170));
        ui.painter().galley(r.min + egui::vec2(8.0, 4.0), galley, Color32::WHITE);
        accessible_text(ui, r, b);
    }
    if !content.counts.is_empty() {
        // Large, in the bottom-left corner, one line each.
        let font = FontId::proportional(28.0 * scale.min(1.6));
        let mut y = image_rect.bottom() - 10.0;
        for text in content.counts.iter().rev() {
            let galley = ui.painter().layout_no_wrap(text.clone(), font.clone(), Color32::WHITE);
            let r = Rect::from_min_size(
                egui::pos2(image_rect.left() + 10.0, y - galley.size().y - 8.0),
                galley.size() + egui::vec2(16.0, 8.0),
            );
            ui.painter().rect_filled(r, 8.0, Color32::from_black_alpha(170));
            ui.painter().galley(r.min + egui::vec2(8.0, 4.0), galley, Color32::WHITE);
            accessible_text(ui, r, &format!("Count: {text}"));
            y = r.top() - 6.0;
        }
    }
    let response = ui.allocate_rect(avail, egui::Sense::click());
    (image_rect, response)
}

/// Space around the cue's text, points.
const CUE_PAD: f32 = 10.0;

/// The cue's text and its band: at the top of the image (the feet, where most corrections look, stay clear),
/// wrapped to the pane's width and made smaller until it fits in a third of the pane's height, never cut.
fn cue_layout(ui: &Ui, text: &str, image: Rect, top: f32, scale: f32) -> (std::sync::Arc<egui::Galley>, Rect) {
    let width = (image.width() - 2.0 * CUE_PAD).max(40.0);
    let max_height = (image.height() / 3.0).max(40.0);
    let mut size = 30.0 * scale;
    let galley = loop {
        let job = egui::text::LayoutJob::simple(text.to_owned(), FontId::proportional(size), CUE_COLOR, width);
        let galley = ui.painter().layout_job(job);
        let fits = galley.size().y <= max_height && galley.size().x <= width + 0.5;
        if fits || size <= 12.0 {
            break galley;
        }
        size = (size * 0.85).max(12.0);
    };
    let band =
        Rect::from_min_size(egui::pos2(image.left(), top), egui::vec2(image.width(), galley.size().y + 2.0 * CUE_PAD));
    (galley, band)
}

/// Text painted on the image made readable by assistive technology (and UI tests): an invisible label over `rect`.
fn accessible_text(ui: &mut Ui, rect: Rect, text: &str) {
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
        ui.label(egui::RichText::new(text).size(1.0).color(Color32::TRANSPARENT));
    });
}

/// Colours of the balance target: calm green inside, the cue's amber outside.
const TARGET_IN: Color32 = Color32::from_rgb(120, 220, 140);

/// The balance target over the feet: a ring of the target's radius, a cross at its centre, the centre of mass as
/// a dot (towards the person's left as the view shows it, forwards drawn upwards), and "left" on the person's
/// left side of the ring.
fn paint_target(ui: &mut Ui, rect: Rect, t: &crate::ui::balance::TargetDisplay, scale: f32) {
    let radius = rect.width().min(rect.height()) * 0.12;
    let margin = radius + 6.0;
    let c = rect.min + egui::vec2(t.centre.0 * rect.width(), t.centre.1 * rect.height());
    // Kept whole inside the picture (feet near its bottom edge).
    let c = egui::pos2(
        c.x.clamp(rect.left() + margin, (rect.right() - margin).max(rect.left() + margin)),
        c.y.clamp(rect.top() + margin, (rect.bottom() - margin).max(rect.top() + margin)),
    );
    let left = egui::vec2(t.left.0 * rect.width(), t.left.1 * rect.height());
    let left = if left.length() > 0.0 { left / left.length() } else { egui::vec2(1.0, 0.0) };
    // Forwards is drawn upwards, whatever the view.
    let up = egui::vec2(0.0, -1.0);
    let color = if t.inside { TARGET_IN } else { CUE_COLOR };
    let painter = ui.painter();
    painter.circle_filled(c, radius, Color32::from_black_alpha(90));
    painter.circle_stroke(c, radius, egui::Stroke::new(3.0 * scale.min(1.5), color));
    let arm = radius * 0.15;
    let thin = egui::Stroke::new(1.5, Color32::from_gray(200));
    painter.line_segment([c - egui::vec2(arm, 0.0), c + egui::vec2(arm, 0.0)], thin);
    painter.line_segment([c - egui::vec2(0.0, arm), c + egui::vec2(0.0, arm)], thin);
    if let Some(g) = t.goal {
        // The drill's goal on the ring: a thick white ring to lean towards.
        let at = c + (g.0 * left + g.1 * up) * radius;
        painter.line_segment([c, at], egui::Stroke::new(2.0, Color32::from_white_alpha(120)));
        painter.circle_stroke(at, radius * 0.24, egui::Stroke::new(4.0 * scale.min(1.5), Color32::WHITE));
    }
    // Beyond the ring the dot waits on its edge, pointing the way back.
    let d = t.dot.0 * left + t.dot.1 * up;
    let d = if d.length() > 1.2 { d / d.length() * 1.2 } else { d };
    painter.circle_filled(c + d * radius, radius * 0.16, color);
    painter.text(
        c + left * (radius + 4.0),
        if left.x >= 0.0 { Align2::LEFT_CENTER } else { Align2::RIGHT_CENTER },
        "left",
        FontId::proportional(14.0 * scale.min(1.5)),
        Color32::from_gray(220),
    );
    accessible_text(
        ui,
        egui::Rect::from_center_size(c, egui::vec2(2.0 * radius, 2.0 * radius)),
        &format!("Balance target: {}", if t.inside { "inside" } else { "outside" }),
    );
}

/// The ghost skeleton, thin and soft, with rings on the joints that differ most.
fn paint_ghost(ui: &Ui, rect: Rect, g: &GhostDisplay, view: &ViewTransform, min_score: f32, scale: f32) {
    let to_screen = |j: crate::pose::Joint| {
        let k = g.pose.get_confident(j, min_score)?;
        let (x, y) = view.map_real(k.x, k.y);
        Some(rect.min + egui::vec2(x * rect.width(), y * rect.height()))
    };
    let width = (rect.width() / 300.0).clamp(1.5, 5.0) * scale;
    for &(a, b) in g.pose.skeleton.bones() {
        if let (Some(pa), Some(pb)) = (to_screen(a), to_screen(b)) {
            ui.painter().line_segment([pa, pb], egui::Stroke::new(width, GHOST_COLOR));
        }
    }
    for j in &g.differ {
        if let Some(p) = to_screen(*j) {
            ui.painter().circle_stroke(p, 14.0 * scale, egui::Stroke::new(3.0 * scale, DIFFER_COLOR));
        }
    }
}
