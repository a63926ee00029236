//! Keypoint names, anatomical sides and the two skeletons (COCO-17 and BlazePose-33).
//!
//! `Left` and `Right` are always the **person's own** sides. A mirrored image or view never renames a joint.

use serde::{Deserialize, Serialize};

/// The person's anatomical side of a joint, or the midline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    /// The person's own left.
    Left,
    /// The person's own right.
    Right,
    /// On the body's midline (the nose).
    Midline,
}

impl Side {
    /// The other side (the midline stays the midline).
    pub fn opposite(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
            Side::Midline => Side::Midline,
        }
    }

    /// Lower-case name: `left`, `right` or `midline`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
            Side::Midline => "midline",
        }
    }
}

macro_rules! joints {
    ($($variant:ident = $name:literal, $side:ident, $twin:ident;)*) => {
        /// A named body landmark. Names follow BlazePose (a superset of COCO's 17), with anatomical sides.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Joint { $(#[doc = $name] $variant,)* }

        impl Joint {
            /// Every joint, in BlazePose-33 order.
            pub const ALL: [Joint; 33] = [$(Joint::$variant,)*];

            /// The snake_case name used in files and the UI, e.g. `left_wrist`.
            pub fn name(self) -> &'static str {
                match self { $(Joint::$variant => $name,)* }
            }

            /// The person's side this joint is on.
            pub fn side(self) -> Side {
                match self { $(Joint::$variant => Side::$side,)* }
            }

            /// The same joint on the other side of the body (`left_wrist` ↔ `right_wrist`; the nose is its own twin).
            pub fn twin(self) -> Joint {
                match self { $(Joint::$variant => Joint::$twin,)* }
            }
        }
    };
}

joints! {
    Nose = "nose", Midline, Nose;
    LeftEyeInner = "left_eye_inner", Left, RightEyeInner;
    LeftEye = "left_eye", Left, RightEye;
    LeftEyeOuter = "left_eye_outer", Left, RightEyeOuter;
    RightEyeInner = "right_eye_inner", Right, LeftEyeInner;
    RightEye = "right_eye", Right, LeftEye;
    RightEyeOuter = "right_eye_outer", Right, LeftEyeOuter;
    LeftEar = "left_ear", Left, RightEar;
    RightEar = "right_ear", Right, LeftEar;
    MouthLeft = "mouth_left", Left, MouthRight;
    MouthRight = "mouth_right", Right, MouthLeft;
    LeftShoulder = "left_shoulder", Left, RightShoulder;
    RightShoulder = "right_shoulder", Right, LeftShoulder;
    LeftElbow = "left_elbow", Left, RightElbow;
    RightElbow = "right_elbow", Right, LeftElbow;
    LeftWrist = "left_wrist", Left, RightWrist;
    RightWrist = "right_wrist", Right, LeftWrist;
    LeftPinky = "left_pinky", Left, RightPinky;
    RightPinky = "right_pinky", Right, LeftPinky;
    LeftIndex = "left_index", Left, RightIndex;
    RightIndex = "right_index", Right, LeftIndex;
    LeftThumb = "left_thumb", Left, RightThumb;
    RightThumb = "right_thumb", Right, LeftThumb;
    LeftHip = "left_hip", Left, RightHip;
    RightHip = "right_hip", Right, LeftHip;
    LeftKnee = "left_knee", Left, RightKnee;
    RightKnee = "right_knee", Right, LeftKnee;
    LeftAnkle = "left_ankle", Left, RightAnkle;
    RightAnkle = "right_ankle", Right, LeftAnkle;
    LeftHeel = "left_heel", Left, RightHeel;
    RightHeel = "right_heel", Right, LeftHeel;
    LeftFootIndex = "left_foot_index", Left, RightFootIndex;
    RightFootIndex = "right_foot_index", Right, LeftFootIndex;
}

impl Joint {
    /// Looks a joint up by its snake_case name.
    pub fn from_name(name: &str) -> Option<Joint> {
        Joint::ALL.iter().copied().find(|j| j.name() == name)
    }
}

/// COCO's 17 keypoints, in COCO order (the order MoveNet outputs and COCO files use).
pub const COCO_17: [Joint; 17] = [
    Joint::Nose,
    Joint::LeftEye,
    Joint::RightEye,
    Joint::LeftEar,
    Joint::RightEar,
    Joint::LeftShoulder,
    Joint::RightShoulder,
    Joint::LeftElbow,
    Joint::RightElbow,
    Joint::LeftWrist,
    Joint::RightWrist,
    Joint::LeftHip,
    Joint::RightHip,
    Joint::LeftKnee,
    Joint::RightKnee,
    Joint::LeftAnkle,
    Joint::RightAnkle,
];

/// Which set of keypoints a pose has, in which order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Skeleton {
    /// COCO's 17 keypoints (MoveNet).
    Coco17,
    /// BlazePose's 33 landmarks (adds eye corners, mouth, hands and feet).
    BlazePose33,
}

