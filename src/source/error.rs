//! The one error type of the frame sources: files, folders and live cameras ([`super::camera`]), at open and
//! while reading.

use std::path::PathBuf;

/// The formats mirrorcue reads, for error messages.
pub(crate) const SUPPORTED: &str = "Supported: MP4/MOV/MKV/WebM/AVI video (H.264, H.265, VP8, VP9, AV1 as your FFmpeg \
     supports), JPEG, PNG, BMP, WebP and TIFF images, or a folder of such images";

/// Why a source could not be opened, or why one frame could not be read.
///
/// Every message starts with the file (or camera) it is about and ends with what to do next. [`SourceError::is_fatal`] tells a
/// frame loop whether to warn and call [`next_frame`](super::FrameSource::next_frame) again (the source has moved
/// past the bad frame) or to stop.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// Nothing exists at the path.
    #[error(
        "{}: no such file or folder. Check the spelling, or give the full path of a video, an image or a folder of \
         images",
        .path.display()
    )]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },

    /// The file or folder exists but could not be read (permissions, I/O error).
    #[error("{}: could not be read: {source}. Check that it is readable and not still being copied", .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// The path is neither a regular file nor a folder (a device, a pipe, a socket).
    #[error(
        "{}: is not a file or folder (a device or pipe?). Give a video file, an image or a folder of images; for a \
         live camera, choose it in the app or record it with `mirrorcue record camera`",
        .path.display()
    )]
    NotAFile {
        /// The path.
        path: PathBuf,
    },

    /// The file is empty.
    #[error("{}: the file is empty (0 bytes). Copy or export it again", .path.display())]
    EmptyFile {
        /// The file.
        path: PathBuf,
    },

    /// A folder without a single image in it.
    #[error(
        "{}: the folder has no images in it ({others} other entries ignored). Put the frames in it as JPEG, PNG, BMP, \
         WebP or TIFF files (they are played in natural order: frame2.png before frame10.png), or give a video file",
        .path.display()
    )]
    EmptyFolder {
        /// The folder.
        path: PathBuf,
        /// How many entries were skipped because they are not images (sub-folders, other files, hidden files).
        others: usize,
    },

    /// A folder whose image files are all unreadable (there is nothing to size the source by).
    #[error(
        "{}: none of the {count} images in the folder can be read (first: {first}). Re-save the frames as PNG or \
         JPEG",
        .path.display()
    )]
    NoReadableImage {
        /// The folder.
        path: PathBuf,
        /// How many image files were tried.
        count: usize,
        /// Why the first one failed.
        first: String,
    },

    /// The file is neither an image nor anything FFmpeg recognises.
    #[error("{}: is not a video or image mirrorcue can read (FFmpeg: {reason}). {SUPPORTED}", .path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// FFmpeg's error.
        reason: String,
    },

    /// FFmpeg recognised the container but could not open it: usually a truncated or damaged file.
    #[error(
        "{}: FFmpeg recognises it as {container} but cannot open it ({reason}). The file is probably truncated or \
         damaged (a recording that was cut off, an incomplete download or copy): copy or export it again",
        .path.display()
    )]
    Damaged {
        /// The container FFmpeg detected, e.g. "QuickTime / MOV".
        container: String,
        /// The file.
        path: PathBuf,
        /// FFmpeg's error.
        reason: String,
    },

    /// A media file with no video in it (audio only, subtitles, …).
    #[error(
        "{}: has no video stream (it contains: {contents}). Give a file with video in it, or a picture",
        .path.display()
    )]
    NoVideoStream {
        /// The file.
        path: PathBuf,
        /// What it does contain, e.g. "1 audio stream".
        contents: String,
    },

    /// The video is in a codec this FFmpeg build cannot decode, or the decoder would not start.
    #[error(
        "{}: cannot decode its {codec} video ({reason}). Convert it to H.264, e.g. `ffmpeg -i <file> -c:v libx264 \
         -crf 18 out.mp4`, or install an FFmpeg build with a {codec} decoder",
        .path.display()
    )]
    UnsupportedCodec {
        /// The file.
        path: PathBuf,
        /// The codec's name.
        codec: String,
        /// FFmpeg's error.
        reason: String,
    },

    /// An image file that could not be decoded, given on its own (nothing else to play).
    #[error(
        "{}: could not be decoded as {format} ({reason}). The image is damaged or in a variant mirrorcue does not \
         support: re-save it as PNG or JPEG",
        .path.display()
    )]
    BadImage {
        /// The file.
        path: PathBuf,
        /// The format its content looks like.
        format: String,
        /// The decoder's error.
        reason: String,
    },

    /// An image over mirrorcue's size limits ([`MAX_IMAGE_PIXELS`](super::MAX_IMAGE_PIXELS),
    /// [`MAX_IMAGE_SIDE`](super::MAX_IMAGE_SIDE)), refused from its header before anything is decoded.
    #[error(
        "{}: the image is {width} x {height} pixels ({:.0} megapixels), over mirrorcue's limit of {} megapixels and \
         {} pixels a side (a guard against files that claim more than they hold). Scale it down, or check that the \
         file is what you meant",
        .path.display(),
        (*.width as f64) * (*.height as f64) / 1e6,
        super::MAX_IMAGE_PIXELS / 1_000_000,
        super::MAX_IMAGE_SIDE
    )]
    ImageTooLarge {
        /// The file.
        path: PathBuf,
        /// The width its header claims.
        width: u32,
        /// The height its header claims.
        height: u32,
    },

    /// An image that decoded but is not whole (a JPEG cut short, an animation of which only the first frame is
    /// read): a warning, the frame follows. Not fatal.
    #[error("{}: frame {index} is damaged: {reason}", .path.display())]
    DamagedImage {
        /// The image file.
        path: PathBuf,
        /// Its frame index.
        index: u64,
        /// What is wrong and what to do.
        reason: String,
    },

    /// One image of a folder could not be read; the folder plays on without it. Not fatal.
    #[error(
        "{}: frame {index} could not be read ({reason}); skipping it. Re-save or remove this file",
        .path.display()
    )]
    SkippedImage {
        /// The image file.
        path: PathBuf,
        /// The frame index it would have had.
        index: u64,
        /// The decoder's error.
        reason: String,
    },

    /// One video frame (or packet) could not be decoded; the video plays on. Not fatal.
    #[error(
        "{}: frame {index} could not be decoded ({reason}); skipping it. If this happens often the file is damaged: \
         export or convert it again",
        .path.display()
    )]
    BadFrame {
        /// The video file.
        path: PathBuf,
        /// The frame index it would have had.
        index: u64,
        /// FFmpeg's error, or what is wrong with the frame.
        reason: String,
    },

    /// The demuxer failed to read a packet (some data was skipped). Not fatal.
    #[error(
        "{}: could not read part of the file after frame {after} (FFmpeg: {reason}); trying to go on. The file may be \
         damaged",
        .path.display()
    )]
    ReadGlitch {
        /// The video file.
        path: PathBuf,
        /// Frames delivered before the glitch.
        after: u64,
        /// FFmpeg's error.
        reason: String,
    },

    /// Reading the file failed for good; no further frames will come.
    #[error(
        "{}: reading stopped after frame {after} (FFmpeg: {reason}). The rest of the file is damaged or unreadable: \
         copy or export it again",
        .path.display()
    )]
    ReadFailed {
        /// The video file.
        path: PathBuf,
        /// Frames delivered before the failure.
        after: u64,
        /// FFmpeg's error.
        reason: String,
    },

    /// Going back to the first frame failed.
    #[error("{}: could not go back to the first frame ({reason}). Open the file again", .path.display())]
    Rewind {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },

    /// A caller-supplied option is out of range.
    #[error("{}: {what}", .path.display())]
    InvalidOption {
        /// The path being opened.
        path: PathBuf,
        /// What is wrong and what is allowed.
        what: String,
    },

    /// FFmpeg itself could not start.
    #[error("{}: FFmpeg could not be initialised ({reason}). Check the FFmpeg libraries installed", .path.display())]
    FfmpegInit {
        /// The path being opened.
        path: PathBuf,
        /// FFmpeg's error.
        reason: String,
    },

    /// The system lists no camera at all.
    #[error(
        "no camera found: the system lists none. Plug in a USB camera (or switch on the built-in one: some laptops \
         have a camera key or a privacy switch), then try again"
    )]
    NoCamera,

    /// The system could not be asked for its cameras.
    #[error("the cameras could not be listed ({reason}). Check that the camera drivers are installed, then try again")]
    CameraQuery {
        /// The camera library's error.
        reason: String,
    },

    /// The chosen camera is not among those the system lists.
    #[error("camera '{id}' is not connected (cameras found: {available}). Plug it in, or choose one of those")]
    CameraNotFound {
        /// The camera id that was asked for.
        id: String,
        /// The cameras the system does list, e.g. "'0' HD Webcam, '2' USB Camera".
        available: String,
    },

    /// The camera is in use by another program (or another window of mirrorcue).
    #[error(
        "camera '{name}' is in use by another program ({reason}). Close other programs using the camera (video calls, \
         browsers, another mirrorcue window) and try again"
    )]
    CameraBusy {
        /// The camera's name.
        name: String,
        /// The driver's error.
        reason: String,
    },

    /// The operating system does not let mirrorcue use the camera.
    #[error("camera '{name}' cannot be opened: permission denied ({reason}). {}", super::camera::PERMISSION_HINT)]
    CameraPermission {
        /// The camera's name.
        name: String,
        /// The driver's error.
        reason: String,
    },

    /// The camera offers no picture format mirrorcue can decode.
    #[error(
        "camera '{name}' offers no picture format mirrorcue can read (it offers: {offered}). mirrorcue reads MJPEG, \
         YUYV, NV12, RGB, BGR and grey cameras: choose another camera"
    )]
    CameraUnsupported {
        /// The camera's name.
        name: String,
        /// What it offers, e.g. "H264 1920x1080@30".
        offered: String,
    },

    /// The camera could not be opened for another reason.
    #[error(
        "camera '{name}' could not be opened ({reason}). Unplug it and plug it back in (another USB port may help), or \
         choose another camera"
    )]
    CameraOpen {
        /// The camera's name.
        name: String,
        /// The driver's error.
        reason: String,
    },

    /// The camera stopped delivering frames (unplugged, driver failure); the source has ended. Reopen it to go on.
    #[error("camera '{name}' stopped sending frames (unplugged?) ({reason}). mirrorcue will reconnect when it is back")]
    CameraLost {
        /// The camera's name.
        name: String,
        /// What happened.
        reason: String,
    },

    /// One camera frame could not be decoded (e.g. a broken MJPEG frame); the stream goes on. Not fatal.
    #[error(
        "camera '{name}': frame {index} could not be decoded ({reason}); skipping it. If this keeps happening, choose \
         another camera mode or plug the camera into another USB port"
    )]
    CameraBadFrame {
        /// The camera's name.
        name: String,
        /// The frame index it would have had.
        index: u64,
        /// What is wrong with the frame.
        reason: String,
    },
}

