//! The app: state in plain structs, the live pipeline behind it, and the two screens.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use egui::{Color32, TextureOptions};
use egui_file_dialog::FileDialog;

use super::patient::{self, ViewContent};
use super::settings::{Settings, SourcePref};
use crate::live::{LivePipeline, LiveResult, SourceFactory, SourceStatus};
use crate::pose::{EngineConfig, ModelStore, Pose};
use crate::source::camera::{CameraChoice, CameraInfo, CameraSource};
use crate::source::{FrameSource, SourceKind};
use crate::view::{DisplayImage, MirrorMode, Seam, SeamTracker, SplitSource, ViewTransform};

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
    engine: EngineConfig,
    models: ModelStore,
    pending: Option<ActiveSource>,
    current: Option<LiveResult>,
    view: Option<ViewTransform>,
    rendered_with: Option<(MirrorMode, crate::view::SeamSettings)>,
    display: DisplayImage,
    texture: Option<egui::TextureHandle>,
    seam: SeamTracker,
    file_dialog: FileDialog,
    dialog_folder: bool,
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
            engine,
            models,
            pending: None,
            current: None,
            view: None,
            rendered_with: None,
            display: DisplayImage::default(),
            texture: None,
            seam: SeamTracker::new(),
            file_dialog: FileDialog::new().title("Open a recording"),
            dialog_folder: false,
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
        if folder {
            self.file_dialog.pick_directory();
        } else {
            self.file_dialog.pick_file();
        }
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

    /// The view transform of the frame on screen.
    pub fn current_view(&self) -> Option<&ViewTransform> {
        self.view.as_ref()
    }

    /// The displayed image (after mirroring), as the patient sees it.
    pub fn displayed_image(&self) -> &DisplayImage {
        &self.display
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
        self.view = None;
        self.seam.reset();
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
        if let Some(p) = &self.pipeline {
            p.set_settings(self.settings.pose);
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

    /// Takes the newest frame from the pipeline and renders the view; re-renders the frame on screen when the
    /// mirror settings changed (also while paused).
    fn poll(&mut self, ctx: &egui::Context) {
        let fresh = self.pipeline.as_ref().and_then(|p| p.take_result());
        let settings_changed = self.rendered_with != Some((self.settings.mirror, self.settings.seam));
        if fresh.is_none() && !settings_changed {
            return;
        }
        if let Some(r) = fresh {
            self.current = Some(r);
        }
        let Some(res) = self.current.as_ref() else { return };
        let (w, h) = (res.frame.width(), res.frame.height());
        let horizontal =
            matches!(self.settings.mirror, MirrorMode::Split { source: SplitSource::Upper | SplitSource::Lower, .. });
        let seam = self.seam.update(res.pose.as_ref(), &self.settings.seam, horizontal, w, h);
        let view = ViewTransform::new(
            self.settings.mirror,
            w,
            h,
            seam,
            res.pose.as_ref(),
            res.frame.mirrored,
            self.settings.seam.feather,
        );
        view.render(&res.frame.image, &mut self.display);
        let pixels: Vec<Color32> = bytemuck::cast_slice::<u8, Color32>(&self.display.rgba).to_vec();
        let image = egui::ColorImage::new([self.display.width, self.display.height], pixels);
        match &mut self.texture {
            Some(t) => t.set(image, TextureOptions::LINEAR),
            None => self.texture = Some(ctx.load_texture("mirrorcue-view", image, TextureOptions::LINEAR)),
        }
        if let (Some(p), true) = (&self.pipeline, !settings_changed || self.rendered_with.is_some()) {
            p.record_shown(res.captured_at);
        }
        self.view = Some(view);
        self.last_seam = self.settings.mirror.ne(&MirrorMode::Off).then_some(seam);
        self.rendered_with = Some((self.settings.mirror, self.settings.seam));
    }

    fn content(&self, patient: bool) -> ViewContent<'_> {
        let show_overlay = !patient || self.settings.overlay.on_patient_screen;
        ViewContent {
            texture: self.texture.as_ref(),
            view: self.view.as_ref(),
            pose: self.current_pose(),
            overlay: show_overlay.then_some(&self.settings.overlay),
            caption: None,
            message: match self.pipeline.as_ref().map(|p| p.status()) {
                Some(SourceStatus::Reconnecting(_)) if matches!(self.active, ActiveSource::Camera(_)) => {
                    Some("The camera is not sending pictures. Please wait a moment.")
                }
                Some(SourceStatus::Reconnecting(_)) => Some("This recording cannot be played."),
                _ => None,
            },
        }
    }

    /// One frame of the whole UI.
    pub fn ui(&mut self, ctx: &egui::Context) {
        self.handle_dropped_files(ctx);
        self.apply_pending(ctx);
        self.poll(ctx);

        egui::SidePanel::left("therapist-controls")
            .resizable(true)
            .default_width(340.0)
            .width_range(280.0..=480.0)
            .show(ctx, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| super::controls::show(ui, self));
            });
        let caption = self.source_caption();
        egui::CentralPanel::default().frame(egui::Frame::new().fill(Color32::BLACK)).show(ctx, |ui| {
            let mut content = self.content(!self.settings.patient_window);
            content.caption = Some(&caption);
            patient::show(ui, &content, !self.settings.patient_window);
        });
        if self.settings.patient_window {
            self.patient_viewport(ctx);
        }

        self.file_dialog.update(ctx);
        if let Some(path) = self.file_dialog.take_picked() {
            self.open_path(path);
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
        let content = self.content(true);
        ctx.show_viewport_immediate(id, builder, |ctx, _class| {
            egui::CentralPanel::default().frame(egui::Frame::new().fill(Color32::BLACK)).show(ctx, |ui| {
                patient::show(ui, &content, true);
            });
            if ctx.input(|i| i.viewport().close_requested()) {
                close = true;
            }
        });
        if close {
            self.settings.patient_window = false;
        }
    }

    /// Whether the source is a recording of the given kind (for tests and captions).
    pub fn source_kind(&self) -> Option<SourceKind> {
        self.pipeline.as_ref().and_then(|p| p.source().1)
    }
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
