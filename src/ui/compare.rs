//! Side by side in the app: the reference pane next to (or below) the patient's, the ghost and the match score over
//! the patient, delayed feedback, and recording. The comparison itself is [`crate::compare::CompareSession`]; this
//! is the UI's state around it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::pane::Pane;
use super::screen::patient::{GhostDisplay, ViewContent};
use super::settings::{OverlaySettings, Settings};
use crate::Frame;
use crate::compare::clip::{ClipLoad, DEFAULT_CLIP_BYTES};
use crate::compare::{Clip, CompareSession, ReferenceKind, SyncMode};
use crate::pose::{EngineConfig, ModelStore, Pose};
use crate::view::Seam;

/// Kept at this path for `cli/bench.rs` (it draws both panes as the app does).
pub use super::screen::panes::show_panes;

/// What the therapist can ask of the comparison alone (the shell hands these to [`CompareState::apply`]; requests
/// that need the pipeline, the models or the settings are `Action`s of their own).
#[derive(Clone, Debug, PartialEq)]
pub enum CompareAction {
    /// Comparison on (two panes) or off.
    SetOn(bool),
    /// What the second pane shows: a reference clip, the patient's other side, or the patient delayed.
    SetKind(ReferenceKind),
    /// Stop loading the reference clip.
    CancelLoad,
    /// Move the reference by this many frames (negative: back) and pause it.
    Step(i64),
    /// Pause (`false`) or play (`true`) the reference on its own transport.
    SetPlaying(bool),
    /// Play the reference on its own clock from where it is.
    PlayFree,
    /// Show the reference at this fraction (0..1) of its length.
    Scrub(f64),
    /// Slow motion for the reference (0.1× to 1×).
    SetSpeed(f32),
    /// Mark the reference's current moment ("Play together" starts there).
    Mark,
    /// Start (`true`) or end (`false`) the reference's loop section here.
    SetSectionEdge(bool),
    /// Loop the whole reference clip again.
    ClearSection,
    /// Forget the scores and ranges of motion so far.
    ResetScores,
    /// The delay of delayed feedback, seconds.
    SetDelay(f64),
    /// Show the delayed image instead of live (one pane).
    SetDelayInstead(bool),
    /// Pause the replay and show it at this fraction (0..1) of the buffer, or play it again (`None`).
    SetDelayScrub(Option<f64>),
}

/// The comparison's UI state.
#[derive(Default)]
pub struct CompareState {
    /// Comparison on (two panes).
    pub on: bool,
    /// The comparison.
    pub session: CompareSession,
    /// Show the delayed image in place of the live one (one pane) instead of beside it.
    pub delay_instead: bool,
    /// A reference clip being loaded.
    pub loading: Option<ClipLoad>,
    /// Something to tell the therapist (a reference that could not be loaded).
    pub message: Option<String>,
    /// The reference pane.
    pub pane: Pane,
    /// How the reference clip is named on screen ([`reference_name`]).
    pub reference_name: String,
    last_tick: Option<Instant>,
}

impl CompareState {
    /// Does what the therapist asked of the comparison.
    pub fn apply(&mut self, action: CompareAction) {
        let s = &mut self.session;
        match action {
            CompareAction::SetOn(on) => self.on = on,
            CompareAction::SetKind(kind) => s.set_kind(kind),
            CompareAction::CancelLoad => self.loading = None,
            CompareAction::Step(n) => s.step(n),
            CompareAction::SetPlaying(playing) => s.set_playing(playing),
            CompareAction::PlayFree => {
                s.play_free();
                s.set_playing(true);
            }
            CompareAction::Scrub(fraction) => s.scrub(fraction),
            CompareAction::SetSpeed(speed) => s.set_speed(speed),
            CompareAction::Mark => s.mark(),
            CompareAction::SetSectionEdge(start) => s.set_section_edge(start),
            CompareAction::ClearSection => s.clear_section(),
            CompareAction::ResetScores => s.reset_scores(),
            CompareAction::SetDelay(seconds) => s.set_delay(seconds),
            CompareAction::SetDelayInstead(instead) => self.delay_instead = instead,
            CompareAction::SetDelayScrub(at) => s.delay_scrub = at,
        }
    }

    /// Whether the delayed image replaces the live one in the patient's pane.
    pub fn delayed_instead(&self) -> bool {
        self.on && self.delay_instead && self.session.kind == ReferenceKind::Delayed
    }

