//! How a camera delivers frames (pixel format, size, rate), and the policy that picks the mode to open.

use std::fmt;

use nokhwa::utils::{CameraFormat, FrameFormat, Resolution};

/// The resolution [`pick_mode`] aims for.
const TARGET: (u32, u32) = (1280, 720);

/// The largest resolution [`pick_mode`] picks unless nothing smaller is offered.
const MAX_PREFERRED: (u32, u32) = (1920, 1080);

/// The frame rate [`pick_mode`] wants at least, unless nothing reaches it.
const MIN_PREFERRED_FPS: u32 = 30;

/// Frame rates above this are taken for a misread interval (nokhwa reads 1001/30000 s as 30000 fps) and dropped.
const MAX_PLAUSIBLE_FPS: u32 = 1000;

/// How a camera encodes its pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PixelFormat {
    /// Motion JPEG: each frame a JPEG. Compressed, so HD reaches 30 fps and more over USB 2.
    Mjpeg,
    /// Packed YUV 4:2:2 (Y0 U Y1 V).
    Yuyv,
    /// Planar Y, then interleaved UV at half resolution (4:2:0).
    Nv12,
    /// 8-bit RGB.
    Rgb,
    /// 8-bit BGR.
    Bgr,
    /// 8-bit grey (infrared and machine-vision cameras).
    Gray,
    /// Anything else; mirrorcue cannot decode it and never picks it.
    Other,
}

impl PixelFormat {
    /// `true` for the formats mirrorcue decodes (all but [`PixelFormat::Other`]).
    pub fn is_decodable(self) -> bool {
        self != PixelFormat::Other
    }

    pub(super) fn from_nokhwa(format: FrameFormat) -> Self {
        match format {
            FrameFormat::MJPEG => PixelFormat::Mjpeg,
            FrameFormat::YUYV => PixelFormat::Yuyv,
            FrameFormat::NV12 => PixelFormat::Nv12,
            FrameFormat::GRAY => PixelFormat::Gray,
            FrameFormat::RAWRGB => PixelFormat::Rgb,
            FrameFormat::RAWBGR => PixelFormat::Bgr,
        }
    }

    pub(super) fn to_nokhwa(self) -> Option<FrameFormat> {
        Some(match self {
            PixelFormat::Mjpeg => FrameFormat::MJPEG,
            PixelFormat::Yuyv => FrameFormat::YUYV,
            PixelFormat::Nv12 => FrameFormat::NV12,
            PixelFormat::Gray => FrameFormat::GRAY,
            PixelFormat::Rgb => FrameFormat::RAWRGB,
            PixelFormat::Bgr => FrameFormat::RAWBGR,
            PixelFormat::Other => return None,
        })
    }
}

impl fmt::Display for PixelFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PixelFormat::Mjpeg => "MJPEG",
            PixelFormat::Yuyv => "YUYV",
            PixelFormat::Nv12 => "NV12",
            PixelFormat::Rgb => "RGB",
            PixelFormat::Bgr => "BGR",
            PixelFormat::Gray => "grey",
            PixelFormat::Other => "other",
        })
    }
}

/// One way a camera can deliver frames.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CameraMode {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Frames per second.
    pub fps: u32,
    /// Pixel encoding.
    pub format: PixelFormat,
}

impl CameraMode {
    pub(super) fn from_nokhwa(format: CameraFormat) -> Self {
        Self {
            width: format.width(),
            height: format.height(),
            fps: format.frame_rate(),
            format: PixelFormat::from_nokhwa(format.format()),
        }
    }

    pub(super) fn to_nokhwa(self) -> Option<CameraFormat> {
        Some(CameraFormat::new(Resolution::new(self.width, self.height), self.format.to_nokhwa()?, self.fps))
    }

    /// Whether mirrorcue can use this mode at all.
    pub(super) fn is_usable(&self) -> bool {
        self.format.is_decodable() && self.width > 0 && self.height > 0 && self.fps > 0 && self.fps <= MAX_PLAUSIBLE_FPS
    }
}

impl fmt::Display for CameraMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}x{}@{}", self.format, self.width, self.height, self.fps)
    }
}

