//! Recording a session: the video (MP4, H.264 through FFmpeg) and the pose track, one folder per recording with a
//! small versioned manifest.
//!
//! ```text
//! session-folder/
//!   manifest.json   format, version, source, model, size, frame rate, coordinate convention, complete?
//!   video.mp4       H.264 in fragmented MP4: a fragment per second, each flushed to disk as it is written
//!   poses.jsonl     one line per frame: {"frame", "time_s", "keypoints": [[x, y, score], …] | null}, flushed per frame
//!   events.jsonl    (recorded in the app) a header, then protocol events: {"time_s", "kind": "cue" | "rep",
//!                   "details"} (the schema: [`events`]), flushed
//! ```
//! Crash-safe: a killed process (kill -9, power loss) leaves a video that plays up to its last complete fragment
//! (at most the last second is lost) and a pose track complete up to its last line. A full disk stops the recording
//! with a clear message and keeps what was written: the pose track up to its last whole line (a line cut short is
//! removed), the video up to its last complete fragment, and a manifest marked incomplete that says why it stopped.
//! The closing manifest can be written on a full disk because room for it is set aside when recording starts
//! (`.manifest.json.partial`, a few KiB of spaces, renamed over `manifest.json` at the end; a killed recording
//! leaves it behind, harmlessly). Once a write has failed the writer writes nothing more, so the video and the pose
//! track end together.
//!
//! Times in the video, the pose track and the events are seconds from the recording's first frame, increasing
//! (also when the source is a looping file). Folder names: [`naming`]. The recording an app runs (start, push,
//! stop, status): [`control`], on the encoder thread of [`background`].

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use ffmpeg_next as ffmpeg;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::Frame;
use crate::pose::{Pose, PoseModel, Skeleton};

/// The manifest's format name.
pub const MANIFEST_FORMAT: &str = "mirrorcue-recording";
/// The manifest's format version.
pub const MANIFEST_VERSION: u32 = 1;

/// What a recording folder holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// [`MANIFEST_VERSION`].
    pub format_version: u32,
    /// mirrorcue's version.
    pub mirrorcue: String,
    /// Where the frames came from.
    pub source: String,
    /// The pose model.
    pub model: PoseModel,
    /// Keypoint names in the pose track's order.
    pub keypoint_names: Vec<String>,
    /// The pose track's coordinates.
    pub coordinates: String,
    /// Video size.
    pub width: u32,
    /// Video size.
    pub height: u32,
    /// Nominal frame rate.
    pub fps: f64,
    /// The video file.
    pub video: String,
    /// The pose track.
    pub poses: String,
    /// Seconds since 1970 when recording started.
    pub started_unix_s: u64,
    /// False while recording (or if it was cut short); true when closed properly.
    pub complete: bool,
    /// Frames written (when complete).
    pub frames: u64,
    /// Seconds recorded (when complete).
    pub duration_s: f64,
    /// Why it stopped early, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_because: Option<String>,
}

/// Why recording failed.
#[derive(Debug, Error)]
pub enum RecordError {
    /// The folder could not be made or written.
    #[error(
        "cannot write the recording in {dir}: {detail}. If the disk is full, free space; what was written so far is kept."
    )]
    Write {
        /// The folder.
        dir: PathBuf,
        /// What failed.
        detail: String,
    },
    /// FFmpeg could not set up the encoder.
    #[error("cannot start the video encoder (H.264 through FFmpeg's libx264): {0}")]
    Encoder(String),
    /// The pictures are too small to encode as H.264.
    #[error(
        "the picture is {width} x {height} pixels, too small to record as video: H.264 needs at least \
         {MIN_SIDE} x {MIN_SIDE} pixels. Record a larger source"
    )]
    TooSmall {
        /// The source's width.
        width: u32,
        /// The source's height.
        height: u32,
    },
    /// The folder already holds a recording, and overwriting was not asked for.
    #[error(
        "{dir} already holds a recording; it is kept. Choose a new folder, or pass --overwrite to replace that take"
    )]
    Exists {
        /// The folder.
        dir: PathBuf,
    },
    /// Another recording is writing into the folder (another `mirrorcue record`, or the app).
    #[error(
        "another recording is writing into {dir} right now (its lock file {LOCK_FILE} is held); wait for it to end, \
         or choose another folder"
    )]
    InUse {
        /// The folder.
        dir: PathBuf,
    },
}

