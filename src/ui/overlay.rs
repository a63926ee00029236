//! Drawing the pose over the displayed image, with egui.
//!
//! Real joints are filled discs and solid bones; reflected copies (split reflection) are hollow rings and thin,
//! translucent bones, labelled "(mirror)". Colours follow the patient's own sides: left blue, right orange.

use egui::{Color32, Painter, Pos2, Rect, Stroke};

use super::settings::OverlaySettings;
use crate::pose::angles::JointAngle;
use crate::pose::{Joint, Pose, Side};
use crate::view::{ShownKeypoint, ViewTransform, shown_keypoints};

/// The patient's left side.
pub const LEFT: Color32 = Color32::from_rgb(0, 114, 178);
/// The patient's right side.
pub const RIGHT: Color32 = Color32::from_rgb(230, 159, 0);
/// The midline.
pub const MIDLINE: Color32 = Color32::from_rgb(240, 240, 240);

/// The colour of a side.
pub fn side_color(side: Side) -> Color32 {
    match side {
        Side::Left => LEFT,
        Side::Right => RIGHT,
        Side::Midline => MIDLINE,
    }
}

/// Short label for a joint with the patient's side: "L wrist", "R knee", "nose".
pub fn short_label(joint: Joint) -> String {
    let name = joint.name();
    match joint.side() {
        Side::Left => format!("L {}", name.trim_start_matches("left_").trim_end_matches("_left").replace('_', " ")),
        Side::Right => format!("R {}", name.trim_start_matches("right_").trim_end_matches("_right").replace('_', " ")),
        Side::Midline => name.replace('_', " "),
    }
}

/// Paints `pose` as `view` shows it, inside `rect` (where the displayed image is drawn).
pub fn paint(painter: &Painter, rect: Rect, pose: &Pose, view: &ViewTransform, settings: &OverlaySettings, scale: f32) {
    let shown = shown_keypoints(pose, view, settings.min_score);
    let to_screen = |k: &ShownKeypoint| Pos2::new(rect.left() + k.x * rect.width(), rect.top() + k.y * rect.height());
    let width = (rect.width() / 250.0).clamp(1.5, 6.0) * scale;
    if settings.skeleton {
        for &(a, b) in pose.skeleton.bones() {
            for reflected in [false, true] {
                let find = |j: Joint| shown.iter().find(|k| k.joint == j && k.reflected == reflected);
                let (Some(ka), Some(kb)) = (find(a), find(b)) else { continue };
                let side = if a.side() == b.side() { a.side() } else { Side::Midline };
                let color = side_color(side);
                let stroke = if reflected {
                    Stroke::new(width * 0.6, color.gamma_multiply(0.55))
                } else {
                    Stroke::new(width, color)
                };
                painter.line_segment([to_screen(ka), to_screen(kb)], stroke);
            }
        }
        for k in &shown {
            let c = side_color(k.joint.side());
            let p = to_screen(k);
            if k.reflected {
                painter.circle_stroke(p, width * 1.4, Stroke::new(width * 0.6, c.gamma_multiply(0.7)));
            } else {
                painter.circle_filled(p, width * 1.6, Color32::from_black_alpha(160));
                painter.circle_filled(p, width * 1.1, c);
            }
        }
    }
    if settings.labels {
        for k in &shown {
            let mut text = short_label(k.joint);
            if k.reflected {
                text.push_str(" (mirror)");
            }
            painter.text(
                to_screen(k) + egui::vec2(width * 2.0, -width * 2.0),
                egui::Align2::LEFT_BOTTOM,
                text,
                egui::FontId::proportional(11.0 * scale),
                side_color(k.joint.side()),
            );
        }
    }
    for angle in &settings.angles {
        let Some(deg) = angle.measure(pose, settings.min_score) else { continue };
        let vertex = angle.joints()[1];
        let Some(k) = pose.get(vertex) else { continue };
        if view.is_hidden(k.x, k.y) {
            continue;
        }
        let (x, y) = view.map_real(k.x, k.y);
        let p = Pos2::new(rect.left() + x * rect.width(), rect.top() + y * rect.height());
        let text = format!("{deg:.0}°");
        let galley_pos = p + egui::vec2(width * 3.0, width * 3.0);
        painter.text(
            galley_pos + egui::vec2(1.0, 1.0),
            egui::Align2::LEFT_TOP,
            &text,
            egui::FontId::proportional(16.0 * scale),
            Color32::BLACK,
        );
        painter.text(
            galley_pos,
            egui::Align2::LEFT_TOP,
            &text,
            egui::FontId::proportional(16.0 * scale),
            side_color(vertex.side()),
        );
    }
}

/// The angle readouts as text lines ("Left elbow 92°"), for the therapist's panel.
pub fn angle_lines(pose: Option<&Pose>, angles: &[JointAngle], min_score: f32) -> Vec<String> {
    angles
        .iter()
        .map(|a| match pose.and_then(|p| a.measure(p, min_score)) {
            Some(d) => format!("{} {d:.0}°", a.label()),
            None => format!("{} not visible", a.label()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_carry_the_patients_side() {
        assert_eq!(short_label(Joint::LeftWrist), "L wrist");
        assert_eq!(short_label(Joint::RightFootIndex), "R foot index");
        assert_eq!(short_label(Joint::MouthLeft), "L mouth");
        assert_eq!(short_label(Joint::Nose), "nose");
    }
}
