//! Video files, decoded with FFmpeg (through `ffmpeg-next`).
//!
//! One demuxer, one decoder (frame-threaded), one swscale context converting each decoded picture to RGB24 at its
//! own size, and a copy into a tightly packed [`RgbImage`] that turns the picture upright on the way (the stream's
//! display matrix, as `ffmpeg` itself applies it). The only per-frame allocation of ours is that output image.

use std::ffi::{CStr, CString, c_int};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ffmpeg::codec::packet::side_data::Type as SideDataType;
use ffmpeg::format::Pixel;
use ffmpeg::format::stream::Disposition;
use ffmpeg::software::scaling;
use ffmpeg::{Packet, ffi, media};
use ffmpeg_next as ffmpeg;
use image::RgbImage;

use super::{FrameSource, OpenOptions, SourceError, SourceInfo, SourceKind, display_name};
use crate::Frame;

/// Demuxer read errors in a row after which a file is given up on.
const MAX_READ_ERRORS: u32 = 8;

/// Decoder errors in a row, with no input read in between, after which the decoder is taken to be stuck.
const MAX_STALLED_ERRORS: u32 = 16;

/// FFmpeg demuxers that "play" text files (ANSI art) and so would turn any text file into a video.
const TEXT_DEMUXERS: [&str; 5] = ["tty", "bin", "xbin", "adf", "idf"];

/// Initialises FFmpeg once per process and sets its log level (quiet unless `MIRRORCUE_FFMPEG_LOG` says otherwise).
fn init_ffmpeg() -> Result<(), ffmpeg::Error> {
    static INIT: OnceLock<Result<(), ffmpeg::Error>> = OnceLock::new();
    *INIT.get_or_init(|| {
        let result = ffmpeg::init();
        ffmpeg::log::set_level(log_level(std::env::var("MIRRORCUE_FFMPEG_LOG").ok().as_deref()));
        result
    })
}

/// FFmpeg log level for the value of `MIRRORCUE_FFMPEG_LOG`; quiet when unset or unknown.
fn log_level(value: Option<&str>) -> ffmpeg::log::Level {
    use ffmpeg::log::Level;
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        Some("panic") => Level::Panic,
        Some("fatal") => Level::Fatal,
        Some("error") => Level::Error,
        Some("warning" | "warn") => Level::Warning,
        Some("info") => Level::Info,
        Some("verbose") => Level::Verbose,
        Some("debug") => Level::Debug,
        Some("trace") => Level::Trace,
        _ => Level::Quiet,
    }
}

/// The FFmpeg URL for a local path: `file:` forces the file protocol (so `a:b.mp4` or `http…` names stay files),
/// and the path's bytes are passed as they are (Unix paths need not be UTF-8).
fn file_url(path: &Path) -> Option<CString> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut bytes = b"file:".to_vec();
        bytes.extend_from_slice(path.as_os_str().as_bytes());
        CString::new(bytes).ok()
    }
    #[cfg(not(unix))]
    {
        CString::new(format!("file:{}", path.to_str()?)).ok()
    }
}

/// Opens `path` with libavformat and reads its stream info.
fn open_input(path: &Path) -> Result<ffmpeg::format::context::Input, ffmpeg::Error> {
    let url = file_url(path).ok_or(ffmpeg::Error::InvalidData)?;
    let mut ctx = std::ptr::null_mut();
    // SAFETY: `url` is a valid C string that outlives the call; on failure avformat_open_input frees the context and
    // leaves `ctx` null, on success `ctx` is a fresh context we own and hand to `Input`, which closes it on drop.
    unsafe {
        let err = ffi::avformat_open_input(&mut ctx, url.as_ptr(), std::ptr::null(), std::ptr::null_mut());
        if err < 0 {
            return Err(ffmpeg::Error::from(err));
        }
        let err = ffi::avformat_find_stream_info(ctx, std::ptr::null_mut());
        if err < 0 {
            ffi::avformat_close_input(&mut ctx);
            return Err(ffmpeg::Error::from(err));
        }
        Ok(ffmpeg::format::context::Input::wrap(ctx))
    }
}