    /// Whether a second pane is shown.
    pub fn two_panes(&self) -> bool {
        self.on && !self.delayed_instead()
    }

    /// The patient's source changed: following and delay start afresh.
    pub fn patient_source_changed(&mut self) {
        self.session.delay.clear();
        self.session.reset_scores();
        if self.session.sync == SyncMode::Together {
            self.session.play_together();
        }
    }

    /// Starts loading `path` as the reference (a recording folder brings its own poses; other files are run
    /// through `model`).
    pub fn load_reference(
        &mut self,
        path: PathBuf,
        engine: &EngineConfig,
        models: &ModelStore,
        model: crate::pose::PoseModel,
        ctx: &egui::Context,
    ) {
        let c = ctx.clone();
        self.loading = Some(ClipLoad::start(
            path,
            engine.clone(),
            models.clone(),
            model,
            DEFAULT_CLIP_BYTES,
            Arc::new(move || c.request_repaint()),
        ));
        self.message = None;
        self.on = true;
    }

    /// Uses `clip` as the reference.
    pub fn set_reference(&mut self, clip: Clip) {
        self.reference_name = reference_name(&clip);
        self.message = clip.note.clone().map(|n| format!("Reference {}: {n}.", self.reference_name));
        self.session.set_clip(clip);
        self.pane.reset();
        self.on = true;
    }

    /// Freezes the patient's current frame as the reference.
    pub fn freeze(&mut self, frame: &Frame, pose: Option<&Pose>) {
        self.set_reference(Clip::frozen(frame.clone(), pose.cloned()));
    }

    /// Seconds since the last call by the wall clock (at most 0.25 s; 0 the first time): the `dt_s` the app hands
    /// to [`CompareState::display_step`].
    pub fn real_dt(&mut self) -> f64 {
        let now = Instant::now();
        let dt = self.last_tick.map(|t| (now - t).as_secs_f64()).unwrap_or(0.0).min(0.25);
        self.last_tick = Some(now);
        dt
    }

    /// The display step of both panes, once per UI frame: the app's and `mirrorcue bench --side-by-side`'s (one
    /// copy). `current` is the patient's newest frame and pose, `is_new` whether it arrived since the last step
    /// (it then goes into the comparison: the follower, the delay, the scores), `dt_s` the time since the last
    /// step (the reference's own clock). Then the patient's pane (`main`: the live frame, or the delayed one when
    /// it is shown instead) and the reference pane are rendered into their textures, each only when its frame or
    /// its mirror settings changed.
    pub fn display_step(
        &mut self,
        ctx: &egui::Context,
        main: &mut Pane,
        current: Option<(&Frame, Option<&Pose>)>,
        is_new: bool,
        dt_s: f64,
        settings: &Settings,
    ) -> DisplayStep {
        let mut out = DisplayStep::default();
        let t0 = Instant::now();
        if let (true, true, Some((frame, pose))) = (is_new, self.on, current) {
            self.session.on_patient_frame(frame, pose);
        }
        self.tick_by(dt_s);
        let t1 = Instant::now();
        out.times.session = t1 - t0;
        let Some((frame, pose)) = current else { return out };
        out.delayed = self.delayed_instead();
        let (shown, shown_pose) = match out.delayed.then(|| self.session.reference()).flatten() {
            Some(r) => r,
            None => (frame, pose),
        };
        out.patient_seam = main.show_frame(ctx, "mirrorcue-view", shown, shown_pose, settings.mirror, &settings.seam);
        let t2 = Instant::now();
        out.times.patient_pane = t2 - t1;
        out.reference_shown = self.render_reference(ctx, frame, pose, settings);
        out.times.reference_pane = t2.elapsed();
        out
    }

    /// Moves the reference's own clock on by `dt` seconds; collects a loaded clip.
    pub fn tick_by(&mut self, dt: f64) {
        if self.on {
            self.session.advance(dt);
        }
        if let Some(result) = self.loading.as_ref().and_then(|l| l.take()) {
            let path = self.loading.take().map(|l| l.path.clone()).unwrap_or_default();
            match result {
                Ok(clip) => self.set_reference(clip),
                Err(e) => self.message = Some(format!("Could not use {} as the reference: {e}", path.display())),
            }
        }
    }