/// The mode to use among `offered`: `requested` if it is offered (and decodable); otherwise, among the decodable
/// modes, by order of importance: not above 1920x1080 (HD is plenty for pose models and bigger frames cost decoding
/// time), at least 30 fps, MJPEG (uncompressed HD cannot reach 30 fps over USB 2), the pixel count closest to
/// 1280x720 (then the aspect closest to 16:9, then the wider), the highest fps. Each preference gives way when no
/// mode meets it, so any camera with a decodable mode gets one (a 5 fps-only camera gets its best 5 fps mode).
/// `None` only when nothing decodable is offered. The result does not depend on the order of `offered`, except
/// between identical modes.
pub fn pick_mode(offered: &[CameraMode], requested: Option<CameraMode>) -> Option<CameraMode> {
    if let Some(requested) = requested
        && requested.is_usable()
        && offered.contains(&requested)
    {
        return Some(requested);
    }
    offered.iter().filter(|m| m.is_usable()).copied().min_by(compare_preference)
}

/// Orders two modes, the preferred one first (see [`pick_mode`]).
fn compare_preference(a: &CameraMode, b: &CameraMode) -> std::cmp::Ordering {
    let above_max = |m: &CameraMode| m.width > MAX_PREFERRED.0 || m.height > MAX_PREFERRED.1;
    let too_slow = |m: &CameraMode| m.fps < MIN_PREFERRED_FPS;
    let not_mjpeg = |m: &CameraMode| m.format != PixelFormat::Mjpeg;
    // Distances on a log scale: 1280x960 (4/3 of the pixels) is closer to 1280x720 than 800x600 (1/2 of them).
    let size_distance = |m: &CameraMode| {
        let pixels = f64::from(m.width) * f64::from(m.height);
        (pixels / (f64::from(TARGET.0) * f64::from(TARGET.1))).ln().abs()
    };
    let aspect_distance = |m: &CameraMode| {
        let aspect = f64::from(m.width) / f64::from(m.height);
        (aspect / (f64::from(TARGET.0) / f64::from(TARGET.1))).ln().abs()
    };
    above_max(a)
        .cmp(&above_max(b))
        .then(too_slow(a).cmp(&too_slow(b)))
        .then(not_mjpeg(a).cmp(&not_mjpeg(b)))
        .then(size_distance(a).total_cmp(&size_distance(b)))
        .then(aspect_distance(a).total_cmp(&aspect_distance(b)))
        .then(b.width.cmp(&a.width))
        .then(b.fps.cmp(&a.fps))
        .then(format_rank(a.format).cmp(&format_rank(b.format)))
}

/// Preference among formats once everything else is equal: cheapest to decode first.
fn format_rank(format: PixelFormat) -> u8 {
    match format {
        PixelFormat::Mjpeg => 0,
        PixelFormat::Yuyv => 1,
        PixelFormat::Nv12 => 2,
        PixelFormat::Rgb => 3,
        PixelFormat::Bgr => 4,
        PixelFormat::Gray => 5,
        PixelFormat::Other => 6,
    }
}