/// The container FFmpeg sees in the first bytes of `path` (e.g. "QuickTime / MOV"), if it is confident.
fn probe_container(path: &Path) -> Option<String> {
    const PROBE: usize = 4096;
    let mut buf = vec![0u8; PROBE + ffi::AVPROBE_PADDING_SIZE as usize];
    let len = super::read_head(path, &mut buf[..PROBE]).ok()?;
    if len == 0 {
        return None;
    }
    let probe = ffi::AVProbeData {
        filename: c"".as_ptr(),
        buf: buf.as_mut_ptr(),
        buf_size: len as c_int,
        mime_type: std::ptr::null(),
    };
    let mut score: c_int = 0;
    // SAFETY: `probe.buf` holds `len` bytes followed by AVPROBE_PADDING_SIZE zero bytes, as the API requires; the
    // returned format is a static descriptor of libavformat.
    let format = unsafe { ffi::av_probe_input_format3(&probe, 1, &mut score) };
    if format.is_null() || score <= ffi::AVPROBE_SCORE_MAX / 4 {
        return None;
    }
    // SAFETY: `format` is non-null and points to a static AVInputFormat whose names are static C strings or null.
    let name = unsafe {
        let f = &*format;
        let s = if f.long_name.is_null() { f.name } else { f.long_name };
        if s.is_null() {
            return None;
        }
        CStr::from_ptr(s).to_string_lossy().into_owned()
    };
    Some(name)
}

/// Maps a failure of [`open_input`] to the most helpful error.
fn open_error(path: &Path, err: ffmpeg::Error) -> SourceError {
    match err {
        ffmpeg::Error::Other { errno } if errno == ffmpeg::error::ENOENT => SourceError::NotFound { path: path.into() },
        ffmpeg::Error::Other { errno } if errno == ffmpeg::error::EACCES || errno == ffmpeg::error::EISDIR => {
            SourceError::Io { path: path.into(), source: std::io::Error::from_raw_os_error(errno) }
        }
        _ => damaged_or_unknown(path, err.to_string()),
    }
}

/// `Damaged` when FFmpeg recognises the container from the file's content alone (not its name), else
/// `UnknownFormat`.
fn damaged_or_unknown(path: &Path, reason: String) -> SourceError {
    match probe_container(path) {
        Some(container) => SourceError::Damaged { container, path: path.into(), reason },
        None => SourceError::UnknownFormat { path: path.into(), reason },
    }
}

/// How the decoded pixels are turned to show the picture upright: optionally transposed (rows become columns),
/// then mirrored along x and/or y. All eight rotations and flips of a rectangle are one of these.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Orientation {
    /// Output pixel (x, y) reads source pixel (y, x) (before the flips): width and height swap.
    pub transpose: bool,
    /// Read the source right to left.
    pub flip_x: bool,
    /// Read the source bottom to top.
    pub flip_y: bool,
}

impl Orientation {
    /// 90° clockwise.
    pub const CLOCKWISE: Self = Self { transpose: true, flip_x: false, flip_y: true };
    /// 90° counter-clockwise.
    pub const COUNTER_CLOCKWISE: Self = Self { transpose: true, flip_x: true, flip_y: false };
    /// 180°.
    #[cfg(test)]
    pub const HALF_TURN: Self = Self { transpose: false, flip_x: true, flip_y: true };

    /// The turn `ffmpeg` applies for a stream's display matrix (`fftools` `get_rotation` and the transpose/flip
    /// choice of its auto-rotation). Angles that are not a multiple of 90° are not applied (ffmpeg would rotate
    /// the picture inside a larger frame, which no phone records).
    pub fn from_display_matrix(m: &[i32; 9]) -> Self {
        let theta = -display_rotation(m).round();
        let theta = theta - 360.0 * (theta / 360.0 + 0.9 / 360.0).floor();
        let near = |angle: f64| (theta - angle).abs() < 1.0;
        if near(90.0) {
            if m[3] > 0 { Self { transpose: true, ..Self::default() } } else { Self::CLOCKWISE }
        } else if near(180.0) {
            Self { transpose: false, flip_x: m[0] < 0, flip_y: m[4] < 0 }
        } else if near(270.0) {
            if m[3] < 0 { Self { transpose: true, flip_x: true, flip_y: true } } else { Self::COUNTER_CLOCKWISE }
        } else if theta.abs() < 1.0 || (theta - 360.0).abs() < 1.0 {
            Self { flip_y: m[4] < 0, ..Self::default() }
        } else {
            Self::default()
        }
    }

