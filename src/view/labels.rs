//! Overlay labels that never overlap: which joints get a name, what the name says, and where each label goes.
//!
//! The drawing code measures each text and asks [`place_labels`] where to put it: the layout tries spots around the
//! point it names, nearest first, then further out with a leader line back to the point, and leaves out a label that
//! finds no free spot inside the picture. Joint angles are placed by the same layout (before the names, so a number
//! the therapist asked for wins over a name). All in screen pixels; nothing here knows egui.

use crate::pose::{Joint, Side};
use crate::view::geometry::Rect;

/// The joints that get a name on the overlay: the main joints of the limbs. Face points (eyes, ears, mouth, nose)
/// and hand and foot points (BlazePose's fingers, heels, toes) are drawn but not named: their names piled up on the
/// face and hands.
pub fn is_labelled(joint: Joint) -> bool {
    use Joint::*;
    matches!(
        joint,
        LeftShoulder
            | RightShoulder
            | LeftElbow
            | RightElbow
            | LeftWrist
            | RightWrist
            | LeftHip
            | RightHip
            | LeftKnee
            | RightKnee
            | LeftAnkle
            | RightAnkle
    )
}

/// A joint's short name with the patient's own side: "L wrist", "R knee", "nose"; a reflected copy (split
/// reflection) adds "(mirror)".
pub fn joint_label(joint: Joint, reflected: bool) -> String {
    let name = joint.name();
    let mut text = match joint.side() {
        Side::Left => format!("L {}", name.trim_start_matches("left_").trim_end_matches("_left").replace('_', " ")),
        Side::Right => format!("R {}", name.trim_start_matches("right_").trim_end_matches("_right").replace('_', " ")),
        Side::Midline => name.replace('_', " "),
    };
    if reflected {
        text.push_str(" (mirror)");
    }
    text
}

/// An angle as the overlay prints it: whole degrees ("92°").
pub fn angle_label(degrees: f32) -> String {
    // (Rounded first, so a −0.4° never prints as "-0°".)
    format!("{:.0}°", degrees.round() + 0.0)
}

/// A label the overlay shows: its text, the joint it is about, where that joint is shown (normalised to the
/// displayed image) and its priority for [`place_labels`].
#[derive(Clone, Debug, PartialEq)]
pub struct OverlayText {
    /// The text ("L knee", "R shoulder (mirror)", "92°").
    pub text: String,
    /// The joint named, or the vertex of the angle.
    pub joint: Joint,
    /// Where the joint is shown, normalised to the displayed image.
    pub at: (f32, f32),
    /// 0 for angles, 1 for real joints' names, 2 for reflected copies' names.
    pub priority: u8,
    /// An angle (true) or a name.
    pub is_angle: bool,
}

/// The labels for the keypoints a view shows: names of the main joints ([`is_labelled`], when `names` is on), and
/// each of `angles` (vertex, degrees) at its vertex where that vertex is shown as itself. Texts only; their places
/// come from [`place_labels`].
pub fn overlay_texts(shown: &[crate::view::ShownKeypoint], names: bool, angles: &[(Joint, f32)]) -> Vec<OverlayText> {
    let mut out = Vec::new();
    for &(vertex, deg) in angles {
        if let Some(k) = shown.iter().find(|k| k.joint == vertex && !k.reflected) {
            out.push(OverlayText {
                text: angle_label(deg),
                joint: vertex,
                at: (k.x, k.y),
                priority: 0,
                is_angle: true,
            });
        }
    }
    if names {
        for k in shown.iter().filter(|k| is_labelled(k.joint)) {
            out.push(OverlayText {
                text: joint_label(k.joint, k.reflected),
                joint: k.joint,
                at: (k.x, k.y),
                priority: if k.reflected { 2 } else { 1 },
                is_angle: false,
            });
        }
    }
    out
}

/// One label to place.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelRequest {
    /// The point it names, pixels.
    pub anchor: (f32, f32),
    /// The text's size (width, height), pixels.
    pub size: (f32, f32),
    /// Placed in increasing order: 0 first (angles), then names of real joints, then of reflected copies.
    pub priority: u8,
}

/// Where a label went.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacedLabel {
    /// The index of its request.
    pub index: usize,
    /// The text's rectangle, pixels.
    pub rect: Rect,
    /// A line from the point to the label (`None` when the label sits right by its point).
    pub leader: Option<((f32, f32), (f32, f32))>,
}

/// Spacing of the layout, pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelSpacing {
    /// Distance from the point to the nearest label spot (about the joint dot's radius plus a little).
    pub gap: f32,
    /// Free space kept between two labels.
    pub margin: f32,
    /// A label that cannot be placed within this distance of its point is left out.
    pub max_distance: f32,
}

impl LabelSpacing {
    /// The spacing for joint dots of radius `dot` pixels.
    pub fn for_dot(dot: f32) -> LabelSpacing {
        let gap = (dot * 1.5).max(3.0);
        LabelSpacing { gap, margin: 2.0, max_distance: gap * 10.0 }
    }
}

