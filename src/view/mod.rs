//! Views: how frames and poses are shown. Pure functions on plain images, used by the app, `--render` and tests.

pub mod draw;
pub mod mirror;

pub use draw::{SideColors, draw_pose, draw_shown};
pub use mirror::{
    DisplayImage, MirrorMode, Seam, SeamSettings, SeamTracker, ShownKeypoint, SplitSource, ViewTransform,
    shown_keypoints,
};