    /// Size of the turned picture for a `w`×`h` source.
    pub fn size(self, w: u32, h: u32) -> (u32, u32) {
        if self.transpose { (h, w) } else { (w, h) }
    }

    /// Copies a `w`×`h` RGB24 picture whose rows start every `stride` bytes of `src` into a new tightly packed
    /// buffer, turned. `None` if `src` is too short for that.
    pub fn copy_rgb(self, src: &[u8], stride: usize, w: usize, h: usize) -> Option<Vec<u8>> {
        let row = w.checked_mul(3)?;
        if w == 0 || h == 0 || stride < row || src.len() < stride.checked_mul(h - 1)?.checked_add(row)? {
            return None;
        }
        let mut out = Vec::with_capacity(row.checked_mul(h)?);
        let src_row = |y: usize| &src[y * stride..y * stride + row];
        if !self.transpose {
            for y in 0..h {
                let line = src_row(if self.flip_y { h - 1 - y } else { y });
                if self.flip_x {
                    for px in line.chunks_exact(3).rev() {
                        out.extend_from_slice(px);
                    }
                } else {
                    out.extend_from_slice(line);
                }
            }
        } else {
            // The output is h wide and w tall; output row `oy` is source column `sx`.
            for oy in 0..w {
                let sx = if self.flip_x { w - 1 - oy } else { oy };
                for ox in 0..h {
                    let sy = if self.flip_y { h - 1 - ox } else { ox };
                    let at = sy * stride + sx * 3;
                    out.extend_from_slice(&src[at..at + 3]);
                }
            }
        }
        Some(out)
    }
}

/// `av_display_rotation_get`: the counter-clockwise rotation (degrees, -180..=180) a display matrix applies; NaN
/// for a degenerate matrix.
fn display_rotation(m: &[i32; 9]) -> f64 {
    let fp = |v: i32| f64::from(v) / 65536.0;
    let scale0 = fp(m[0]).hypot(fp(m[3]));
    let scale1 = fp(m[1]).hypot(fp(m[4]));
    if scale0 == 0.0 || scale1 == 0.0 {
        return f64::NAN;
    }
    -((fp(m[1]) / scale1).atan2(fp(m[0]) / scale0).to_degrees())
}

/// The display matrix in a stream's side data, if any.
fn stream_display_matrix(stream: &ffmpeg::Stream) -> Option<[i32; 9]> {
    let data = stream.side_data().find(|sd| sd.kind() == SideDataType::DisplayMatrix)?;
    let bytes = data.data();
    let mut m = [0i32; 9];
    for (v, b) in m.iter_mut().zip(bytes.get(..36)?.chunks_exact(4)) {
        *v = i32::from_ne_bytes([b[0], b[1], b[2], b[3]]);
    }
    Some(m)
}

/// What decoded pictures look like; the scaler is rebuilt when this changes.
#[derive(Clone, Copy, PartialEq, Eq)]
struct PictureKind {
    format: Pixel,
    width: u32,
    height: u32,
    space: ffmpeg::color::Space,
    full_range: bool,
}

/// A swscale context converting pictures of one [`PictureKind`] to RGB24 at the same size, and its output frame.
struct Scaler {
    kind: PictureKind,
    context: scaling::Context,
    rgb: ffmpeg::frame::Video,
}

// SAFETY: an SwsContext has no thread affinity; `Scaler` owns it exclusively and only uses it through `&mut self`,
// so moving it to another thread is sound (ffmpeg-next just does not declare it).
unsafe impl Send for Scaler {}

