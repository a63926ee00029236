//! Views: how frames and poses are shown. Pure functions on plain images, used by the app, `--render` and tests.

pub mod draw;
pub mod geometry;
pub mod labels;
pub mod mirror;
pub mod seam_slider;

pub use draw::{SideColors, draw_pose, draw_shown};
pub use geometry::Rect;
pub use mirror::{
    DisplayImage, FramingTracker, MirrorMode, Seam, SeamSettings, SeamTracker, ShownBone, ShownKeypoint, SplitFraming,
    SplitSource, ViewTracker, ViewTransform, between_hands, palm_centre, shown_bones, shown_keypoints,
};
