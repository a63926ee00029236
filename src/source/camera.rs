//! Live cameras, through `nokhwa` (V4L2 on Linux; AVFoundation on macOS and Media Foundation on Windows).
//!
//! - [`list_cameras`] lists what the system offers (an empty list, not an error, when there is no camera);
//!   [`camera_modes`] what one camera can deliver; [`pick_mode`] chooses among those (a pure function).
//! - [`CameraSource::open`] opens the camera of a [`CameraChoice`] as a [`FrameSource`]: frames are decoded to RGB
//!   (MJPEG, YUYV, NV12, RGB, BGR, grey), stamped with the seconds since the source opened and with the camera's
//!   name, and marked [`Frame::mirrored`] when the choice says the driver already flips the picture.
//!
//! ## Threads and latency
//! nokhwa's `Camera` is not `Send` (it holds a `Box<dyn CaptureBackendTrait>`), so each [`CameraSource`] runs its
//! camera on a thread of its own. That thread only dequeues frames and hands the newest one over through a
//! one-frame slot: a frame the consumer has not taken by the time the next one arrives is replaced, never queued
//! (see [`CameraSource::dropped_frames`]). Decoding happens in [`next_frame`](FrameSource::next_frame), on the
//! caller's thread, so frames that are dropped cost only their copy.
//!
//! ## Errors
//! Opening says what to do: no camera at all ([`SourceError::NoCamera`]), an id that is not connected
//! ([`SourceError::CameraNotFound`]), busy ([`SourceError::CameraBusy`]), permission denied
//! ([`SourceError::CameraPermission`]), no format mirrorcue can read ([`SourceError::CameraUnsupported`]), anything
//! else ([`SourceError::CameraOpen`]). While streaming, a frame that cannot be decoded is a non-fatal
//! [`SourceError::CameraBadFrame`]; a camera that stops delivering (unplugged: read errors, or no frame for
//! [`FRAME_TIMEOUT`]) ends the source with a fatal [`SourceError::CameraLost`]. Open the camera again to reconnect.
//! nokhwa can panic on odd drivers; every call into it is guarded, so a panic there becomes one of these errors.
//!
//! ## Camera ids
//! [`CameraInfo::id`] is nokhwa's index as text: on Linux `"N"` for `/dev/videoN`. [`CameraChoice::camera`] also
//! takes a device path, including the stable links of `/dev/v4l/by-id/` and `/dev/v4l/by-path/`, which keep naming
//! the same camera when it is plugged back in and gets another number.

use std::borrow::Cow;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Once, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use image::{ImageFormat, RgbImage};
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType, Resolution,
};
use nokhwa::{Camera, NokhwaError};

use super::{FrameSource, SourceError, SourceInfo, SourceKind};
use crate::Frame;

/// How long [`CameraSource::open`] waits for the camera to start before giving up on it.
pub const OPEN_TIMEOUT: Duration = Duration::from_secs(20);

/// How long the first frame may take after the camera opened (auto-exposure can take a second or two).
pub const FIRST_FRAME_TIMEOUT: Duration = Duration::from_secs(10);

/// How long without a frame, once frames flowed, before the camera counts as lost.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(5);

/// Read errors in a row after which the camera counts as lost (unplugged cameras fail every read).
const MAX_READ_ERRORS: u32 = 3;

/// Pause between two failed reads.
const READ_RETRY_PAUSE: Duration = Duration::from_millis(50);

/// How long dropping a [`CameraSource`] waits for its capture thread to release the camera.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

/// The resolution [`pick_mode`] aims for.
const TARGET: (u32, u32) = (1280, 720);

/// The largest resolution [`pick_mode`] picks unless nothing smaller is offered.
const MAX_PREFERRED: (u32, u32) = (1920, 1080);

/// The frame rate [`pick_mode`] wants at least, unless nothing reaches it.
const MIN_PREFERRED_FPS: u32 = 30;

/// Frame rates above this are taken for a misread interval (nokhwa reads 1001/30000 s as 30000 fps) and dropped.
const MAX_PLAUSIBLE_FPS: u32 = 1000;

/// Every format nokhwa knows; all of them are decoded here.
const ALL_FRAME_FORMATS: &[FrameFormat] = &[
    FrameFormat::MJPEG,
    FrameFormat::YUYV,
    FrameFormat::NV12,
    FrameFormat::GRAY,
    FrameFormat::RAWRGB,
    FrameFormat::RAWBGR,
];

/// What to do when the operating system refuses the camera, for [`SourceError::CameraPermission`].
pub(crate) const PERMISSION_HINT: &str = if cfg!(target_os = "macos") {
    "Allow mirrorcue to use the camera in System Settings > Privacy & Security > Camera, then start it again"
} else if cfg!(target_os = "windows") {
    "Allow desktop apps to use the camera in Settings > Privacy & security > Camera, then try again"
} else {
    "Add your user to the 'video' group (`sudo usermod -aG video $USER`, then log out and back in), then try again"
};

/// A camera the system offers.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CameraInfo {
    /// Stable id within a session: nokhwa's index as text (`"0"` for `/dev/video0` on Linux). Give it back in
    /// [`CameraChoice::camera`].
    pub id: String,
    /// The camera's name as the driver reports it, e.g. "HD Webcam".
    pub name: String,
    /// What the backend says about it, e.g. "Video4Linux Device @ /dev/video0".
    pub description: String,
}

impl CameraInfo {
    fn from_nokhwa(info: &nokhwa::utils::CameraInfo) -> Self {
        Self { id: info.index().as_string(), name: info.human_name(), description: info.description().to_string() }
    }
}

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

    fn from_nokhwa(format: FrameFormat) -> Self {
        match format {
            FrameFormat::MJPEG => PixelFormat::Mjpeg,
            FrameFormat::YUYV => PixelFormat::Yuyv,
            FrameFormat::NV12 => PixelFormat::Nv12,
            FrameFormat::GRAY => PixelFormat::Gray,
            FrameFormat::RAWRGB => PixelFormat::Rgb,
            FrameFormat::RAWBGR => PixelFormat::Bgr,
        }
    }

    fn to_nokhwa(self) -> Option<FrameFormat> {
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
    fn from_nokhwa(format: CameraFormat) -> Self {
        Self {
            width: format.width(),
            height: format.height(),
            fps: format.frame_rate(),
            format: PixelFormat::from_nokhwa(format.format()),
        }
    }

    fn to_nokhwa(self) -> Option<CameraFormat> {
        Some(CameraFormat::new(Resolution::new(self.width, self.height), self.format.to_nokhwa()?, self.fps))
    }

    /// Whether mirrorcue can use this mode at all.
    fn is_usable(&self) -> bool {
        self.format.is_decodable() && self.width > 0 && self.height > 0 && self.fps > 0 && self.fps <= MAX_PLAUSIBLE_FPS
    }
}

impl fmt::Display for CameraMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}x{}@{}", self.format, self.width, self.height, self.fps)
    }
}