impl Scaler {
    fn new(kind: PictureKind) -> Result<Self, ffmpeg::Error> {
        let (w, h) = (kind.width, kind.height);
        let mut context = scaling::Context::get(kind.format, w, h, Pixel::RGB24, w, h, scaling::Flags::BILINEAR)?;
        let coefficients = match kind.space {
            ffmpeg::color::Space::BT709 => ffi::SWS_CS_ITU709,
            ffmpeg::color::Space::FCC => ffi::SWS_CS_FCC,
            ffmpeg::color::Space::SMPTE240M => ffi::SWS_CS_SMPTE240M,
            ffmpeg::color::Space::BT2020NCL | ffmpeg::color::Space::BT2020CL => ffi::SWS_CS_BT2020,
            _ => ffi::SWS_CS_DEFAULT, // BT.601, what FFmpeg assumes for unspecified
        };
        // SAFETY: the context is valid; sws_getCoefficients returns pointers to static tables.
        unsafe {
            ffi::sws_setColorspaceDetails(
                context.as_mut_ptr(),
                ffi::sws_getCoefficients(coefficients),
                c_int::from(kind.full_range),
                ffi::sws_getCoefficients(ffi::SWS_CS_DEFAULT),
                1,
                0,
                1 << 16,
                1 << 16,
            );
        }
        let rgb = ffmpeg::frame::Video::new(Pixel::RGB24, w, h);
        // SAFETY: reading the data pointer of a frame we own.
        if unsafe { rgb.is_empty() } {
            return Err(ffmpeg::Error::Other { errno: ffmpeg::error::ENOMEM });
        }
        Ok(Self { kind, context, rgb })
    }
}

/// Where decoding stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Reading packets.
    Reading,
    /// End of file sent to the decoder; taking out the frames it still holds.
    Draining,
    /// Nothing more will come.
    Done,
}

/// A video file decoded with FFmpeg.
///
/// - Frames come in presentation order, indexed from 0; `time_s` is the frame's timestamp (pts × time base) minus
///   the stream's start, so the first frame is at 0 even when the container starts later.
/// - At the end of the file the decoder is drained, so the frames it holds back (B-frames, frame threads) come out.
/// - A packet the decoder rejects, or a frame it could only patch up (error concealment), is a non-fatal
///   [`SourceError::BadFrame`] that takes that frame's index, so later indices stay in step with the file. A file
///   cut short ends cleanly after its last readable frame; read errors that persist end it with a fatal
///   [`SourceError::ReadFailed`] after the decoder has handed out what it holds.
/// - Pictures are turned upright by the stream's display matrix (multiples of 90°, and mirroring), like `ffmpeg`
///   does by default. Per-frame display matrices (H.264 SEI) and the sample aspect ratio are not applied.
/// - A stream that changes resolution mid-way gives frames at their new size.
pub struct VideoSource {
    path: PathBuf,
    options: OpenOptions,
    info: SourceInfo,
    input: ffmpeg::format::context::Input,
    stream_index: usize,
    /// Seconds per timestamp tick.
    time_base: f64,
    /// Timestamp of the stream's start, when known (else the first frame's).
    start_pts: Option<i64>,
    decoder: ffmpeg::decoder::Video,
    decoded: ffmpeg::frame::Video,
    scaler: Option<Scaler>,
    orientation: Orientation,
    state: State,
    next_index: u64,
    last_time: Option<f64>,
    read_errors: u32,
    /// Decoder errors since the last packet read or frame decoded.
    stalled_errors: u32,
    /// A fatal error to report once the decoder is drained.
    pending: Option<SourceError>,
}

