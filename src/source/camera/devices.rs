//! The cameras the system offers: listing them, camera ids and device paths, opening a device, and what an error
//! at open means for the user.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Once;

use nokhwa::utils::{ApiBackend, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType};
use nokhwa::{Camera, NokhwaError};

use super::modes::{CameraMode, usable_modes};
use crate::source::SourceError;

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
pub(super) fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
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
pub(super) fn find_in(cameras: &[CameraInfo], id: &str) -> Result<CameraInfo, SourceError> {
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
pub(super) fn open_device(camera: &CameraInfo) -> Result<Camera, SourceError> {
    init_backend();
    Camera::new(nokhwa_index(&camera.id), RequestedFormat::with_formats(RequestedFormatType::None, ALL_FRAME_FORMATS))
        .map_err(|e| open_error(&camera.name, &e))
}

/// The usable modes of an open device, sorted and without duplicates.
fn query_modes(device: &mut Camera, name: &str) -> Result<Vec<CameraMode>, SourceError> {
    let formats = device.compatible_camera_formats().map_err(|e| open_error(name, &e))?;
    Ok(usable_modes(formats.into_iter().map(CameraMode::from_nokhwa)))
}

/// Turns a nokhwa error at open into the error that says what to do. nokhwa passes the OS error along as text
/// ("… Device or resource busy (os error 16)"), so that text is what is looked at.
pub(super) fn open_error(name: &str, error: &NokhwaError) -> SourceError {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::camera::PixelFormat::Mjpeg;

    fn mode(format: super::super::PixelFormat, width: u32, height: u32, fps: u32) -> CameraMode {
        CameraMode { width, height, fps, format }
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

    // ---- this machine (and CI) has no camera: listing must work ----

    #[test]
    fn listing_cameras_works_without_a_camera() {
        let cameras = list_cameras().expect("listing cameras is not an error, even with none");
        assert_eq!(camera_available(), !cameras.is_empty());
        if cameras.is_empty() {
            assert!(matches!(camera_modes("0"), Err(SourceError::NoCamera)));
        }
    }
}