/// What the user chose; persisted by the app.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CameraChoice {
    /// [`CameraInfo::id`] of the camera, or a device path (`/dev/video2`, `/dev/v4l/by-id/…`); `None`: the first
    /// camera that opens.
    pub camera: Option<String>,
    /// The mode to use; `None` (or a mode the camera does not offer): the best by [`pick_mode`].
    pub mode: Option<CameraMode>,
    /// The driver already flips the picture left-to-right: frames get [`Frame::mirrored`] = `true`.
    pub driver_mirrors: bool,
}

/// Makes sure the backend may be queried: asks for camera permission on macOS (a no-op elsewhere). The answer comes
/// asynchronously, so on the very first run the first query may find no camera.
fn init_backend() {
    static INIT: Once = Once::new();
    INIT.call_once(|| nokhwa::nokhwa_initialize(|_| {}));
}

/// Runs `f`, turning a panic inside nokhwa (or a driver binding) into an error message.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        format!("the camera library failed: {message}")
    })
}

/// The cameras the system offers, in the backend's order (by device number on Linux). `Ok(vec![])` when there is
/// none; an error only when the system cannot be asked at all.
pub fn list_cameras() -> Result<Vec<CameraInfo>, SourceError> {
    init_backend();
    let found = guarded(|| nokhwa::query(ApiBackend::Auto))
        .map_err(|reason| SourceError::CameraQuery { reason })?
        .map_err(|e| SourceError::CameraQuery { reason: e.to_string() })?;
    let mut cameras: Vec<CameraInfo> = found.iter().map(CameraInfo::from_nokhwa).collect();
    // V4L2 lists /dev in directory order: sort numerically so that "the first camera" is /dev/video0.
    cameras.sort_by(|a, b| match (a.id.parse::<u64>(), b.id.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.id.cmp(&b.id),
    });
    Ok(cameras)
}

/// `true` when the system lists at least one camera (whether it can be opened is another matter).
pub fn camera_available() -> bool {
    list_cameras().is_ok_and(|cameras| !cameras.is_empty())
}