impl VideoSource {
    /// Opens the video at `path`: finds its best video stream and starts a decoder for it.
    pub fn open(path: &Path, options: &OpenOptions) -> Result<Self, SourceError> {
        init_ffmpeg().map_err(|e| SourceError::FfmpegInit { path: path.into(), reason: e.to_string() })?;
        let mut input = open_input(path).map_err(|e| open_error(path, e))?;
        if TEXT_DEMUXERS.contains(&input.format().name()) {
            return Err(SourceError::UnknownFormat {
                path: path.into(),
                reason: format!("only recognised as text, by the \"{}\" demuxer", input.format().name()),
            });
        }

        let is_video = |s: &ffmpeg::Stream| {
            s.parameters().medium() == media::Type::Video && !s.disposition().contains(Disposition::ATTACHED_PIC)
        };
        let stream = input
            .streams()
            .best(media::Type::Video)
            .filter(is_video)
            .or_else(|| input.streams().find(is_video))
            .ok_or_else(|| SourceError::NoVideoStream { path: path.into(), contents: describe_streams(&input) })?;
        let stream_index = stream.index();
        let time_base = stream.time_base();
        let start_pts = Some(stream.start_time()).filter(|&t| t != ffi::AV_NOPTS_VALUE);
        let fps = [stream.avg_frame_rate(), stream.rate()]
            .into_iter()
            .find(|r| r.numerator() > 0 && r.denominator() > 0)
            .map(f64::from);
        let frame_count = u64::try_from(stream.frames()).ok().filter(|&n| n > 0);
        let orientation =
            stream_display_matrix(&stream).map(|m| Orientation::from_display_matrix(&m)).unwrap_or_default();
        let codec_id = stream.parameters().id();
        let unsupported = |e: ffmpeg::Error| SourceError::UnsupportedCodec {
            path: path.into(),
            codec: codec_id.name().to_string(),
            reason: e.to_string(),
        };

        let mut context = ffmpeg::codec::context::Context::from_parameters(stream.parameters()).map_err(unsupported)?;
        context.set_threading(ffmpeg::threading::Config {
            kind: ffmpeg::threading::Type::Frame,
            count: options.decode_threads,
            ..Default::default()
        });
        // SAFETY: plain field write on a codec context we own, before it is opened (ffmpeg does the same).
        unsafe {
            (*context.as_mut_ptr()).pkt_timebase = time_base.into();
        }
        let decoder = context.decoder().video().map_err(unsupported)?;
        let (width, height) = (decoder.width(), decoder.height());
        if width == 0 || height == 0 {
            // E.g. a text file named .jpg, which FFmpeg's image demuxer takes by its name alone.
            return Err(damaged_or_unknown(path, "the video stream has no picture size".into()));
        }

        // Only the video stream is demuxed: the others' packets are skipped inside libavformat.
        for mut other in input.streams_mut().filter(|s| s.index() != stream_index) {
            // SAFETY: plain field write on a stream of the context we own, as the libavformat API intends.
            unsafe {
                (*other.as_mut_ptr()).discard = ffi::AVDiscard::AVDISCARD_ALL;
            }
        }

        let (width, height) = orientation.size(width, height);
        Ok(Self {
            path: path.into(),
            options: options.clone(),
            info: SourceInfo { name: display_name(path), kind: SourceKind::Video, width, height, fps, frame_count },
            input,
            stream_index,
            time_base: f64::from(time_base),
            start_pts,
            decoder,
            decoded: ffmpeg::frame::Video::empty(),
            scaler: None,
            orientation,
            state: State::Reading,
            next_index: 0,
            last_time: None,
            read_errors: 0,
            stalled_errors: 0,
            pending: None,
        })
    }

    /// `true` when the stream's display matrix turns (or mirrors) the decoded pictures to show them upright, and
    /// the frames are turned accordingly.
    pub fn rotation_applied(&self) -> bool {
        self.orientation != Orientation::default()
    }

    fn bad_frame(&mut self, reason: String) -> SourceError {
        let index = self.next_index;
        self.next_index += 1;
        SourceError::BadFrame { path: self.path.clone(), index, reason }
    }

