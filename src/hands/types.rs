//! The hand types: the 21 landmark names, fingers, [`Hand`] (the one output of the hand pipeline), and the palm
//! detection and hand crop the stages hand each other.

use serde::{Deserialize, Serialize};

use crate::pose::{Side, WorldPoint};

/// Number of landmarks per hand.
pub const NUM_LANDMARKS: usize = 21;

/// The 21 hand landmarks, in the model's order (MediaPipe Hands).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandLandmark {
    /// Centre of the wrist.
    Wrist,
    /// Base of the thumb (carpometacarpal joint).
    ThumbCmc,
    /// Thumb knuckle (metacarpophalangeal joint).
    ThumbMcp,
    /// Thumb interphalangeal joint.
    ThumbIp,
    /// Thumb tip.
    ThumbTip,
    /// Index knuckle (metacarpophalangeal joint).
    IndexMcp,
    /// Index proximal interphalangeal joint.
    IndexPip,
    /// Index distal interphalangeal joint.
    IndexDip,
    /// Index tip.
    IndexTip,
    /// Middle-finger knuckle.
    MiddleMcp,
    /// Middle-finger proximal interphalangeal joint.
    MiddlePip,
    /// Middle-finger distal interphalangeal joint.
    MiddleDip,
    /// Middle-finger tip.
    MiddleTip,
    /// Ring-finger knuckle.
    RingMcp,
    /// Ring-finger proximal interphalangeal joint.
    RingPip,
    /// Ring-finger distal interphalangeal joint.
    RingDip,
    /// Ring-finger tip.
    RingTip,
    /// Little-finger knuckle.
    PinkyMcp,
    /// Little-finger proximal interphalangeal joint.
    PinkyPip,
    /// Little-finger distal interphalangeal joint.
    PinkyDip,
    /// Little-finger tip.
    PinkyTip,
}

impl HandLandmark {
    /// Every landmark, in the model's order (the index of each is its position in [`Hand::landmarks`]).
    pub const ALL: [HandLandmark; NUM_LANDMARKS] = [
        HandLandmark::Wrist,
        HandLandmark::ThumbCmc,
        HandLandmark::ThumbMcp,
        HandLandmark::ThumbIp,
        HandLandmark::ThumbTip,
        HandLandmark::IndexMcp,
        HandLandmark::IndexPip,
        HandLandmark::IndexDip,
        HandLandmark::IndexTip,
        HandLandmark::MiddleMcp,
        HandLandmark::MiddlePip,
        HandLandmark::MiddleDip,
        HandLandmark::MiddleTip,
        HandLandmark::RingMcp,
        HandLandmark::RingPip,
        HandLandmark::RingDip,
        HandLandmark::RingTip,
        HandLandmark::PinkyMcp,
        HandLandmark::PinkyPip,
        HandLandmark::PinkyDip,
        HandLandmark::PinkyTip,
    ];

    /// The bones drawn between landmarks (MediaPipe's hand connections).
    pub const CONNECTIONS: [(HandLandmark, HandLandmark); 21] = {
        use HandLandmark::*;
        [
            (Wrist, ThumbCmc),
            (ThumbCmc, ThumbMcp),
            (ThumbMcp, ThumbIp),
            (ThumbIp, ThumbTip),
            (Wrist, IndexMcp),
            (IndexMcp, IndexPip),
            (IndexPip, IndexDip),
            (IndexDip, IndexTip),
            (IndexMcp, MiddleMcp),
            (MiddleMcp, MiddlePip),
            (MiddlePip, MiddleDip),
            (MiddleDip, MiddleTip),
            (MiddleMcp, RingMcp),
            (RingMcp, RingPip),
            (RingPip, RingDip),
            (RingDip, RingTip),
            (RingMcp, PinkyMcp),
            (Wrist, PinkyMcp),
            (PinkyMcp, PinkyPip),
            (PinkyPip, PinkyDip),
            (PinkyDip, PinkyTip),
        ]
    };

    /// Position in the model's order, 0..21.
    pub fn index(self) -> usize {
        self as usize
    }