/// The modes camera `id` offers that mirrorcue can use, sorted (format, then size, then fps, descending).
///
/// This opens the camera briefly. Ask before opening it: while a camera streams (here or in another program) the
/// driver refuses and this reports it busy; [`CameraSource::modes`] has the list of an open camera.
pub fn camera_modes(id: &str) -> Result<Vec<CameraMode>, SourceError> {
    let camera = find_camera(id)?;
    guarded(|| {
        let mut device = open_device(&camera)?;
        query_modes(&mut device, &camera.name)
    })
    .unwrap_or_else(|reason| Err(SourceError::CameraOpen { name: camera.name.clone(), reason }))
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

/// The camera `id` refers to, among those listed: by id, or by device path (`/dev/video2`, a `/dev/v4l/by-id/…`
/// link).
fn find_camera(id: &str) -> Result<CameraInfo, SourceError> {
    let cameras = list_cameras()?;
    if cameras.is_empty() {
        return Err(SourceError::NoCamera);
    }
    find_in(&cameras, id)
}

/// `id` among `cameras` (see [`find_camera`]).
fn find_in(cameras: &[CameraInfo], id: &str) -> Result<CameraInfo, SourceError> {
    let wanted = normalize_id(id);
    cameras
        .iter()
        .find(|c| c.id == wanted)
        .cloned()
        .ok_or_else(|| SourceError::CameraNotFound { id: id.to_string(), available: describe_cameras(cameras) })
}

/// The camera id a user-given id or device path stands for: `"/dev/video2"` → `"2"`; symbolic links (the stable
/// `/dev/v4l/by-id/…` names) are followed first. Anything else is taken as an id as it is.
fn normalize_id(id: &str) -> String {
    let id = id.trim();
    let path = Path::new(id);
    if path.is_absolute() {
        let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(index) = device_index(&resolved) {
            return index.to_string();
        }
    }
    id.to_string()
}

/// `N` for a V4L2 device path `…/videoN`.
fn device_index(path: &Path) -> Option<u32> {
    path.file_name()?.to_str()?.strip_prefix("video")?.parse().ok()
}

/// "'0' HD Webcam, '2' USB Camera" for error messages.
fn describe_cameras(cameras: &[CameraInfo]) -> String {
    cameras.iter().map(|c| format!("'{}' {}", c.id, c.name)).collect::<Vec<_>>().join(", ")
}

/// The nokhwa index for a camera id.
fn nokhwa_index(id: &str) -> CameraIndex {
    match id.parse::<u32>() {
        Ok(index) => CameraIndex::Index(index),
        Err(_) => CameraIndex::String(id.to_string()),
    }
}

/// Opens camera `camera` with nokhwa, in whatever format it comes up in (the first one it lists).
fn open_device(camera: &CameraInfo) -> Result<Camera, SourceError> {
    init_backend();
    Camera::new(nokhwa_index(&camera.id), RequestedFormat::with_formats(RequestedFormatType::None, ALL_FRAME_FORMATS))
        .map_err(|e| open_error(&camera.name, &e))
}

/// The usable modes of an open device, sorted and without duplicates.
fn query_modes(device: &mut Camera, name: &str) -> Result<Vec<CameraMode>, SourceError> {
    let formats = device.compatible_camera_formats().map_err(|e| open_error(name, &e))?;
    Ok(usable_modes(formats.into_iter().map(CameraMode::from_nokhwa)))
}

/// The usable ones of `modes`, sorted by format, then size and fps descending, without duplicates.
fn usable_modes(modes: impl IntoIterator<Item = CameraMode>) -> Vec<CameraMode> {
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

/// Turns a nokhwa error at open into the error that says what to do. nokhwa passes the OS error along as text
/// ("… Device or resource busy (os error 16)"), so that text is what is looked at.
fn open_error(name: &str, error: &NokhwaError) -> SourceError {
    let name = name.to_string();
    let reason = error.to_string();
    let text = reason.to_ascii_lowercase();
    if text.contains("os error 16") || text.contains("busy") || text.contains("in use") {
        SourceError::CameraBusy { name, reason }
    } else if text.contains("os error 13")
        || text.contains("os error 1)")
        || text.contains("permission denied")
        || text.contains("not permitted")
        || text.contains("not authorized")
        || text.contains("access is denied")
    {
        SourceError::CameraPermission { name, reason }
    } else if matches!(error, NokhwaError::GetPropertyError { property, .. } if property == "CameraFormat") {
        // nokhwa found no format it knows (V4L2 metadata nodes, H.264-only cameras).
        SourceError::CameraUnsupported {
            name,
            offered: "no picture format nokhwa knows; this may be the camera's metadata device rather than its \
                      picture"
                .to_string(),
        }
    } else {
        SourceError::CameraOpen { name, reason }
    }
}

/// A live camera as a [`FrameSource`]. See the [module docs](self).
///
/// [`info`](FrameSource::info): kind [`SourceKind::Camera`], the camera's name, the width, height and fps of the
/// opened mode, no frame count. [`next_frame`](FrameSource::next_frame) blocks until the next frame arrives and
/// returns the newest one; it never returns `None` while the camera delivers (only after a fatal error).
pub struct CameraSource {
    info: SourceInfo,
    camera: CameraInfo,
    mode: CameraMode,
    modes: Vec<CameraMode>,
    mirrored: bool,
    /// Time zero of [`Frame::time_s`]: when the stream was opened.
    started: Instant,
    next_index: u64,
    ended: bool,
    frame_timeout: Duration,
    first_frame_timeout: Duration,
    slot: Arc<LatestSlot<RawFrame>>,
    thread: Option<JoinHandle<()>>,
    /// Disconnects when the capture thread ends (its sender is dropped).
    thread_done: Option<mpsc::Receiver<()>>,
}

/// One frame as the camera delivered it, not yet decoded.
struct RawFrame {
    data: Vec<u8>,
    width: u32,
    height: u32,
    format: PixelFormat,
    /// When the frame was dequeued.
    arrived: Instant,
}

/// What the capture thread reports once the camera is open.
struct Opened {
    mode: CameraMode,
    modes: Vec<CameraMode>,
    started: Instant,
}

impl CameraSource {
    /// Opens the camera of `choice` (the first one that opens when it names none) in the chosen mode if the camera
    /// offers it, else in the best one by [`pick_mode`] (see [`mode`](Self::mode) for what was opened), and starts
    /// streaming. Errors say what to do (see the [module docs](self)); with no camera at all it is
    /// [`SourceError::NoCamera`].
    pub fn open(choice: &CameraChoice) -> Result<Self, SourceError> {
        let cameras = list_cameras()?;
        if cameras.is_empty() {
            return Err(SourceError::NoCamera);
        }
        let candidates = match &choice.camera {
            Some(id) => vec![find_in(&cameras, id)?],
            None => cameras,
        };
        // Report the first failure, unless it is only "no usable format" (a V4L2 metadata node) and a later one says
        // more (busy, permission denied).
        let mut error: Option<SourceError> = None;
        for camera in candidates {
            match Self::open_camera(camera, choice) {
                Ok(source) => return Ok(source),
                Err(e) => {
                    if error.as_ref().is_none_or(|first| matches!(first, SourceError::CameraUnsupported { .. })) {
                        error = Some(e);
                    }
                }
            }
        }
        Err(error.unwrap_or(SourceError::NoCamera))
    }

    /// Opens one listed camera: starts its capture thread and waits until it streams or fails.
    fn open_camera(camera: CameraInfo, choice: &CameraChoice) -> Result<Self, SourceError> {
        let slot = Arc::new(LatestSlot::new());
        let (opened_tx, opened_rx) = mpsc::channel();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let thread_slot = Arc::clone(&slot);
        let thread_camera = camera.clone();
        let requested = choice.mode;
        let thread = thread::Builder::new()
            .name(format!("camera {}", camera.id))
            .spawn(move || {
                let _done = done_tx;
                capture(&thread_camera, requested, &thread_slot, &opened_tx);
            })
            .map_err(|e| SourceError::CameraOpen {
                name: camera.name.clone(),
                reason: format!("could not start the capture thread: {e}"),
            })?;
        let opened = match opened_rx.recv_timeout(OPEN_TIMEOUT) {
            Ok(Ok(opened)) => opened,
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(e);
            }
            Err(RecvTimeoutError::Timeout) => {
                slot.close("gave up opening".into());
                return Err(SourceError::CameraOpen {
                    name: camera.name,
                    reason: format!("the camera did not start within {} s", OPEN_TIMEOUT.as_secs()),
                });
            }
            Err(RecvTimeoutError::Disconnected) => {
                let _ = thread.join();
                return Err(SourceError::CameraOpen {
                    name: camera.name,
                    reason: "the capture thread ended without opening it".into(),
                });
            }
        };
        let mut source = Self::with_slot(camera, opened.mode, choice.driver_mirrors, opened.started, slot);
        source.modes = opened.modes;
        source.thread = Some(thread);
        source.thread_done = Some(done_rx);
        Ok(source)
    }

    /// A source reading from `slot`, fed by someone else (the capture thread, or a test).
    fn with_slot(
        camera: CameraInfo,
        mode: CameraMode,
        mirrored: bool,
        started: Instant,
        slot: Arc<LatestSlot<RawFrame>>,
    ) -> Self {
        let info = SourceInfo {
            name: camera.name.clone(),
            kind: SourceKind::Camera,
            width: mode.width,
            height: mode.height,
            fps: Some(f64::from(mode.fps)),
            frame_count: None,
        };
        Self {
            info,
            camera,
            mode,
            modes: Vec::new(),
            mirrored,
            started,
            next_index: 0,
            ended: false,
            frame_timeout: FRAME_TIMEOUT,
            first_frame_timeout: FIRST_FRAME_TIMEOUT,
            slot,
            thread: None,
            thread_done: None,
        }
    }

    /// The camera being read.
    pub fn camera(&self) -> &CameraInfo {
        &self.camera
    }

    /// The mode the camera was opened in (compare with [`CameraChoice::mode`] to tell whether the chosen one was
    /// available).
    pub fn mode(&self) -> CameraMode {
        self.mode
    }

    /// Every usable mode the camera offered when it was opened (as [`camera_modes`] would list them).
    pub fn modes(&self) -> &[CameraMode] {
        &self.modes
    }

    /// Frames the camera delivered that were replaced by a newer one before [`next_frame`](FrameSource::next_frame)
    /// took them (the consumer was slower than the camera).
    pub fn dropped_frames(&self) -> u64 {
        self.slot.dropped()
    }

    /// Ends the stream: later calls to `next_frame` return `None`, and the capture thread lets the camera go.
    fn end(&mut self) {
        self.ended = true;
        self.slot.close("closed".into());
    }
}

impl FrameSource for CameraSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn next_frame(&mut self) -> Option<Result<Frame, SourceError>> {
        if self.ended {
            return None;
        }
        let timeout = if self.next_index == 0 { self.first_frame_timeout } else { self.frame_timeout };
        let name = &self.info.name;
        match self.slot.take(timeout) {
            Taken::Item(raw) => {
                let index = self.next_index;
                self.next_index += 1;
                let time_s = raw.arrived.saturating_duration_since(self.started).as_secs_f64();
                Some(match decode_frame(&raw.data, raw.width, raw.height, raw.format) {
                    Ok(image) => Ok(Frame {
                        image: Arc::new(image),
                        index,
                        time_s,
                        source: name.clone(),
                        mirrored: self.mirrored,
                    }),
                    Err(reason) => Err(SourceError::CameraBadFrame { name: name.clone(), index, reason }),
                })
            }
            Taken::Closed(reason) => {
                let name = name.clone();
                self.end();
                Some(Err(SourceError::CameraLost { name, reason }))
            }
            Taken::TimedOut => {
                let name = name.clone();
                self.end();
                let reason = format!("no frame for {:.0} s", timeout.as_secs_f64());
                Some(Err(SourceError::CameraLost { name, reason }))
            }
        }
    }

    /// A live camera cannot go back: this does nothing and succeeds (frame indices and times go on counting).
    fn rewind(&mut self) -> Result<(), SourceError> {
        Ok(())
    }
}