    /// Turns the frame in `self.decoded` into a [`Frame`].
    fn convert(&mut self) -> Result<Frame, SourceError> {
        let d = &self.decoded;
        // SAFETY: reading plain fields of a frame the decoder just filled.
        let error_flags = unsafe { (*d.as_ptr()).decode_error_flags };
        if d.is_corrupt() || error_flags != 0 {
            return Err(self.bad_frame("the frame's data is damaged".into()));
        }
        let kind = PictureKind {
            format: d.format(),
            width: d.width(),
            height: d.height(),
            space: d.color_space(),
            full_range: d.color_range() == ffmpeg::color::Range::JPEG
                || matches!(
                    d.format(),
                    Pixel::YUVJ420P | Pixel::YUVJ422P | Pixel::YUVJ444P | Pixel::YUVJ440P | Pixel::YUVJ411P
                ),
        };
        if kind.width == 0 || kind.height == 0 || kind.format == Pixel::None {
            return Err(self.bad_frame("the decoder returned an empty picture".into()));
        }
        let ts = d.timestamp().or_else(|| d.pts());

        if self.scaler.as_ref().is_none_or(|s| s.kind != kind) {
            self.scaler = None;
            match Scaler::new(kind) {
                Ok(s) => self.scaler = Some(s),
                Err(e) => {
                    return Err(self.bad_frame(format!("cannot convert {:?} pictures to RGB: {e}", kind.format)));
                }
            }
        }
        let Some(scaler) = self.scaler.as_mut() else {
            return Err(self.bad_frame("no scaler".into()));
        };
        if let Err(e) = scaler.context.run(&self.decoded, &mut scaler.rgb) {
            return Err(self.bad_frame(format!("conversion to RGB failed: {e}")));
        }
        let (w, h) = (kind.width, kind.height);
        let pixels = self.orientation.copy_rgb(scaler.rgb.data(0), scaler.rgb.stride(0), w as usize, h as usize);
        let (ow, oh) = self.orientation.size(w, h);
        let Some(image) = pixels.and_then(|p| RgbImage::from_raw(ow, oh, p)) else {
            return Err(self.bad_frame("the converted picture has the wrong size".into()));
        };

        let time_s = match ts {
            Some(ts) => {
                let start = *self.start_pts.get_or_insert(ts);
                ts.saturating_sub(start) as f64 * self.time_base
            }
            None => match (self.last_time, self.info.fps) {
                (Some(t), Some(fps)) => t + 1.0 / fps,
                (None, _) => 0.0,
                (Some(t), None) => t,
            },
        };
        self.last_time = Some(time_s);
        let index = self.next_index;
        self.next_index += 1;
        Ok(Frame::new(image, index, time_s, self.info.name.clone()))
    }

    /// Reads the next packet of our stream into the decoder. `Some` when there is something to report.
    fn feed(&mut self) -> Option<SourceError> {
        let mut packet = Packet::empty();
        match packet.read(&mut self.input) {
            Ok(()) => {
                self.read_errors = 0;
                self.stalled_errors = 0;
                if packet.stream() != self.stream_index {
                    return None;
                }
                match self.decoder.send_packet(&packet) {
                    Ok(()) => None,
                    Err(e) => Some(self.bad_frame(format!("FFmpeg: {e}"))),
                }
            }
            Err(ffmpeg::Error::Eof) => {
                self.start_draining();
                None
            }
            Err(e) => {
                self.read_errors += 1;
                if self.read_errors >= MAX_READ_ERRORS {
                    // Give up on the file, but hand out what the decoder still holds before saying so.
                    self.pending = Some(SourceError::ReadFailed {
                        path: self.path.clone(),
                        after: self.next_index,
                        reason: e.to_string(),
                    });
                    self.start_draining();
                    None
                } else {
                    Some(SourceError::ReadGlitch {
                        path: self.path.clone(),
                        after: self.next_index,
                        reason: e.to_string(),
                    })
                }
            }
        }
    }

    fn start_draining(&mut self) {
        self.state = match self.decoder.send_eof() {
            Ok(()) => State::Draining,
            Err(_) => State::Done,
        };
    }

    /// Ends the stream: the pending fatal error if there is one, else the end.
    fn finish(&mut self) -> Option<Result<Frame, SourceError>> {
        self.state = State::Done;
        self.pending.take().map(Err)
    }
}

