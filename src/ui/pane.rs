//! One video pane: a frame rendered through its own mirror mode and seam into a texture. The patient's pane and
//! the reference pane are both `Pane`s, so overlays and mirror modes work the same on live frames and on replay.

use egui::{Color32, TextureOptions};

use crate::Frame;
use crate::pose::Pose;
use crate::view::{DisplayImage, MirrorMode, Seam, SeamSettings, ViewTracker, ViewTransform};

/// A pane's rendered state.
#[derive(Default)]
pub struct Pane {
    /// The displayed image (after mirroring).
    pub display: DisplayImage,
    /// The uploaded image.
    pub texture: Option<egui::TextureHandle>,
    /// How the frame on screen is shown.
    pub view: Option<ViewTransform>,
    /// The pose in the frame on screen.
    pub pose: Option<Pose>,
    /// The newest live frame's hands, set by the app before rendering: the seam may follow the gap between them.
    pub hands: Vec<crate::hands::Hand>,
    tracker: ViewTracker,
    key: Option<(String, u64, u64, MirrorMode, SeamSettings)>,
}

impl Pane {
    /// Forgets the frame and the seam (a new source).
    pub fn reset(&mut self) {
        self.view = None;
        self.pose = None;
        self.key = None;
        self.tracker.reset();
    }

    /// Renders `frame` through `mode` into the pane's texture named `name`, unless the same frame is already shown
    /// the same way. Returns the seam when the frame was rendered.
    pub fn show_frame(
        &mut self,
        ctx: &egui::Context,
        name: &str,
        frame: &Frame,
        pose: Option<&Pose>,
        mode: MirrorMode,
        seam_settings: &SeamSettings,
    ) -> Option<Seam> {
        let key = (frame.source.clone(), frame.index, frame.time_s.to_bits(), mode, *seam_settings);
        if self.key.as_ref() == Some(&key) {
            return None;
        }
        self.key = Some(key);
        // The hands belong to the newest live frame: not to a delayed or recorded one of another size.
        let hands: &[crate::hands::Hand] = match self.hands.first() {
            Some(h) if (h.frame_width, h.frame_height) == (frame.width(), frame.height()) => &self.hands,
            _ => &[],
        };
        let (view, seam) = self.tracker.update_with_hands(
            mode,
            frame.width(),
            frame.height(),
            pose,
            hands,
            frame.mirrored,
            seam_settings,
        );
        view.render(&frame.image, &mut self.display);
        let pixels: Vec<Color32> = bytemuck::cast_slice::<u8, Color32>(&self.display.rgba).to_vec();
        let image = egui::ColorImage::new([self.display.width, self.display.height], pixels);
        match &mut self.texture {
            Some(t) => t.set(image, TextureOptions::LINEAR),
            None => self.texture = Some(ctx.load_texture(name, image, TextureOptions::LINEAR)),
        }
        self.view = Some(view);
        self.pose = pose.cloned();
        Some(seam)
    }
}
