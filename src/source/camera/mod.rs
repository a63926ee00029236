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
//!
//! ## Where things live
//! - [`devices`]: listing cameras, camera ids and device paths, opening a device, what an open error means;
//! - [`modes`]: pixel formats, camera modes and the policy that picks one ([`pick_mode`]);
//! - [`capture`]: [`CameraSource`] and the capture thread that feeds it through a [`Mailbox`](crate::mailbox::Mailbox);
//! - [`decode`]: camera pixels (MJPEG, YUYV, NV12, RGB, BGR, grey) to RGB.

pub mod capture;
pub mod decode;
pub mod devices;
pub mod modes;

pub use capture::{CameraSource, FIRST_FRAME_TIMEOUT, FRAME_TIMEOUT, OPEN_TIMEOUT};
pub(crate) use devices::PERMISSION_HINT;
pub use devices::{CameraChoice, CameraInfo, camera_available, camera_modes, list_cameras};
pub use modes::{CameraMode, PixelFormat, pick_mode};
