//! Hand measures a therapist reads: flexion of each finger joint, total active motion, hand opening, thumb
//! opposition, and wrist flexion/extension and deviation when the body pose gives the elbow.
//!
//! Finger measures use the **world landmarks** (metres, 3D), so they do not shrink when a finger points at the camera
//! the way image-plane angles do. Angles are in degrees.
//!
//! **The hand's frame.** `h` = wrist → middle-finger knuckle (the hand's long axis); `r` = little-finger knuckle →
//! index knuckle (towards the thumb, the radial side), made perpendicular to `h`; `n` = the palm's normal, pointing
//! out of the palm (volar): `r × h` for a hand that looks like a right hand in the pixels, `h × r` for one that looks
//! like a left hand (a mirror image turns one into the other, see [`Hand::appears_right`]).
//!
//! **Finger flexion** at a joint is the angle between the segment before it and the segment after it, 0° when
//! straight, positive when the finger bends towards the palm (about the axis `h × n`), negative in hyperextension:
//! MCP between wrist → MCP and MCP → PIP, PIP between MCP → PIP and PIP → DIP, DIP between PIP → DIP and DIP → tip.
//! The thumb's joints (CMC between wrist → CMC and CMC → MCP; MCP; IP) bend about an axis of their own, so their
//! angles are unsigned (0° straight).

use super::types::{Finger, Hand, HandLandmark, NUM_LANDMARKS};

type V3 = [f32; 3];

fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
fn dot(a: V3, b: V3) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
fn cross(a: V3, b: V3) -> V3 {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}
fn norm(a: V3) -> f32 {
    dot(a, a).sqrt()
}
fn unit(a: V3) -> Option<V3> {
    let n = norm(a);
    (n > 1e-9).then(|| [a[0] / n, a[1] / n, a[2] / n])
}

/// The angle between two vectors in degrees (0..=180), `None` if either is zero.
fn angle_between(u: V3, v: V3) -> Option<f32> {
    let (nu, nv) = (norm(u), norm(v));
    if nu < 1e-9 || nv < 1e-9 {
        return None;
    }
    // atan2 of the sine and cosine stays exact near 0° and 180°, where acos loses digits.
    Some(norm(cross(u, v)).atan2(dot(u, v)).to_degrees())
}

/// The hand's orthonormal frame (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandAxes {
    /// Wrist → middle-finger knuckle.
    pub long: V3,
    /// Towards the thumb's side (radial), perpendicular to `long`.
    pub radial: V3,
    /// Out of the palm (volar).
    pub palmar: V3,
}

impl HandAxes {
    /// The frame of 21 points (any consistent 3D units) of a hand that looks like a right hand (`appears_right`) or a
    /// left one; `None` for degenerate points.
    pub fn new(p: &[V3; NUM_LANDMARKS], appears_right: bool) -> Option<HandAxes> {
        let at = |l: HandLandmark| p[l.index()];
        let long = unit(sub(at(HandLandmark::MiddleMcp), at(HandLandmark::Wrist)))?;
        let across = sub(at(HandLandmark::IndexMcp), at(HandLandmark::PinkyMcp));
        let radial = unit(sub(across, scale(long, dot(across, long))))?;
        let palmar = if appears_right { cross(radial, long) } else { cross(long, radial) };
        Some(HandAxes { long, radial, palmar })
    }
}

fn scale(a: V3, s: f32) -> V3 {
    [a[0] * s, a[1] * s, a[2] * s]
}

/// Flexion at the joints of each finger, degrees: `[MCP, PIP, DIP]` for the fingers, `[CMC, MCP, IP]` for the thumb
/// (see the module docs for the signs). Indexed by [`Finger`] order.
pub type FingerAngles = [[f32; 3]; 5];

/// The measures of one hand in one frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandMeasures {
    /// Joint flexion per finger, degrees.
    pub flexion_deg: FingerAngles,
    /// Sum of each finger's three joint angles, degrees (the flexion part of total active motion).
    pub total_flexion_deg: [f32; 5],
    /// Hand opening: mean distance of the five fingertips from the palm's centre (the mean of the wrist and the four
    /// knuckles), divided by the palm size: about 1.2 for a hand of usual proportions open flat, smaller as it
    /// closes (about 0.6 in the fist of the unit tests).
    pub opening: f32,
    /// Thumb opposition: distance from the thumb tip to the index, middle, ring and little fingertips, divided by
    /// the palm size (0 = touching).
    pub opposition: [f32; 4],
    /// The same distances in millimetres (world landmarks).
    pub opposition_mm: [f32; 4],
    /// Palm size: wrist to middle-finger knuckle, millimetres.
    pub palm_size_mm: f32,
}