    /// Renders the reference pane (the patient's frame for the other side); whether a frame was rendered (`false`
    /// when the pane already shows this one).
    pub fn render_reference(
        &mut self,
        ctx: &egui::Context,
        live: &Frame,
        live_pose: Option<&Pose>,
        settings: &Settings,
    ) -> bool {
        if !self.two_panes() {
            return false;
        }
        let mode = crate::compare::reference_mirror(settings.mirror, self.session.kind);
        let (frame, pose) = match self.session.kind {
            ReferenceKind::OtherSide => (live, live_pose),
            _ => match self.session.reference() {
                Some(r) => r,
                None => return false,
            },
        };
        self.pane.show_frame(ctx, "mirrorcue-reference", frame, pose, mode, &settings.seam).is_some()
    }

    /// What the reference pane shows.
    pub fn reference_content<'a>(&'a self, overlay: Option<&'a OverlaySettings>, caption: &'a str) -> ViewContent<'a> {
        let message = if let Some(l) = &self.loading {
            Some(format!("Loading the reference… {} frames", l.progress()))
        } else if self.session.kind == ReferenceKind::Clip && self.session.clip.is_none() {
            Some("Open a reference: a demonstration or an earlier session.".to_string())
        } else if self.session.kind == ReferenceKind::Delayed && self.session.delay.is_empty() {
            Some("Filling the delay…".to_string())
        } else {
            None
        };
        ViewContent {
            texture: self.pane.texture.as_ref().filter(|_| message.is_none()),
            view: self.pane.view.as_ref(),
            pose: self.pane.pose.as_ref(),
            overlay,
            caption: Some(caption),
            message,
            ..ViewContent::default()
        }
    }

    /// The reference pane's caption: what it is and how it plays.
    pub fn caption(&self) -> String {
        match self.session.kind {
            ReferenceKind::OtherSide => "Your other side".into(),
            ReferenceKind::Delayed => match self.session.delay_scrub {
                Some(_) => "Replay (paused)".into(),
                None => format!("{:.0} seconds ago", self.session.delay_s),
            },
            ReferenceKind::Clip => {
                if self.session.clip.is_none() {
                    return "Reference".into();
                }
                let t = &self.session.transport;
                let how = match self.session.sync {
                    SyncMode::Free if !t.playing => "paused".to_string(),
                    SyncMode::Free => format!("{:.1}×", t.speed),
                    SyncMode::Together => "playing together".into(),
                    SyncMode::Movement => "following your movement".into(),
                };
                format!("Reference: {} · {:.1} s · {how}", self.reference_name, t.position_s)
            }
        }
    }

    /// The ghost over the patient, when asked for and a reference pose is there.
    pub fn ghost_display(&self, show: bool, patient: Option<&Pose>, min_score: f32) -> Option<GhostDisplay> {
        if !show || !self.on || self.delayed_instead() {
            return None;
        }
        let (pose, differ) = self.session.ghost(patient?, min_score)?;
        Some(GhostDisplay { pose, differ: differ.into_iter().map(|d| d.0).collect() })
    }

    /// The score on the patient's pane ([`CompareSession::badge`]: the overall of the table the therapist sees;
    /// none for the delayed image), when two panes are shown.
    pub fn badge(&self) -> Option<String> {
        if !self.two_panes() {
            return None;
        }
        self.session.badge()
    }
}

/// What one [`CompareState::display_step`] did.
#[derive(Clone, Copy, Debug, Default)]
pub struct DisplayStep {
    /// The patient's pane rendered a new frame: the seam of its view (pixels; meaningful for split views).
    pub patient_seam: Option<Seam>,
    /// The patient's pane shows the delayed image instead of live.
    pub delayed: bool,
    /// The reference pane rendered a new frame.
    pub reference_shown: bool,
    /// Where the time went.
    pub times: StepTimes,
}

/// How long each part of a display step took.
#[derive(Clone, Copy, Debug, Default)]
pub struct StepTimes {
    /// The comparison: the patient's new frame (the movement follower, the delay, the scores) and the reference's
    /// clock.
    pub session: Duration,
    /// The patient's pane (mirror view, RGBA to `ColorImage`, texture set).
    pub patient_pane: Duration,
    /// The reference pane.
    pub reference_pane: Duration,
}

/// How a reference clip is named on screen: a mirrorcue recording by its folder and the date it was made
/// ([`crate::recording::naming::recording_title`]), not by the video file inside it; other clips by their name.
pub fn reference_name(clip: &Clip) -> String {
    clip.path.as_deref().and_then(crate::recording::naming::recording_title).unwrap_or_else(|| clip.name.clone())
}