/// The usable ones of `modes`, sorted by format, then size and fps descending, without duplicates.
pub(super) fn usable_modes(modes: impl IntoIterator<Item = CameraMode>) -> Vec<CameraMode> {
    let mut modes: Vec<CameraMode> = modes.into_iter().filter(CameraMode::is_usable).collect();
    modes.sort_by(|a, b| {
        format_rank(a.format)
            .cmp(&format_rank(b.format))
            .then(b.width.cmp(&a.width))
            .then(b.height.cmp(&a.height))
            .then(b.fps.cmp(&a.fps))
    });
    modes.dedup();
    modes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(format: PixelFormat, width: u32, height: u32, fps: u32) -> CameraMode {
        CameraMode { width, height, fps, format }
    }

    use PixelFormat::{Gray, Mjpeg, Nv12, Other, Yuyv};

    /// A typical USB 2 webcam: MJPEG up to 1080p at 30 fps, YUYV HD only at low rates.
    fn usb2_webcam() -> Vec<CameraMode> {
        vec![
            mode(Yuyv, 640, 480, 30),
            mode(Yuyv, 1280, 720, 10),
            mode(Yuyv, 1920, 1080, 5),
            mode(Mjpeg, 640, 480, 30),
            mode(Mjpeg, 1280, 720, 30),
            mode(Mjpeg, 1920, 1080, 30),
            mode(Mjpeg, 320, 240, 30),
        ]
    }

    #[test]
    fn pick_prefers_mjpeg_720p30_on_a_usb2_webcam() {
        assert_eq!(pick_mode(&usb2_webcam(), None), Some(mode(Mjpeg, 1280, 720, 30)));
    }

    #[test]
    fn pick_prefers_mjpeg_over_yuyv_at_the_same_720p30() {
        let offered = [mode(Yuyv, 1280, 720, 30), mode(Mjpeg, 1280, 720, 30)];
        assert_eq!(pick_mode(&offered, None), Some(mode(Mjpeg, 1280, 720, 30)));
        let reversed = [mode(Mjpeg, 1280, 720, 30), mode(Yuyv, 1280, 720, 30)];
        assert_eq!(pick_mode(&reversed, None), Some(mode(Mjpeg, 1280, 720, 30)));
    }

    #[test]
    fn pick_honours_the_requested_mode_when_offered() {
        let requested = mode(Yuyv, 640, 480, 30);
        assert_eq!(pick_mode(&usb2_webcam(), Some(requested)), Some(requested));
        // Even a mode the rules would never pick.
        let slow = mode(Yuyv, 1920, 1080, 5);
        assert_eq!(pick_mode(&usb2_webcam(), Some(slow)), Some(slow));
    }

    #[test]
    fn pick_falls_back_to_the_best_when_the_requested_mode_is_not_offered() {
        for requested in [
            mode(Mjpeg, 1280, 720, 60),
            mode(Nv12, 1280, 720, 30),
            mode(Mjpeg, 1024, 576, 30),
            mode(Other, 1280, 720, 30),
        ] {
            assert_eq!(pick_mode(&usb2_webcam(), Some(requested)), Some(mode(Mjpeg, 1280, 720, 30)), "{requested}");
        }
        // Offered but not decodable: not honoured either.
        let offered = [mode(Other, 1280, 720, 30), mode(Yuyv, 640, 480, 30)];
        assert_eq!(pick_mode(&offered, Some(mode(Other, 1280, 720, 30))), Some(mode(Yuyv, 640, 480, 30)));
    }

    #[test]
    fn pick_nothing_offered_gives_none() {
        assert_eq!(pick_mode(&[], None), None);
        assert_eq!(pick_mode(&[], Some(mode(Mjpeg, 1280, 720, 30))), None);
        assert_eq!(pick_mode(&[mode(Other, 1280, 720, 30)], None), None);
        assert_eq!(pick_mode(&[mode(Mjpeg, 0, 720, 30), mode(Mjpeg, 1280, 720, 0)], None), None);
    }

    #[test]
    fn pick_a_5_fps_only_camera_still_gives_its_best_mode() {
        let offered = [mode(Yuyv, 640, 480, 5), mode(Yuyv, 1280, 720, 5), mode(Yuyv, 2592, 1944, 2)];
        assert_eq!(pick_mode(&offered, None), Some(mode(Yuyv, 1280, 720, 5)));
        assert_eq!(pick_mode(&[mode(Gray, 320, 240, 5)], None), Some(mode(Gray, 320, 240, 5)));
    }

    #[test]
    fn pick_wants_30_fps_before_resolution_and_format() {
        // YUYV 720p only reaches 10 fps: 640x480 at 30 is better for live use.
        let offered = [mode(Yuyv, 1280, 720, 10), mode(Yuyv, 640, 480, 30)];
        assert_eq!(pick_mode(&offered, None), Some(mode(Yuyv, 640, 480, 30)));
        let offered = [mode(Mjpeg, 1280, 720, 15), mode(Yuyv, 640, 480, 30)];
        assert_eq!(pick_mode(&offered, None), Some(mode(Yuyv, 640, 480, 30)));
    }

    #[test]
    fn pick_stays_at_or_below_1080p_unless_nothing_else() {
        let offered = [mode(Mjpeg, 3840, 2160, 30), mode(Mjpeg, 1920, 1080, 30)];
        assert_eq!(pick_mode(&offered, None), Some(mode(Mjpeg, 1920, 1080, 30)));
        let offered = [mode(Mjpeg, 3840, 2160, 30), mode(Mjpeg, 1920, 1080, 15)];
        assert_eq!(pick_mode(&offered, None), Some(mode(Mjpeg, 1920, 1080, 15)));
        let offered = [mode(Mjpeg, 3840, 2160, 30), mode(Mjpeg, 2560, 1440, 30)];
        assert_eq!(pick_mode(&offered, None), Some(mode(Mjpeg, 2560, 1440, 30)));
    }

    #[test]
    fn pick_takes_the_resolution_closest_to_720p_then_the_highest_fps() {
        let offered = [mode(Mjpeg, 800, 600, 30), mode(Mjpeg, 1280, 960, 30), mode(Mjpeg, 1920, 1080, 30)];
        assert_eq!(pick_mode(&offered, None), Some(mode(Mjpeg, 1280, 960, 30)));
        let offered = [mode(Mjpeg, 640, 480, 30), mode(Mjpeg, 1920, 1080, 30)];
        assert_eq!(pick_mode(&offered, None), Some(mode(Mjpeg, 1920, 1080, 30)));
        let offered = [mode(Mjpeg, 1280, 720, 30), mode(Mjpeg, 1280, 720, 60), mode(Mjpeg, 1280, 720, 15)];
        assert_eq!(pick_mode(&offered, None), Some(mode(Mjpeg, 1280, 720, 60)));
        // Same pixel count: landscape 16:9 wins.
        let offered = [mode(Mjpeg, 720, 1280, 30), mode(Mjpeg, 1280, 720, 30)];
        assert_eq!(pick_mode(&offered, None), Some(mode(Mjpeg, 1280, 720, 30)));
    }

    #[test]
    fn pick_does_not_depend_on_the_order_offered() {
        let mut offered = usb2_webcam();
        offered.extend([mode(Nv12, 1280, 720, 30), mode(Mjpeg, 1280, 720, 15), mode(Yuyv, 1280, 720, 30)]);
        let expected = pick_mode(&offered, None);
        assert_eq!(expected, Some(mode(Mjpeg, 1280, 720, 30)));
        for shift in 0..offered.len() {
            offered.rotate_left(1);
            assert_eq!(pick_mode(&offered, None), expected, "rotation {shift}");
            offered.reverse();
            assert_eq!(pick_mode(&offered, None), expected, "reversed rotation {shift}");
        }
    }

    #[test]
    fn pick_ignores_implausible_frame_rates() {
        // nokhwa reads a 1001/30000 s interval as 30000 fps.
        let offered = [mode(Mjpeg, 1280, 720, 30000), mode(Mjpeg, 1280, 720, 25)];
        assert_eq!(pick_mode(&offered, None), Some(mode(Mjpeg, 1280, 720, 25)));
    }

    #[test]
    fn usable_modes_are_sorted_and_deduplicated() {
        let modes = usable_modes([
            mode(Yuyv, 640, 480, 30),
            mode(Mjpeg, 640, 480, 30),
            mode(Mjpeg, 1280, 720, 30),
            mode(Mjpeg, 1280, 720, 60),
            mode(Mjpeg, 640, 480, 30),
            mode(Other, 640, 480, 30),
            mode(Mjpeg, 640, 480, 0),
        ]);
        assert_eq!(
            modes,
            [
                mode(Mjpeg, 1280, 720, 60),
                mode(Mjpeg, 1280, 720, 30),
                mode(Mjpeg, 640, 480, 30),
                mode(Yuyv, 640, 480, 30)
            ]
        );
    }

    #[test]
    fn modes_convert_to_nokhwa_and_back() {
        for format in [Mjpeg, Yuyv, Nv12, Gray, PixelFormat::Rgb, PixelFormat::Bgr] {
            let m = mode(format, 1280, 720, 30);
            assert_eq!(CameraMode::from_nokhwa(m.to_nokhwa().expect("decodable")), m);
        }
        assert_eq!(mode(Other, 1280, 720, 30).to_nokhwa(), None);
        assert_eq!(mode(Mjpeg, 1280, 720, 30).to_string(), "MJPEG 1280x720@30");
    }
}
