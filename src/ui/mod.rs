//! The clinic app (eframe/egui): one consumer of the library. The pipeline knows nothing of egui; the UI reads
//! what it produces.
//!
//! # Map
//! ```text
//! app.rs       the shell (MirrorcueApp): owns the State, the live pipeline, the patient's pane and the dialogs;
//!              polls the pipeline, draws, and applies every Action in one place (MirrorcueApp::apply)
//! state.rs     State: plain data the panels read (settings, source, current frame, protocol, comparison, and the
//!              recording: `recording::RecordingControl`)
//! action.rs    Action: everything a panel (or the window: a dropped file, a click on the video) can ask for
//! panels/      the therapist's controls, one file per panel: show(ui, &State) -> Vec<Action>
//!              (patient and session, source, mirror, pose, overlay, posture, balance, compare, record, patient
//!              screen, readout)
//! screen/      what is drawn on the video, for the therapist's preview and the patient screen alike:
//!              patient.rs (one pane: image, overlay, cue, ghost, badge), panes.rs (the two panes side by side)
//! balance.rs   BalanceState: balance trials in the app (setup, the running trial, results) and BalanceAction; what
//!              the patient screen shows of a trial (count-down, timer, the centre of mass in a target circle)
//! gait.rs      GaitState: gait training in the app (setup, the walk measured, the walks done) and GaitAction; the
//!              cue and step count the patient screen shows
//! clinic.rs    ClinicState: the clinic record in the app (the patient, the running session filed as it goes, the
//!              history and a trend) and ClinicAction
//! compare.rs   CompareState: the comparison's UI state (reference pane, delay) and its CompareAction; the display
//!              step of both panes (CompareState::display_step), which the app and `mirrorcue bench --side-by-side` call
//! pane.rs      one video pane: a frame through its mirror mode into a texture
//! overlay.rs   keypoints, bones, labels and angles over the image
//! keys.rs      the keyboard: Space, arrows, Esc, F11 (also actions)
//! monitors.rs  the monitors the patient window can go to
//! settings.rs  what is saved between runs
//! style.rs     shared colours
//! sound.rs     the optional soft tone with a new cue
//! ```
//!
//! # How an action flows
//! Once per frame, [`app::MirrorcueApp::ui`] (1) refreshes what the panels read from the pipeline, (2) polls the
//! newest frame into the posture checks, the comparison and the panes, (3) draws the panels and the screens, each
//! returning the [`action::Action`]s the therapist asked for (a click, a slider, a dropped file, a picked file),
//! and (4) applies them in order with [`app::MirrorcueApp::apply`]. Panels never change anything themselves, and
//! no file imports a file that imports it back.

pub mod action;
pub mod app;
pub mod balance;
pub mod clinic;
pub mod compare;
pub mod gait;
pub mod keys;
pub mod monitors;
pub mod overlay;
pub mod pane;
pub mod panels;
pub mod screen;
pub mod settings;
pub mod sound;
pub mod state;
pub mod style;

pub use action::Action;
pub use app::MirrorcueApp;
/// Kept at this path for `cli/bench.rs`.
pub use screen::patient;
pub use state::{ActiveSource, State};

/// Opens the app window and runs until it is closed; the models are read from `models`.
/// The clinic record is in `data_dir`.
pub fn run(
    engine: crate::pose::EngineConfig,
    models: crate::pose::ModelStore,
    data_dir: std::path::PathBuf,
) -> Result<(), String> {
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
        Box::new(move |cc| {
            let mut app = app::MirrorcueApp::from_eframe(cc, engine, models);
            app.state.clinic = clinic::ClinicState::new(data_dir);
            app.state.clinic.check_at_start();
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| {
        format!("could not open the window: {e}. mirrorcue needs a desktop session (X11 or Wayland) with OpenGL.")
    })
}