/// The smallest width and height recorded (H.264 works in 16 × 16 macroblocks).
pub const MIN_SIDE: u32 = 16;

/// The lock a recording holds on its folder while it writes (an SQLite file with an exclusive lock, released by the
/// operating system when the process ends, even when killed).
pub const LOCK_FILE: &str = ".recording.lock";

/// Takes the folder's recording lock ([`LOCK_FILE`]): fails with [`RecordError::InUse`] when another process holds
/// it.
fn lock_folder(dir: &Path) -> Result<rusqlite::Connection, RecordError> {
    let path = dir.join(LOCK_FILE);
    let werr = |e: rusqlite::Error| RecordError::Write { dir: dir.to_path_buf(), detail: format!("{LOCK_FILE}: {e}") };
    let conn = rusqlite::Connection::open(&path).map_err(werr)?;
    conn.busy_timeout(std::time::Duration::ZERO).map_err(werr)?;
    match conn.execute_batch("PRAGMA journal_mode = DELETE; BEGIN EXCLUSIVE") {
        Ok(()) => Ok(conn),
        Err(e) if matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy)) => {
            Err(RecordError::InUse { dir: dir.to_path_buf() })
        }
        Err(e) => Err(werr(e)),
    }
}

/// Writes one recording.
pub struct RecordingWriter {
    dir: PathBuf,
    octx: ffmpeg::format::context::Output,
    encoder: ffmpeg::encoder::Video,
    scaler: ffmpeg::software::scaling::Context,
    rgb: ffmpeg::frame::Video,
    yuv: ffmpeg::frame::Video,
    poses: File,
    /// Bytes of whole lines in the pose track.
    poses_len: u64,
    manifest: Manifest,
    first_time: Option<f64>,
    last_pts: i64,
    frames: u64,
    stream_tb: ffmpeg::Rational,
    /// The first write failure; nothing more is written after it.
    failed: Option<String>,
    /// The folder's lock, held until the writer is dropped.
    _lock: rusqlite::Connection,
}

// SAFETY: the FFmpeg contexts are only used through `&mut self`, from one thread at a time; they hold no
// thread-affine state (the scaler and encoder are plain heap objects).
unsafe impl Send for RecordingWriter {}

const TIME_BASE: ffmpeg::Rational = ffmpeg::Rational(1, 1000);

impl RecordingWriter {
    /// Starts a recording in `dir` (created if needed) for frames of `width` × `height` at about `fps`. Refuses a
    /// folder that already holds a recording ([`RecordError::Exists`]; see [`create_with`](Self::create_with)).
    pub fn create(
        dir: &Path,
        width: u32,
        height: u32,
        fps: f64,
        model: PoseModel,
        source: &str,
    ) -> Result<Self, RecordError> {
        Self::create_with(dir, width, height, fps, model, source, false)
    }