impl FrameSource for VideoSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn next_frame(&mut self) -> Option<Result<Frame, SourceError>> {
        loop {
            if self.state == State::Done {
                return None;
            }
            match self.decoder.receive_frame(&mut self.decoded) {
                Ok(()) => {
                    self.stalled_errors = 0;
                    return Some(self.convert());
                }
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => {
                    if self.state == State::Draining {
                        // A drained decoder never asks for more input; stop rather than loop.
                        return self.finish();
                    }
                }
                Err(ffmpeg::Error::Eof) => return self.finish(),
                // A frame the decoder could not produce; it moves on (also while draining), unless it is stuck.
                Err(e) => {
                    self.stalled_errors += 1;
                    if self.stalled_errors > MAX_STALLED_ERRORS {
                        self.state = State::Done;
                        let after = self.next_index;
                        return Some(Err(SourceError::ReadFailed {
                            path: self.path.clone(),
                            after,
                            reason: format!("the decoder keeps failing: {e}"),
                        }));
                    }
                    return Some(Err(self.bad_frame(format!("FFmpeg: {e}"))));
                }
            }
            if let Some(err) = self.feed() {
                return Some(Err(err));
            }
        }
    }

    fn rewind(&mut self) -> Result<(), SourceError> {
        let target = self.start_pts.unwrap_or(0);
        // SAFETY: seeking the context we own on one of its streams, timestamps in that stream's time base.
        let sought = unsafe {
            ffi::avformat_seek_file(self.input.as_mut_ptr(), self.stream_index as c_int, i64::MIN, target, target, 0)
        };
        if sought < 0 {
            // Not seekable (or the seek failed): start over from a fresh open.
            let reopened = Self::open(&self.path, &self.options)
                .map_err(|e| SourceError::Rewind { path: self.path.clone(), reason: e.to_string() })?;
            *self = reopened;
            return Ok(());
        }
        self.decoder.flush();
        self.state = State::Reading;
        self.next_index = 0;
        self.last_time = None;
        self.read_errors = 0;
        self.stalled_errors = 0;
        self.pending = None;
        Ok(())
    }
}

