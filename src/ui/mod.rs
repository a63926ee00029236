//! The clinic app (eframe/egui): one consumer of the library. The pipeline knows nothing of egui; the UI reads
//! what it produces.
//!
//! - [`app`]: the app state and the frame loop;
//! - [`controls`]: the therapist's panel;
//! - [`patient`]: the patient screen (also previewed in the therapist's window);
//! - [`compare`], [`compare_panel`]: the reference pane, ghost, delayed feedback and recording, and their controls;
//! - [`pane`]: one video pane (a frame through its mirror mode into a texture);
//! - [`overlay`]: keypoints, bones, labels and angles over the image;
//! - [`settings`]: what is saved between runs.

pub mod app;
pub mod compare;
pub mod compare_panel;
pub mod controls;
pub mod overlay;
pub mod pane;
pub mod patient;
pub mod posture_panel;
pub mod settings;
pub mod sound;

pub use app::{ActiveSource, MirrorcueApp};

/// Opens the app window and runs until it is closed.
pub fn run(engine: crate::pose::EngineConfig) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("mirrorcue")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 480.0])
            .with_drag_and_drop(true),
        persist_window: true,
        ..Default::default()
    };
    eframe::run_native(
        "mirrorcue",
        options,
        Box::new(move |cc| Ok(Box::new(app::MirrorcueApp::from_eframe(cc, engine)))),
    )
    .map_err(|e| {
        format!("could not open the window: {e}. mirrorcue needs a desktop session (X11 or Wayland) with OpenGL.")
    })
}