/// The measures of `hand`, from its world landmarks; `None` if they are degenerate.
pub fn measure(hand: &Hand) -> Option<HandMeasures> {
    let p: [V3; NUM_LANDMARKS] = hand.world.map(|w| [w.x, w.y, w.z]);
    measure_points(&p, hand.appears_right())
}

/// The measures of 21 points in metres (as [`measure`], for any source of landmarks).
pub fn measure_points(p: &[V3; NUM_LANDMARKS], appears_right: bool) -> Option<HandMeasures> {
    let axes = HandAxes::new(p, appears_right)?;
    let at = |l: HandLandmark| p[l.index()];
    let flex_axis = cross(axes.long, axes.palmar);
    let mut flexion_deg = [[0.0f32; 3]; 5];
    for (f, out) in Finger::ALL.iter().zip(flexion_deg.iter_mut()) {
        let [a, b, c, d] = f.landmarks().map(at);
        let chain = [at(HandLandmark::Wrist), a, b, c, d];
        for j in 0..3 {
            let u = sub(chain[j + 1], chain[j]);
            let v = sub(chain[j + 2], chain[j + 1]);
            let angle = angle_between(u, v)?;
            out[j] = if *f == Finger::Thumb || dot(cross(u, v), flex_axis) >= 0.0 { angle } else { -angle };
        }
    }
    let total_flexion_deg = flexion_deg.map(|a| a[0] + a[1] + a[2]);
    let palm_size = norm(sub(at(HandLandmark::MiddleMcp), at(HandLandmark::Wrist)));
    if palm_size < 1e-9 {
        return None;
    }
    let knuckles = [
        HandLandmark::Wrist,
        HandLandmark::IndexMcp,
        HandLandmark::MiddleMcp,
        HandLandmark::RingMcp,
        HandLandmark::PinkyMcp,
    ];
    let mut centre = [0.0f32; 3];
    for k in knuckles {
        centre = [centre[0] + at(k)[0] / 5.0, centre[1] + at(k)[1] / 5.0, centre[2] + at(k)[2] / 5.0];
    }
    let opening = Finger::ALL.iter().map(|f| norm(sub(at(f.tip()), centre))).sum::<f32>() / 5.0 / palm_size;
    let thumb = at(HandLandmark::ThumbTip);
    let mut opposition_mm = [0.0f32; 4];
    for (o, f) in opposition_mm.iter_mut().zip(&Finger::ALL[1..]) {
        *o = norm(sub(at(f.tip()), thumb)) * 1000.0;
    }
    let palm_size_mm = palm_size * 1000.0;
    Some(HandMeasures {
        flexion_deg,
        total_flexion_deg,
        opening,
        opposition: opposition_mm.map(|d| d / palm_size_mm),
        opposition_mm,
        palm_size_mm,
    })
}

/// Total active motion of each finger, degrees (the American Society for Surgery of the Hand's TAM): the sum of the
/// three joints' flexion in a fist minus the sum of their extension deficits with the hand opened (a joint that
/// cannot straighten fully; hyperextension counts as no deficit).
pub fn total_active_motion(fist: &HandMeasures, open: &HandMeasures) -> [f32; 5] {
    let mut out = [0.0f32; 5];
    for (i, o) in out.iter_mut().enumerate() {
        let deficit: f32 = open.flexion_deg[i].iter().map(|a| a.max(0.0)).sum();
        *o = fist.total_flexion_deg[i] - deficit;
    }
    out
}

/// Wrist angles, degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WristAngles {
    /// Flexion (the hand bent towards the palm) positive, extension negative.
    pub flexion_deg: f32,
    /// Radial deviation (towards the thumb) positive, ulnar deviation negative.
    pub radial_deviation_deg: f32,
}