impl Drop for CameraSource {
    /// Stops the capture thread and waits (a little) for it to release the camera, so that it can be opened again
    /// right away. A thread stuck in the driver is left behind rather than blocking the caller.
    fn drop(&mut self) {
        self.slot.close("closed".into());
        if let Some(done) = self.thread_done.take() {
            match done.recv_timeout(CLOSE_WAIT) {
                Err(RecvTimeoutError::Timeout) => {}
                _ => {
                    if let Some(thread) = self.thread.take() {
                        let _ = thread.join();
                    }
                }
            }
        }
    }
}

/// The body of the capture thread: opens the camera, reports it (or the error) on `opened`, then dequeues frames
/// into `slot` until the slot is closed or the camera fails.
fn capture(
    camera: &CameraInfo,
    requested: Option<CameraMode>,
    slot: &LatestSlot<RawFrame>,
    opened: &mpsc::Sender<Result<Opened, SourceError>>,
) {
    let mut reported = false;
    let outcome = guarded(|| {
        let (mut device, mode, modes) = match start_stream(camera, requested) {
            Ok(started) => started,
            Err(e) => {
                reported = true;
                let _ = opened.send(Err(e));
                return;
            }
        };
        reported = true;
        if opened.send(Ok(Opened { mode, modes, started: Instant::now() })).is_err() {
            return; // open() gave up waiting.
        }
        read_frames(&mut device, mode, slot);
        // Dropping the device stops the stream and closes it.
    });
    if let Err(reason) = outcome {
        if reported {
            slot.close(reason);
        } else {
            let _ = opened.send(Err(SourceError::CameraOpen { name: camera.name.clone(), reason }));
        }
    }
}

/// Opens `camera`, sets the mode [`pick_mode`] chooses and starts the stream.
fn start_stream(
    camera: &CameraInfo,
    requested: Option<CameraMode>,
) -> Result<(Camera, CameraMode, Vec<CameraMode>), SourceError> {
    let name = camera.name.as_str();
    let mut device = open_device(camera)?;
    let formats = device.compatible_camera_formats().map_err(|e| open_error(name, &e))?;
    let modes = usable_modes(formats.iter().map(|f| CameraMode::from_nokhwa(*f)));
    let Some(mode) = pick_mode(&modes, requested) else {
        let offered = formats.iter().map(|f| CameraMode::from_nokhwa(*f).to_string()).collect::<Vec<_>>();
        let offered = if offered.is_empty() { "nothing".to_string() } else { offered.join(", ") };
        return Err(SourceError::CameraUnsupported { name: name.to_string(), offered });
    };
    let format = mode.to_nokhwa().expect("pick_mode only picks decodable modes");
    if device.camera_format() != format {
        device
            .set_camera_requset(RequestedFormat::with_formats(RequestedFormatType::Exact(format), &[format.format()]))
            .map_err(|e| open_error(name, &e))?;
    }
    device.open_stream().map_err(|e| open_error(name, &e))?;
    let mode = CameraMode::from_nokhwa(device.camera_format());
    Ok((device, mode, modes))
}

/// Dequeues frames of `mode` into `slot` until it is closed (the source was dropped) or reads keep failing
/// (unplugged). Each frame is copied once, out of the driver's buffer.
fn read_frames(device: &mut Camera, mode: CameraMode, slot: &LatestSlot<RawFrame>) {
    let mut failures = 0;
    while !slot.is_closed() {
        let read = device.frame_raw().map(|data| {
            let arrived = Instant::now();
            (data.into_owned(), arrived)
        });
        match read {
            Ok((data, arrived)) => {
                failures = 0;
                let frame = RawFrame { data, width: mode.width, height: mode.height, format: mode.format, arrived };
                if !slot.put(frame) {
                    return;
                }
            }
            Err(e) => {
                failures += 1;
                if failures >= MAX_READ_ERRORS {
                    slot.close(e.to_string());
                    return;
                }
                thread::sleep(READ_RETRY_PAUSE);
            }
        }
    }
}

/// A one-item hand-over between a producer and a consumer thread with latest-item semantics: a new item replaces
/// one not yet taken (counted in [`dropped`](Self::dropped)). Either side can close it with a reason; the consumer
/// still gets an item put before the close.
struct LatestSlot<T> {
    state: Mutex<SlotState<T>>,
    changed: Condvar,
}

struct SlotState<T> {
    item: Option<T>,
    closed: Option<String>,
    dropped: u64,
}

/// What [`LatestSlot::take`] got.
#[derive(Debug, PartialEq)]
enum Taken<T> {
    Item(T),
    /// Closed, with the first reason given.
    Closed(String),
    TimedOut,
}

impl<T> LatestSlot<T> {
    fn new() -> Self {
        Self { state: Mutex::new(SlotState { item: None, closed: None, dropped: 0 }), changed: Condvar::new() }
    }

    fn lock(&self) -> MutexGuard<'_, SlotState<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts `item` in, replacing an untaken one. `false` (and `item` dropped) when the slot is closed: the producer
    /// should stop.
    fn put(&self, item: T) -> bool {
        let mut state = self.lock();
        if state.closed.is_some() {
            return false;
        }
        if state.item.replace(item).is_some() {
            state.dropped += 1;
        }
        self.changed.notify_all();
        true
    }

    /// Closes the slot; the first reason is kept.
    fn close(&self, reason: String) {
        let mut state = self.lock();
        state.closed.get_or_insert(reason);
        self.changed.notify_all();
    }

    fn is_closed(&self) -> bool {
        self.lock().closed.is_some()
    }

    fn dropped(&self) -> u64 {
        self.lock().dropped
    }

    /// Waits up to `timeout` for an item.
    fn take(&self, timeout: Duration) -> Taken<T> {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        loop {
            if let Some(item) = state.item.take() {
                return Taken::Item(item);
            }
            if let Some(reason) = &state.closed {
                return Taken::Closed(reason.clone());
            }
            let now = Instant::now();
            if now >= deadline {
                return Taken::TimedOut;
            }
            state = self.changed.wait_timeout(state, deadline - now).unwrap_or_else(PoisonError::into_inner).0;
        }
    }
}

/// Decodes one camera frame of `width` x `height` pixels in `format` to RGB. The error says what is wrong.
fn decode_frame(data: &[u8], width: u32, height: u32, format: PixelFormat) -> Result<RgbImage, String> {
    if data.is_empty() {
        return Err("the frame is empty".into());
    }
    if format != PixelFormat::Mjpeg && (width == 0 || height == 0) {
        return Err(format!("the frame claims a size of {width}x{height}"));
    }
    match format {
        PixelFormat::Mjpeg => decode_mjpeg(data),
        PixelFormat::Yuyv => yuyv_to_rgb(data, width, height),
        PixelFormat::Nv12 => nv12_to_rgb(data, width, height),
        PixelFormat::Rgb => packed_to_rgb(data, width, height, 3, |p| [p[0], p[1], p[2]], format),
        PixelFormat::Bgr => packed_to_rgb(data, width, height, 3, |p| [p[2], p[1], p[0]], format),
        PixelFormat::Gray => packed_to_rgb(data, width, height, 1, |p| [p[0]; 3], format),
        PixelFormat::Other => Err("mirrorcue cannot decode this pixel format".into()),
    }
}

