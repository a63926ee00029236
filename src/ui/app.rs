//! The shell: owns the [`State`], the live pipeline and the dialogs; once per frame it polls the pipeline, draws the
//! panels and the screens (which return [`Action`]s), and applies the actions in one place ([`MirrorcueApp::apply`]).

use std::sync::Arc;
use std::time::Duration;

use egui::Color32;
use egui_file_dialog::FileDialog;

use super::action::{Action, DialogTarget};
use super::balance::{BalanceAction, Finished};
use super::clinic::ClinicAction;
use super::gait::GaitAction;
use super::pane::Pane;
use super::screen::{self, patient};
use super::settings::{Settings, SourcePref};
use super::state::{ActiveSource, SourceView, State};
use crate::compare::SyncMode;
use crate::live::{LivePipeline, SourceFactory};
use crate::pose::{EngineConfig, ModelStore, PersonSelector, PoseModel};
use crate::posture::{ModelFit, PostureSession, Protocol, ProtocolLibrary};
use crate::recording::events::Event;
use crate::source::FrameSource;
use crate::source::camera::{CameraInfo, CameraSource};
use crate::view::{DisplayImage, MirrorMode, SplitSource, ViewTransform};

/// The clinic app.
pub struct MirrorcueApp {
    /// Everything the panels read.
    pub state: State,
    /// The running pipeline.
    pub pipeline: Option<LivePipeline>,
    engine: EngineConfig,
    models: ModelStore,
    /// The patient's pane as rendered (the reference pane is the comparison's).
    main: Pane,
    /// Actions from outside a frame (tests, the window), applied with the next frame's.
    queued: Vec<Action>,
    file_dialog: FileDialog,
    file_dialog_target: DialogTarget,
    protocol_dialog: FileDialog,
    export_dialog: FileDialog,
}