    /// MediaPipe's snake-case name (`wrist`, `thumb_cmc`, …, `index_finger_mcp`, …, `pinky_tip`).
    pub fn name(self) -> &'static str {
        const NAMES: [&str; NUM_LANDMARKS] = [
            "wrist",
            "thumb_cmc",
            "thumb_mcp",
            "thumb_ip",
            "thumb_tip",
            "index_finger_mcp",
            "index_finger_pip",
            "index_finger_dip",
            "index_finger_tip",
            "middle_finger_mcp",
            "middle_finger_pip",
            "middle_finger_dip",
            "middle_finger_tip",
            "ring_finger_mcp",
            "ring_finger_pip",
            "ring_finger_dip",
            "ring_finger_tip",
            "pinky_mcp",
            "pinky_pip",
            "pinky_dip",
            "pinky_tip",
        ];
        NAMES[self.index()]
    }

    /// The finger this landmark belongs to (`None` for the wrist).
    pub fn finger(self) -> Option<Finger> {
        match self.index() {
            0 => None,
            i => Some(Finger::ALL[(i - 1) / 4]),
        }
    }
}

/// The five digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finger {
    /// The thumb: landmarks CMC, MCP, IP, tip.
    Thumb,
    /// The index finger: MCP, PIP, DIP, tip.
    Index,
    /// The middle finger.
    Middle,
    /// The ring finger.
    Ring,
    /// The little finger.
    Pinky,
}

impl Finger {
    /// Thumb to little finger.
    pub const ALL: [Finger; 5] = [Finger::Thumb, Finger::Index, Finger::Middle, Finger::Ring, Finger::Pinky];

    /// Lower-case name: `thumb`, `index`, `middle`, `ring`, `pinky`.
    pub fn name(self) -> &'static str {
        match self {
            Finger::Thumb => "thumb",
            Finger::Index => "index",
            Finger::Middle => "middle",
            Finger::Ring => "ring",
            Finger::Pinky => "pinky",
        }
    }

    /// The finger's four landmarks from its base to its tip (thumb: CMC, MCP, IP, tip; others: MCP, PIP, DIP, tip).
    pub fn landmarks(self) -> [HandLandmark; 4] {
        let first = 1 + 4 * self as usize;
        [
            HandLandmark::ALL[first],
            HandLandmark::ALL[first + 1],
            HandLandmark::ALL[first + 2],
            HandLandmark::ALL[first + 3],
        ]
    }

    /// The fingertip.
    pub fn tip(self) -> HandLandmark {
        self.landmarks()[3]
    }
}

/// A hand landmark in the frame: `x`, `y` normalised to the frame (origin top-left, x right, y down, as every
/// position in mirrorcue), `z` MediaPipe's relative depth (from the wrist, in units of the frame width; smaller =
/// nearer the camera).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HandPoint {
    /// Horizontal position, normalised, 0 = left edge of the frame.
    pub x: f32,
    /// Vertical position, normalised, 0 = top edge of the frame.
    pub y: f32,
    /// Depth relative to the wrist, in frame widths (smaller = nearer the camera).
    pub z: f32,
}

impl HandPoint {
    /// Position in pixels for a frame of `width` × `height`.
    pub fn to_pixels(&self, width: u32, height: u32) -> (f32, f32) {
        (self.x * width as f32, self.y * height as f32)
    }
}

