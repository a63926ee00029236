//! Frames: the pixels every stage of mirrorcue works on.
//!
//! A [`Frame`] is one RGB image from a source (camera, video file, image folder), stamped with its index in the
//! source, its presentation time and the source's name. The pixel buffer is shared (`Arc`), so handing a frame from
//! the capture thread to the pose thread and on to the display never copies the image.

use std::sync::Arc;

use image::RgbImage;

/// One RGB frame from a source.
#[derive(Clone, Debug)]
pub struct Frame {
    /// The pixels, 8-bit RGB, row-major, origin top-left.
    pub image: Arc<RgbImage>,
    /// Index of this frame in its source (0-based, counting frames that were decoded, including skipped ones).
    pub index: u64,
    /// Presentation time in seconds: it only ever increases along a stream of frames. From a source read once, it is
    /// the time from the start of the source (video timestamps; 0 for still images; seconds since capture start for
    /// cameras); the live pipeline keeps it increasing when a recording loops, is sought or restarts (the time the
    /// frames were presented, in media seconds), so that sessions and recordings have true, increasing times.
    pub time_s: f64,
    /// Position in the source, seconds from its start (what a transport shows and seeks to). Equal to
    /// [`time_s`](Self::time_s) unless a player looped, sought or restarted the source.
    pub clip_time_s: f64,
    /// Name of the source, for reports: the file name for a video or image, the image's own file name for a frame
    /// from an image folder, the camera's name for cameras.
    pub source: String,
    /// `true` when the pixels are already mirrored left-to-right (some webcam drivers do this). Pose estimators
    /// use it to give keypoints their true anatomical names: a model run on a mirrored image calls the person's
    /// left arm "right", so their labels are swapped back.
    pub mirrored: bool,
}

impl Frame {
    /// Wraps an image as frame `index` at `time_s` (also its clip time) from `source`, not mirrored.
    pub fn new(image: RgbImage, index: u64, time_s: f64, source: impl Into<String>) -> Self {
        Self { image: Arc::new(image), index, time_s, clip_time_s: time_s, source: source.into(), mirrored: false }
    }

    /// Width of the image in pixels.
    pub fn width(&self) -> u32 {
        self.image.width()
    }

    /// Height of the image in pixels.
    pub fn height(&self) -> u32 {
        self.image.height()
    }
}
