//! Drawing the pose over the displayed image, with egui.
//!
//! Real joints are filled discs and solid bones; reflected copies (split reflection) are hollow rings and thin,
//! translucent bones, labelled "(mirror)". Colours follow the patient's own sides: left blue, right orange.
//! Everything stays on the picture (points off it are left out, bones are clipped: [`crate::view::shown_keypoints`],
//! [`crate::view::shown_bones`]), and labels and angles are placed without overlapping by
//! [`crate::view::labels::place_labels`]. This file only measures text and paints; the geometry is the library's.

use egui::{Color32, Painter, Pos2, Rect, Stroke};

use super::settings::OverlaySettings;
use crate::pose::angles::JointAngle;
use crate::pose::{Joint, Pose, Side};
use crate::view::labels::{LabelRequest, LabelSpacing, joint_label, overlay_texts, place_labels};
use crate::view::{ViewTransform, shown_bones, shown_keypoints};

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

/// A checkpoint's value drawn at its joint on the therapist's view: where (normalised to the displayed image), the
/// text with its unit, and the colour of its state.
pub type Mark = ((f32, f32), String, Color32);

/// Short label for a joint with the patient's side: "L wrist", "R knee", "nose" (the library's
/// [`joint_label`]).
pub fn short_label(joint: Joint) -> String {
    joint_label(joint, false)
}

fn to_view(r: Rect) -> crate::view::Rect {
    crate::view::Rect::new(r.left(), r.top(), r.right(), r.bottom())
}

fn to_egui(r: &crate::view::Rect) -> Rect {
    Rect::from_min_max(egui::pos2(r.x0, r.y0), egui::pos2(r.x1, r.y1))
}