/// Places `requests` inside `bounds` (the picture on screen) without overlapping each other or any of `avoid` (the
/// joint dots, so a label never hides a point). Labels are taken in order of priority; each takes the first free
/// spot around its point (right-above, left-above, right-below, left-below, right, left, above, below), nearest
/// first, then the same spots further out with a leader line; a label with no free spot is left out.
pub fn place_labels(
    requests: &[LabelRequest],
    bounds: &Rect,
    avoid: &[Rect],
    spacing: LabelSpacing,
) -> Vec<PlacedLabel> {
    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (&requests[a], &requests[b]);
        ra.priority
            .cmp(&rb.priority)
            .then(ra.anchor.1.total_cmp(&rb.anchor.1))
            .then(ra.anchor.0.total_cmp(&rb.anchor.0))
    });
    let mut placed: Vec<PlacedLabel> = Vec::with_capacity(requests.len());
    let rings: Vec<f32> = {
        let mut r = vec![spacing.gap];
        let mut d = spacing.gap * 2.5;
        while d <= spacing.max_distance {
            r.push(d);
            d += spacing.gap * 1.5;
        }
        r
    };
    for i in order {
        let req = &requests[i];
        let (ax, ay) = req.anchor;
        let (w, h) = req.size;
        if !bounds.contains(req.anchor) || w <= 0.0 || h <= 0.0 {
            continue;
        }
        let found = rings.iter().enumerate().find_map(|(ring, &r)| {
            // The diagonal spots sit a little closer, so the text's corner, not its edge, is `r` from the point.
            let d = r * std::f32::consts::FRAC_1_SQRT_2;
            let spots = [
                (ax + d, ay - d - h),
                (ax - d - w, ay - d - h),
                (ax + d, ay + d),
                (ax - d - w, ay + d),
                (ax + r, ay - h / 2.0),
                (ax - r - w, ay - h / 2.0),
                (ax - w / 2.0, ay - r - h),
                (ax - w / 2.0, ay + r),
            ];
            spots.into_iter().map(|min| Rect::from_min_size(min, (w, h))).find_map(|rect| {
                let free = bounds.contains_rect(&rect)
                    && !placed.iter().any(|p| p.rect.expand(spacing.margin).overlaps(&rect))
                    && !avoid.iter().any(|a| a.overlaps(&rect));
                free.then_some((ring, rect))
            })
        });
        if let Some((ring, rect)) = found {
            let leader = (ring > 0).then(|| (req.anchor, rect.nearest_point(req.anchor)));
            placed.push(PlacedLabel { index: i, rect, leader });
        }
    }
    placed.sort_by_key(|p| p.index);
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(anchor: (f32, f32), chars: usize, priority: u8) -> LabelRequest {
        LabelRequest { anchor, size: (6.0 * chars as f32, 12.0), priority }
    }

    fn no_overlaps(placed: &[PlacedLabel]) {
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                assert!(!a.rect.overlaps(&b.rect), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn a_joint_and_its_mirror_copy_at_the_seam_do_not_overlap() {
        // "R shoulder" and "R shoulder (mirror)" 8 px apart on either side of the seam.
        let bounds = Rect::new(0.0, 0.0, 640.0, 480.0);
        let requests = [req((316.0, 200.0), 10, 1), req((324.0, 200.0), 19, 2)];
        let placed = place_labels(&requests, &bounds, &[], LabelSpacing::for_dot(4.0));
        assert_eq!(placed.len(), 2);
        no_overlaps(&placed);
        assert!(placed.iter().all(|p| bounds.contains_rect(&p.rect)));
    }

    #[test]
    fn crowded_labels_move_out_with_a_leader_or_are_left_out() {
        // Twenty labels on nearly the same spot in a small picture.
        let bounds = Rect::new(0.0, 0.0, 200.0, 120.0);
        let requests: Vec<LabelRequest> = (0..20).map(|i| req((100.0 + i as f32, 60.0), 8, 1)).collect();
        let placed = place_labels(&requests, &bounds, &[], LabelSpacing::for_dot(4.0));
        assert!(placed.len() >= 6 && placed.len() < 20, "{} placed", placed.len());
        no_overlaps(&placed);
        assert!(placed.iter().any(|p| p.leader.is_some()), "the ones pushed out point back");
        for p in &placed {
            assert!(bounds.contains_rect(&p.rect));
            if let Some((from, to)) = p.leader {
                assert_eq!(from, requests[p.index].anchor);
                assert!(p.rect.expand(0.01).contains(to));
            }
        }
    }

    #[test]
    fn angles_go_first_and_labels_avoid_the_dots() {
        let bounds = Rect::new(0.0, 0.0, 400.0, 400.0);
        // An angle and a name at the same knee: the angle keeps the nearest spot.
        let requests = [req((200.0, 200.0), 10, 1), req((200.0, 200.0), 4, 0)];
        let dot = Rect::new(195.0, 195.0, 205.0, 205.0);
        let placed = place_labels(&requests, &bounds, &[dot], LabelSpacing::for_dot(5.0));
        assert_eq!(placed.len(), 2);
        no_overlaps(&placed);
        assert!(placed[1].leader.is_none(), "the angle sits by its joint");
        assert!(placed.iter().all(|p| !p.rect.overlaps(&dot)));
    }

    #[test]
    fn names_and_angles_read_well() {
        assert_eq!(joint_label(Joint::LeftWrist, false), "L wrist");
        assert_eq!(joint_label(Joint::RightShoulder, true), "R shoulder (mirror)");
        assert_eq!(joint_label(Joint::RightFootIndex, false), "R foot index");
        assert_eq!(joint_label(Joint::Nose, false), "nose");
        assert_eq!(angle_label(-0.4), "0°");
        assert_eq!(angle_label(174.4), "174°");
        assert!(is_labelled(Joint::LeftKnee) && !is_labelled(Joint::LeftPinky) && !is_labelled(Joint::MouthLeft));
        assert!(!is_labelled(Joint::LeftEye) && !is_labelled(Joint::Nose));
    }
}