/// "1 audio stream, 1 subtitle stream", or "no streams at all".
fn describe_streams(input: &ffmpeg::format::context::Input) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for s in input.streams() {
        let kind = match s.parameters().medium() {
            media::Type::Video => "cover picture",
            media::Type::Audio => "audio",
            media::Type::Subtitle => "subtitle",
            media::Type::Data => "data",
            media::Type::Attachment => "attachment",
            media::Type::Unknown => "unknown",
        };
        match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind, 1)),
        }
    }
    if counts.is_empty() {
        return "no streams at all".into();
    }
    counts
        .iter()
        .map(|(kind, n)| format!("{n} {kind} stream{}", if *n == 1 { "" } else { "s" }))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The display matrix `av_display_rotation_set(angle)` builds.
    fn rotation_matrix(angle: f64) -> [i32; 9] {
        let mut m = [0i32; 9];
        // SAFETY: the buffer holds the 9 values the function writes.
        unsafe { ffi::av_display_rotation_set(m.as_mut_ptr(), angle) };
        m
    }

    #[test]
    fn display_rotation_matches_ffmpeg() {
        for angle in [0.0, 90.0, -90.0, 180.0, 45.0, 270.0, -30.0] {
            let m = rotation_matrix(angle);
            // SAFETY: `m` holds 9 values.
            let theirs = unsafe { ffi::av_display_rotation_get(m.as_ptr()) };
            assert!((display_rotation(&m) - theirs).abs() < 1e-9, "{angle}: {} vs {theirs}", display_rotation(&m));
        }
        assert!(display_rotation(&[0; 9]).is_nan());
    }

    #[test]
    fn orientation_from_display_matrix_follows_ffmpeg() {
        // av_display_rotation_set(90) builds the same matrix as a phone recording portrait (below): turn clockwise.
        assert_eq!(Orientation::from_display_matrix(&rotation_matrix(90.0)), Orientation::CLOCKWISE);
        assert_eq!(Orientation::from_display_matrix(&rotation_matrix(-90.0)), Orientation::COUNTER_CLOCKWISE);
        assert_eq!(Orientation::from_display_matrix(&rotation_matrix(180.0)), Orientation::HALF_TURN);
        assert_eq!(Orientation::from_display_matrix(&rotation_matrix(0.0)), Orientation::default());
        // An iPhone held upright records a matrix of (0, 1, 0; -1, 0, 0; ...): rotate clockwise.
        let phone = [0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30];
        assert_eq!(Orientation::from_display_matrix(&phone), Orientation::CLOCKWISE);
        // Mirrored (negative determinant) variants.
        let vflip = [65536, 0, 0, 0, -65536, 0, 0, 0, 1 << 30];
        assert_eq!(Orientation::from_display_matrix(&vflip), Orientation { flip_y: true, ..Orientation::default() });
        // Degenerate and odd angles leave the picture alone.
        assert_eq!(Orientation::from_display_matrix(&[0; 9]), Orientation::default());
        assert_eq!(Orientation::from_display_matrix(&rotation_matrix(45.0)), Orientation::default());
    }

    /// A 3×2 picture whose pixel (x, y) is (x, y, 0), rows padded to a stride of 16.
    fn test_picture() -> (Vec<u8>, usize) {
        let stride = 16;
        let mut src = vec![0xEE; stride * 2];
        for y in 0..2 {
            for x in 0..3 {
                src[y * stride + x * 3..y * stride + x * 3 + 3].copy_from_slice(&[x as u8, y as u8, 0]);
            }
        }
        (src, stride)
    }

    fn pixels(buf: &[u8]) -> Vec<(u8, u8)> {
        buf.chunks_exact(3).map(|p| (p[0], p[1])).collect()
    }

    #[test]
    fn copy_rgb_drops_stride_padding_and_turns() {
        let (src, stride) = test_picture();
        let same = Orientation::default().copy_rgb(&src, stride, 3, 2).unwrap();
        assert_eq!(pixels(&same), [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1)]);
        // Clockwise: the output is 2 wide, 3 tall; its top row is the source's left column, bottom first.
        let cw = Orientation::CLOCKWISE.copy_rgb(&src, stride, 3, 2).unwrap();
        assert_eq!(pixels(&cw), [(0, 1), (0, 0), (1, 1), (1, 0), (2, 1), (2, 0)]);
        let ccw = Orientation::COUNTER_CLOCKWISE.copy_rgb(&src, stride, 3, 2).unwrap();
        assert_eq!(pixels(&ccw), [(2, 0), (2, 1), (1, 0), (1, 1), (0, 0), (0, 1)]);
        let half = Orientation::HALF_TURN.copy_rgb(&src, stride, 3, 2).unwrap();
        assert_eq!(pixels(&half), [(2, 1), (1, 1), (0, 1), (2, 0), (1, 0), (0, 0)]);
        assert_eq!(Orientation::CLOCKWISE.size(3, 2), (2, 3));
    }

    #[test]
    fn copy_rgb_agrees_with_image_rotations() {
        let (src, stride) = test_picture();
        let tight = Orientation::default().copy_rgb(&src, stride, 3, 2).unwrap();
        let img = RgbImage::from_raw(3, 2, tight).unwrap();
        let cw = Orientation::CLOCKWISE.copy_rgb(&src, stride, 3, 2).unwrap();
        assert_eq!(cw, image::imageops::rotate90(&img).into_raw());
        let ccw = Orientation::COUNTER_CLOCKWISE.copy_rgb(&src, stride, 3, 2).unwrap();
        assert_eq!(ccw, image::imageops::rotate270(&img).into_raw());
        let half = Orientation::HALF_TURN.copy_rgb(&src, stride, 3, 2).unwrap();
        assert_eq!(half, image::imageops::rotate180(&img).into_raw());
    }

    #[test]
    fn copy_rgb_rejects_short_buffers() {
        assert_eq!(Orientation::default().copy_rgb(&[0; 10], 9, 3, 2), None);
        assert_eq!(Orientation::default().copy_rgb(&[0; 18], 8, 3, 2), None); // stride < row
        assert_eq!(Orientation::default().copy_rgb(&[], 0, 0, 0), None);
    }

    #[test]
    fn log_level_parsing() {
        assert_eq!(log_level(None), ffmpeg::log::Level::Quiet);
        assert_eq!(log_level(Some("Debug ")), ffmpeg::log::Level::Debug);
        assert_eq!(log_level(Some("nonsense")), ffmpeg::log::Level::Quiet);
    }
}
