//! The display tick of `mirrorcue bench --side-by-side`: what the app's UI thread does per frame for side by side,
//! in a headless egui context.

use std::time::{Duration, Instant};

use crate::Frame;
use crate::compare::Clip;
use crate::pose::Pose;
use crate::ui::compare::CompareState;
use crate::ui::pane::Pane;
use crate::ui::settings::Settings;

/// How long each part of one display tick took.
#[derive(Clone, Copy, Debug, Default)]
pub struct TickTimes {
    /// The comparison (`CompareSession::on_patient_frame`: the movement follower, scores; and `advance`).
    pub session: Duration,
    /// The patient pane (mirror view, RGBA to `ColorImage`, texture set).
    pub patient_pane: Duration,
    /// The reference pane.
    pub reference_pane: Duration,
    /// `CompareSession::ghost`.
    pub ghost: Duration,
    /// The rest of egui's pass: laying out and painting both panes (image, overlay, ghost, captions), ending the pass.
    pub draw: Duration,
    /// Tessellating what was painted into meshes (the last CPU step before the GPU).
    pub tessellate: Duration,
}

/// What one display tick did.
#[derive(Clone, Copy, Debug, Default)]
pub struct TickOutcome {
    /// The patient pane rendered a new frame.
    pub patient_shown: bool,
    /// The reference pane rendered a new frame.
    pub reference_shown: bool,
    /// The reference frame the session asks for differs from the last tick's.
    pub reference_moved: bool,
    /// A ghost was computed.
    pub ghost: bool,
    /// Where the time went.
    pub times: TickTimes,
}

/// What the app's UI thread does for side by side, per display tick, without a window: the app's own display step
/// (`ui::compare::CompareState::display_step`: the patient's new frame into the comparison, the reference's clock,
/// both panes into egui textures), the ghost, and drawing both panes with `ui::compare::show_panes`, inside a headless
/// `egui::Context` pass followed by tessellation. Only the GPU upload and painting are left out (there is no GPU).
pub struct SideBySideDisplay {
    /// The headless egui context (textures are set in it as in the app).
    pub ctx: egui::Context,
    /// The app's comparison state: the reference clip in memory (following the patient's movement) and its pane.
    pub compare: CompareState,
    /// The app's settings (defaults: the patient's pane mirrored, skeleton and ghost on).
    pub settings: Settings,
    /// The patient's pane.
    pub patient: Pane,
    /// Also lay out, paint and tessellate the panes (off: only the `poll` part and the ghost).
    pub draw: bool,
    current: Option<(Frame, Option<Pose>)>,
    last_reference: Option<usize>,
    screen: egui::Rect,
}

impl SideBySideDisplay {
    /// Two panes on a 1920×1080 screen, `clip` as the reference following the patient's movement.
    pub fn new(clip: Clip) -> Self {
        let mut compare = CompareState::default();
        compare.set_reference(clip);
        compare.session.follow_movement();
        SideBySideDisplay {
            ctx: egui::Context::default(),
            compare,
            settings: Settings::default(),
            patient: Pane::default(),
            draw: true,
            current: None,
            last_reference: None,
            screen: egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1920.0, 1080.0)),
        }
    }

    /// One display tick: `fresh` is the patient's new frame and pose if one arrived (`LivePipeline::take_result`),
    /// `dt_s` the time since the last tick.
    pub fn tick(&mut self, fresh: Option<(Frame, Option<Pose>)>, dt_s: f64) -> TickOutcome {
        let mut out = TickOutcome::default();
        let mut fresh = fresh;
        let mut polled = false;
        let mut ghost = None;
        let ctx = self.ctx.clone();
        let raw = egui::RawInput { screen_rect: Some(self.screen), ..Default::default() };
        let pass_start = Instant::now();
        let full = ctx.run(raw, |ctx| {
            // egui may run a pass twice (when the first is discarded); the app's poll happens once per tick.
            if !polled {
                polled = true;
                // The app's display step (`CompareState::display_step`, as `MirrorcueApp::poll` calls it).
                let is_new = fresh.is_some();
                if let Some(f) = fresh.take() {
                    self.current = Some(f);
                }
                let current = self.current.as_ref().map(|(f, p)| (f, p.as_ref()));
                let step = self.compare.display_step(ctx, &mut self.patient, current, is_new, dt_s, &self.settings);
                out.times.session = step.times.session;
                out.times.patient_pane = step.times.patient_pane;
                out.times.reference_pane = step.times.reference_pane;
                out.patient_shown = step.patient_seam.is_some();
                out.reference_shown = step.reference_shown;
                let index = self.compare.session.reference_index();
                out.reference_moved = self.current.is_some() && index != self.last_reference;
                if self.current.is_some() {
                    self.last_reference = index;
                }
                let t3 = Instant::now();
                let min_score = self.settings.overlay.min_score;
                ghost = self.compare.ghost_display(self.settings.ghost, self.patient.pose.as_ref(), min_score);
                out.ghost = ghost.is_some();
                out.times.ghost = t3.elapsed();
            }
            if self.draw {
                use crate::ui::patient::ViewContent;
                let caption = self.compare.caption();
                let main = ViewContent {
                    texture: self.patient.texture.as_ref(),
                    view: self.patient.view.as_ref(),
                    pose: self.patient.pose.as_ref(),
                    overlay: Some(&self.settings.overlay),
                    caption: Some("Recording"),
                    ghost: ghost.clone(),
                    badge: self.compare.badge(),
                    ..ViewContent::default()
                };
                let second = self.compare.reference_content(Some(&self.settings.overlay), &caption);
                egui::CentralPanel::default().frame(egui::Frame::new().fill(egui::Color32::BLACK)).show(ctx, |ui| {
                    crate::ui::compare::show_panes(ui, main, Some(second), self.settings.compare_layout, false, None);
                });
            }
        });
        let polled_time = out.times.session + out.times.patient_pane + out.times.reference_pane + out.times.ghost;
        out.times.draw = pass_start.elapsed().saturating_sub(polled_time);
        let t = Instant::now();
        if self.draw {
            std::hint::black_box(ctx.tessellate(full.shapes, full.pixels_per_point));
        }
        // What a painter would upload; here the pixels are dropped.
        drop(std::hint::black_box(full.textures_delta));
        out.times.tessellate = t.elapsed();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_headless_side_by_side_tick_renders_both_panes_once_per_new_frame() {
        let frame = |i: u64| Frame::new(image::RgbImage::new(64, 36), i, i as f64 / 30.0, "t");
        let clip = Clip::from_frames("r", (0..10).map(|i| (frame(i), None)).collect(), 30.0);
        let mut d = SideBySideDisplay::new(clip);
        let out = d.tick(Some((frame(0), None)), 0.0);
        assert!(out.patient_shown && out.reference_shown && out.reference_moved);
        assert!(d.patient.texture.is_some() && d.compare.pane.texture.is_some());
        assert_eq!(d.patient.display.width, 64);
        // No new frame: nothing to render again.
        let out = d.tick(None, 1.0 / 60.0);
        assert!(!out.patient_shown && !out.reference_shown);
        assert!(d.tick(Some((frame(1), None)), 1.0 / 60.0).patient_shown);
    }
}
