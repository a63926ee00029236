//! Frame sources: where [`Frame`]s come from.
//!
//! [`open`] looks at a path and picks the source for it:
//! - a **folder** plays its image files in natural order (`frame2.png` before `frame10.png`) at
//!   [`OpenOptions::folder_fps`] (30 by default); files that are not images by their extension, hidden files and
//!   sub-folders are ignored, and an image that cannot be decoded is one non-fatal error;
//! - a **file** whose content is a JPEG, PNG, BMP, WebP or TIFF image (decided by its first bytes, not its name) is a
//!   one-frame source at time 0, turned upright by its EXIF orientation;
//! - every image (files, folders, camera MJPEG frames) is decoded within [`image_limits`]: at most
//!   [`MAX_IMAGE_PIXELS`] (100 megapixels) and [`MAX_IMAGE_SIDE`] (30 000 pixels a side), checked from the header
//!   before anything is allocated ([`SourceError::ImageTooLarge`]; in a folder that image is skipped). An image that
//!   decodes but is not whole (a JPEG cut short, an animated WebP) comes with a warning
//!   ([`SourceError::DamagedImage`]) before its frame;
//! - any **other file** goes to FFmpeg, which decodes its best video stream (MP4/MOV/MKV/WebM/AVI, … with whatever
//!   codecs the installed FFmpeg has), turned upright by the stream's display matrix (phones record portrait video as
//!   landscape pixels plus a rotation).
//!
//! Every frame is 8-bit RGB, tightly packed. Errors name the file and say what to do; see [`SourceError`].
//!
//! FFmpeg's own logging is silenced (its problems reach you as [`SourceError`]s). Set the environment variable
//! `MIRRORCUE_FFMPEG_LOG` to `error`, `warning`, `info`, `verbose` or `debug` to see it again.
//!
//! Live cameras are opened apart, with [`CameraSource::open`] (see [`camera`]); [`open`] is for paths only.
//!
//! Reading a source to its end goes through the one frame loop, [`run_frames`] (see [`frame_loop`]): a damaged
//! frame is skipped with a warning and counted, a fatal error stops. The commands that read a file to its end decode
//! it on a thread of its own, a few frames ahead of the pose model ([`read_ahead()`]); `analyze` and `record` write their
//! output on another, a few items behind it ([`write_behind()`]).

pub mod camera;
mod error;
pub mod frame_loop;
mod images;
pub mod read_ahead;
mod video;
pub mod write_behind;

use std::fs::File;
use std::io::Read;
use std::path::Path;

pub use camera::{
    CameraChoice, CameraInfo, CameraMode, CameraSource, PixelFormat, camera_available, camera_modes, list_cameras,
    pick_mode,
};
pub use error::SourceError;
pub use frame_loop::{Flow, FrameConsumer, FrameRun, RunEnd, for_each_frame, run_frames};
pub use images::{
    FolderSource, ImageSource, MAX_IMAGE_ALLOC, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, check_image_size, image_limits,
    natural_cmp,
};
pub use read_ahead::read_ahead;
pub use video::VideoSource;
pub use write_behind::{Behind, write_behind};

use crate::Frame;

/// Frame rate given to image folders when the caller does not set one.
pub const DEFAULT_FOLDER_FPS: f64 = 30.0;

/// What kind of thing a source reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// A single still image.
    Image,
    /// A folder of still images, played in natural order.
    ImageFolder,
    /// A video file.
    Video,
    /// A live camera.
    Camera,
}

/// What a source knows about itself up front.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceInfo {
    /// Name for reports and [`Frame::source`]: the file or folder name.
    pub name: String,
    /// What kind of source this is.
    pub kind: SourceKind,
    /// Width of the frames in pixels, after turning them upright. For a folder: the first readable image's (other
    /// images keep their own size).
    pub width: u32,
    /// Height of the frames in pixels, after turning them upright.
    pub height: u32,
    /// Frames per second: the video's average frame rate, the folder's playback rate; `None` for a still image or a
    /// video that does not say.
    pub fps: Option<f64>,
    /// Number of frames, when known up front: 1 for an image, the image count for a folder, the container's frame
    /// count for a video (`None` when the container does not record it; it may be off by a few for damaged files).
    pub frame_count: Option<u64>,
}