/// Decodes a Motion-JPEG frame (a JPEG, possibly without its Huffman tables).
fn decode_mjpeg(data: &[u8]) -> Result<RgbImage, String> {
    let jpeg = with_huffman_tables(data);
    image::load_from_memory_with_format(&jpeg, ImageFormat::Jpeg)
        .map(|image| image.into_rgb8())
        .map_err(|e| format!("broken MJPEG frame: {e}"))
}

/// The standard Huffman tables (ITU-T T.81 K.3) as one DHT segment (marker included): the tables Motion-JPEG
/// frames leave out ("MJPEG is restricted JPEG with a fixed and omitted Huffman table", OpenDML).
fn standard_dht_segment() -> Vec<u8> {
    const DC_LUMA_BITS: [u8; 16] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    const DC_CHROMA_BITS: [u8; 16] = [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
    const DC_VALUES: [u8; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const AC_LUMA_BITS: [u8; 16] = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D];
    const AC_LUMA_VALUES: [u8; 162] = [
        0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71,
        0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72,
        0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37,
        0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
        0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83,
        0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3,
        0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3,
        0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
        0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
    ];
    const AC_CHROMA_BITS: [u8; 16] = [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77];
    const AC_CHROMA_VALUES: [u8; 162] = [
        0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22,
        0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33, 0x52, 0xF0, 0x15, 0x62, 0x72, 0xD1,
        0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x35, 0x36,
        0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
        0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A,
        0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A,
        0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA,
        0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA,
        0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
    ];
    // (class << 4 | destination, code counts, values): DC 0, AC 0 (luma), DC 1, AC 1 (chroma).
    let tables: [(u8, &[u8; 16], &[u8]); 4] = [
        (0x00, &DC_LUMA_BITS, &DC_VALUES),
        (0x10, &AC_LUMA_BITS, &AC_LUMA_VALUES),
        (0x01, &DC_CHROMA_BITS, &DC_VALUES),
        (0x11, &AC_CHROMA_BITS, &AC_CHROMA_VALUES),
    ];
    let length = 2 + tables.iter().map(|(_, bits, values)| 1 + bits.len() + values.len()).sum::<usize>();
    let mut segment = vec![0xFF, 0xC4];
    segment.extend_from_slice(&u16::try_from(length).expect("the DHT segment is 420 bytes").to_be_bytes());
    for (class_destination, bits, values) in tables {
        segment.push(class_destination);
        segment.extend_from_slice(bits);
        segment.extend_from_slice(values);
    }
    segment
}

/// `jpeg` with the standard Huffman tables inserted after its start marker if it has none before its scan (as
/// many webcams send MJPEG). Returned as it is when it has them, or when it is not a JPEG the walk understands
/// (the decoder then says what is wrong).
fn with_huffman_tables(jpeg: &[u8]) -> Cow<'_, [u8]> {
    if jpeg.len() < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 {
        return Cow::Borrowed(jpeg);
    }
    let mut pos = 2;
    while pos + 4 <= jpeg.len() {
        if jpeg[pos] != 0xFF {
            return Cow::Borrowed(jpeg);
        }
        let marker = jpeg[pos + 1];
        match marker {
            0xFF => pos += 1, // fill byte
            0xC4 => return Cow::Borrowed(jpeg),
            0xDA => {
                let mut fixed = Vec::with_capacity(jpeg.len() + 420);
                fixed.extend_from_slice(&jpeg[..2]);
                fixed.extend_from_slice(&standard_dht_segment());
                fixed.extend_from_slice(&jpeg[2..]);
                return Cow::Owned(fixed);
            }
            0x01 | 0xD0..=0xD7 => pos += 2, // markers without a length
            _ => pos += 2 + usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]])),
        }
    }
    Cow::Borrowed(jpeg)
}

/// The row stride of a frame of `rows` rows whose rows need at least `min_stride` bytes, given its `len`: rows
/// padded by the driver show as a length that is a whole multiple of the rows; anything else is read as tightly
/// packed (extra bytes at the end ignored). `None` when the frame is too short.
fn row_stride(len: usize, rows: usize, min_stride: usize) -> Option<usize> {
    if rows == 0 || len < rows * min_stride {
        return None;
    }
    Some(if len.is_multiple_of(rows) { len / rows } else { min_stride })
}

fn too_short(data: &[u8], format: PixelFormat, width: u32, height: u32, needed: usize) -> String {
    format!("the frame has {} bytes, a {width}x{height} {format} frame needs {needed}", data.len())
}

/// BT.601 limited-range ("studio swing", as webcams send it) YCbCr to RGB, in 8.8 fixed point.
fn yuv_to_rgb(y: u8, u: u8, v: u8) -> [u8; 3] {
    let c = 298 * (i32::from(y) - 16);
    let d = i32::from(u) - 128;
    let e = i32::from(v) - 128;
    let clamp = |x: i32| (x >> 8).clamp(0, 255) as u8;
    [clamp(c + 409 * e + 128), clamp(c - 100 * d - 208 * e + 128), clamp(c + 516 * d + 128)]
}

/// Packed YUV 4:2:2 (bytes Y0 U Y1 V for each pair of pixels) to RGB.
fn yuyv_to_rgb(data: &[u8], width: u32, height: u32) -> Result<RgbImage, String> {
    let (w, h) = (width as usize, height as usize);
    let min_stride = w.div_ceil(2) * 4;
    let stride = row_stride(data.len(), h, min_stride)
        .ok_or_else(|| too_short(data, PixelFormat::Yuyv, width, height, min_stride * h))?;
    let mut out = RgbImage::new(width, height);
    for (y, row) in out.chunks_exact_mut(w * 3).enumerate() {
        let src = &data[y * stride..y * stride + min_stride];
        for (x, pixel) in row.chunks_exact_mut(3).enumerate() {
            let pair = &src[(x / 2) * 4..(x / 2) * 4 + 4];
            pixel.copy_from_slice(&yuv_to_rgb(pair[(x % 2) * 2], pair[1], pair[3]));
        }
    }
    Ok(out)
}

