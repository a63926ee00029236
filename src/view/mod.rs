//! Views: how frames and poses are shown. Pure functions on plain images, used by `--render`, the app and tests.

pub mod draw;

pub use draw::{SideColors, draw_pose};