/// Wrist flexion/extension and deviation from the forearm's direction (`elbow` → the hand's wrist) and the hand's
/// frame. `elbow` is normalised to the frame like every position (from the body pose, e.g. BlazePose's elbow of the
/// same side).
///
/// The body pose gives the elbow only in the image, so the forearm is taken to lie in the image plane (a forearm
/// pointing at or away from the camera reads wrongly); the hand's frame is 3D (world landmarks, whose axes are the
/// frame's). With the forearm direction `f` in the hand's frame, flexion = atan2(−f·n, f·h) and radial deviation =
/// atan2(−f·r, f·h): a hand bent by α towards its palm has its forearm tilted by −α towards it.
pub fn wrist_angles(hand: &Hand, elbow: (f32, f32)) -> Option<WristAngles> {
    let p: [V3; NUM_LANDMARKS] = hand.world.map(|w| [w.x, w.y, w.z]);
    let wrist = hand.get(HandLandmark::Wrist);
    let (w, h) = (hand.frame_width as f32, hand.frame_height as f32);
    let forearm = [(wrist.x - elbow.0) * w, (wrist.y - elbow.1) * h, 0.0];
    wrist_angles_from(&p, hand.appears_right(), forearm)
}

/// As [`wrist_angles`], from 21 points (metres, frame axes) and the forearm's direction (elbow → wrist, frame axes).
pub fn wrist_angles_from(p: &[V3; NUM_LANDMARKS], appears_right: bool, forearm: V3) -> Option<WristAngles> {
    let axes = HandAxes::new(p, appears_right)?;
    let f = unit(forearm)?;
    let along = dot(f, axes.long);
    Some(WristAngles {
        flexion_deg: (-dot(f, axes.palmar)).atan2(along).to_degrees(),
        radial_deviation_deg: (-dot(f, axes.radial)).atan2(along).to_degrees(),
    })
}

/// One number of a hand's measures, by name: what a protocol's checkpoint or repetition rule follows.
///
/// Written in protocol files as `opening`, `opposition(index)` (thumb tip to that fingertip; `middle`, `ring`,
/// `pinky`), `flexion(index,pip)` (one joint: `mcp`, `pip`, `dip` for the fingers, `cmc`, `mcp`, `ip` for the
/// thumb), `total_flexion(ring)`, `wrist_flexion`, `wrist_deviation` (radial positive; the wrist needs the body
/// pose's elbow of the same side).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HandValue {
    /// Hand opening, palm lengths ([`HandMeasures::opening`]).
    Opening,
    /// Thumb tip to a fingertip, palm lengths: 1 index, 2 middle, 3 ring, 4 little finger.
    Opposition(usize),
    /// Flexion of one joint (0, 1, 2: MCP, PIP, DIP; thumb CMC, MCP, IP) of a finger, degrees.
    Flexion(Finger, usize),
    /// The sum of a finger's three joint angles, degrees.
    TotalFlexion(Finger),
    /// Wrist flexion (positive) or extension (negative), degrees.
    WristFlexion,
    /// Wrist radial (positive) or ulnar (negative) deviation, degrees.
    WristDeviation,
}

/// The joints' names in [`HandValue::Flexion`], for the fingers and for the thumb.
const JOINTS: [[&str; 3]; 2] = [["mcp", "pip", "dip"], ["cmc", "mcp", "ip"]];

impl HandValue {
    /// Whether its values are angles in degrees (otherwise lengths in palm lengths).
    pub fn is_angle(self) -> bool {
        !matches!(self, HandValue::Opening | HandValue::Opposition(_))
    }

    /// Whether it needs the forearm (the body pose's elbow).
    pub fn needs_elbow(self) -> bool {
        matches!(self, HandValue::WristFlexion | HandValue::WristDeviation)
    }

    /// Its value in `m`, with the wrist angles `wrist` when it needs them.
    pub fn of(self, m: &HandMeasures, wrist: Option<WristAngles>) -> Option<f32> {
        match self {
            HandValue::Opening => Some(m.opening),
            HandValue::Opposition(i) => m.opposition.get(i.checked_sub(1)?).copied(),
            HandValue::Flexion(f, j) => m.flexion_deg[f as usize].get(j).copied(),
            HandValue::TotalFlexion(f) => Some(m.total_flexion_deg[f as usize]),
            HandValue::WristFlexion => wrist.map(|w| w.flexion_deg),
            HandValue::WristDeviation => wrist.map(|w| w.radial_deviation_deg),
        }
    }
}

