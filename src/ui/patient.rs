//! The patient screen: only the (mirrored) image, the chosen overlay, and calm, large messages.

use egui::{Align2, Color32, FontId, Rect, Ui};

use super::overlay;
use super::settings::OverlaySettings;
use crate::pose::Pose;
use crate::view::ViewTransform;

/// What the view needs to draw one frame.
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
    pub message: Option<&'a str>,
}

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
pub fn show(ui: &mut Ui, content: &ViewContent<'_>, large: bool) -> Rect {
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
        if let (Some(pose), Some(ov)) = (content.pose, content.overlay) {
            overlay::paint(ui.painter(), image_rect, pose, view, ov, scale.min(1.5));
        }
    } else {
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
    if let Some(m) = content.message {
        let r = Rect::from_center_size(avail.center(), egui::vec2(avail.width() * 0.8, 60.0 * scale));
        ui.painter().rect_filled(r, 12.0, Color32::from_black_alpha(190));
        ui.painter().text(
            r.center(),
            Align2::CENTER_CENTER,
            m,
            FontId::proportional(20.0 * scale),
            Color32::from_rgb(250, 220, 120),
        );
    }
    ui.allocate_rect(avail, egui::Sense::hover());
    image_rect
}