/// A stream of frames from a file, folder or camera.
pub trait FrameSource: Send {
    /// What a source knows about itself up front.
    fn info(&self) -> &SourceInfo;

    /// Next frame; `None` at the end. `Some(Err(e))` for a frame that could not be read: the caller warns and calls
    /// again (the source moves past the bad frame); if `e.is_fatal()` the source cannot go on (and later calls
    /// return `None`).
    fn next_frame(&mut self) -> Option<Result<Frame, SourceError>>;

    /// Back to the first frame (for looping playback). Frame indices start from 0 again.
    fn rewind(&mut self) -> Result<(), SourceError>;
}

/// How to open a source. `OpenOptions::default()` is what [`open`] uses.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenOptions {
    /// Playback rate of an image folder, frames per second (`time_s = index / folder_fps`). Must be finite and > 0.
    /// Default [`DEFAULT_FOLDER_FPS`].
    pub folder_fps: f64,
    /// Video decoding threads; 0 lets FFmpeg pick (one per core, plus one). Frame threading adds one frame of
    /// latency per thread, which does not matter for files.
    pub decode_threads: usize,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self { folder_fps: DEFAULT_FOLDER_FPS, decode_threads: 0 }
    }
}

/// Opens `path` with default options: a folder of images, an image, or a video (see the [module docs](self)).
pub fn open(path: &Path) -> Result<Box<dyn FrameSource>, SourceError> {
    open_with(path, &OpenOptions::default())
}

/// Opens `path` as a folder of images, an image or a video, decided by what the path is and what the file
/// contains (not by its extension).
pub fn open_with(path: &Path, options: &OpenOptions) -> Result<Box<dyn FrameSource>, SourceError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        // A mirrorcue recording folder plays its video.
        if crate::recording::read_manifest(path).is_some() {
            return open_with(&path.join("video.mp4"), options);
        }
        return Ok(Box::new(FolderSource::open(path, options)?));
    }
    if !meta.is_file() {
        // Reading a device or pipe to sniff it could block, and would eat the bytes FFmpeg needs.
        return Err(SourceError::NotAFile { path: path.into() });
    }
    let mut head = [0u8; 64];
    let len = read_head(path, &mut head).map_err(|e| io_error(path, e))?;
    if len == 0 {
        return Err(SourceError::EmptyFile { path: path.into() });
    }
    if let Some(format) = images::sniff(&head[..len]) {
        return Ok(Box::new(ImageSource::open_as(path, format)?));
    }
    Ok(Box::new(VideoSource::open(path, options)?))
}

/// Reads up to `buf.len()` bytes from the start of the file.
fn read_head(path: &Path, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut file = File::open(path)?;
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Maps an I/O error on `path` to `NotFound` or `Io`.
fn io_error(path: &Path, e: std::io::Error) -> SourceError {
    if e.kind() == std::io::ErrorKind::NotFound {
        SourceError::NotFound { path: path.into() }
    } else {
        SourceError::Io { path: path.into(), source: e }
    }
}

/// The name a source reports: the last path component, or the whole path when there is none (`/`, `..`).
fn display_name(path: &Path) -> String {
    match path.file_name() {
        Some(name) => name.to_string_lossy().into_owned(),
        None => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_send_and_boxable() {
        fn is_send<T: Send>() {}
        is_send::<VideoSource>();
        is_send::<FolderSource>();
        is_send::<ImageSource>();
        is_send::<Box<dyn FrameSource>>();
    }

    #[test]
    fn display_name_is_the_last_component() {
        assert_eq!(display_name(Path::new("/data/clips/squat.mp4")), "squat.mp4");
        assert_eq!(display_name(Path::new("frames/")), "frames");
        assert_eq!(display_name(Path::new("/")), "/");
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_not_files() {
        let err = open(Path::new("/dev/null")).err();
        assert!(matches!(err, Some(SourceError::NotAFile { .. })), "{err:?}");
    }

    #[test]
    fn missing_path_is_not_found() {
        let err = open(Path::new("/definitely/not/here.mp4")).err();
        assert!(matches!(err, Some(SourceError::NotFound { .. })), "{err:?}");
    }
}