impl Skeleton {
    /// The joints of this skeleton in the model's own order.
    pub fn joints(self) -> &'static [Joint] {
        match self {
            Skeleton::Coco17 => &COCO_17,
            Skeleton::BlazePose33 => &Joint::ALL,
        }
    }

    /// Position of `joint` in this skeleton's order, if the skeleton has it.
    pub fn index_of(self, joint: Joint) -> Option<usize> {
        match self {
            Skeleton::BlazePose33 => Some(joint as usize),
            Skeleton::Coco17 => COCO_17.iter().position(|&j| j == joint),
        }
    }

    /// The bones to draw: pairs of joints present in this skeleton.
    pub fn bones(self) -> &'static [(Joint, Joint)] {
        match self {
            Skeleton::Coco17 => &COCO_BONES,
            Skeleton::BlazePose33 => &BLAZEPOSE_BONES,
        }
    }
}

use Joint::*;

const COCO_BONES: [(Joint, Joint); 18] = [
    (Nose, LeftEye),
    (Nose, RightEye),
    (LeftEye, LeftEar),
    (RightEye, RightEar),
    (LeftShoulder, RightShoulder),
    (LeftShoulder, LeftElbow),
    (LeftElbow, LeftWrist),
    (RightShoulder, RightElbow),
    (RightElbow, RightWrist),
    (LeftShoulder, LeftHip),
    (RightShoulder, RightHip),
    (LeftHip, RightHip),
    (LeftHip, LeftKnee),
    (LeftKnee, LeftAnkle),
    (RightHip, RightKnee),
    (RightKnee, RightAnkle),
    (LeftEar, LeftShoulder),
    (RightEar, RightShoulder),
];

const BLAZEPOSE_BONES: [(Joint, Joint); 35] = [
    (Nose, LeftEyeInner),
    (LeftEyeInner, LeftEye),
    (LeftEye, LeftEyeOuter),
    (LeftEyeOuter, LeftEar),
    (Nose, RightEyeInner),
    (RightEyeInner, RightEye),
    (RightEye, RightEyeOuter),
    (RightEyeOuter, RightEar),
    (MouthLeft, MouthRight),
    (LeftShoulder, RightShoulder),
    (LeftShoulder, LeftElbow),
    (LeftElbow, LeftWrist),
    (LeftWrist, LeftPinky),
    (LeftWrist, LeftIndex),
    (LeftWrist, LeftThumb),
    (LeftPinky, LeftIndex),
    (RightShoulder, RightElbow),
    (RightElbow, RightWrist),
    (RightWrist, RightPinky),
    (RightWrist, RightIndex),
    (RightWrist, RightThumb),
    (RightPinky, RightIndex),
    (LeftShoulder, LeftHip),
    (RightShoulder, RightHip),
    (LeftHip, RightHip),
    (LeftHip, LeftKnee),
    (LeftKnee, LeftAnkle),
    (LeftAnkle, LeftHeel),
    (LeftHeel, LeftFootIndex),
    (LeftAnkle, LeftFootIndex),
    (RightHip, RightKnee),
    (RightKnee, RightAnkle),
    (RightAnkle, RightHeel),
    (RightHeel, RightFootIndex),
    (RightAnkle, RightFootIndex),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twins_are_symmetric_and_swap_sides() {
        for j in Joint::ALL {
            assert_eq!(j.twin().twin(), j, "{}", j.name());
            assert_eq!(j.twin().side(), j.side().opposite(), "{}", j.name());
            if j.side() == Side::Left {
                assert!(j.name().contains("left"), "{}", j.name());
                assert_eq!(j.twin().name(), j.name().replace("left", "right"));
            }
        }
    }

    #[test]
    fn blazepose_order_matches_the_published_list() {
        let published = "nose, left_eye_inner, left_eye, left_eye_outer, right_eye_inner, right_eye, right_eye_outer, \
            left_ear, right_ear, mouth_left, mouth_right, left_shoulder, right_shoulder, left_elbow, right_elbow, \
            left_wrist, right_wrist, left_pinky, right_pinky, left_index, right_index, left_thumb, right_thumb, \
            left_hip, right_hip, left_knee, right_knee, left_ankle, right_ankle, left_heel, right_heel, \
            left_foot_index, right_foot_index";
        let names: Vec<&str> = published.split(',').map(str::trim).collect();
        let ours: Vec<&str> = Joint::ALL.iter().map(|j| j.name()).collect();
        assert_eq!(names, ours);
    }

    #[test]
    fn coco_indices() {
        assert_eq!(Skeleton::Coco17.index_of(Joint::LeftWrist), Some(9));
        assert_eq!(Skeleton::Coco17.index_of(Joint::RightAnkle), Some(16));
        assert_eq!(Skeleton::Coco17.index_of(Joint::LeftHeel), None);
        assert_eq!(Skeleton::BlazePose33.index_of(Joint::LeftHip), Some(23));
        for s in [Skeleton::Coco17, Skeleton::BlazePose33] {
            for (a, b) in s.bones() {
                assert!(s.index_of(*a).is_some() && s.index_of(*b).is_some());
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for j in Joint::ALL {
            assert_eq!(Joint::from_name(j.name()), Some(j));
        }
        assert_eq!(Joint::from_name("elbow"), None);
    }
}
