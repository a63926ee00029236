//! The hand ghost of hand mirror therapy: the healthy hand mirrored and laid over the affected one, and how alike
//! each finger of the two hands is.
//!
//! **Placing the ghost.** The healthy hand's 21 landmarks (frame pixels) are mirrored left to right, so a left hand
//! becomes the shape of a right one, then moved, turned and scaled (no further reflection) so that its palm (the
//! wrist, the thumb's base and the four knuckles) lies on the affected hand's palm as closely as it can (least
//! squares). The fingers then show where the healthy hand's fingers would be on the affected hand: a finger that
//! bends less than its twin ends short of the ghost's fingertip.
//!
//! **Similarity per finger** compares joint flexion ([`measures`](super::measures), from the world landmarks, so a
//! mirror image measures the same): the mean absolute difference of the finger's three joint angles, in degrees,
//! and a similarity that is 100% for equal angles and falls linearly to 0% at [`ZERO_SIMILARITY_DEG`] (a straight
//! finger against a fully bent one differs by about that much at each joint).

use super::measures::{HandMeasures, measure};
use super::types::{Finger, Hand, HandLandmark, NUM_LANDMARKS};
use crate::pose::Side;

/// Mean joint-angle difference (degrees) at which a finger's similarity reaches 0%.
pub const ZERO_SIMILARITY_DEG: f32 = 90.0;

/// The landmarks that place the ghost: the palm, which does not change shape as the fingers move.
pub const PALM: [HandLandmark; 6] = [
    HandLandmark::Wrist,
    HandLandmark::ThumbCmc,
    HandLandmark::IndexMcp,
    HandLandmark::MiddleMcp,
    HandLandmark::RingMcp,
    HandLandmark::PinkyMcp,
];

/// How alike one finger of the two hands is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FingerMatch {
    /// The finger.
    pub finger: Finger,
    /// Mean absolute difference of its three joint angles, healthy against affected, degrees.
    pub difference_deg: f32,
    /// 1 for equal angles, falling linearly to 0 at [`ZERO_SIMILARITY_DEG`].
    pub similarity: f32,
}

impl FingerMatch {
    /// The similarity in whole percent, for people: "index 92%".
    pub fn percent(&self) -> u32 {
        (self.similarity.clamp(0.0, 1.0) * 100.0).round() as u32
    }
}

/// The healthy hand mirrored over the affected one, and the similarity of each finger.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandGhost {
    /// The healthy hand's side (the ghost's landmarks are its landmarks; they keep their names).
    pub healthy: Side,
    /// Where the ghost's landmarks are, normalised to the frame (origin top-left), in [`HandLandmark`] order.
    pub points: [(f32, f32); NUM_LANDMARKS],
    /// Each finger, thumb to little finger.
    pub fingers: [FingerMatch; 5],
}

/// The similarity of each finger of `healthy` and `affected` (joint flexion, see the module docs).
pub fn finger_similarity(healthy: &HandMeasures, affected: &HandMeasures) -> [FingerMatch; 5] {
    Finger::ALL.map(|finger| {
        let i = finger as usize;
        let d = (0..3).map(|j| (healthy.flexion_deg[i][j] - affected.flexion_deg[i][j]).abs()).sum::<f32>() / 3.0;
        FingerMatch { finger, difference_deg: d, similarity: (1.0 - d / ZERO_SIMILARITY_DEG).clamp(0.0, 1.0) }
    })
}

/// The healthy hand's landmarks (pixels) mirrored left to right and fitted onto the affected hand's palm (pixels):
/// the ghost's landmarks in pixels. `None` when a palm is degenerate (all its points in one place).
pub fn mirrored_onto(
    healthy: &[[f32; 2]; NUM_LANDMARKS],
    affected: &[[f32; 2]; NUM_LANDMARKS],
) -> Option<[[f32; 2]; NUM_LANDMARKS]> {
    let mirrored = healthy.map(|p| [-p[0], p[1]]);
    let centroid = |pts: &[[f32; 2]; NUM_LANDMARKS]| {
        let n = PALM.len() as f32;
        let (sx, sy) = PALM.iter().fold((0.0, 0.0), |(sx, sy), l| (sx + pts[l.index()][0], sy + pts[l.index()][1]));
        [sx / n, sy / n]
    };
    let (cs, cd) = (centroid(&mirrored), centroid(affected));
    // The similarity transform q = [a −b; b a] (p − cs) + cd that best maps the palm onto the palm (Umeyama in 2D).
    let (mut num_a, mut num_b, mut den) = (0.0f32, 0.0f32, 0.0f32);
    for l in PALM {
        let p = [mirrored[l.index()][0] - cs[0], mirrored[l.index()][1] - cs[1]];
        let q = [affected[l.index()][0] - cd[0], affected[l.index()][1] - cd[1]];
        num_a += p[0] * q[0] + p[1] * q[1];
        num_b += p[0] * q[1] - p[1] * q[0];
        den += p[0] * p[0] + p[1] * p[1];
    }
    let affected_spread: f32 =
        PALM.iter().map(|l| (affected[l.index()][0] - cd[0]).hypot(affected[l.index()][1] - cd[1])).sum();
    if den < 1e-6 || affected_spread < 1e-3 {
        return None;
    }
    let (a, b) = (num_a / den, num_b / den);
    Some(mirrored.map(|p| {
        let (x, y) = (p[0] - cs[0], p[1] - cs[1]);
        [a * x - b * y + cd[0], b * x + a * y + cd[1]]
    }))
}