impl std::fmt::Display for HandValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HandValue::Opening => f.write_str("opening"),
            HandValue::Opposition(i) => write!(f, "opposition({})", Finger::ALL.get(*i).map_or("?", |g| g.name())),
            HandValue::Flexion(g, j) => {
                let names = JOINTS[usize::from(*g == Finger::Thumb)];
                write!(f, "flexion({},{})", g.name(), names.get(*j).unwrap_or(&"?"))
            }
            HandValue::TotalFlexion(g) => write!(f, "total_flexion({})", g.name()),
            HandValue::WristFlexion => f.write_str("wrist_flexion"),
            HandValue::WristDeviation => f.write_str("wrist_deviation"),
        }
    }
}

impl std::str::FromStr for HandValue {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let finger = |n: &str| {
            Finger::ALL
                .into_iter()
                .find(|f| f.name() == n.trim())
                .ok_or_else(|| format!("`{}` is not a finger (thumb, index, middle, ring, pinky)", n.trim()))
        };
        let args =
            |name: &str| s.strip_prefix(name).and_then(|r| r.strip_prefix('(')).and_then(|r| r.strip_suffix(')'));
        if let Some(a) = args("opposition") {
            let f = finger(a)?;
            return match f {
                Finger::Thumb => Err("opposition is the thumb to another finger: index, middle, ring or pinky".into()),
                f => Ok(HandValue::Opposition(f as usize)),
            };
        }
        if let Some(a) = args("total_flexion") {
            return Ok(HandValue::TotalFlexion(finger(a)?));
        }
        if let Some(a) = args("flexion") {
            let (f, j) = a.split_once(',').ok_or_else(|| format!("`{s}`: write flexion(finger,joint)"))?;
            let f = finger(f)?;
            let names = JOINTS[usize::from(f == Finger::Thumb)];
            let j = names
                .iter()
                .position(|n| *n == j.trim())
                .ok_or_else(|| format!("`{}` is not a joint of the {} ({})", j.trim(), f.name(), names.join(", ")))?;
            return Ok(HandValue::Flexion(f, j));
        }
        match s {
            "opening" => Ok(HandValue::Opening),
            "wrist_flexion" => Ok(HandValue::WristFlexion),
            "wrist_deviation" => Ok(HandValue::WristDeviation),
            _ => Err(format!(
                "`{s}` is not a hand measure (opening, opposition(index), flexion(index,pip), total_flexion(index), \
                 wrist_flexion, wrist_deviation)"
            )),
        }
    }
}

