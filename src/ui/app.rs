//! The app: state in plain structs, the live pipeline behind it, and the two screens.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use egui::Color32;
use egui_file_dialog::FileDialog;

use super::pane::Pane;
use super::patient::{self, ViewContent};
use super::settings::{Settings, SourcePref};
use crate::live::{LivePipeline, LiveResult, SourceFactory, SourceStatus};
use crate::pose::{EngineConfig, Joint, ModelStore, Pose};
use crate::posture::{CheckState, FrameResult, PostureSession, Protocol};
use crate::source::camera::{CameraChoice, CameraInfo, CameraSource};
use crate::source::{FrameSource, SourceKind};
use crate::view::{DisplayImage, MirrorMode, Seam, ViewTransform};

/// Where frames come from right now.
#[derive(Clone, Debug, PartialEq)]
pub enum ActiveSource {
    /// A live camera.
    Camera(CameraChoice),
    /// A recording the user opened.
    Recording(PathBuf),
    /// The recording shipped with mirrorcue.
    Bundled,
}

/// The clinic app.
pub struct MirrorcueApp {
    /// What the user set (saved between runs).
    pub settings: Settings,
    /// The running pipeline.
    pub pipeline: Option<LivePipeline>,
    /// The source the pipeline reads.
    pub active: ActiveSource,
    /// Why the app is on something other than what was asked (no camera, a missing file), for the therapist.
    pub notice: Option<String>,
    /// Cameras found at start.
    pub cameras: Vec<CameraInfo>,
    /// The seam of the last split view (pixels).
    pub last_seam: Option<Seam>,
    /// Modes the chosen camera offers (listed while it is not streaming).
    pub camera_modes: Option<Vec<crate::source::CameraMode>>,
    /// The posture protocol in use.
    pub protocol: Option<Protocol>,
    /// The protocol running over the frames.
    pub posture: Option<PostureSession>,
    /// Joints clicked so far while picking an angle on the image (`None` = not picking).
    pub picking: Option<Vec<Joint>>,
    /// Side-by-side comparison, delayed feedback and recording.
    pub compare: super::compare::CompareState,
    posture_frame: Option<FrameResult>,
    protocol_dialog: FileDialog,
    export_dialog: FileDialog,
    engine: EngineConfig,
    models: ModelStore,
    pending: Option<ActiveSource>,
    current: Option<LiveResult>,
    main: Pane,
    file_dialog: FileDialog,
    dialog_folder: bool,
    reference_dialog: bool,
    pending_reference: Option<PathBuf>,
    no_camera_fallback: bool,
}

impl MirrorcueApp {
    /// The app with `settings`, picking the source they ask for: a camera if one is connected, otherwise the
    /// bundled recording (said plainly). Looks for cameras with `list_cameras` (injected for tests).
    pub fn new(settings: Settings, engine: EngineConfig, models: ModelStore, cameras: Vec<CameraInfo>) -> MirrorcueApp {
        let mut notice = None;
        let mut no_camera_fallback = false;
        let active = match &settings.source {
            SourcePref::Camera if !cameras.is_empty() => ActiveSource::Camera(settings.camera.clone()),
            SourcePref::Camera => {
                no_camera_fallback = true;
                notice =
                    Some("No camera found: playing the bundled recording. Connect a camera and press Camera.".into());
                ActiveSource::Bundled
            }
            SourcePref::Recording(p) if p.exists() => ActiveSource::Recording(p.clone()),
            SourcePref::Recording(p) => {
                notice = Some(format!("{} is no longer there: playing the bundled recording.", p.display()));
                ActiveSource::Bundled
            }
        };
        MirrorcueApp {
            settings,
            pipeline: None,
            active,
            notice,
            cameras,
            last_seam: None,
            camera_modes: None,
            protocol: None,
            posture: None,
            picking: None,
            compare: super::compare::CompareState::default(),
            posture_frame: None,
            protocol_dialog: FileDialog::new().title("Open a protocol"),
            export_dialog: FileDialog::new().title("Export the protocol").default_file_name("protocol.toml"),
            engine,
            models,
            pending: None,
            current: None,
            main: Pane::default(),
            file_dialog: FileDialog::new().title("Open a recording"),
            dialog_folder: false,
            reference_dialog: false,
            pending_reference: None,
            no_camera_fallback,
        }
    }