/// The ghost of `healthy` over `affected` (two hands of the same frame): its landmarks and the similarity of each
/// finger. `None` when the hands are the same side, a palm is degenerate, or the measures cannot be taken.
pub fn hand_ghost(healthy: &Hand, affected: &Hand) -> Option<HandGhost> {
    if healthy.side == affected.side {
        return None;
    }
    let px = mirrored_onto(&healthy.to_pixels(), &affected.to_pixels())?;
    let (w, h) = (affected.frame_width.max(1) as f32, affected.frame_height.max(1) as f32);
    let fingers = finger_similarity(&measure(healthy)?, &measure(affected)?);
    Some(HandGhost { healthy: healthy.side, points: px.map(|p| (p[0] / w, p[1] / h)), fingers })
}

/// The ghost for a frame's hands with the `healthy` side's hand mirrored over the other side's; `None` unless both
/// hands are seen.
pub fn ghost_of(hands: &[Hand], healthy: Side) -> Option<HandGhost> {
    let h = hands.iter().find(|h| h.side == healthy)?;
    let a = hands.iter().find(|h| h.side == healthy.opposite())?;
    hand_ghost(h, a)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::hands::HandRoi;
    use crate::pose::WorldPoint;

    /// A right hand in metres, palm to the camera, fingers up, thumb side towards +x, each finger's joints flexed
    /// by `flex[finger]` degrees (the thumb straight).
    pub(crate) fn right_hand(flex: [f32; 5]) -> [[f32; 3]; NUM_LANDMARKS] {
        let mut p = [[0.0f32; 3]; NUM_LANDMARKS];
        let mcp_x = [0.02, 0.0, -0.02, -0.04];
        for (k, (f, x)) in Finger::ALL[1..].iter().zip(mcp_x).enumerate() {
            let [mcp, pip, dip, tip] = f.landmarks();
            let mut pos = [x, -0.09, 0.0];
            p[mcp.index()] = pos;
            let mut angle = 0.0f32;
            for (l, len) in [pip, dip, tip].into_iter().zip([0.045, 0.025, 0.02]) {
                angle += flex[k + 1];
                let a = angle.to_radians();
                pos = [pos[0], pos[1] - len * a.cos(), pos[2] - len * a.sin()];
                p[l.index()] = pos;
            }
        }
        let d = std::f32::consts::FRAC_1_SQRT_2;
        for (k, l) in Finger::Thumb.landmarks().into_iter().enumerate() {
            let s = 0.03 * (k + 1) as f32;
            p[l.index()] = [d * s, -d * s, 0.0];
        }
        p
    }

    /// A hand of `side` in a 1000 × 1000 unmirrored frame from points in metres: the image landmarks are the world
    /// points seen from the front (x, y), scaled by `scale` px/m, turned by `turn` radians and placed at `at` (px).
    pub(crate) fn hand_from(
        side: Side,
        world: &[[f32; 3]; NUM_LANDMARKS],
        at: (f32, f32),
        scale: f32,
        turn: f32,
    ) -> Hand {
        let (c, s) = (turn.cos(), turn.sin());
        let landmarks = world.map(|q| {
            let (x, y) = (q[0] * scale, q[1] * scale);
            crate::hands::HandPoint { x: (c * x - s * y + at.0) / 1000.0, y: (s * x + c * y + at.1) / 1000.0, z: 0.0 }
        });
        Hand {
            side,
            landmarks,
            world: world.map(|q| WorldPoint { x: q[0], y: q[1], z: q[2] }),
            score: 0.9,
            presence: 1.0,
            handedness: if side == Side::Right { 0.9 } else { 0.1 },
            roi: HandRoi { cx: at.0, cy: at.1, side: 200.0, rotation: 0.0 },
            mirrored: false,
            frame_width: 1000,
            frame_height: 1000,
        }
    }

    fn left_of(p: &[[f32; 3]; NUM_LANDMARKS]) -> [[f32; 3]; NUM_LANDMARKS] {
        p.map(|q| [-q[0], q[1], q[2]])
    }

    #[test]
    fn the_mirror_image_of_a_hand_lands_on_its_twin() {
        // The left hand is the exact mirror image of the right one, placed elsewhere, smaller and turned by 20°:
        // the ghost of the right hand falls on every one of the left hand's landmarks.
        let right = hand_from(Side::Right, &right_hand([0.0, 20.0, 20.0, 20.0, 20.0]), (300.0, 600.0), 2000.0, 0.0);
        let left_w = left_of(&right_hand([0.0, 20.0, 20.0, 20.0, 20.0]));
        let left = hand_from(Side::Left, &left_w, (700.0, 500.0), 1600.0, 20f32.to_radians());
        let g = hand_ghost(&right, &left).expect("ghost");
        assert_eq!(g.healthy, Side::Right);
        for (i, (p, q)) in g.points.iter().zip(left.landmarks.iter()).enumerate() {
            assert!((p.0 - q.x).abs() < 1e-4 && (p.1 - q.y).abs() < 1e-4, "landmark {i}: {p:?} vs {q:?}");
        }
        for f in g.fingers {
            assert!(f.difference_deg < 0.01 && f.percent() == 100, "{f:?}");
        }
    }

    #[test]
    fn a_finger_that_bends_less_reads_less_similar() {
        // Healthy right hand: every finger 30° at each joint. Affected left hand: the same, but the middle finger
        // only 10° at each joint and the little finger 75°.
        let healthy = hand_from(Side::Right, &right_hand([0.0, 30.0, 30.0, 30.0, 30.0]), (300.0, 600.0), 2000.0, 0.0);
        let affected_w = left_of(&right_hand([0.0, 30.0, 10.0, 30.0, 75.0]));
        let affected = hand_from(Side::Left, &affected_w, (700.0, 600.0), 2000.0, 0.0);
        let g = ghost_of(&[healthy, affected], Side::Right).expect("ghost");
        let by = |f: Finger| g.fingers[f as usize];
        // Middle: its knuckle is on the wrist's line, so each of its joints differs by exactly 20°.
        assert!((by(Finger::Middle).difference_deg - 20.0).abs() < 0.05, "{:?}", by(Finger::Middle));
        assert_eq!(by(Finger::Middle).percent(), 78); // 1 − 20/90
        // Little finger: PIP and DIP differ by 45°; its MCP a little less, its knuckle being off the wrist's line.
        let pinky = by(Finger::Pinky);
        assert!((40.0..=45.0).contains(&pinky.difference_deg), "{pinky:?}");
        assert!((50..=56).contains(&pinky.percent()), "{pinky:?}");
        for f in [Finger::Thumb, Finger::Index, Finger::Ring] {
            assert_eq!(by(f).percent(), 100, "{f:?}");
        }
        // Seen from the front, the healthy middle finger bends more towards the camera, so the ghost's fingertip
        // is nearer its knuckle than the affected hand's is.
        let tip = HandLandmark::MiddleTip.index();
        let mcp = HandLandmark::MiddleMcp.index();
        let real = affected.to_pixels();
        let ghost_len = (g.points[tip].0 * 1000.0 - real[mcp][0]).hypot(g.points[tip].1 * 1000.0 - real[mcp][1]);
        let real_len = (real[tip][0] - real[mcp][0]).hypot(real[tip][1] - real[mcp][1]);
        assert!(ghost_len < real_len - 5.0, "ghost {ghost_len} px, real {real_len} px");
    }

    #[test]
    fn no_ghost_without_both_hands_or_from_a_flat_palm() {
        let right = hand_from(Side::Right, &right_hand([0.0; 5]), (300.0, 600.0), 2000.0, 0.0);
        assert!(ghost_of(&[right], Side::Right).is_none());
        assert!(ghost_of(&[right], Side::Left).is_none());
        assert!(hand_ghost(&right, &right).is_none(), "the same side is no pair");
        let flat = [[5.0f32, 5.0]; NUM_LANDMARKS];
        assert!(mirrored_onto(&right.to_pixels(), &flat).is_none());
        assert!(mirrored_onto(&flat, &right.to_pixels()).is_none());
    }
}