impl MirrorcueApp {
    /// The app with `settings`, picking the source they ask for: a camera if one of `cameras` is connected,
    /// otherwise the bundled recording (said plainly). Models are read from `models`.
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
        let mut state = State::new(settings, active, cameras);
        state.notice = notice;
        state.no_camera_fallback = no_camera_fallback;
        state.protocol_library = library().list();
        MirrorcueApp {
            state,
            pipeline: None,
            engine,
            models,
            main: Pane::default(),
            queued: Vec::new(),
            file_dialog: FileDialog::new().title("Open a recording"),
            file_dialog_target: DialogTarget::Source,
            protocol_dialog: FileDialog::new().title("Open a protocol"),
            export_dialog: FileDialog::new().title("Export the protocol").default_file_name("protocol.toml"),
        }
    }

    /// The app as eframe creates it: settings restored from the last run, models from `models`.
    pub fn from_eframe(cc: &eframe::CreationContext<'_>, engine: EngineConfig, models: ModelStore) -> MirrorcueApp {
        let settings: Settings = cc.storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)).unwrap_or_default();
        let cameras = crate::source::camera::list_cameras().unwrap_or_default();
        let mut app = MirrorcueApp::new(settings, engine, models, cameras);
        app.state.monitors = super::monitors::list();
        app
    }

    /// Queues `action`, applied with the next frame's actions (for tests and callers outside a frame).
    pub fn queue(&mut self, action: Action) {
        self.queued.push(action);
    }

    /// The view transform of the frame on screen.
    pub fn current_view(&self) -> Option<&ViewTransform> {
        self.main.view.as_ref()
    }

    /// The displayed image (after mirroring), as the patient sees it.
    pub fn displayed_image(&self) -> &DisplayImage {
        &self.main.display
    }

    /// The ghost drawn over the patient now, if any.
    pub fn ghost(&self) -> Option<patient::GhostDisplay> {
        let s = &self.state.settings;
        self.state.compare.ghost_display(s.ghost, self.main.pose.as_ref(), s.overlay.min_score)
    }

    /// The cue as the patient screen shows it.
    pub fn cue_display(&self) -> Option<patient::CueDisplay> {
        screen::cue_display(&self.state, self.main.view.as_ref())
    }

    /// One frame of the whole UI: poll, draw (collecting actions), apply the actions.
    pub fn ui(&mut self, ctx: &egui::Context) {
        if self.pipeline.is_none() {
            self.start_pipeline(ctx);
        }
        self.refresh();
        self.poll(ctx);

        let mut actions = std::mem::take(&mut self.queued);
        if !ctx.wants_keyboard_input() {
            let fullscreen = ctx.input(|i| i.viewport().fullscreen.unwrap_or(false));
            actions.extend(ctx.input(|i| super::keys::actions(i, &self.state, false, fullscreen)));
        }
        actions.extend(
            ctx.input(|i| i.raw.dropped_files.iter().filter_map(|f| f.path.clone()).take(1).collect::<Vec<_>>())
                .into_iter()
                .map(Action::OpenPath),
        );
        egui::SidePanel::left("therapist-controls")
            .resizable(true)
            .default_width(340.0)
            .width_range(280.0..=480.0)
            .show(ctx, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| actions.extend(super::panels::show(ui, &self.state)));
            });
        let caption = self.state.source_caption();
        let patient_here = !self.state.settings.patient_window;
        egui::CentralPanel::default().frame(egui::Frame::new().fill(Color32::BLACK)).show(ctx, |ui| {
            let (rect, response) = screen::show(ui, &self.state, &self.main, patient_here, Some(&caption));
            if let Some(p) = response.clicked().then(|| response.interact_pointer_pos()).flatten() {
                let (x, y) = ((p.x - rect.left()) / rect.width().max(1.0), (p.y - rect.top()) / rect.height().max(1.0));
                actions.push(if self.state.picking.is_some() { Action::PickAt(x, y) } else { Action::FollowAt(x, y) });
            }
        });
        if self.state.settings.patient_window {
            actions.extend(self.patient_viewport(ctx));
        }
        actions.extend(self.dialogs(ctx));

        for action in actions {
            self.apply(ctx, action);
        }
        if let Some(p) = &self.pipeline {
            p.set_settings(self.state.settings.pose);
        }
        // Keep the readout fresh even when no frame arrives.
        ctx.request_repaint_after(Duration::from_millis(250));
    }

    /// The patient screen as its own window; asks to close it when its window is closed.
    fn patient_viewport(&self, ctx: &egui::Context) -> Vec<Action> {
        let id = egui::ViewportId::from_hash_of("mirrorcue-patient-screen");
        let ppp = ctx.input(|i| i.viewport().native_pixels_per_point).unwrap_or(1.0);
        let builder = patient_viewport_builder(&self.state, ppp);
        ctx.show_viewport_immediate(id, builder, |ctx, class| {
            egui::CentralPanel::default().frame(egui::Frame::new().fill(Color32::BLACK)).show(ctx, |ui| {
                screen::show(ui, &self.state, &self.main, true, None);
            });
            let mut out = Vec::new();
            // (Embedded in the main window, the keys are the main window's, read there.)
            if class != egui::ViewportClass::Embedded && !ctx.wants_keyboard_input() {
                let fullscreen = self.state.settings.patient_fullscreen;
                out.extend(ctx.input(|i| super::keys::actions(i, &self.state, true, fullscreen)));
            }
            if ctx.input(|i| i.viewport().close_requested()) {
                out.push(Action::SetPatientWindow(false));
            }
            out
        })
    }

    /// The file dialogs: what was picked becomes an action.
    fn dialogs(&mut self, ctx: &egui::Context) -> Vec<Action> {
        let mut out = Vec::new();
        self.file_dialog.update(ctx);
        if let Some(path) = self.file_dialog.take_picked() {
            out.push(match self.file_dialog_target {
                DialogTarget::Source => Action::OpenPath(path),
                DialogTarget::Reference => Action::OpenReference(path),
                DialogTarget::SessionExport => Action::ExportSession(path),
            });
        }
        self.export_dialog.update(ctx);
        if let Some(path) = self.export_dialog.take_picked() {
            out.push(Action::ExportProtocol(path));
        }
        self.protocol_dialog.update(ctx);
        if let Some(path) = self.protocol_dialog.take_picked() {
            out.push(Action::LoadProtocol(path));
        }
        out
    }

    fn factory(&self) -> SourceFactory {
        match self.state.active.clone() {
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
        if let Some(p) = self.pipeline.take() {
            p.stop();
        }
        let factory = self.factory();
        let pose = self.state.settings.pose;
        self.pipeline = Some(LivePipeline::start(factory, pose, self.engine.clone(), self.models.clone(), notify));
        let s = &mut self.state;
        s.current = None;
        self.main.reset();
        s.compare.patient_source_changed();
        // A new source is a new posture session (the counts of one clip do not go on over the next).
        s.posture = s.protocol.clone().map(PostureSession::new);
        s.posture_frame = None;
        s.settings.source = match &s.active {
            ActiveSource::Camera(_) => SourcePref::Camera,
            ActiveSource::Recording(p) => SourcePref::Recording(p.clone()),
            // Keep asking for a camera when the bundled recording only stands in for one.
            ActiveSource::Bundled if s.no_camera_fallback => SourcePref::Camera,
            ActiveSource::Bundled => SourcePref::Recording(crate::assets::bundled_recording()),
        };
    }

    /// Takes what the panels read from the pipeline and the devices, once per frame.
    fn refresh(&mut self) {
        let s = &mut self.state;
        s.source = self.pipeline.as_ref().map(|p| {
            let (name, kind) = p.source();
            SourceView {
                name,
                kind,
                status: Some(p.status()),
                playback: p.playback(),
                duration_s: p.duration_s(),
                stats: p.stats(),
            }
        });
        // The formats of a camera are listed while it is not streaming.
        if !s.cameras.is_empty() && s.camera_modes.is_none() && !matches!(s.active, ActiveSource::Camera(_)) {
            let id = s.settings.camera.camera.clone().or_else(|| s.cameras.first().map(|c| c.id.clone()));
            s.camera_modes = Some(id.and_then(|id| crate::source::camera_modes(&id).ok()).unwrap_or_default());
        }
        s.compare.session.delay.set_max_bytes(s.settings.delay_memory_mb as usize * (1 << 20));
    }

    /// Takes the newest frame from the pipeline, feeds the posture checks, the comparison and the recorder, and
    /// renders both panes (a pane re-renders only when its frame or its mirror settings changed, also while paused).
    fn poll(&mut self, ctx: &egui::Context) {
        let s = &mut self.state;
        let fresh = self.pipeline.as_ref().and_then(|p| p.take_result());
        let is_new_frame = fresh.is_some();
        if let Some(r) = fresh {
            s.framing.update(r.pose.as_ref());
            let mut events = Vec::new();
            if let Some(posture) = s.posture.as_mut() {
                let before = posture.cue().map(|c| (c.checkpoint, c.since_s));
                let result = posture.update_with_hands(r.frame.time_s, r.pose.as_ref(), &r.hands);
                let after = result.cue.as_ref().map(|c| (c.checkpoint, c.since_s));
                if after.is_some() && after != before {
                    if s.settings.cue_tone {
                        super::sound::play_tone();
                    }
                    if let Some(c) = &result.cue {
                        events.push(Event::cue(c.checkpoint, c.text.clone()));
                    }
                }
                for &rule in &result.reps_counted {
                    let name = posture.protocol().reps.get(rule).map(|r| r.name.clone()).unwrap_or_default();
                    events.push(Event::rep(name, None));
                }
                if !result.reps_counted.is_empty() {
                    s.compare.session.close_rep();
                }
                s.posture_frame = Some(result);
            }
            let finished = s.balance.frame(r.frame.index, r.frame.time_s, r.pose.as_ref());
            s.gait.frame(r.frame.index, r.frame.time_s, r.pose.as_ref());
            if let Some(live) = s.clinic.live.as_mut() {
                // Session time runs with the frames (a paused recording does not count).
                let dt = s.current.as_ref().map_or(0.0, |c| r.frame.time_s - c.frame.time_s);
                // Each second counts for one activity (the 97112 minutes are their sum): a balance trial or a walk
                // (filed with its own length), else the posture protocol, else the mirror therapy on screen.
                let exercise = s.balance.is_running() || s.gait.is_running();
                let mirror = crate::store::live::mirror_activity(s.settings.mirror).filter(|_| !exercise);
                live.tick(dt, mirror.as_ref().map(|(n, side)| (n.as_str(), *side)));
                match (s.posture.as_ref(), s.posture_frame.as_ref()) {
                    (Some(posture), Some(result)) => {
                        let timed = if exercise { 0.0 } else { dt };
                        live.posture_frame(timed, posture, result, &r.frame, r.pose.as_ref());
                    }
                    _ => live.end_posture(),
                }
                if let (crate::compare::ReferenceKind::Clip, Some(clip)) =
                    (s.compare.session.kind, &s.compare.session.clip)
                {
                    live.comparison_reps(&clip.name, &s.compare.session.reps);
                }
                match &finished {
                    Some(Finished::Trial(result)) => live.balance_trial(result),
                    Some(Finished::Drill(results)) => live.los_drill(results),
                    None => {}
                }
            }
            s.record.push(&r.frame, r.pose.as_ref(), &events);
            if let Some(last) = s.current_frame().map(|f| f.time_s)
                && r.frame.time_s > last
            {
                s.frame_interval_s = r.frame.time_s - last;
            }
            s.current = Some(r);
        }
        // Both panes through the display step `mirrorcue bench --side-by-side` measures too.
        let dt = s.compare.real_dt();
        let current = s.current.as_ref().map(|r| (&r.frame, r.pose.as_ref()));
        self.main.hands = s.current.as_ref().map(|r| r.hands.clone()).unwrap_or_default();
        let step = s.compare.display_step(ctx, &mut self.main, current, is_new_frame, dt, &s.settings);
        if let Some(seam) = step.patient_seam {
            // Latency counts each live frame once, when it first reaches the screen.
            if let (Some(p), true, false, Some(res)) = (&self.pipeline, is_new_frame, step.delayed, &s.current) {
                p.record_shown(res.captured_at);
            }
            s.last_seam = s.settings.mirror.ne(&MirrorMode::Off).then_some(seam);
        }
    }

    /// Does what `action` asks. The one place where the app changes.
    pub fn apply(&mut self, ctx: &egui::Context, action: Action) {
        let s = &mut self.state;
        let pipeline = self.pipeline.as_ref();
        match action {
            // Source
            Action::SetSource(next) => {
                if next != s.active || self.pipeline.is_none() {
                    if let ActiveSource::Camera(_) = next {
                        s.no_camera_fallback = false;
                        s.notice = None;
                    }
                    s.active = next;
                    self.start_pipeline(ctx);
                }
            }
            Action::OpenPath(path) => match crate::source::open(&path) {
                Ok(_) => {
                    s.notice = None;
                    self.apply(ctx, Action::SetSource(ActiveSource::Recording(path)));
                }
                Err(e) => s.notice = Some(e.to_string()),
            },
            Action::OpenFileDialog { target, folder } => {
                self.file_dialog_target = target;
                if folder {
                    self.file_dialog.pick_directory();
                } else {
                    self.file_dialog.pick_file();
                }
            }
            Action::ChooseCamera(camera) => {
                s.settings.camera.camera = camera;
                s.settings.camera.mode = None;
                s.camera_modes = None;
                self.apply(ctx, Action::SetSource(ActiveSource::Camera(self.state.settings.camera.clone())));
            }
            Action::ChooseCameraMode(mode) => {
                s.settings.camera.mode = mode;
                self.apply(ctx, Action::SetSource(ActiveSource::Camera(self.state.settings.camera.clone())));
            }
            Action::SetDriverMirrors(mirrors) => {
                s.settings.camera.driver_mirrors = mirrors;
                if matches!(s.active, ActiveSource::Camera(_)) {
                    self.apply(ctx, Action::SetSource(ActiveSource::Camera(self.state.settings.camera.clone())));
                }
            }
            Action::DismissNotice => s.notice = None,
            // Playback
            Action::SetPaused(paused) => pipeline.into_iter().for_each(|p| p.set_paused(paused)),
            Action::StepFrame => pipeline.into_iter().for_each(|p| p.step()),
            Action::Restart => pipeline.into_iter().for_each(|p| p.restart()),
            Action::SetLooping(looping) => pipeline.into_iter().for_each(|p| p.set_looping(looping)),
            Action::SetSpeed(speed) => pipeline.into_iter().for_each(|p| p.set_speed(speed)),
            Action::SetImageDisplay(seconds) => pipeline.into_iter().for_each(|p| p.set_image_display_s(seconds)),
            Action::Seek(at) => pipeline.into_iter().for_each(|p| p.seek(at)),
            Action::SetSection(section) => pipeline.into_iter().for_each(|p| p.set_section(section)),
            // View
            Action::SetMirror(mode) => s.settings.mirror = mode,
            Action::SetSplitSource(source) => {
                s.settings.split_source = source;
                if let MirrorMode::Split { selfie, .. } = s.settings.mirror {
                    s.settings.mirror = MirrorMode::Split { source, selfie };
                }
            }
            Action::SetSplitSelfie(selfie) => {
                s.settings.split_selfie = selfie;
                if let MirrorMode::Split { source, .. } = s.settings.mirror {
                    s.settings.mirror = MirrorMode::Split { source, selfie };
                }
            }
            Action::SetSeamFollowsBody(follow) => {
                // Lock the seam where it is now.
                if !follow && let Some(seam) = s.last_seam {
                    let (w, h) = s.frame_size();
                    let horizontal = matches!(s.settings.split_source, SplitSource::Upper | SplitSource::Lower);
                    let at = if horizontal { seam.point.1 / h.max(1.0) } else { seam.point.0 / w.max(1.0) };
                    s.settings.seam.manual = at.clamp(0.0, 1.0);
                }
                s.settings.seam.follow_body = follow;
            }
            Action::SetSeam(seam) => s.settings.seam = seam,
            Action::SetHandGhost(side) => s.settings.hand_ghost = side,
            Action::SetPose(pose) => s.settings.pose = pose,
            Action::SetOverlay(overlay) => s.settings.overlay = overlay,
            Action::SetPatientWindow(on) => s.settings.patient_window = on,
            // (The patient window's builder carries full screen and decorations to the window.)
            Action::SetPatientFullscreen(on) => s.settings.patient_fullscreen = on,
            Action::SetPatientMonitor(name) => {
                s.settings.patient_monitor = name;
                let ppp = ctx.input(|i| i.viewport().native_pixels_per_point).unwrap_or(1.0);
                if let Some(pos) = patient_viewport_builder(s, ppp).position {
                    let id = egui::ViewportId::from_hash_of("mirrorcue-patient-screen");
                    ctx.send_viewport_cmd_to(id, egui::ViewportCommand::OuterPosition(pos));
                }
            }
            Action::SetPatientOverlay(overlay) => s.settings.patient_overlay = overlay,
            Action::SetMainFullscreen(on) => ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(on)),
            // Posture
            Action::ChooseProtocol(protocol, path) => {
                s.protocol_path = path;
                self.set_protocol(protocol);
            }
            Action::NewProtocol => {
                let name = library().unique_name("New protocol");
                let (p, report) = crate::posture::new_from_posture(&name, s.current_pose());
                s.notice = report.message();
                s.protocol_path = None;
                self.set_protocol(Some(p));
            }
            Action::RenameProtocol(name) => {
                if let Some(p) = s.protocol.as_mut() {
                    p.name = name;
                }
            }
            Action::RefreshProtocolLibrary => s.protocol_library = library().list(),
            Action::OpenProtocolDialog => self.protocol_dialog.pick_file(),
            Action::LoadProtocol(path) => match Protocol::load(&path) {
                Ok(p) => {
                    s.protocol_path = Some(path);
                    self.set_protocol(Some(p));
                }
                Err(e) => s.notice = Some(e.to_string()),
            },
            Action::SaveProtocol => {
                if let Some(p) = s.protocol.as_mut() {
                    let lib = library();
                    s.notice = Some(match lib.save(p, s.protocol_path.as_deref()) {
                        Ok(saved) => {
                            s.protocol_path = Some(saved.path.clone());
                            saved.message()
                        }
                        Err(e) => e.to_string(),
                    });
                    s.protocol_library = lib.list();
                    // The session goes on under the saved name.
                    self.protocol_edited();
                }
            }
            Action::ExportProtocolDialog => self.export_dialog.save_file(),
            Action::ExportProtocol(path) => {
                if let Some(p) = &s.protocol {
                    s.notice = Some(match p.save(&path) {
                        Ok(()) => format!("Protocol exported to {}", path.display()),
                        Err(e) => e.to_string(),
                    });
                }
            }
            Action::ExportSession(folder) => {
                if let Some(posture) = &s.posture {
                    s.notice = Some(match crate::posture::export_session(posture, &folder) {
                        Ok(files) => {
                            format!("Session exported: {} and {}", files.summary.display(), files.frames.display())
                        }
                        Err(e) => e.to_string(),
                    });
                }
            }
            Action::CaptureTargets => {
                let Some(pose) = s.current_pose().cloned() else {
                    s.notice = Some("No pose to capture yet: the patient must be in view.".into());
                    return;
                };
                let Some(p) = s.protocol.as_mut() else { return };
                if let Some(n) = crate::posture::capture_targets(p, &pose).message() {
                    s.notice = Some(n);
                }
                self.protocol_edited();
            }
            Action::SetPicking(on) => s.picking = on.then(Vec::new),
            Action::PickAt(x, y) => self.pick_at(x, y),
            Action::FollowAt(x, y) => self.follow_at(x, y),
            Action::SetCueTone(on) => s.settings.cue_tone = on,
            Action::EditCheckpoint(i, c) => {
                if let Some(slot) = s.protocol.as_mut().and_then(|p| p.checkpoints.get_mut(i)) {
                    *slot = c;
                    self.protocol_edited();
                }
            }
            Action::RemoveCheckpoint(i) => {
                if let Some(p) = s.protocol.as_mut()
                    && i < p.checkpoints.len()
                {
                    p.checkpoints.remove(i);
                    self.protocol_edited();
                }
            }
            // Compare and record
            Action::Compare(a) => s.compare.apply(a),
            Action::OpenReference(path) => {
                let model = s.settings.pose.model;
                s.compare.load_reference(path, &self.engine, &self.models, model, ctx);
            }
            Action::FreezeReference => {
                if let Some(r) = &s.current {
                    s.compare.freeze(&r.frame, r.pose.as_ref());
                }
            }
            Action::SetSync(sync) => {
                let session = &mut s.compare.session;
                match sync {
                    SyncMode::Free => session.play_free(),
                    SyncMode::Together => {
                        session.play_together();
                        // Two recordings play together from their starts.
                        if s.is_recording()
                            && let Some(p) = pipeline
                        {
                            p.restart();
                        }
                    }
                    SyncMode::Movement => session.follow_movement(),
                }
            }
            Action::SetCompareLayout(layout) => s.settings.compare_layout = layout,
            Action::SetGhost(on) => s.settings.ghost = on,
            Action::SetDelayMemory(mb) => s.settings.delay_memory_mb = mb,
            Action::ToggleRecording => self.toggle_recording(),
            Action::Clinic(a) => {
                let starts = a == ClinicAction::StartSession;
                s.clinic.apply(a);
                if starts && s.clinic.live.is_some() {
                    // The session's posture totals count from its start, not from when the protocol was loaded.
                    s.posture = s.protocol.clone().map(PostureSession::new);
                    s.posture_frame = None;
                }
            }
            Action::Balance(a) => {
                if matches!(a, BalanceAction::Start | BalanceAction::StartDrill) {
                    use_feet_model(s, "balance");
                }
                match (s.balance.apply(a), s.clinic.live.as_mut()) {
                    (Some(Finished::Trial(result)), Some(live)) => live.balance_trial(&result),
                    (Some(Finished::Drill(results)), Some(live)) => live.los_drill(&results),
                    _ => {}
                }
            }
            Action::Gait(a) => {
                if a == GaitAction::Start {
                    use_feet_model(s, "gait");
                }
                if let (Some(walk), Some(live)) = (s.gait.apply(a), s.clinic.live.as_mut()) {
                    live.gait_walk(&walk);
                }
            }
        }
    }

    /// Uses `protocol` (or none) for posture checks; the session starts afresh.
    /// A protocol made for another model switches to it, and says so.
    fn set_protocol(&mut self, protocol: Option<Protocol>) {
        let s = &mut self.state;
        if let Some(p) = &protocol {
            let before = s.settings.pose.model;
            let (model, why) = match p.requirement().check(before) {
                ModelFit::Suitable => (before, None),
                ModelFit::Different { made_for, note } => (made_for, Some(note)),
                ModelFit::Unsuitable { switch_to, reason } => (switch_to, Some(reason)),
            };
            if model != before {
                s.settings.pose.model = model;
                s.notice = Some(format!(
                    "Switched the model from {} to {}. {}",
                    before.label(),
                    model.label(),
                    why.unwrap_or_default()
                ));
            }
        }
        if protocol.as_ref().is_some_and(|p| p.uses_hands()) && !s.settings.pose.hands {
            // A hand protocol measures the hands: they are tracked from now on.
            s.settings.pose.hands = true;
            s.notice = Some("Hands turned on: this protocol measures the hands.".to_string());
        }
        s.protocol = protocol;
        s.posture = None;
        s.posture_frame = None;
        self.protocol_edited();
    }

    /// After the therapist chose or edited the protocol: the session restarts with it, and the frame on screen is
    /// measured at once (while paused, no new frame would come to do it).
    fn protocol_edited(&mut self) {
        let s = &mut self.state;
        let protocol = s.protocol.clone();
        if let (Some(session), Some(p)) = (s.posture.as_mut(), protocol.clone()) {
            // An edit: counting goes on; the notice says what restarted.
            if let Some(m) = session.edit(p).message() {
                s.notice = Some(m);
            }
        } else {
            s.posture = protocol.map(PostureSession::new);
        }
        let paused = s.source.as_ref().is_some_and(|v| v.playback.paused);
        if s.posture_frame.is_none() || paused {
            s.posture_frame = match (s.posture.as_mut(), s.current.as_ref()) {
                (Some(session), Some(r)) => Some(session.update_with_hands(r.frame.time_s, r.pose.as_ref(), &r.hands)),
                _ => None,
            };
        }
    }

    /// A click on the video at normalised display position (`x`, `y`) while picking an angle.
    fn pick_at(&mut self, x: f32, y: f32) {
        let s = &mut self.state;
        let min_score = s.settings.overlay.min_score;
        let (Some(picked), Some(pose), Some(view)) =
            (s.picking.as_mut(), s.current.as_ref().and_then(|r| r.pose.as_ref()), self.main.view.as_ref())
        else {
            return;
        };
        let nearest = crate::view::shown_keypoints(pose, view, min_score)
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
            let pose = pose.clone();
            s.picking = None;
            if let Some(p) = s.protocol.as_mut() {
                let taken: Vec<&str> = p.checkpoints.iter().map(|c| c.name.as_str()).collect();
                let checkpoint =
                    crate::posture::checkpoint_from_joints(a, v, c, Some(&pose), &Default::default(), &taken);
                p.checkpoints.push(checkpoint);
                self.protocol_edited();
            }
        }
    }

    /// Follows the person shown at display position (`x`, `y`), normalised: the view's mapping is undone (mirror,
    /// split framing) to find the frame position.
    fn follow_at(&mut self, x: f32, y: f32) {
        let Some(view) = self.main.view.as_ref() else { return };
        if !view.on_picture(x, y) {
            return;
        }
        // `map_real` is a shift and maybe a flip on each axis: undo it from where it sends 0 and 1.
        let (o, one) = (view.map_real(0.0, 0.0), view.map_real(1.0, 1.0));
        let (sx, sy) = (one.0 - o.0, one.1 - o.1);
        if sx.abs() < 1e-6 || sy.abs() < 1e-6 {
            return;
        }
        let (fx, fy) = ((x - o.0) / sx, (y - o.1) / sy);
        if (0.0..=1.0).contains(&fx) && (0.0..=1.0).contains(&fy) {
            self.state.settings.pose.person = PersonSelector::Nearest { x: fx, y: fy };
        }
    }

    /// Starts or stops recording the patient's source (into the recordings folder).
    fn toggle_recording(&mut self) {
        let s = &mut self.state;
        if s.record.is_recording() {
            s.record.stop();
            return;
        }
        let Some(r) = &s.current else {
            s.record.refuse("Nothing to record yet: wait for the picture.");
            return;
        };
        let Some(base) = s.settings.recordings_dir.clone().or_else(|| user_dir("recordings")) else {
            s.record.refuse("No folder to record into: choose one under Compare.");
            return;
        };
        let fps = self.pipeline.as_ref().map(|p| p.stats().camera_fps()).filter(|f| *f > 1.0).unwrap_or(30.0);
        // A folder that cannot be made is in the recording's message.
        let _ = s.record.start(&base, &r.frame, s.settings.pose.model, fps);
    }
}