    /// The app as eframe creates it: settings restored from the last run.
    pub fn from_eframe(cc: &eframe::CreationContext<'_>, engine: EngineConfig) -> MirrorcueApp {
        let settings: Settings = cc.storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)).unwrap_or_default();
        let cameras = crate::source::camera::list_cameras().unwrap_or_default();
        MirrorcueApp::new(settings, engine, ModelStore::locate(), cameras)
    }

    /// Asks to switch to another source (applied at the start of the next frame).
    pub fn request_source(&mut self, source: ActiveSource) {
        self.pending = Some(source);
    }

    /// Opens the file dialog for a video file, or for a folder of images.
    pub fn open_file_dialog(&mut self, folder: bool) {
        self.dialog_folder = folder;
        self.reference_dialog = false;
        if folder {
            self.file_dialog.pick_directory();
        } else {
            self.file_dialog.pick_file();
        }
    }

    /// Opens the file dialog for a reference: a video file, or (`folder`) a recording or image folder.
    pub fn open_reference_dialog(&mut self, folder: bool) {
        self.open_file_dialog(folder);
        self.reference_dialog = true;
    }

    /// Whether a recording (not a camera) is playing.
    pub fn is_recording(&self) -> bool {
        !matches!(self.active, ActiveSource::Camera(_))
    }

    /// What the source is, in words ("Live camera: …", "Recording: …").
    pub fn source_caption(&self) -> String {
        let name = self.pipeline.as_ref().map(|p| p.source().0).filter(|n| !n.is_empty());
        match &self.active {
            ActiveSource::Camera(_) => format!("Live camera{}", name.map(|n| format!(": {n}")).unwrap_or_default()),
            ActiveSource::Recording(p) => format!("Recording: {}", file_name(p)),
            ActiveSource::Bundled if self.no_camera_fallback => {
                format!("Recording (no camera found): {}", file_name(&crate::assets::bundled_recording()))
            }
            ActiveSource::Bundled => format!("Recording: {}", file_name(&crate::assets::bundled_recording())),
        }
    }

    /// The source's state as a message, when it is not simply running.
    pub fn status_message(&self) -> Option<String> {
        match self.pipeline.as_ref()?.status() {
            SourceStatus::Running => None,
            SourceStatus::Opening => Some("Opening…".into()),
            SourceStatus::Paused => Some("Paused".into()),
            SourceStatus::Ended => Some("The recording has ended.".into()),
            SourceStatus::Reconnecting(m) => Some(m),
        }
    }

    /// The pose in the frame on screen.
    pub fn current_pose(&self) -> Option<&Pose> {
        self.current.as_ref().and_then(|r| r.pose.as_ref())
    }

    /// The newest frame from the patient's source.
    pub fn current_frame(&self) -> Option<&crate::Frame> {
        self.current.as_ref().map(|r| &r.frame)
    }

    /// The view transform of the frame on screen.
    pub fn current_view(&self) -> Option<&ViewTransform> {
        self.main.view.as_ref()
    }

    /// The displayed image (after mirroring), as the patient sees it.
    pub fn displayed_image(&self) -> &DisplayImage {
        &self.main.display
    }

    /// Size of the frame on screen, pixels.
    pub fn frame_size(&self) -> (f32, f32) {
        self.current.as_ref().map(|r| (r.frame.width() as f32, r.frame.height() as f32)).unwrap_or((1.0, 1.0))
    }

    fn factory(&self) -> SourceFactory {
        match self.active.clone() {
            ActiveSource::Camera(choice) => {
                Box::new(move || CameraSource::open(&choice).map(|c| Box::new(c) as Box<dyn FrameSource>))
            }
            ActiveSource::Recording(path) => Box::new(move || crate::source::open(&path)),
            ActiveSource::Bundled => {
                let path = crate::assets::bundled_recording();
                Box::new(move || crate::source::open(&path))
            }
        }
    }

    fn start_pipeline(&mut self, ctx: &egui::Context) {
        let repaint_ctx = ctx.clone();
        let notify = Arc::new(move || repaint_ctx.request_repaint());
        self.pipeline = Some(LivePipeline::start(
            self.factory(),
            self.settings.pose,
            self.engine.clone(),
            self.models.clone(),
            notify,
        ));
        self.current = None;
        self.main.reset();
        self.compare.patient_source_changed();
        self.settings.source = match &self.active {
            ActiveSource::Camera(_) => SourcePref::Camera,
            ActiveSource::Recording(p) => SourcePref::Recording(p.clone()),
            // Keep asking for a camera when the bundled recording only stands in for one.
            ActiveSource::Bundled if self.no_camera_fallback => SourcePref::Camera,
            ActiveSource::Bundled => SourcePref::Recording(crate::assets::bundled_recording()),
        };
    }

    fn apply_pending(&mut self, ctx: &egui::Context) {
        if let Some(next) = self.pending.take()
            && (next != self.active || self.pipeline.is_none())
        {
            {
                if let ActiveSource::Camera(_) = next {
                    self.no_camera_fallback = false;
                    self.notice = None;
                }
                if let Some(p) = self.pipeline.take() {
                    p.stop();
                }
                self.active = next;
                self.start_pipeline(ctx);
            }
        }
        if self.pipeline.is_none() {
            self.start_pipeline(ctx);
        }
    }

    fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().filter_map(|f| f.path.clone()).collect());
        if let Some(path) = dropped.into_iter().next() {
            self.open_path(path);
        }
    }

    /// Opens a video file or image folder as the source (the file dialog and drag-and-drop end here).
    pub fn open_path(&mut self, path: PathBuf) {
        match crate::source::open(&path) {
            Ok(_) => {
                self.notice = None;
                self.request_source(ActiveSource::Recording(path));
            }
            Err(e) => self.notice = Some(e.to_string()),
        }
    }

    /// Takes the newest frame from the pipeline, feeds the posture checks, the comparison and the recorder, and
    /// renders both panes (a pane re-renders only when its frame or its mirror settings changed, also while paused).
    fn poll(&mut self, ctx: &egui::Context) {
        let fresh = self.pipeline.as_ref().and_then(|p| p.take_result());
        let is_new_frame = fresh.is_some();
        if let Some(r) = fresh {
            let mut events = Vec::new();
            if let Some(s) = self.posture.as_mut() {
                let before = s.cue().map(|c| (c.checkpoint, c.since_s));
                let result = s.update(r.frame.time_s, r.pose.as_ref());
                let after = result.cue.as_ref().map(|c| (c.checkpoint, c.since_s));
                if after.is_some() && after != before {
                    if self.settings.cue_tone {
                        super::sound::play_tone();
                    }
                    if let Some(c) = &result.cue {
                        events.push(("cue", serde_json::json!({ "checkpoint": c.checkpoint, "text": c.text })));
                    }
                }
                for &rule in &result.reps_counted {
                    let name = s.protocol().reps.get(rule).map(|r| r.name.clone()).unwrap_or_default();
                    events.push(("rep", serde_json::json!({ "rule": name })));
                }
                if !result.reps_counted.is_empty() {
                    self.compare.session.close_rep();
                }
                self.posture_frame = Some(result);
            }
            self.compare.on_patient_frame(&r.frame, r.pose.as_ref(), &events);
            self.current = Some(r);
        }
        self.compare.tick();
        let Some(res) = self.current.as_ref() else { return };
        // The main pane: the live frame, or the delayed one when it is shown instead of live.
        let delayed = self.compare.delayed_instead();
        let (frame, pose) = match delayed.then(|| self.compare.session.reference()).flatten() {
            Some((f, p)) => (f, p),
            None => (&res.frame, res.pose.as_ref()),
        };
        if let Some(seam) =
            self.main.show_frame(ctx, "mirrorcue-view", frame, pose, self.settings.mirror, &self.settings.seam)
        {
            // Latency counts each live frame once, when it first reaches the screen.
            if let (Some(p), true, false) = (&self.pipeline, is_new_frame, delayed) {
                p.record_shown(res.captured_at);
            }
            self.last_seam = self.settings.mirror.ne(&MirrorMode::Off).then_some(seam);
        }
        self.compare.render_reference(ctx, &res.frame, res.pose.as_ref(), &self.settings);
    }

    fn content(&self, patient: bool) -> ViewContent<'_> {
        let show_overlay = !patient || self.settings.overlay.on_patient_screen;
        let delayed = self.compare.delayed_instead();
        ViewContent {
            texture: self.main.texture.as_ref(),
            view: self.main.view.as_ref(),
            pose: self.main.pose.as_ref(),
            overlay: show_overlay.then_some(&self.settings.overlay),
            caption: None,
            // Cues and marks are about now: not over a delayed replay.
            cue: if delayed { None } else { self.cue_display() },
            picked: Vec::new(),
            marks: if patient || delayed { Vec::new() } else { self.checkpoint_marks() },
            message: match self.pipeline.as_ref().map(|p| p.status()) {
                Some(SourceStatus::Reconnecting(_)) if matches!(self.active, ActiveSource::Camera(_)) => {
                    Some("The camera is not sending pictures. Please wait a moment.".to_string())
                }
                Some(SourceStatus::Reconnecting(_)) => Some("This recording cannot be played.".to_string()),
                _ => None,
            },
            ghost: self.compare.ghost_display(
                self.settings.ghost,
                self.main.pose.as_ref(),
                self.settings.overlay.min_score,
            ),
            badge: self.compare.badge(),
        }
    }

    /// Draws the panes (the patient's, and the reference beside it when comparing) for the therapist's window
    /// (`patient` false) or the patient screen.
    fn panes(&self, ui: &mut egui::Ui, patient: bool, caption: Option<&str>) -> (egui::Rect, egui::Response) {
        let mut content = self.content(patient);
        content.caption = caption;
        if !patient {
            content.picked = self.picking.clone().unwrap_or_default();
        }
        let ref_caption = self.compare.caption();
        let show_overlay = !patient || self.settings.overlay.on_patient_screen;
        let second = self
            .compare
            .two_panes()
            .then(|| self.compare.reference_content(show_overlay.then_some(&self.settings.overlay), &ref_caption));
        super::compare::show_panes(ui, &content, second.as_ref(), self.settings.compare_layout, patient)
    }

    /// Opens `path` (a video, image folder or recording folder) as the reference beside the patient.
    pub fn open_reference(&mut self, ctx: &egui::Context, path: PathBuf) {
        let model = self.settings.pose.model;
        self.compare.load_reference(path, &self.engine, &self.models, model, ctx);
    }

    /// The ghost drawn over the patient now, if any.
    pub fn ghost(&self) -> Option<patient::GhostDisplay> {
        self.compare.ghost_display(self.settings.ghost, self.main.pose.as_ref(), self.settings.overlay.min_score)
    }

    /// Asks to open `path` as the reference (started at the next frame).
    pub fn request_reference(&mut self, path: PathBuf) {
        self.pending_reference = Some(path);
    }

    /// Freezes the frame on screen as the reference.
    pub fn freeze_reference(&mut self) {
        if let Some(r) = &self.current {
            self.compare.freeze(&r.frame, r.pose.as_ref());
        }
    }

    /// Starts or stops recording the patient's source (into the recordings folder).
    pub fn toggle_recording(&mut self) {
        if self.compare.recorder.is_some() {
            self.compare.stop_recording();
            return;
        }
        let Some(r) = &self.current else {
            self.compare.message = Some("Nothing to record yet: wait for the picture.".into());
            return;
        };
        let Some(base) = self.settings.recordings_dir.clone().or_else(|| user_dir("recordings")) else {
            self.compare.message = Some("No folder to record into: choose one under Compare.".into());
            return;
        };
        let fps = self.pipeline.as_ref().map(|p| p.stats().camera_fps()).filter(|f| *f > 1.0).unwrap_or(30.0);
        self.compare.start_recording(&base, &r.frame, self.settings.pose.model, fps);
    }

    /// One frame of the whole UI.
    pub fn ui(&mut self, ctx: &egui::Context) {
        self.handle_dropped_files(ctx);
        self.apply_pending(ctx);
        if let Some(path) = self.pending_reference.take() {
            self.open_reference(ctx, path);
        }
        self.poll(ctx);

        egui::SidePanel::left("therapist-controls")
            .resizable(true)
            .default_width(340.0)
            .width_range(280.0..=480.0)
            .show(ctx, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| super::controls::show(ui, self));
            });
        let caption = self.source_caption();
        let clicked =
            egui::CentralPanel::default()
                .frame(egui::Frame::new().fill(Color32::BLACK))
                .show(ctx, |ui| {
                    let (rect, response) = self.panes(ui, !self.settings.patient_window, Some(&caption));
                    response.clicked().then(|| response.interact_pointer_pos()).flatten().map(|p| {
                        ((p.x - rect.left()) / rect.width().max(1.0), (p.y - rect.top()) / rect.height().max(1.0))
                    })
                })
                .inner;
        if let Some((x, y)) = clicked {
            self.pick_at(x, y);
        }
        if self.settings.patient_window {
            self.patient_viewport(ctx);
        }

        self.file_dialog.update(ctx);
        if let Some(path) = self.file_dialog.take_picked() {
            if self.reference_dialog {
                self.open_reference(ctx, path);
            } else {
                self.open_path(path);
            }
        }
        self.export_dialog.update(ctx);
        if let (Some(path), Some(p)) = (self.export_dialog.take_picked(), self.protocol.as_ref()) {
            self.notice = Some(match p.save(&path) {
                Ok(()) => format!("Protocol exported to {}", path.display()),
                Err(e) => e.to_string(),
            });
        }
        self.protocol_dialog.update(ctx);
        if let Some(path) = self.protocol_dialog.take_picked() {
            match Protocol::load(&path) {
                Ok(p) => self.set_protocol(Some(p)),
                Err(e) => self.notice = Some(e.to_string()),
            }
        }
        if let Some(p) = &self.pipeline {
            p.set_settings(self.settings.pose);
        }
        // Keep the readout fresh even when no frame arrives.
        ctx.request_repaint_after(Duration::from_millis(250));
    }

    fn patient_viewport(&mut self, ctx: &egui::Context) {
        let id = egui::ViewportId::from_hash_of("mirrorcue-patient-screen");
        let fullscreen = self.settings.patient_fullscreen;
        let builder = egui::ViewportBuilder::default()
            .with_title("mirrorcue — patient screen")
            .with_inner_size([960.0, 720.0])
            .with_fullscreen(fullscreen)
            .with_decorations(!fullscreen);
        let mut close = false;
        ctx.show_viewport_immediate(id, builder, |ctx, _class| {
            egui::CentralPanel::default().frame(egui::Frame::new().fill(Color32::BLACK)).show(ctx, |ui| {
                self.panes(ui, true, None);
            });
            if ctx.input(|i| i.viewport().close_requested()) {
                close = true;
            }
        });
        if close {
            self.settings.patient_window = false;
        }
    }

    /// Uses `protocol` (or none) for posture checks; the session starts afresh.
    pub fn set_protocol(&mut self, protocol: Option<Protocol>) {
        self.posture = protocol.clone().map(PostureSession::new);
        self.protocol = protocol;
        self.posture_frame = None;
    }

    /// After the therapist edited the protocol: the session restarts with it.
    pub fn protocol_edited(&mut self) {
        self.posture = self.protocol.clone().map(PostureSession::new);
    }

    /// The shipped protocols and those in the user's library.
    pub fn protocol_library(&self) -> Vec<(PathBuf, Result<Protocol, crate::posture::ProtocolError>)> {
        let mut all = crate::posture::protocol::shipped();
        if let Some(dir) = user_dir("protocols")
            && let Ok(rd) = std::fs::read_dir(&dir)
        {
            let mut files: Vec<PathBuf> =
                rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect();
            files.sort();
            all.extend(files.into_iter().map(|p| (p.clone(), Protocol::load(&p))));
        }
        all
    }

    /// Opens the file dialog to export the protocol to a file of the user's choice.
    pub fn export_protocol_dialog(&mut self) {
        self.export_dialog.save_file();
    }

    /// Opens the file dialog for a protocol file.
    pub fn open_protocol_dialog(&mut self) {
        self.protocol_dialog.pick_file();
    }

    /// Saves the protocol into the user's protocol library.
    pub fn save_protocol(&mut self) {
        let Some(p) = &self.protocol else { return };
        let Some(dir) = user_dir("protocols") else {
            self.notice = Some("No data folder to save protocols in (is HOME set?).".into());
            return;
        };
        let slug: String =
            p.name.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
        let path = dir.join(format!("{slug}.toml"));
        self.notice = Some(
            match std::fs::create_dir_all(&dir)
                .map_err(|e| e.to_string())
                .and_then(|_| p.save(&path).map_err(|e| e.to_string()))
            {
                Ok(()) => format!("Protocol saved: {}", path.display()),
                Err(e) => e,
            },
        );
    }

    /// Writes the session's CSV (one row per frame) and JSON summary into the user's data folder.
    pub fn export_session(&mut self) {
        let Some(s) = &self.posture else { return };
        let Some(base) = user_dir("sessions") else {
            self.notice = Some("No data folder to export into (is HOME set?).".into());
            return;
        };
        let stamp =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let dir = base.join(format!("session-{stamp}"));
        let result = std::fs::create_dir_all(&dir)
            .and_then(|_| {
                std::fs::write(dir.join("summary.json"), serde_json::to_string_pretty(s.summary()).unwrap_or_default())
            })
            .and_then(|_| s.write_csv(std::io::BufWriter::new(std::fs::File::create(dir.join("frames.csv"))?)));
        self.notice = Some(match result {
            Ok(()) => format!("Session exported to {}", dir.display()),
            Err(e) => format!("Could not export the session to {}: {e}", dir.display()),
        });
    }

    /// "Hold it there": the current values become the targets (a protocol without checkpoints gets the usual ones).
    pub fn capture_targets(&mut self) {
        let Some(pose) = self.current_pose().cloned() else {
            self.notice = Some("No pose to capture yet: the patient must be in view.".into());
            return;
        };
        let Some(p) = self.protocol.as_mut() else { return };
        if p.checkpoints.is_empty() {
            p.checkpoints = super::posture_panel::default_checkpoints();
        }
        let mut missing = Vec::new();
        for c in p.checkpoints.iter_mut() {
            match c.value(&pose) {
                Some(v) => c.target = v,
                None => missing.push(c.name.clone()),
            }
        }
        if p.checkpoints.iter().all(|c| c.target == 0.0) && !missing.is_empty() {
            self.notice = Some("Nothing could be captured: the joints are not visible.".into());
        } else if !missing.is_empty() {
            self.notice = Some(format!("Not visible, target unchanged: {}", missing.join(", ")));
        }
        self.protocol_edited();
    }

    /// Each checkpoint's value on the last frame.
    pub fn posture_values(&self) -> Vec<Option<f32>> {
        self.posture_frame.as_ref().map(|f| f.values.clone()).unwrap_or_default()
    }

    /// Each checkpoint's state on the last frame.
    pub fn posture_states(&self) -> Vec<CheckState> {
        self.posture_frame.as_ref().map(|f| f.states.clone()).unwrap_or_default()
    }

    /// Each visible checkpoint's value at its joint, coloured by state (drawn on the therapist's view).
    pub fn checkpoint_marks(&self) -> Vec<((f32, f32), String, Color32)> {
        let (Some(p), Some(f), Some(pose), Some(view)) =
            (self.protocol.as_ref(), self.posture_frame.as_ref(), self.current_pose(), self.main.view.as_ref())
        else {
            return Vec::new();
        };
        p.checkpoints
            .iter()
            .zip(f.values.iter().zip(&f.states))
            .filter_map(|(c, (v, s))| {
                let v = (*v)?;
                let k = pose.get(c.measure.focus()?)?;
                if view.is_hidden(k.x, k.y) {
                    return None;
                }
                let text = if c.measure.is_angle() { format!("{v:.0}°") } else { format!("{v:.2}") };
                Some((view.map_real(k.x, k.y), text, super::posture_panel::state_color(*s)))
            })
            .collect()
    }

    /// The cue as the patient screen shows it.
    pub fn cue_display(&self) -> Option<patient::CueDisplay> {
        let cue = self.posture_frame.as_ref()?.cue.as_ref()?;
        let spec = self.protocol.as_ref()?.checkpoints.get(cue.checkpoint)?;
        let focus = spec.measure.focus().and_then(|j| {
            let (pose, view) = (self.current_pose()?, self.main.view.as_ref()?);
            let k = pose.get(j)?;
            (!view.is_hidden(k.x, k.y)).then(|| view.map_real(k.x, k.y))
        });
        Some(patient::CueDisplay { text: cue.text.clone(), focus })
    }

    /// A click on the video at normalised display position (`x`, `y`) while picking an angle.
    pub fn pick_at(&mut self, x: f32, y: f32) {
        let (Some(picked), Some(pose), Some(view)) =
            (self.picking.as_mut(), self.current.as_ref().and_then(|r| r.pose.as_ref()), self.main.view.as_ref())
        else {
            return;
        };
        let nearest = crate::view::shown_keypoints(pose, view, self.settings.overlay.min_score)
            .into_iter()
            .filter(|k| !k.reflected && !picked.contains(&k.joint))
            .map(|k| (k.joint, (k.x - x).powi(2) + (k.y - y).powi(2)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let Some((joint, d2)) = nearest else { return };
        if d2 > 0.06 * 0.06 {
            return;
        }
        picked.push(joint);
        if picked.len() == 3 {
            let (a, v, c) = (picked[0], picked[1], picked[2]);
            self.picking = None;
            if let Some(p) = self.protocol.as_mut() {
                let taken: Vec<&str> = p.checkpoints.iter().map(|c| c.name.as_str()).collect();
                let c = crate::posture::checkpoint_from_joints(a, v, c, Some(pose), &Default::default(), &taken);
                p.checkpoints.push(c);
                self.protocol_edited();
            }
        }
    }

    /// Whether the source is a recording of the given kind (for tests and captions).
    pub fn source_kind(&self) -> Option<SourceKind> {
        self.pipeline.as_ref().and_then(|p| p.source().1)
    }
}

/// A folder in mirrorcue's data folder (created on use).
fn user_dir(sub: &str) -> Option<PathBuf> {
    eframe::storage_dir("mirrorcue").map(|d| d.join(sub))
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}

impl eframe::App for MirrorcueApp {
    fn update(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.ui(ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }
}
