//! Side by side in the app: the reference pane next to (or below) the patient's, the ghost and the match score over
//! the patient, delayed feedback, and recording. The comparison itself is [`crate::compare::CompareSession`]; this
//! is the UI's state around it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use super::pane::Pane;
use super::screen::patient::{GhostDisplay, ViewContent};
use super::settings::{OverlaySettings, Settings};
use crate::Frame;
use crate::compare::clip::{ClipLoad, DEFAULT_CLIP_BYTES};
use crate::compare::{Clip, CompareSession, ReferenceKind, SyncMode};
use crate::pose::{EngineConfig, ModelStore, Pose};
use crate::recording::Recorder;
use crate::view::MirrorMode;

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
    /// The reference pane's own mirror mode.
    SetReferenceMirror(MirrorMode),
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
    /// The reference pane's own mirror mode (the other side always shows the opposite of the patient's pane).
    pub reference_mirror: MirrorMode,
    /// Show the delayed image in place of the live one (one pane) instead of beside it.
    pub delay_instead: bool,
    /// A reference clip being loaded.
    pub loading: Option<ClipLoad>,
    /// The running recording.
    pub recorder: Option<Recorder>,
    /// The last recording made in the app (offered as a reference).
    pub last_recording: Option<PathBuf>,
    /// Something to tell the therapist (a reference that could not be loaded, a recording that stopped).
    pub message: Option<String>,
    /// The reference pane.
    pub pane: Pane,
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
            CompareAction::SetReferenceMirror(mode) => self.reference_mirror = mode,
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
        self.message = clip.note.clone().map(|n| format!("Reference {}: {n}.", clip.name));
        self.session.set_clip(clip);
        self.pane.reset();
        self.on = true;
    }

    /// Freezes the patient's current frame as the reference.
    pub fn freeze(&mut self, frame: &Frame, pose: Option<&Pose>) {
        self.set_reference(Clip::frozen(frame.clone(), pose.cloned()));
    }

    /// Takes the patient's new frame (and the protocol events it caused, for the recording).
    pub fn on_patient_frame(&mut self, frame: &Frame, pose: Option<&Pose>, events: &[(&str, serde_json::Value)]) {
        if self.on {
            self.session.on_patient_frame(frame, pose);
        }
        if let Some(r) = self.recorder.as_mut() {
            r.push(frame, pose);
            for (kind, details) in events {
                r.event(frame.time_s, kind, details.clone());
            }
            if let Some(e) = r.error() {
                // A full disk: stop, keep what was written, say so.
                self.message = Some(format!("Recording stopped: {e}"));
                if let Some(r) = self.recorder.take() {
                    self.last_recording = Some(r.dir().to_path_buf());
                    let _ = r.stop();
                }
            }
        }
    }

    /// Moves the reference's own clock on by the time since the last tick; collects a loaded clip.
    pub fn tick(&mut self) {
        let now = Instant::now();
        let dt = self.last_tick.map(|t| (now - t).as_secs_f64()).unwrap_or(0.0).min(0.25);
        self.last_tick = Some(now);
        self.tick_by(dt);
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
        let (frame, pose, mode) = match self.session.kind {
            ReferenceKind::OtherSide => (live, live_pose, other_side_mode(settings.mirror)),
            _ => match self.session.reference() {
                Some((f, p)) => (f, p, self.reference_mirror),
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
                let Some(c) = &self.session.clip else { return "Reference".into() };
                let t = &self.session.transport;
                let how = match self.session.sync {
                    SyncMode::Free if !t.playing => "paused".to_string(),
                    SyncMode::Free => format!("{:.1}×", t.speed),
                    SyncMode::Together => "playing together".into(),
                    SyncMode::Movement => "following your movement".into(),
                };
                format!("Reference: {} · {:.1} s · {how}", c.name, t.position_s)
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

    /// The match score for the patient's pane ("Match 86%").
    pub fn badge(&self) -> Option<String> {
        if !self.two_panes() {
            return None;
        }
        let s = self.session.smoothed_overall()?;
        Some(match self.session.kind {
            ReferenceKind::OtherSide => format!("Sides alike {:.0}%", s * 100.0),
            _ => format!("Match {:.0}%", s * 100.0),
        })
    }

    /// Starts recording the patient's source into a new folder under `base`.
    pub fn start_recording(&mut self, base: &Path, frame: &Frame, model: crate::pose::PoseModel, fps: f64) {
        let stamp =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let mut dir = base.join(format!("recording-{stamp}"));
        let mut n = 1;
        while dir.exists() {
            n += 1;
            dir = base.join(format!("recording-{stamp}-{n}"));
        }
        match Recorder::start(&dir, frame.width(), frame.height(), fps, model, &frame.source) {
            Ok(r) => {
                self.recorder = Some(r);
                self.message = None;
            }
            Err(e) => self.message = Some(e.to_string()),
        }
    }

    /// Stops the recording; the folder is offered as a reference.
    pub fn stop_recording(&mut self) {
        let Some(r) = self.recorder.take() else { return };
        let dir = r.dir().to_path_buf();
        let dropped = r.dropped();
        self.message = Some(match r.stop() {
            Ok(m) if dropped > 0 => {
                format!(
                    "Recorded {:.1} s into {} ({dropped} frames skipped: the disk was slow).",
                    m.duration_s,
                    dir.display()
                )
            }
            Ok(m) => format!("Recorded {:.1} s into {}", m.duration_s, dir.display()),
            Err(e) => e.to_string(),
        });
        self.last_recording = Some(dir);
    }
}

/// The mirror mode that shows the patient's other side: the opposite flip of the patient's pane.
pub fn other_side_mode(main: MirrorMode) -> MirrorMode {
    match main {
        MirrorMode::Off => MirrorMode::Mirror,
        MirrorMode::Mirror => MirrorMode::Off,
        MirrorMode::Split { selfie, .. } => {
            if selfie {
                MirrorMode::Off
            } else {
                MirrorMode::Mirror
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_other_side_is_shown_with_the_opposite_flip() {
        assert_eq!(other_side_mode(MirrorMode::Mirror), MirrorMode::Off);
        assert_eq!(other_side_mode(MirrorMode::Off), MirrorMode::Mirror);
    }
}