/// NV12 (a plane of Y, then a plane of interleaved U V at half width and half height, same stride) to RGB.
fn nv12_to_rgb(data: &[u8], width: u32, height: u32) -> Result<RgbImage, String> {
    let (w, h) = (width as usize, height as usize);
    let min_stride = w.div_ceil(2) * 2;
    let rows = h + h.div_ceil(2);
    let stride = row_stride(data.len(), rows, min_stride)
        .ok_or_else(|| too_short(data, PixelFormat::Nv12, width, height, min_stride * rows))?;
    let (luma, chroma) = data.split_at(stride * h);
    let mut out = RgbImage::new(width, height);
    for (y, row) in out.chunks_exact_mut(w * 3).enumerate() {
        let luma_row = &luma[y * stride..];
        let chroma_row = &chroma[(y / 2) * stride..];
        for (x, pixel) in row.chunks_exact_mut(3).enumerate() {
            let uv = (x / 2) * 2;
            pixel.copy_from_slice(&yuv_to_rgb(luma_row[x], chroma_row[uv], chroma_row[uv + 1]));
        }
    }
    Ok(out)
}

/// Packed formats of `bytes_per_pixel` bytes per pixel, each turned into RGB by `to_rgb`.
fn packed_to_rgb(
    data: &[u8],
    width: u32,
    height: u32,
    bytes_per_pixel: usize,
    to_rgb: impl Fn(&[u8]) -> [u8; 3],
    format: PixelFormat,
) -> Result<RgbImage, String> {
    let (w, h) = (width as usize, height as usize);
    let min_stride = w * bytes_per_pixel;
    let stride =
        row_stride(data.len(), h, min_stride).ok_or_else(|| too_short(data, format, width, height, min_stride * h))?;
    let mut out = RgbImage::new(width, height);
    for (y, row) in out.chunks_exact_mut(w * 3).enumerate() {
        let src = &data[y * stride..y * stride + min_stride];
        for (pixel, p) in row.chunks_exact_mut(3).zip(src.chunks_exact(bytes_per_pixel)) {
            pixel.copy_from_slice(&to_rgb(p));
        }
    }
    Ok(out)
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

    #[test]
    fn choices_serialize_round_trip() {
        let choice = CameraChoice {
            camera: Some("/dev/v4l/by-id/usb-HD_Webcam-video-index0".into()),
            mode: Some(mode(Mjpeg, 1280, 720, 30)),
            driver_mirrors: true,
        };
        let json = serde_json::to_string(&choice).expect("serialize");
        assert_eq!(serde_json::from_str::<CameraChoice>(&json).expect("deserialize"), choice);
        let default: CameraChoice =
            serde_json::from_str(r#"{"camera":null,"mode":null,"driver_mirrors":false}"#).expect("deserialize default");
        assert_eq!(default, CameraChoice::default());
    }

    #[test]
    fn ids_and_device_paths() {
        assert_eq!(device_index(Path::new("/dev/video0")), Some(0));
        assert_eq!(device_index(Path::new("/dev/video12")), Some(12));
        assert_eq!(device_index(Path::new("/dev/v4l/by-id/usb-Cam-video-index0")), None);
        assert_eq!(device_index(Path::new("/dev/media0")), None);
        assert_eq!(normalize_id(" 2 "), "2");
        assert_eq!(normalize_id("/dev/video3"), "3"); // followed if it exists, read as it is otherwise
        assert_eq!(normalize_id("FaceTime HD Camera"), "FaceTime HD Camera");
        assert_eq!(nokhwa_index("3"), CameraIndex::Index(3));
        assert_eq!(nokhwa_index("0x1420000005ac8600"), CameraIndex::String("0x1420000005ac8600".into()));
        let cameras = [
            CameraInfo { id: "0".into(), name: "HD Webcam".into(), description: String::new() },
            CameraInfo { id: "2".into(), name: "USB Camera".into(), description: String::new() },
        ];
        assert_eq!(find_in(&cameras, "/dev/video2").map(|c| c.name).ok(), Some("USB Camera".into()));
        let err = find_in(&cameras, "5").expect_err("not connected");
        assert_eq!(
            err.to_string(),
            "camera '5' is not connected (cameras found: '0' HD Webcam, '2' USB Camera). Plug it in, or choose one \
             of those"
        );
        assert!(err.is_fatal());
    }

    #[test]
    fn open_errors_say_what_to_do() {
        let busy = NokhwaError::SetPropertyError {
            property: "Resolution, FrameFormat".into(),
            value: "1280x720".into(),
            error: "Device or resource busy (os error 16)".into(),
        };
        let e = open_error("HD Webcam", &busy);
        assert!(matches!(e, SourceError::CameraBusy { .. }), "{e:?}");
        assert!(e.to_string().contains("Close other programs using the camera"), "{e}");

        let denied = NokhwaError::OpenDeviceError("0".into(), "V4L2 Error: Permission denied (os error 13)".into());
        let e = open_error("HD Webcam", &denied);
        assert!(matches!(e, SourceError::CameraPermission { .. }), "{e:?}");
        assert!(e.to_string().starts_with("camera 'HD Webcam' cannot be opened: permission denied"), "{e}");
        #[cfg(target_os = "linux")]
        assert!(e.to_string().contains("'video' group"), "{e}");

        let no_format =
            NokhwaError::GetPropertyError { property: "CameraFormat".into(), error: "Failed to Fufill".into() };
        let e = open_error("HD Webcam", &no_format);
        assert!(matches!(e, SourceError::CameraUnsupported { .. }), "{e:?}");

        let gone = NokhwaError::OpenDeviceError("4".into(), "V4L2 Error: No such device (os error 19)".into());
        let e = open_error("HD Webcam", &gone);
        assert!(matches!(e, SourceError::CameraOpen { .. }), "{e:?}");
        assert!(e.to_string().contains("Unplug it and plug it back in"), "{e}");
        for e in [open_error("x", &busy), open_error("x", &denied), open_error("x", &no_format)] {
            assert!(e.is_fatal());
            assert_eq!(e.path(), Path::new("x"));
        }
    }

    #[test]
    fn guarded_turns_panics_into_errors() {
        let result = guarded(|| -> u32 { panic!("step_by(0)") });
        assert_eq!(result, Err("the camera library failed: step_by(0)".into()));
        assert_eq!(guarded(|| 7), Ok(7));
    }

    // ---- pixel conversions, against hand-computed BT.601 limited-range values ----

    #[test]
    fn yuv_reference_colours() {
        assert_eq!(yuv_to_rgb(16, 128, 128), [0, 0, 0]);
        assert_eq!(yuv_to_rgb(235, 128, 128), [255, 255, 255]);
        assert_eq!(yuv_to_rgb(126, 128, 128), [128, 128, 128]); // (298*110 + 128) / 256 = 128.5
        assert_eq!(yuv_to_rgb(81, 90, 240), [255, 0, 0]); // 601 red
        assert_eq!(yuv_to_rgb(145, 54, 34), [0, 255, 1]); // 601 green: b = (38442 - 38184 + 128) >> 8 = 1
        assert_eq!(yuv_to_rgb(41, 240, 110), [0, 0, 255]); // 601 blue
        assert_eq!(yuv_to_rgb(41, 90, 240), [208, 0, 0]); // r = (7450 + 45808 + 128) >> 8 = 208
        assert_eq!(yuv_to_rgb(0, 0, 0), [0, 135, 0]); // g = (-4768 + 12800 + 26624 + 128) >> 8 = 135
        assert_eq!(yuv_to_rgb(255, 255, 255), [255, 125, 255]); // g = (71222 - 12700 - 26416 + 128) >> 8 = 125.9…
    }

    #[test]
    fn yuyv_to_rgb_by_hand() {
        // 2x2: row 0 two red pixels sharing U=90 V=240; row 1 black then white sharing neutral chroma.
        let data = [81, 90, 81, 240, 16, 128, 235, 128];
        let rgb = yuyv_to_rgb(&data, 2, 2).expect("decodes");
        assert_eq!(rgb.dimensions(), (2, 2));
        assert_eq!(rgb.as_raw(), &[255, 0, 0, 255, 0, 0, 0, 0, 0, 255, 255, 255]);
        // 4x1 with different chroma per pair: blue pair, then grey pair.
        let data = [41, 240, 41, 110, 126, 128, 126, 128];
        let rgb = yuyv_to_rgb(&data, 4, 1).expect("decodes");
        assert_eq!(rgb.as_raw(), &[0, 0, 255, 0, 0, 255, 128, 128, 128, 128, 128, 128]);
    }

    #[test]
    fn yuyv_rows_padded_by_the_driver_and_short_frames() {
        // 2x2 with 4 bytes of padding after each row.
        let data = [81, 90, 81, 240, 9, 9, 9, 9, 16, 128, 235, 128, 9, 9, 9, 9];
        let rgb = yuyv_to_rgb(&data, 2, 2).expect("decodes");
        assert_eq!(rgb.as_raw(), &[255, 0, 0, 255, 0, 0, 0, 0, 0, 255, 255, 255]);
        let err = yuyv_to_rgb(&data[..7], 2, 2).expect_err("too short");
        assert_eq!(err, "the frame has 7 bytes, a 2x2 YUYV frame needs 8");
    }

    #[test]
    fn nv12_to_rgb_by_hand() {
        // 4x2: Y plane, then one row of U V pairs (neutral for pixels 0-1, red chroma for pixels 2-3).
        #[rustfmt::skip]
        let data = [
            16, 235, 81, 81,
            126, 126, 41, 41,
            128, 128, 90, 240,
        ];
        let rgb = nv12_to_rgb(&data, 4, 2).expect("decodes");
        #[rustfmt::skip]
        let expected = [
            0, 0, 0, 255, 255, 255, 255, 0, 0, 255, 0, 0,
            128, 128, 128, 128, 128, 128, 208, 0, 0, 208, 0, 0,
        ];
        assert_eq!(rgb.as_raw(), &expected);
    }

    #[test]
    fn nv12_odd_size_and_short_frames() {
        // 3x3: chroma is 2x2 pairs, rows of 4 bytes; the Y plane uses the same stride (4).
        #[rustfmt::skip]
        let data = [
            16, 16, 235, 0,
            16, 16, 235, 0,
            81, 81, 81, 0,
            128, 128, 41, 240,
            90, 240, 128, 128,
        ];
        let rgb = nv12_to_rgb(&data, 3, 3).expect("decodes");
        assert_eq!(rgb.get_pixel(0, 0).0, [0, 0, 0]);
        assert_eq!(rgb.get_pixel(2, 0).0, yuv_to_rgb(235, 41, 240));
        assert_eq!(rgb.get_pixel(2, 1).0, yuv_to_rgb(235, 41, 240));
        assert_eq!(rgb.get_pixel(0, 2).0, [255, 0, 0]);
        assert_eq!(rgb.get_pixel(2, 2).0, yuv_to_rgb(81, 128, 128));
        let err = nv12_to_rgb(&data[..10], 4, 2).expect_err("too short");
        assert_eq!(err, "the frame has 10 bytes, a 4x2 NV12 frame needs 12");
    }

    #[test]
    fn packed_formats() {
        let rgb = decode_frame(&[1, 2, 3, 4, 5, 6], 2, 1, PixelFormat::Rgb).expect("rgb");
        assert_eq!(rgb.as_raw(), &[1, 2, 3, 4, 5, 6]);
        let bgr = decode_frame(&[1, 2, 3, 4, 5, 6], 2, 1, PixelFormat::Bgr).expect("bgr");
        assert_eq!(bgr.as_raw(), &[3, 2, 1, 6, 5, 4]);
        let gray = decode_frame(&[7, 9], 1, 2, Gray).expect("gray");
        assert_eq!(gray.as_raw(), &[7, 7, 7, 9, 9, 9]);
        assert!(decode_frame(&[], 2, 1, PixelFormat::Rgb).is_err());
        assert!(decode_frame(&[1, 2, 3], 0, 1, PixelFormat::Rgb).is_err());
        assert!(decode_frame(&[1, 2, 3], 1, 1, Other).is_err());
    }

    /// A small JPEG made by the `image` crate's encoder (which uses the standard Huffman tables).
    fn sample_jpeg() -> (Vec<u8>, RgbImage) {
        let image = RgbImage::from_fn(32, 16, |x, y| image::Rgb([(x * 8) as u8, (y * 16) as u8, 128]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&image).expect("encode");
        let decoded = image::load_from_memory(&jpeg).expect("decode").into_rgb8();
        (jpeg, decoded)
    }

    /// `jpeg` without its DHT segments, as many webcams send MJPEG.
    fn strip_huffman_tables(jpeg: &[u8]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        let mut pos = 2;
        loop {
            assert_eq!(jpeg[pos], 0xFF);
            let marker = jpeg[pos + 1];
            if marker == 0xDA {
                out.extend_from_slice(&jpeg[pos..]);
                return out;
            }
            let end = pos + 2 + usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]));
            if marker != 0xC4 {
                out.extend_from_slice(&jpeg[pos..end]);
            }
            pos = end;
        }
    }

    #[test]
    fn mjpeg_decodes() {
        let (jpeg, expected) = sample_jpeg();
        assert!(matches!(with_huffman_tables(&jpeg), Cow::Borrowed(_)));
        let rgb = decode_frame(&jpeg, 32, 16, Mjpeg).expect("decodes");
        assert_eq!(rgb, expected);
    }

    #[test]
    fn mjpeg_without_huffman_tables_gets_the_standard_ones() {
        let (jpeg, expected) = sample_jpeg();
        let stripped = strip_huffman_tables(&jpeg);
        assert!(stripped.len() < jpeg.len() - 400);
        assert!(image::load_from_memory(&stripped).is_err(), "the decoder cannot do without the tables");
        assert_eq!(standard_dht_segment().len(), 2 + 418);
        let rgb = decode_frame(&stripped, 32, 16, Mjpeg).expect("decodes with the standard tables");
        assert_eq!(rgb, expected);
    }

    #[test]
    fn broken_mjpeg_is_an_error_not_a_panic() {
        let (jpeg, _) = sample_jpeg();
        for broken in [&b"\xFF\xD8garbage"[..], &jpeg[..jpeg.len() / 3], b"not a jpeg at all", &[0xFF, 0xD8, 0xFF]] {
            let err = decode_frame(broken, 32, 16, Mjpeg).expect_err("broken");
            assert!(err.starts_with("broken MJPEG frame"), "{err}");
        }
    }

    // ---- the source, fed without a camera ----

    fn test_source(mirrored: bool) -> (CameraSource, Arc<LatestSlot<RawFrame>>, Instant) {
        let slot = Arc::new(LatestSlot::new());
        let started = Instant::now();
        let camera = CameraInfo { id: "0".into(), name: "HD Webcam".into(), description: String::new() };
        let mut source = CameraSource::with_slot(camera, mode(Yuyv, 2, 2, 30), mirrored, started, Arc::clone(&slot));
        source.frame_timeout = Duration::from_millis(50);
        source.first_frame_timeout = Duration::from_millis(50);
        (source, slot, started)
    }

    fn yuyv_frame(data: &[u8], arrived: Instant) -> RawFrame {
        RawFrame { data: data.to_vec(), width: 2, height: 2, format: Yuyv, arrived }
    }

    #[test]
    fn source_info_and_frames() {
        let (mut source, slot, started) = test_source(true);
        let info = source.info().clone();
        assert_eq!(info.kind, SourceKind::Camera);
        assert_eq!((info.width, info.height, info.fps, info.frame_count), (2, 2, Some(30.0), None));
        assert_eq!(info.name, "HD Webcam");

        let pixels = [81, 90, 81, 240, 16, 128, 235, 128];
        assert!(slot.put(yuyv_frame(&pixels, started + Duration::from_millis(250))));
        let frame = source.next_frame().expect("a frame").expect("decoded");
        assert_eq!((frame.index, frame.time_s, frame.mirrored), (0, 0.25, true));
        assert_eq!(frame.source, "HD Webcam");
        assert_eq!(frame.image.as_raw(), &[255, 0, 0, 255, 0, 0, 0, 0, 0, 255, 255, 255]);

        // A short frame is a non-fatal error with its own index; the stream goes on.
        assert!(slot.put(yuyv_frame(&pixels[..5], started + Duration::from_millis(283))));
        let err = source.next_frame().expect("an item").expect_err("bad frame");
        assert!(!err.is_fatal());
        assert!(matches!(err, SourceError::CameraBadFrame { index: 1, .. }), "{err:?}");
        assert!(err.to_string().starts_with("camera 'HD Webcam': frame 1 could not be decoded"), "{err}");

        // Only the newest of two frames is handed out.
        assert!(slot.put(yuyv_frame(&pixels, started + Duration::from_millis(316))));
        assert!(slot.put(yuyv_frame(&pixels, started + Duration::from_millis(350))));
        let frame = source.next_frame().expect("a frame").expect("decoded");
        assert_eq!((frame.index, frame.time_s), (2, 0.35));
        assert_eq!(source.dropped_frames(), 1);

        assert!(source.rewind().is_ok());
        assert!(slot.put(yuyv_frame(&pixels, started + Duration::from_millis(400))));
        assert_eq!(source.next_frame().expect("a frame").expect("decoded").index, 3);
    }

    #[test]
    fn unplugged_camera_ends_the_source_with_a_fatal_error() {
        let (mut source, slot, _) = test_source(false);
        slot.close("Could not capture frame: No such device (os error 19)".into());
        let err = source.next_frame().expect("an item").expect_err("lost");
        assert!(err.is_fatal());
        assert_eq!(
            err.to_string(),
            "camera 'HD Webcam' stopped sending frames (unplugged?) (Could not capture frame: No such device (os \
             error 19)). mirrorcue will reconnect when it is back"
        );
        assert!(source.next_frame().is_none());
        assert!(source.next_frame().is_none());
    }

    #[test]
    fn a_camera_that_stops_sending_times_out() {
        let (mut source, _slot, _) = test_source(false);
        let err = source.next_frame().expect("an item").expect_err("lost");
        assert!(matches!(err, SourceError::CameraLost { .. }), "{err:?}");
        assert!(err.is_fatal());
        assert!(source.next_frame().is_none());
    }

    #[test]
    fn next_frame_waits_for_the_producer_thread() {
        let (mut source, slot, started) = test_source(false);
        source.first_frame_timeout = Duration::from_secs(5);
        let producer = thread::spawn(move || {
            thread::sleep(Duration::from_millis(30));
            slot.put(yuyv_frame(&[16, 128, 16, 128, 16, 128, 16, 128], Instant::now()));
        });
        let frame = source.next_frame().expect("a frame").expect("decoded");
        assert!(frame.time_s >= 0.03 && frame.time_s < 5.0, "{}", frame.time_s);
        assert!(started.elapsed().as_secs_f64() >= frame.time_s);
        producer.join().expect("producer");
    }

    #[test]
    fn slot_semantics() {
        let slot = LatestSlot::new();
        assert_eq!(slot.take(Duration::from_millis(1)), Taken::TimedOut);
        assert!(slot.put(1));
        assert!(slot.put(2));
        assert_eq!(slot.dropped(), 1);
        assert_eq!(slot.take(Duration::ZERO), Taken::Item(2));
        assert!(slot.put(3));
        slot.close("unplugged".into());
        slot.close("closed".into());
        assert!(!slot.put(4), "a closed slot takes nothing");
        assert_eq!(slot.take(Duration::ZERO), Taken::Item(3), "an item put before the close is still handed out");
        assert_eq!(slot.take(Duration::ZERO), Taken::Closed("unplugged".into()));
        assert!(slot.is_closed());
    }

    #[test]
    fn camera_source_is_send() {
        fn is_send<T: Send>() {}
        is_send::<CameraSource>();
        let (source, _, _) = test_source(false);
        let boxed: Box<dyn FrameSource> = Box::new(source);
        assert_eq!(boxed.info().kind, SourceKind::Camera);
    }

    // ---- this machine (and CI) has no camera: the real calls must fail cleanly ----

    #[test]
    fn listing_cameras_works_without_a_camera() {
        let cameras = list_cameras().expect("listing cameras is not an error, even with none");
        assert_eq!(camera_available(), !cameras.is_empty());
        if cameras.is_empty() {
            assert!(matches!(camera_modes("0"), Err(SourceError::NoCamera)));
        }
    }

    #[test]
    fn opening_without_a_camera_is_a_clear_error() {
        if !list_cameras().expect("list").is_empty() {
            return; // a machine with a camera: nothing to check here
        }
        let err = CameraSource::open(&CameraChoice::default()).err().expect("no camera to open");
        assert!(matches!(err, SourceError::NoCamera), "{err:?}");
        assert!(err.is_fatal());
        assert!(err.to_string().starts_with("no camera found"), "{err}");
        let choice = CameraChoice { camera: Some("/dev/video7".into()), ..CameraChoice::default() };
        assert!(matches!(CameraSource::open(&choice), Err(SourceError::NoCamera)));
    }
}