/// Switches to BlazePose full, with a notice, when the model in use has no heels and toes (`what` needs them).
fn use_feet_model(s: &mut State, what: &str) {
    if has_feet(s.settings.pose.model) {
        return;
    }
    let before = s.settings.pose.model;
    s.settings.pose.model = PoseModel::BlazeposeFull;
    s.notice = Some(format!(
        "Switched the model from {} to {}: {what} needs the heels and toes.",
        before.label(),
        PoseModel::BlazeposeFull.label()
    ));
}

/// Whether `model` sees the heels and toes (the base of support of a balance trial).
fn has_feet(model: PoseModel) -> bool {
    model.is_blazepose()
}

/// A folder in mirrorcue's data folder (created on use).
fn user_dir(sub: &str) -> Option<std::path::PathBuf> {
    eframe::storage_dir("mirrorcue").map(|d| d.join(sub))
}

/// The shipped protocols and the user's (in mirrorcue's data folder).
fn library() -> ProtocolLibrary {
    ProtocolLibrary::standard(user_dir("protocols"))
}

/// The patient window: at the chosen monitor's origin (`ppp`: physical pixels per point), full screen there when
/// asked (the window manager is not needed to move it).
pub fn patient_viewport_builder(state: &State, ppp: f32) -> egui::ViewportBuilder {
    let settings = &state.settings;
    let fullscreen = settings.patient_fullscreen;
    let mut builder = egui::ViewportBuilder::default()
        .with_title("mirrorcue — patient screen")
        .with_inner_size([960.0, 720.0])
        .with_fullscreen(fullscreen)
        .with_decorations(!fullscreen);
    let monitor = settings.patient_monitor.as_ref().and_then(|n| state.monitors.iter().find(|m| &m.name == n));
    if let Some(m) = monitor {
        let ppp = ppp.max(0.1);
        builder = builder.with_position(egui::pos2(m.origin.0 as f32 / ppp, m.origin.1 as f32 / ppp));
    }
    builder
}

impl eframe::App for MirrorcueApp {
    fn update(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.ui(ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state.settings);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // A session still running when the window closes is filed as ended.
        self.state.clinic.end_session();
    }
}