    /// [`create`](Self::create), replacing a recording already in `dir` when `overwrite` is set. The folder is
    /// locked while the writer lives ([`LOCK_FILE`]): a second writer into it fails with [`RecordError::InUse`].
    /// Pictures smaller than [`MIN_SIDE`] are refused ([`RecordError::TooSmall`]) before anything is created.
    pub fn create_with(
        dir: &Path,
        width: u32,
        height: u32,
        fps: f64,
        model: PoseModel,
        source: &str,
        overwrite: bool,
    ) -> Result<Self, RecordError> {
        let werr = |d: String| RecordError::Write { dir: dir.to_path_buf(), detail: d };
        if width < MIN_SIDE || height < MIN_SIDE {
            return Err(RecordError::TooSmall { width, height });
        }
        std::fs::create_dir_all(dir).map_err(|e| werr(e.to_string()))?;
        let lock = lock_folder(dir)?;
        let taken = ["manifest.json", "video.mp4", "poses.jsonl"].iter().any(|f| dir.join(f).exists());
        if taken && !overwrite {
            return Err(RecordError::Exists { dir: dir.to_path_buf() });
        }
        if taken {
            // The old take's events must not join the new one.
            let _ = std::fs::remove_file(dir.join(events::EVENTS_FILE));
        }
        ffmpeg::init().map_err(|e| RecordError::Encoder(e.to_string()))?;
        // H.264 in 4:2:0 needs even sizes.
        let (w, h) = (width & !1, height & !1);
        let fps_i = fps.round().clamp(1.0, 240.0) as i32;
        let video_path = dir.join("video.mp4");
        let mut octx = ffmpeg::format::output_as(&video_path, "mp4").map_err(|e| werr(format!("video.mp4: {e}")))?;
        let codec = ffmpeg::encoder::find_by_name("libx264")
            .or_else(|| ffmpeg::encoder::find(ffmpeg::codec::Id::H264))
            .ok_or_else(|| RecordError::Encoder("no H.264 encoder in this FFmpeg".into()))?;
        let global_header = octx.format().flags().contains(ffmpeg::format::Flags::GLOBAL_HEADER);
        let mut ost = octx.add_stream(codec).map_err(|e| RecordError::Encoder(e.to_string()))?;
        let mut enc = ffmpeg::codec::context::Context::new_with_codec(codec)
            .encoder()
            .video()
            .map_err(|e| RecordError::Encoder(e.to_string()))?;
        enc.set_width(w);
        enc.set_height(h);
        enc.set_format(ffmpeg::format::Pixel::YUV420P);
        enc.set_time_base(TIME_BASE);
        enc.set_frame_rate(Some(ffmpeg::Rational(fps_i, 1)));
        enc.set_gop(fps_i as u32); // a keyframe, hence a fragment, every second
        enc.set_max_b_frames(0);
        if global_header {
            enc.set_flags(ffmpeg::codec::Flags::GLOBAL_HEADER);
        }
        let mut opts = ffmpeg::Dictionary::new();
        opts.set("preset", "veryfast");
        opts.set("tune", "zerolatency");
        opts.set("crf", "23");
        let encoder = enc.open_with(opts).map_err(|e| RecordError::Encoder(e.to_string()))?;
        ost.set_parameters(&encoder);
        ost.set_time_base(TIME_BASE);
        let mut mux_opts = ffmpeg::Dictionary::new();
        mux_opts.set("movflags", "frag_keyframe+empty_moov+default_base_moof");
        mux_opts.set("flush_packets", "1");
        octx.write_header_with(mux_opts).map_err(|e| werr(format!("video.mp4: {e}")))?;
        let stream_tb = octx.stream(0).map(|s| s.time_base()).unwrap_or(TIME_BASE);
        let scaler = ffmpeg::software::scaling::Context::get(
            ffmpeg::format::Pixel::RGB24,
            w,
            h,
            ffmpeg::format::Pixel::YUV420P,
            w,
            h,
            ffmpeg::software::scaling::Flags::BILINEAR,
        )
        .map_err(|e| RecordError::Encoder(e.to_string()))?;
        let skeleton = match model {
            PoseModel::MovenetLightning | PoseModel::MovenetThunder => Skeleton::Coco17,
            _ => Skeleton::BlazePose33,
        };
        let manifest = Manifest {
            format: MANIFEST_FORMAT.into(),
            format_version: MANIFEST_VERSION,
            mirrorcue: env!("CARGO_PKG_VERSION").into(),
            source: source.into(),
            model,
            keypoint_names: skeleton.joints().iter().map(|j| j.name().to_string()).collect(),
            coordinates: "normalised to the frame: x 0..1 from the left, y 0..1 from the top; left/right are the person's own sides".into(),
            width: w,
            height: h,
            fps,
            video: "video.mp4".into(),
            poses: "poses.jsonl".into(),
            started_unix_s: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            complete: false,
            frames: 0,
            duration_s: 0.0,
            stopped_because: None,
        };
        write_manifest(dir, &manifest).map_err(|e| werr(format!("manifest.json: {e}")))?;
        reserve_manifest_space(dir, &manifest).map_err(|e| werr(format!("manifest.json: {e}")))?;
        let poses = File::create(dir.join("poses.jsonl")).map_err(|e| werr(format!("poses.jsonl: {e}")))?;
        Ok(RecordingWriter {
            dir: dir.to_path_buf(),
            octx,
            encoder,
            scaler,
            rgb: ffmpeg::frame::Video::new(ffmpeg::format::Pixel::RGB24, w, h),
            yuv: ffmpeg::frame::Video::empty(),
            poses,
            poses_len: 0,
            manifest,
            first_time: None,
            last_pts: -1,
            frames: 0,
            stream_tb,
            failed: None,
            _lock: lock,
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Appends a frame and its pose. The pose line is on disk when this returns; the video is on disk up to the
    /// last completed second.
    ///
    /// After a failure (a full disk, say) the recording is stopped: this and every later call return the error
    /// without writing anything, so the video and the pose track stay together. Call [`finish`](Self::finish) to
    /// close what was written.
    pub fn write(&mut self, frame: &Frame, pose: Option<&Pose>) -> Result<(), RecordError> {
        if let Some(detail) = &self.failed {
            return Err(RecordError::Write { dir: self.dir.clone(), detail: format!("stopped earlier: {detail}") });
        }
        let result = self.write_frame(frame, pose);
        if let Err(RecordError::Write { detail, .. } | RecordError::Encoder(detail)) = &result {
            self.failed = Some(detail.clone());
        }
        result
    }

    fn write_frame(&mut self, frame: &Frame, pose: Option<&Pose>) -> Result<(), RecordError> {
        let dir = self.dir.clone();
        let werr = move |d: String| RecordError::Write { dir: dir.clone(), detail: d };
        let t0 = *self.first_time.get_or_insert(frame.time_s);
        let rel = (frame.time_s - t0).max(0.0);
        let mut pts = (rel * 1000.0).round() as i64;
        if pts <= self.last_pts {
            pts = self.last_pts + 1;
        }
        self.last_pts = pts;
        // Copy the RGB pixels into FFmpeg's frame (its rows may be padded), cropping to even size. A picture of
        // another size (an image folder of mixed sizes) is scaled to fit and centred, and its pose moved with it.
        let (w, h) = (self.manifest.width, self.manifest.height);
        let fitted = Letterbox::fit(frame.image.width(), frame.image.height(), w, h);
        let scaled;
        let image: &image::RgbImage = match &fitted {
            None => &frame.image,
            Some(fit) => {
                scaled = fit.apply(&frame.image, w, h);
                &scaled
            }
        };
        let (w, h) = (w as usize, h as usize);
        let src = image.as_raw();
        let src_stride = image.width() as usize * 3;
        let stride = self.rgb.stride(0);
        let data = self.rgb.data_mut(0);
        for y in 0..h {
            data[y * stride..y * stride + w * 3].copy_from_slice(&src[y * src_stride..y * src_stride + w * 3]);
        }
        self.scaler.run(&self.rgb, &mut self.yuv).map_err(|e| werr(format!("video conversion: {e}")))?;
        self.yuv.set_pts(Some(pts));
        self.encoder.send_frame(&self.yuv).map_err(|e| werr(format!("video.mp4: {e}")))?;
        self.drain()?;
        let kps = pose.map(|p| {
            p.keypoints
                .iter()
                .map(|k| {
                    let (x, y) = fitted.as_ref().map_or((k.x, k.y), |fit| fit.point(k.x, k.y));
                    [round(x, 5), round(y, 5), round(k.score, 4)]
                })
                .collect::<Vec<_>>()
        });
        let line = serde_json::json!({ "frame": self.frames, "time_s": round(rel as f32, 4), "keypoints": kps });
        let line = format!("{line}\n");
        // One write per line, unbuffered: nothing is left in memory to be written later.
        if let Err(e) = self.poses.write_all(line.as_bytes()) {
            // Cut off what part of the line made it (shrinking a file needs no space), so the track ends on a
            // whole line that has its frame in the video.
            let _ = self.poses.set_len(self.poses_len);
            return Err(werr(format!("poses.jsonl: {e}")));
        }
        self.poses_len += line.len() as u64;
        self.frames += 1;
        Ok(())
    }

    fn drain(&mut self) -> Result<(), RecordError> {
        let mut packet = ffmpeg::Packet::empty();
        while self.encoder.receive_packet(&mut packet).is_ok() {
            packet.set_stream(0);
            packet.rescale_ts(TIME_BASE, self.stream_tb);
            packet.write_interleaved(&mut self.octx).map_err(|e| RecordError::Write {
                dir: self.dir.clone(),
                detail: format!("video.mp4 (writing): {e}"),
            })?;
        }
        Ok(())
    }

    /// Closes the recording: flushes the encoder, finishes the MP4 and marks the manifest complete. `reason` says
    /// why it stopped if it stopped early (for example a full disk); after a failed [`write`](Self::write) the
    /// manifest is marked incomplete with that failure as the reason if none is given.
    ///
    /// On a full disk the video's end may not be written (an error is returned), but the manifest still is, into
    /// the room set aside for it; if even that fails the manifest written at the start stays (incomplete).
    pub fn finish(mut self, reason: Option<String>) -> Result<Manifest, RecordError> {
        let werr = |dir: &Path, d: String| RecordError::Write { dir: dir.to_path_buf(), detail: d };
        let _ = self.encoder.send_eof();
        let drained = self.drain();
        // FFmpeg 5.1's MP4 muxer returns the size of the fragment index (a positive number) from its trailer on
        // success, which ffmpeg-next's `write_trailer` reports as an error; only a negative value is one.
        // SAFETY: `octx` is a valid, opened output context whose header was written; this is the call
        // `write_trailer` makes.
        let ret = unsafe { ffmpeg::ffi::av_write_trailer(self.octx.as_mut_ptr()) };
        // That positive value also hides a failed write of the last fragment (av_write_trailer only looks at the
        // I/O context's error when the muxer returned 0), so look at it here: a full disk at the end must not
        // leave a short video marked complete.
        // SAFETY: `pb` is the output's I/O context, opened with the context and freed only when `octx` drops.
        let io_error = unsafe {
            let pb = (*self.octx.as_mut_ptr()).pb;
            if pb.is_null() { 0 } else { (*pb).error }
        };
        let code = if ret < 0 { ret } else { io_error.min(0) };
        let trailer = if code < 0 {
            Err(werr(&self.dir, format!("video.mp4 (closing): {}", ffmpeg::Error::from(code))))
        } else {
            Ok(())
        };
        let failed_write = self.failed.take().map(|detail| werr(&self.dir, detail).to_string());
        let closing_error = drained.as_ref().err().or(trailer.as_ref().err()).map(ToString::to_string);
        let reason = reason.or(failed_write).or(closing_error);
        self.manifest.complete = reason.is_none();
        self.manifest.frames = self.frames;
        self.manifest.duration_s = self.last_pts.max(0) as f64 / 1000.0;
        self.manifest.stopped_because = reason;
        write_manifest(&self.dir, &self.manifest).map_err(|e| werr(&self.dir, format!("manifest.json: {e}")))?;
        drained?;
        trailer?;
        Ok(self.manifest)
    }
}

/// How a picture of another size than the recording's is placed in it: scaled to fit whole, centred, black around.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Letterbox {
    /// The scaled picture's size.
    width: u32,
    height: u32,
    /// Where its top-left corner goes.
    left: u32,
    top: u32,
    /// The recording's size.
    out_width: u32,
    out_height: u32,
}

impl Letterbox {
    /// `None` when a `fw` × `fh` picture is the recording's `w` × `h` (or one pixel more, cropped to an even size).
    fn fit(fw: u32, fh: u32, w: u32, h: u32) -> Option<Letterbox> {
        if (fw == w || fw == w + 1) && (fh == h || fh == h + 1) {
            return None;
        }
        let scale = (f64::from(w) / f64::from(fw.max(1))).min(f64::from(h) / f64::from(fh.max(1)));
        let width = ((f64::from(fw) * scale).round() as u32).clamp(1, w);
        let height = ((f64::from(fh) * scale).round() as u32).clamp(1, h);
        Some(Letterbox { width, height, left: (w - width) / 2, top: (h - height) / 2, out_width: w, out_height: h })
    }

    /// The picture placed in a `w` × `h` frame.
    fn apply(&self, image: &image::RgbImage, w: u32, h: u32) -> image::RgbImage {
        let scaled = image::imageops::resize(image, self.width, self.height, image::imageops::FilterType::Triangle);
        let mut out = image::RgbImage::new(w, h);
        image::imageops::replace(&mut out, &scaled, i64::from(self.left), i64::from(self.top));
        out
    }

    /// A point normalised to the picture, normalised to the recording's frame.
    fn point(&self, x: f32, y: f32) -> (f32, f32) {
        (
            (x * self.width as f32 + self.left as f32) / self.out_width as f32,
            (y * self.height as f32 + self.top as f32) / self.out_height as f32,
        )
    }
}

fn round(v: f32, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    (v as f64 * p).round() / p
}

/// The manifest's temporary file, and the room set aside for the closing manifest while recording.
const MANIFEST_TMP: &str = ".manifest.json.partial";

/// Writes the manifest atomically (a temporary file, then a rename). The temporary file is overwritten in place,
/// not truncated first, so that room set aside by [`reserve_manifest_space`] is reused without needing free space.
/// On failure the temporary file is removed and `manifest.json` is left as it was.
fn write_manifest(dir: &Path, m: &Manifest) -> std::io::Result<()> {
    let tmp = dir.join(MANIFEST_TMP);
    let result = (|| {
        let json = serde_json::to_string_pretty(m)?;
        let mut f = OpenOptions::new().write(true).create(true).truncate(false).open(&tmp)?;
        f.write_all(json.as_bytes())?;
        f.set_len(json.len() as u64)?;
        drop(f);
        std::fs::rename(&tmp, dir.join("manifest.json"))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Sets aside room for the closing manifest (`m` with a long reason) so that it can be written on a full disk:
/// written bytes (not a sparse file), which the file system keeps allocated until the file is rewritten.
fn reserve_manifest_space(dir: &Path, m: &Manifest) -> std::io::Result<()> {
    let tmp = dir.join(MANIFEST_TMP);
    let len = serde_json::to_string_pretty(m)?.len() + 8192;
    let result = std::fs::write(&tmp, vec![b' '; len]);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Reads a recording folder's manifest.
pub fn read_manifest(dir: &Path) -> Option<Manifest> {
    let m: Manifest = serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).ok()?).ok()?;
    (m.format == MANIFEST_FORMAT).then_some(m)
}

/// A recording folder as a reader finds it: its manifest and what is really there. A recording killed before it
/// closed (its manifest still says `complete: false`, `frames: 0`) is counted from its pose track, which is flushed
/// line by line; its video holds up to the last whole second before the kill (nothing when killed in the first).
#[derive(Clone, Debug, PartialEq)]
pub struct RecordingView {
    /// The manifest as written (at the start, for a killed recording).
    pub manifest: Manifest,
    /// Closed properly.
    pub complete: bool,
    /// Frames in the pose track (whole lines).
    pub pose_frames: u64,
    /// Seconds covered by the pose track (its last line's time).
    pub duration_s: f64,
}

impl RecordingView {
    /// The recording in words: "complete, 300 frames (10.0 s)", or "incomplete (killed or cut short): 10 frames
    /// (0.3 s) in its pose track".
    pub fn describe(&self) -> String {
        if self.complete {
            format!("complete, {} frames ({:.1} s)", self.manifest.frames, self.manifest.duration_s)
        } else {
            format!(
                "incomplete (killed or cut short{}): {} frames ({:.1} s) in its pose track",
                self.manifest.stopped_because.as_deref().map(|r| format!(": {r}")).unwrap_or_default(),
                self.pose_frames,
                self.duration_s
            )
        }
    }
}

/// Reads a recording folder as it is (see [`RecordingView`]); `None` when `dir` is not a recording.
pub fn inspect(dir: &Path) -> Option<RecordingView> {
    let manifest = read_manifest(dir)?;
    let poses = read_poses(dir);
    Some(RecordingView {
        complete: manifest.complete,
        pose_frames: poses.len() as u64,
        duration_s: poses.last().map_or(0.0, |p| p.1),
        manifest,
    })
}

/// One line of a pose track: frame index, seconds from the start, keypoints `[x, y, score]` (normalised) or none.
pub type PoseLine = (u64, f64, Option<Vec<[f32; 3]>>);

/// Reads a recording's pose track (lines cut short by a crash are skipped).
pub fn read_poses(dir: &Path) -> Vec<PoseLine> {
    let Ok(text) = std::fs::read_to_string(dir.join("poses.jsonl")) else { return Vec::new() };
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            let kps = v["keypoints"].as_array().map(|a| {
                a.iter()
                    .filter_map(|k| {
                        let k = k.as_array()?;
                        Some([k.first()?.as_f64()? as f32, k.get(1)?.as_f64()? as f32, k.get(2)?.as_f64()? as f32])
                    })
                    .collect()
            });
            Some((v["frame"].as_u64()?, v["time_s"].as_f64()?, kps))
        })
        .collect()
}

pub mod background;
pub mod control;
pub mod events;
pub mod naming;

pub use background::{Recorder, RecordingClock};
pub use control::{RecordingControl, RecordingStatus};
pub use events::{Event, EventLine, read_events};
pub use naming::{new_recording_dir, recording_folder_name, recording_title};