/// One hand seen in a frame.
///
/// **Sides.** `side` is the person's own anatomical side, whether the frame is mirrored or not (see
/// [`side_from_handedness`](super::side_from_handedness) for how the model's handedness maps to it). A mirrored
/// frame changes where the landmarks are (they are in the frame's own pixels), never the side.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hand {
    /// The person's own side.
    pub side: Side,
    /// The 21 landmarks in [`HandLandmark`] order, normalised to the frame.
    pub landmarks: [HandPoint; NUM_LANDMARKS],
    /// The 21 world landmarks in metres, in [`HandLandmark`] order: origin near the middle of the hand (not the
    /// hips, unlike the body's world landmarks), `x` towards the frame's right, `y` down, `z` away from the camera
    /// (the model's axes rotated into the frame's).
    pub world: [WorldPoint; NUM_LANDMARKS],
    /// Confidence in `side`, 0.5..1: the handedness probability of the side chosen.
    pub score: f32,
    /// Probability that a hand is present in the crop (the landmark model's presence output), 0..1.
    pub presence: f32,
    /// The model's raw handedness output for this frame: the probability of MediaPipe's label "Left", which assumes
    /// a mirrored (selfie) image; see [`side_from_handedness`](super::side_from_handedness).
    pub handedness: f32,
    /// The rotated square the landmark model read, in frame pixels.
    pub roi: HandRoi,
    /// Whether the frame was mirrored (its [`mirrored`](crate::Frame::mirrored) flag): the landmarks are in the
    /// mirrored pixels, so the hand *looks* like the other side's in them.
    pub mirrored: bool,
    /// Width of the frame in pixels.
    pub frame_width: u32,
    /// Height of the frame in pixels.
    pub frame_height: u32,
}

impl Hand {
    /// One landmark.
    pub fn get(&self, landmark: HandLandmark) -> HandPoint {
        self.landmarks[landmark.index()]
    }

    /// One world landmark (metres).
    pub fn world_of(&self, landmark: HandLandmark) -> WorldPoint {
        self.world[landmark.index()]
    }

    /// Whether the hand looks like a right hand in the frame's pixels (a right hand unmirrored, a left hand
    /// mirrored): what decides the direction of the palm's normal in the measures (`hands::measures`).
    pub fn appears_right(&self) -> bool {
        (self.side == crate::pose::Side::Right) != self.mirrored
    }

    /// The landmarks in frame pixels: 21 × (x, y).
    pub fn to_pixels(&self) -> [[f32; 2]; NUM_LANDMARKS] {
        let (w, h) = (self.frame_width as f32, self.frame_height as f32);
        self.landmarks.map(|p| [p.x * w, p.y * h])
    }
}

/// The keypoints of a palm detection.
pub const NUM_PALM_KEYPOINTS: usize = 7;

/// A palm found by the detector, normalised to the frame (origin top-left).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PalmDetection {
    /// Detection score, 0..1.
    pub score: f32,
    /// The palm box: x min, y min, width, height (normalised).
    pub bbox: [f32; 4],
    /// Seven keypoints (normalised): 0 the centre of the wrist, 2 the middle finger's knuckle (these two set the
    /// crop's rotation); measured, not documented upstream: 1, 3, 4 further knuckles from the index to the little
    /// finger, 5 and 6 up the thumb.
    pub keypoints: [[f32; 2]; NUM_PALM_KEYPOINTS],
}

/// A rotated square in frame pixels.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandRoi {
    /// Centre x, pixels.
    pub cx: f32,
    /// Centre y, pixels.
    pub cy: f32,
    /// Side length, pixels.
    pub side: f32,
    /// Rotation in radians, positive = clockwise on screen.
    pub rotation: f32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landmark_order_names_and_fingers() {
        for (i, l) in HandLandmark::ALL.iter().enumerate() {
            assert_eq!(l.index(), i);
        }
        assert_eq!(HandLandmark::IndexMcp.name(), "index_finger_mcp");
        assert_eq!(HandLandmark::PinkyTip.index(), 20);
        assert_eq!(Finger::Thumb.landmarks()[0], HandLandmark::ThumbCmc);
        assert_eq!(
            Finger::Ring.landmarks(),
            [HandLandmark::RingMcp, HandLandmark::RingPip, HandLandmark::RingDip, HandLandmark::RingTip]
        );
        assert_eq!(Finger::Pinky.tip(), HandLandmark::PinkyTip);
        assert_eq!(HandLandmark::Wrist.finger(), None);
        assert_eq!(HandLandmark::MiddleDip.finger(), Some(Finger::Middle));
        assert_eq!(HandLandmark::ThumbTip.finger(), Some(Finger::Thumb));
    }
}