impl serde::Serialize for HandValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for HandValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic right hand in metres, palm facing the camera (−z), fingers up (−y), thumb side towards +x
    /// (the viewer's right), every finger joint flexed by `flex` degrees towards the palm, the thumb straight
    /// along its metacarpal.
    fn right_hand(flex: f32) -> [V3; NUM_LANDMARKS] {
        let mut p = [[0.0f32; 3]; NUM_LANDMARKS];
        // Knuckles 9 cm above the wrist, 2 cm apart, the middle one straight above it; index on the thumb side (+x).
        let mcp_x = [0.02, 0.0, -0.02, -0.04];
        let lengths = [0.045, 0.025, 0.02];
        for (f, x) in Finger::ALL[1..].iter().zip(mcp_x) {
            let [mcp, pip, dip, tip] = f.landmarks();
            let mut pos = [x, -0.09, 0.0];
            p[mcp.index()] = pos;
            // Direction in the finger's plane (y, z): up and, as it flexes, towards the camera (−z).
            let mut angle = 0.0f32;
            for (l, len) in [pip, dip, tip].into_iter().zip(lengths) {
                angle += flex;
                let a = angle.to_radians();
                pos = [pos[0], pos[1] - len * a.cos(), pos[2] - len * a.sin()];
                p[l.index()] = pos;
            }
        }
        // Thumb: CMC 3 cm right of the wrist and up, then straight on at 45°.
        let dir = [std::f32::consts::FRAC_1_SQRT_2, -std::f32::consts::FRAC_1_SQRT_2, 0.0];
        for (k, l) in Finger::Thumb.landmarks().into_iter().enumerate() {
            let d = 0.03 * (k + 1) as f32;
            p[l.index()] = [dir[0] * d, dir[1] * d, 0.0];
        }
        p
    }

    fn mirror_x(p: &[V3; NUM_LANDMARKS]) -> [V3; NUM_LANDMARKS] {
        p.map(|q| [-q[0], q[1], q[2]])
    }

    #[test]
    fn axes_of_a_right_hand_palm_to_the_camera() {
        let a = HandAxes::new(&right_hand(0.0), true).expect("axes");
        let close = |u: V3, v: V3| (0..3).all(|i| (u[i] - v[i]).abs() < 1e-5);
        assert!(close(a.long, [0.0, -1.0, 0.0]), "{a:?}");
        assert!(close(a.radial, [1.0, 0.0, 0.0]), "{a:?}");
        assert!(close(a.palmar, [0.0, 0.0, -1.0]), "palm faces the camera: {a:?}");
    }

    #[test]
    fn finger_flexion_is_each_joints_bend_with_its_sign() {
        let m = measure_points(&right_hand(30.0), true).expect("measures");
        // The MCP is between wrist → knuckle and knuckle → PIP. Wrist → middle knuckle is straight up, so its MCP
        // reads exactly 30°; PIP and DIP are 30° by construction.
        for (i, a) in m.flexion_deg[2].iter().enumerate() {
            assert!((a - 30.0).abs() < 0.01, "middle joint {i}: {a}");
        }
        // The index knuckle is 2 cm off the wrist's line: its MCP angle is between wrist → knuckle (0.02, −0.09, 0)
        // and knuckle → PIP (0, −cos 30°, −sin 30°).
        let u = [0.02f32, -0.09, 0.0];
        let v = [0.0, -(30f32.to_radians().cos()), -(30f32.to_radians().sin())];
        let want = angle_between(u, v).expect("angle");
        assert!((m.flexion_deg[1][0] - want).abs() < 0.01, "{} vs {want}", m.flexion_deg[1][0]);
        assert!((m.total_flexion_deg[2] - 90.0).abs() < 0.02);
        // Bent backwards: hyperextension is negative.
        let m = measure_points(&right_hand(-10.0), true).expect("measures");
        assert!((m.flexion_deg[3][1] + 10.0).abs() < 0.01, "{:?}", m.flexion_deg[3]);
        // A straight thumb: IP and MCP 0°.
        assert!(m.flexion_deg[0][1].abs() < 0.01 && m.flexion_deg[0][2].abs() < 0.01, "{:?}", m.flexion_deg[0]);
    }

    #[test]
    fn a_mirror_image_measures_the_same() {
        // The same hand seen in a mirror looks like a left hand: the same angles with their signs.
        let p = right_hand(25.0);
        let a = measure_points(&p, true).expect("a");
        let b = measure_points(&mirror_x(&p), false).expect("b");
        for f in 0..5 {
            for j in 0..3 {
                assert!((a.flexion_deg[f][j] - b.flexion_deg[f][j]).abs() < 1e-3, "{f} {j}");
            }
        }
        // Taken for the wrong side, flexion would read as hyperextension.
        let wrong = measure_points(&mirror_x(&p), true).expect("wrong");
        assert!(wrong.flexion_deg[2][1] < 0.0);
    }

    #[test]
    fn opening_and_opposition_by_hand() {
        let m = measure_points(&right_hand(0.0), true).expect("measures");
        assert!((m.palm_size_mm - 90.0).abs() < 1e-3);
        // Palm centre: mean of the wrist (0, 0) and the knuckles (0.02, 0, −0.02, −0.04; −0.09) = (−0.008, −0.072).
        let tips: Vec<V3> = Finger::ALL.iter().map(|f| right_hand(0.0)[f.tip().index()]).collect();
        let want = tips.iter().map(|t| norm(sub(*t, [-0.008, -0.072, 0.0]))).sum::<f32>() / 5.0 / 0.09;
        assert!((m.opening - want).abs() < 1e-4, "{} vs {want}", m.opening);
        // Thumb tip at (0.0849, −0.0849), index tip at (0.02, −0.18).
        let d = norm(sub(tips[1], tips[0])) * 1000.0;
        assert!((m.opposition_mm[0] - d).abs() < 1e-2 && (m.opposition[0] - d / 90.0).abs() < 1e-4);
        // A fist is less open than a flat hand.
        let fist = measure_points(&right_hand(80.0), true).expect("fist");
        eprintln!("opening: flat {}, fist {}", m.opening, fist.opening);
        assert!((1.1..1.3).contains(&m.opening) && fist.opening < 0.8, "{} {}", m.opening, fist.opening);
    }

    #[test]
    fn total_active_motion_subtracts_extension_deficits() {
        let fist = measure_points(&right_hand(80.0), true).expect("fist");
        let open = measure_points(&right_hand(5.0), true).expect("open");
        let tam = total_active_motion(&fist, &open);
        // Middle finger: 3 × 80° in the fist, 3 × 5° that would not straighten.
        assert!((tam[2] - (240.0 - 15.0)).abs() < 0.05, "{tam:?}");
        // Hyperextension is no deficit.
        let hyper = measure_points(&right_hand(-5.0), true).expect("hyper");
        assert!((total_active_motion(&fist, &hyper)[2] - 240.0).abs() < 0.05);
    }

    #[test]
    fn wrist_flexion_and_deviation_by_hand() {
        let p = right_hand(0.0);
        // Radial deviation of 20°: the hand turned 20° towards the thumb (+x) from the forearm, in the image plane.
        let b = 20f32.to_radians();
        let w = wrist_angles_from(&p, true, [-b.sin(), -b.cos(), 0.0]).expect("angles");
        assert!((w.radial_deviation_deg - 20.0).abs() < 1e-3 && w.flexion_deg.abs() < 1e-3, "{w:?}");
        // Flexion of 30°, seen from the thumb side: the same hand rotated so that the palm faces +x and the thumb
        // points away from the camera; the forearm is then tilted 30° away from the palm side (+x).
        let turned: [V3; NUM_LANDMARKS] = p.map(|q| [-q[2], q[1], q[0]]);
        let axes = HandAxes::new(&turned, true).expect("axes");
        assert!((axes.palmar[0] - 1.0).abs() < 1e-5, "{axes:?}");
        let a = 30f32.to_radians();
        let f = [-a.sin(), -a.cos(), 0.0];
        let w = wrist_angles_from(&turned, true, f).expect("angles");
        assert!((w.flexion_deg - 30.0).abs() < 1e-3 && w.radial_deviation_deg.abs() < 1e-3, "{w:?}");
        // Extension reads negative.
        let w = wrist_angles_from(&turned, true, [a.sin(), -a.cos(), 0.0]).expect("angles");
        assert!((w.flexion_deg + 30.0).abs() < 1e-3, "{w:?}");
    }

    #[test]
    fn hand_values_parse_print_and_read() {
        for text in ["opening", "opposition(ring)", "flexion(index,pip)", "flexion(thumb,ip)", "total_flexion(pinky)"] {
            let v: HandValue = text.parse().expect(text);
            assert_eq!(v.to_string(), text);
        }
        assert_eq!("flexion(thumb,cmc)".parse::<HandValue>(), Ok(HandValue::Flexion(Finger::Thumb, 0)));
        assert!("flexion(thumb,pip)".parse::<HandValue>().unwrap_err().contains("cmc, mcp, ip"));
        assert!("opposition(thumb)".parse::<HandValue>().is_err());
        assert!("flexion(toe,pip)".parse::<HandValue>().unwrap_err().contains("toe"));
        assert!("grip".parse::<HandValue>().is_err());
        let m = measure_points(&right_hand(30.0), true).expect("measures");
        assert_eq!(HandValue::Flexion(Finger::Middle, 1).of(&m, None), Some(m.flexion_deg[2][1]));
        assert_eq!(HandValue::Opposition(2).of(&m, None), Some(m.opposition[1]));
        assert_eq!(HandValue::Opening.of(&m, None), Some(m.opening));
        assert_eq!(HandValue::WristFlexion.of(&m, None), None, "no elbow, no wrist angle");
        assert!(!HandValue::Opening.is_angle() && HandValue::TotalFlexion(Finger::Ring).is_angle());
    }
}