/// Paints `pose` as `view` shows it, inside `rect` (where the displayed image is drawn), with the overlay
/// `settings` it is given (the therapist's and the patient screen's can differ: the caller passes the ones for the
/// screen it draws), and the checkpoint values `marks` at their joints; every text is placed so none covers another.
pub fn paint(
    painter: &Painter,
    rect: Rect,
    pose: &Pose,
    view: &ViewTransform,
    settings: &OverlaySettings,
    marks: &[Mark],
    scale: f32,
) {
    let picture = to_view(rect).sub(&view.picture);
    // Nothing of the overlay leaves the picture, whatever is drawn below.
    let painter = painter.with_clip_rect(to_egui(&picture));
    let shown = shown_keypoints(pose, view, settings.min_score);
    let screen = |p: (f32, f32)| Pos2::new(rect.left() + p.0 * rect.width(), rect.top() + p.1 * rect.height());
    let width = (rect.width() / 250.0).clamp(1.5, 6.0) * scale;
    let dot = width * 1.6;
    if settings.skeleton {
        for bone in shown_bones(pose, view, settings.min_score) {
            let color = side_color(bone.side());
            let stroke = if bone.reflected {
                Stroke::new(width * 0.6, color.gamma_multiply(0.55))
            } else {
                Stroke::new(width, color)
            };
            painter.line_segment([screen(bone.from), screen(bone.to)], stroke);
        }
        for k in &shown {
            let c = side_color(k.joint.side());
            let p = screen((k.x, k.y));
            if k.reflected {
                painter.circle_stroke(p, width * 1.4, Stroke::new(width * 0.6, c.gamma_multiply(0.7)));
            } else {
                painter.circle_filled(p, dot, Color32::from_black_alpha(160));
                painter.circle_filled(p, width * 1.1, c);
            }
        }
    }
    let angles: Vec<(Joint, f32)> =
        settings.angles.iter().filter_map(|a| Some((a.joints()[1], a.measure(pose, settings.min_score)?))).collect();
    // Every text over the picture goes through one placement, so none covers another or a joint's dot: the
    // checkpoint values first, then angles, then the joints' names.
    let mut items: Vec<(Pos2, std::sync::Arc<egui::Galley>, Color32, u8)> = marks
        .iter()
        .map(|((x, y), text, color)| {
            let g = painter.layout_no_wrap(text.clone(), egui::FontId::proportional(15.0 * scale), *color);
            (screen((*x, *y)), g, *color, 0)
        })
        .collect();
    for t in overlay_texts(&shown, settings.labels, &angles) {
        let size = if t.is_angle { 16.0 } else { 11.0 } * scale;
        let color = side_color(t.joint.side());
        let g = painter.layout_no_wrap(t.text.clone(), egui::FontId::proportional(size), color);
        items.push((screen(t.at), g, color, t.priority + 1));
    }
    if items.is_empty() {
        return;
    }
    let requests: Vec<LabelRequest> = items
        .iter()
        .map(|(p, g, _, priority)| LabelRequest {
            anchor: (p.x, p.y),
            size: (g.size().x, g.size().y),
            priority: *priority,
        })
        .collect();
    // Labels never cover a joint's dot (when the skeleton is drawn).
    let dots: Vec<crate::view::Rect> = if settings.skeleton {
        shown
            .iter()
            .map(|k| screen((k.x, k.y)))
            .map(|p| crate::view::Rect::new(p.x - dot, p.y - dot, p.x + dot, p.y + dot))
            .collect()
    } else {
        Vec::new()
    };
    for placed in place_labels(&requests, &picture, &dots, LabelSpacing::for_dot(dot)) {
        let (_, galley, color, _) = &items[placed.index];
        if let Some((from, to)) = placed.leader {
            painter.line_segment(
                [Pos2::new(from.0, from.1), Pos2::new(to.0, to.1)],
                Stroke::new((width * 0.4).max(1.0), color.gamma_multiply(0.8)),
            );
        }
        let at = Pos2::new(placed.rect.x0, placed.rect.y0);
        // A dark shadow keeps the text readable on any picture.
        painter.galley_with_override_text_color(at + egui::vec2(1.0, 1.0), galley.clone(), Color32::BLACK);
        painter.galley(at, galley.clone(), *color);
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

/// The hands: 21 points and their bones each, coloured by the person's side (as the body's limbs are), where
/// `view` shows them (a point on the hidden side of a split reflection is not drawn). In a split reflection the
/// reflected copy of a shown hand is drawn as the body's reflected limbs are: thin, translucent bones and hollow
/// rings (its landmarks keep their names and side).
pub fn paint_hands(painter: &Painter, rect: Rect, hands: &[crate::hands::Hand], view: &ViewTransform, scale: f32) {
    use crate::hands::HandLandmark;
    let width = (rect.width() / 400.0).clamp(1.0, 4.0) * scale;
    let to_screen = |(x, y): (f32, f32)| Pos2::new(rect.left() + x * rect.width(), rect.top() + y * rect.height());
    for hand in hands {
        let color = side_color(hand.side);
        let real = |l: HandLandmark| {
            let p = hand.get(l);
            (!view.is_hidden(p.x, p.y)).then(|| to_screen(view.map_real(p.x, p.y)))
        };
        let reflected = |l: HandLandmark| {
            let p = hand.get(l);
            if view.is_hidden(p.x, p.y) {
                return None;
            }
            view.map_reflected(p.x, p.y).filter(|q| view.on_picture(q.0, q.1)).map(to_screen)
        };
        for (a, b) in HandLandmark::CONNECTIONS {
            if let (Some(pa), Some(pb)) = (real(a), real(b)) {
                painter.line_segment([pa, pb], Stroke::new(width, color));
            }
            if let (Some(pa), Some(pb)) = (reflected(a), reflected(b)) {
                painter.line_segment([pa, pb], Stroke::new((width * 0.6).max(1.0), color.gamma_multiply(0.6)));
            }
        }
        for l in HandLandmark::ALL {
            if let Some(p) = real(l) {
                painter.circle_filled(p, width * 1.6, Color32::from_black_alpha(160));
                painter.circle_filled(p, width, color);
            }
            if let Some(p) = reflected(l) {
                painter.circle_stroke(p, width, Stroke::new((width * 0.5).max(1.0), color));
            }
        }
    }
}

/// The hand ghost: the healthy hand mirrored over the affected one in `color` (the ghost's soft white), fingertips
/// ringed, and beside it each finger's similarity ("index 92%"), thumb to little finger. Points hidden under a split
/// reflection are not drawn.
pub fn paint_hand_ghost(
    painter: &Painter,
    rect: Rect,
    ghost: &crate::hands::ghost::HandGhost,
    view: &ViewTransform,
    (color, scale): (Color32, f32),
) {
    use crate::hands::HandLandmark;
    let width = (rect.width() / 500.0).clamp(1.0, 3.0) * scale;
    let at = |l: HandLandmark| {
        let (x, y) = ghost.points[l.index()];
        (!view.is_hidden(x, y)).then(|| {
            let (x, y) = view.map_real(x, y);
            Pos2::new(rect.left() + x * rect.width(), rect.top() + y * rect.height())
        })
    };
    for (a, b) in HandLandmark::CONNECTIONS {
        if let (Some(pa), Some(pb)) = (at(a), at(b)) {
            painter.line_segment([pa, pb], Stroke::new(width, color));
        }
    }
    for m in ghost.fingers {
        if let Some(tip) = at(m.finger.tip()) {
            painter.circle_stroke(tip, width * 1.5, Stroke::new(width, color));
        }
    }
    // The similarities in a column beside the ghost (thumb to little finger), on the side away from the picture's
    // centre, so they neither cover the fingers nor each other.
    let shown: Vec<Pos2> = HandLandmark::ALL.iter().filter_map(|l| at(*l)).collect();
    if shown.is_empty() {
        return;
    }
    let (x0, x1) = shown.iter().fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p.x), b.max(p.x)));
    let y0 = shown.iter().map(|p| p.y).fold(f32::MAX, f32::min);
    let right = (x0 + x1) / 2.0 >= rect.center().x;
    let (x, align) =
        if right { (x1 + 10.0 * scale, egui::Align2::LEFT_TOP) } else { (x0 - 10.0 * scale, egui::Align2::RIGHT_TOP) };
    let font = egui::FontId::proportional(13.0 * scale);
    let line = 16.0 * scale;
    for (i, m) in ghost.fingers.iter().enumerate() {
        let pos = Pos2::new(x, y0 + i as f32 * line);
        let text = format!("{} {}%", m.finger.name(), m.percent());
        painter.text(pos + egui::vec2(1.0, 1.0), align, &text, font.clone(), Color32::BLACK);
        painter.text(pos, align, &text, font.clone(), Color32::WHITE);
    }
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