impl SourceError {
    /// `true` for a warning about a frame that is still delivered (the next call returns it): a damaged image.
    pub fn is_warning(&self) -> bool {
        matches!(self, SourceError::DamagedImage { .. })
    }

    /// `true` when the source cannot go on: every error at open, and a read failure that ends the stream. `false`
    /// for a single bad frame, image or packet that the source has already moved past: warn and call
    /// [`next_frame`](super::FrameSource::next_frame) again.
    pub fn is_fatal(&self) -> bool {
        !matches!(
            self,
            SourceError::SkippedImage { .. }
                | SourceError::DamagedImage { .. }
                | SourceError::BadFrame { .. }
                | SourceError::ReadGlitch { .. }
                | SourceError::CameraBadFrame { .. }
        )
    }

    /// The file (or folder) the error is about; for a camera, its name (the id asked for, or "camera" when there is
    /// none at all).
    pub fn path(&self) -> &std::path::Path {
        match self {
            SourceError::NotFound { path }
            | SourceError::Io { path, .. }
            | SourceError::NotAFile { path }
            | SourceError::EmptyFile { path }
            | SourceError::EmptyFolder { path, .. }
            | SourceError::NoReadableImage { path, .. }
            | SourceError::UnknownFormat { path, .. }
            | SourceError::Damaged { path, .. }
            | SourceError::NoVideoStream { path, .. }
            | SourceError::UnsupportedCodec { path, .. }
            | SourceError::BadImage { path, .. }
            | SourceError::ImageTooLarge { path, .. }
            | SourceError::DamagedImage { path, .. }
            | SourceError::SkippedImage { path, .. }
            | SourceError::BadFrame { path, .. }
            | SourceError::ReadGlitch { path, .. }
            | SourceError::ReadFailed { path, .. }
            | SourceError::Rewind { path, .. }
            | SourceError::InvalidOption { path, .. }
            | SourceError::FfmpegInit { path, .. } => path,
            // Cameras have no file: their name (or the id asked for) stands in for it.
            SourceError::NoCamera | SourceError::CameraQuery { .. } => std::path::Path::new("camera"),
            SourceError::CameraNotFound { id: name, .. }
            | SourceError::CameraBusy { name, .. }
            | SourceError::CameraPermission { name, .. }
            | SourceError::CameraUnsupported { name, .. }
            | SourceError::CameraOpen { name, .. }
            | SourceError::CameraLost { name, .. }
            | SourceError::CameraBadFrame { name, .. } => std::path::Path::new(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_file_and_fatality_is_per_variant() {
        let e = SourceError::NotFound { path: "clips/squat.mp4".into() };
        assert!(e.to_string().starts_with("clips/squat.mp4: no such file"));
        assert!(e.is_fatal());
        let e = SourceError::BadFrame {
            path: "a.mp4".into(),
            index: 7,
            reason: "Invalid data found when processing input".into(),
        };
        assert!(!e.is_fatal());
        assert!(e.to_string().contains("frame 7"));
        assert_eq!(e.path(), std::path::Path::new("a.mp4"));
        let e = SourceError::UnknownFormat {
            path: "notes.mp4".into(),
            reason: "Invalid data found when processing input".into(),
        };
        let msg = e.to_string();
        assert!(msg.starts_with("notes.mp4: is not a video or image mirrorcue can read (FFmpeg: Invalid data"));
        assert!(msg.contains("Supported: MP4/MOV/MKV/WebM"));
    }
}
