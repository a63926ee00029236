//! Still images: one image file, or a folder of them played in natural order.

use std::cmp::Ordering;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, RgbImage};

use super::{FrameSource, OpenOptions, SourceError, SourceInfo, SourceKind, display_name, io_error};
use crate::Frame;

/// Image formats mirrorcue decodes itself (the `image` crate features enabled in Cargo.toml).
const FORMATS: [ImageFormat; 5] =
    [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::Bmp, ImageFormat::WebP, ImageFormat::Tiff];

/// File extensions (lower case) that make a folder entry an image frame.
const EXTENSIONS: [&str; 11] = ["jpg", "jpeg", "jpe", "jfif", "png", "apng", "bmp", "dib", "webp", "tif", "tiff"];

/// The image format of a file by its first bytes, if it is one mirrorcue decodes.
pub(crate) fn sniff(head: &[u8]) -> Option<ImageFormat> {
    let format = image::guess_format(head).ok()?;
    if !FORMATS.contains(&format) {
        return None;
    }
    // "BM" alone is a weak signature (any text file starting "BM…"): also require a known BMP info-header size.
    if format == ImageFormat::Bmp {
        let size = head.get(14..18)?;
        let size = u32::from_le_bytes([size[0], size[1], size[2], size[3]]);
        if ![12, 16, 40, 52, 56, 64, 108, 124].contains(&size) {
            return None;
        }
    }
    Some(format)
}

/// `true` when a folder entry named `name` is taken as an image frame: an image extension, not hidden.
fn is_image_name(name: &str) -> bool {
    if name.starts_with('.') {
        return false; // hidden files, and macOS "._frame1.png" resource forks
    }
    match name.rsplit_once('.') {
        Some((_, ext)) => EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)),
        None => false,
    }
}

/// The most pixels mirrorcue decodes in one image: 100 megapixels (a 12 000 × 8 000 photo). Larger images are
/// refused before anything is decoded (a few kilobytes of a crafted or broken file can claim billions of pixels).
pub const MAX_IMAGE_PIXELS: u64 = 100_000_000;
/// The longest side mirrorcue decodes: 30 000 pixels.
pub const MAX_IMAGE_SIDE: u32 = 30_000;
/// The most memory a decoder may allocate for one image: 1 GiB (the largest image allowed, at 16 bits per channel
/// with alpha, takes 800 MB).
pub const MAX_IMAGE_ALLOC: u64 = 1 << 30;

/// The decoder limits every image mirrorcue opens goes through (files, folders, camera MJPEG frames).
pub fn image_limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_ALLOC);
    limits
}

/// `Err` with a message naming the size when an image of `width` × `height` is over the limits
/// ([`MAX_IMAGE_PIXELS`], [`MAX_IMAGE_SIDE`]).
pub fn check_image_size(width: u32, height: u32) -> Result<(), String> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_IMAGE_PIXELS || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        return Err(format!(
            "the image is {width} x {height} pixels ({:.0} megapixels), over mirrorcue's limit of {} megapixels and \
             {MAX_IMAGE_SIDE} pixels a side (a guard against files that claim more than they hold); scale it down",
            pixels as f64 / 1e6,
            MAX_IMAGE_PIXELS / 1_000_000
        ));
    }
    Ok(())
}

/// Why an image could not be decoded.
struct ImageFailure {
    /// The format the content looks like, when known.
    format: Option<ImageFormat>,
    /// The decoder's (or the OS's) message.
    reason: String,
    /// The size the image claims, when that is what is wrong (over [`MAX_IMAGE_PIXELS`] or [`MAX_IMAGE_SIDE`]).
    too_large: Option<(u32, u32)>,
}

impl ImageFailure {
    fn format_name(&self) -> String {
        match self.format {
            Some(format) => format!("{format:?}").to_uppercase(),
            None => "an image".to_string(),
        }
    }

    /// The error for an image opened on its own.
    fn into_error(self, path: &Path) -> SourceError {
        match self.too_large {
            Some((width, height)) => SourceError::ImageTooLarge { path: path.into(), width, height },
            None => SourceError::BadImage { path: path.into(), format: self.format_name(), reason: self.reason },
        }
    }
}

/// Opens a decoder for `path`, in `format` or (when `None`) the format its content shows (falling back to the
/// extension), with the [`image_limits`]; refuses an image over them from its header, before decoding anything.
fn decoder_for(path: &Path, format: Option<ImageFormat>) -> Result<impl ImageDecoder, ImageFailure> {
    let fail = |format, reason: String| ImageFailure { format, reason, too_large: None };
    let file = File::open(path).map_err(|e| fail(format, e.to_string()))?;
    let mut reader = ImageReader::new(BufReader::new(file));
    match format {
        Some(format) => reader.set_format(format),
        None => reader = reader.with_guessed_format().map_err(|e| fail(None, e.to_string()))?,
    }
    let format = reader.format();
    if !format.is_some_and(|f| FORMATS.contains(&f)) {
        return Err(fail(format, "not a JPEG, PNG, BMP, WebP or TIFF image".into()));
    }
    // The header first, without limits, so that an image over them is refused with its size.
    reader.no_limits();
    let mut decoder = reader.into_decoder().map_err(|e| fail(format, e.to_string()))?;
    let (width, height) = decoder.dimensions();
    if let Err(reason) = check_image_size(width, height) {
        return Err(ImageFailure { format, reason, too_large: Some((width, height)) });
    }
    decoder.set_limits(image_limits()).map_err(|e| fail(format, e.to_string()))?;
    Ok(decoder)
}

/// Decodes an image held in memory (a camera's MJPEG frame) in `format`, with the same limits as files.
pub(crate) fn decode_memory(bytes: &[u8], format: ImageFormat) -> Result<RgbImage, String> {
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    reader.no_limits();
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (width, height) = decoder.dimensions();
    check_image_size(width, height)?;
    decoder.set_limits(image_limits()).map_err(|e| e.to_string())?;
    Ok(DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?.into_rgb8())
}

/// Decodes `path` to upright 8-bit RGB: EXIF orientation applied, grey and 16-bit widened or narrowed, alpha
/// dropped.
fn decode_rgb(path: &Path, format: Option<ImageFormat>) -> Result<RgbImage, ImageFailure> {
    let mut decoder = decoder_for(path, format)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| ImageFailure {
        format,
        reason: e.to_string(),
        too_large: None,
    })?;
    image.apply_orientation(orientation);
    Ok(image.into_rgb8())
}

/// What is wrong with an image that decoded but is not whole, when something is: a JPEG without its end marker
/// (cut short: the decoder fills the missing lower part with grey), an animated WebP or PNG (only its first frame
/// is read).
fn damage(path: &Path) -> Option<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut head = [0u8; 32];
    let n = file.read(&mut head).ok()?;
    let head = &head[..n];
    if head.starts_with(&[0xFF, 0xD8]) {
        let tail_len = len.min(4096);
        file.seek(SeekFrom::Start(len - tail_len)).ok()?;
        let mut tail = Vec::new();
        (&mut file).take(tail_len).read_to_end(&mut tail).ok()?;
        // Padding after the end marker (zeros, spaces) is common and harmless.
        let end = tail.iter().rposition(|&b| b != 0 && b != b' ' && b != b'\n' && b != b'\r').map_or(0, |i| i + 1);
        if !tail[..end].ends_with(&[0xFF, 0xD9]) {
            return Some(
                "the JPEG is truncated (it has no end marker): its lower part is missing and reads as grey; copy \
                 or export it again"
                    .into(),
            );
        }
    }
    if head.starts_with(PNG_SIGNATURE)
        && let Some(frames) = apng_frames(&mut file)
        && frames > 1
    {
        return Some(format!(
            "the PNG is animated (APNG, {frames} frames): only its first frame is read; convert the animation to a \
             video (e.g. MP4) to analyse all of it"
        ));
    }
    // RIFF....WEBPVP8X, then the flags byte: 0x02 is the animation flag.
    if head.len() > 20 && &head[0..4] == b"RIFF" && &head[8..16] == b"WEBPVP8X" && head[20] & 0x02 != 0 {
        return Some(
            "the WebP is animated: only its first frame is read; convert the animation to a video (e.g. MP4) to \
             analyse all of it"
                .into(),
        );
    }
    None
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The frame count of an animated PNG: its `acTL` chunk, which comes before the first image data (`None` for a
/// still PNG, or when the chunks cannot be read). Only chunk headers are read.
fn apng_frames(file: &mut File) -> Option<u32> {
    use std::io::{Read, Seek, SeekFrom};
    file.seek(SeekFrom::Start(PNG_SIGNATURE.len() as u64)).ok()?;
    // The chunks before the image data are few (IHDR, a palette, colour and text chunks): 64 is plenty.
    for _ in 0..64 {
        let mut header = [0u8; 8];
        file.read_exact(&mut header).ok()?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        match &header[4..8] {
            b"acTL" => {
                let mut frames = [0u8; 4];
                file.read_exact(&mut frames).ok()?;
                return Some(u32::from_be_bytes(frames));
            }
            b"IDAT" | b"IEND" => return None,
            _ => {
                file.seek(SeekFrom::Current(i64::from(len) + 4)).ok()?;
            }
        }
    }
    None
}

/// Width and height of `path` once turned upright, from its header only.
fn upright_size(path: &Path) -> Result<(u32, u32), ImageFailure> {
    let mut decoder = decoder_for(path, None)?;
    let (w, h) = decoder.dimensions();
    Ok(match decoder.orientation().unwrap_or(Orientation::NoTransforms) {
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH => {
            (h, w)
        }
        _ => (w, h),
    })
}

/// One still image: a single frame at time 0.
pub struct ImageSource {
    info: SourceInfo,
    image: Arc<RgbImage>,
    done: bool,
    /// What is wrong with the image though it decoded ([`SourceError::DamagedImage`]), told once before the frame.
    warning: Option<SourceError>,
}

impl ImageSource {
    /// Opens and decodes the image at `path` (format decided by its content).
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        let mut head = [0u8; 64];
        let len = super::read_head(path, &mut head).map_err(|e| io_error(path, e))?;
        match sniff(&head[..len]) {
            Some(format) => Self::open_as(path, format),
            None => Err(SourceError::BadImage {
                path: path.into(),
                format: "an image".into(),
                reason: "its content is not JPEG, PNG, BMP, WebP or TIFF".into(),
            }),
        }
    }

    /// Opens the image at `path`, known to be in `format`.
    pub(crate) fn open_as(path: &Path, format: ImageFormat) -> Result<Self, SourceError> {
        let image = decode_rgb(path, Some(format)).map_err(|f| f.into_error(path))?;
        let warning = damage(path).map(|reason| SourceError::DamagedImage { path: path.into(), index: 0, reason });
        Ok(Self {
            info: SourceInfo {
                name: display_name(path),
                kind: SourceKind::Image,
                width: image.width(),
                height: image.height(),
                fps: None,
                frame_count: Some(1),
            },
            image: Arc::new(image),
            done: false,
            warning,
        })
    }
}

impl FrameSource for ImageSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn next_frame(&mut self) -> Option<Result<Frame, SourceError>> {
        if self.done {
            return None;
        }
        if let Some(warning) = self.warning.take() {
            return Some(Err(warning));
        }
        self.done = true;
        Some(Ok(Frame {
            image: Arc::clone(&self.image),
            index: 0,
            time_s: 0.0,
            clip_time_s: 0.0,
            source: self.info.name.clone(),
            mirrored: false,
        }))
    }

    fn rewind(&mut self) -> Result<(), SourceError> {
        self.done = false;
        Ok(())
    }
}

/// A folder of still images, played in natural order at a fixed rate.
pub struct FolderSource {
    info: SourceInfo,
    files: Vec<PathBuf>,
    next: usize,
    fps: f64,
    /// A frame that decoded with damage, handed out after its [`SourceError::DamagedImage`] warning.
    pending: Option<Frame>,
}

impl FolderSource {
    /// Lists the image files in `dir` (by extension; hidden files and sub-folders skipped), sorts them naturally and
    /// reads the first readable one's size.
    pub fn open(dir: &Path, options: &OpenOptions) -> Result<Self, SourceError> {
        let fps = options.folder_fps;
        if !(fps.is_finite() && fps > 0.0) {
            return Err(SourceError::InvalidOption {
                path: dir.into(),
                what: format!("the folder frame rate must be a number above 0 (got {fps}); e.g. 30"),
            });
        }
        let entries = std::fs::read_dir(dir).map_err(|e| io_error(dir, e))?;
        let mut files: Vec<(String, PathBuf)> = Vec::new();
        let mut others = 0;
        for entry in entries {
            let entry = entry.map_err(|e| io_error(dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            // `is_file` follows symlinks; broken links and sub-folders are skipped.
            if is_image_name(&name) && path.is_file() {
                files.push((name, path));
            } else {
                others += 1;
            }
        }
        if files.is_empty() {
            return Err(SourceError::EmptyFolder { path: dir.into(), others });
        }
        files.sort_by(|a, b| natural_cmp(&a.0, &b.0));
        let files: Vec<PathBuf> = files.into_iter().map(|(_, path)| path).collect();

        let mut first_failure = None;
        let size = files.iter().find_map(|file| match upright_size(file) {
            Ok(size) => Some(size),
            Err(f) => {
                first_failure.get_or_insert_with(|| format!("{}: {}", display_name(file), f.reason));
                None
            }
        });
        let Some((width, height)) = size else {
            return Err(SourceError::NoReadableImage {
                path: dir.into(),
                count: files.len(),
                first: first_failure.unwrap_or_default(),
            });
        };
        Ok(Self {
            info: SourceInfo {
                name: display_name(dir),
                kind: SourceKind::ImageFolder,
                width,
                height,
                fps: Some(fps),
                frame_count: Some(files.len() as u64),
            },
            files,
            next: 0,
            fps,
            pending: None,
        })
    }

    /// The image files in playback order; frame `i` comes from `files()[i]`.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }
}

impl FrameSource for FolderSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn next_frame(&mut self) -> Option<Result<Frame, SourceError>> {
        if let Some(frame) = self.pending.take() {
            return Some(Ok(frame));
        }
        let path = self.files.get(self.next)?;
        let index = self.next as u64;
        self.next += 1;
        Some(match decode_rgb(path, None) {
            // Each frame is named after its own image file (COCO results and reports refer to images by name).
            Ok(image) => {
                let frame = Frame::new(
                    image,
                    index,
                    index as f64 / self.fps,
                    path.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| self.info.name.clone()),
                );
                match damage(path) {
                    Some(reason) => {
                        self.pending = Some(frame);
                        Err(SourceError::DamagedImage { path: path.clone(), index, reason })
                    }
                    None => Ok(frame),
                }
            }
            Err(f) => Err(SourceError::SkippedImage { path: path.clone(), index, reason: f.reason }),
        })
    }

    fn rewind(&mut self) -> Result<(), SourceError> {
        self.next = 0;
        self.pending = None;
        Ok(())
    }
}

/// Natural ("human") order of file names: runs of ASCII digits compare as numbers (`frame2` < `frame10`), the rest
/// compares case-insensitively; ties are broken by fewer leading zeros, then case, then bytes, so the order is
/// total and stable.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a, b);
    let mut tie = Ordering::Equal;
    loop {
        let (Some(cx), Some(cy)) = (x.chars().next(), y.chars().next()) else {
            // One name is a prefix of the other (in natural terms): the shorter one first.
            return x.is_empty().cmp(&y.is_empty()).reverse().then(tie).then_with(|| a.cmp(b));
        };
        if cx.is_ascii_digit() && cy.is_ascii_digit() {
            let (dx, rest_x) = split_digits(x);
            let (dy, rest_y) = split_digits(y);
            let (nx, ny) = (dx.trim_start_matches('0'), dy.trim_start_matches('0'));
            let by_value = nx.len().cmp(&ny.len()).then_with(|| nx.cmp(ny));
            if by_value != Ordering::Equal {
                return by_value;
            }
            if tie == Ordering::Equal {
                tie = dx.len().cmp(&dy.len()); // "1" before "01"
            }
            (x, y) = (rest_x, rest_y);
        } else {
            let by_letter = cx.to_lowercase().cmp(cy.to_lowercase());
            if by_letter != Ordering::Equal {
                return by_letter;
            }
            if tie == Ordering::Equal {
                tie = cx.cmp(&cy);
            }
            (x, y) = (&x[cx.len_utf8()..], &y[cy.len_utf8()..]);
        }
    }
}

/// Splits a string into its leading run of ASCII digits and the rest.
fn split_digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| natural_cmp(a, b));
        v
    }

    #[test]
    fn natural_order_compares_numbers_by_value() {
        assert_eq!(
            sorted(&["frame10.png", "frame2.png", "frame1.png", "frame100.png", "frame20.png"]),
            ["frame1.png", "frame2.png", "frame10.png", "frame20.png", "frame100.png"]
        );
        assert_eq!(natural_cmp("img_9_b", "img_10_a"), Ordering::Less);
        assert_eq!(natural_cmp("a2b3", "a2b10"), Ordering::Less);
    }

    #[test]
    fn natural_order_ignores_case_but_stays_total() {
        assert_eq!(sorted(&["b.png", "A.png", "a.png", "B.png"]), ["A.png", "a.png", "B.png", "b.png"]);
        assert_eq!(natural_cmp("Frame2", "frame10"), Ordering::Less);
        assert_eq!(natural_cmp("x", "x"), Ordering::Equal);
        assert_ne!(natural_cmp("x.png", "X.png"), Ordering::Equal);
    }

    #[test]
    fn natural_order_leading_zeros_and_prefixes() {
        assert_eq!(sorted(&["f010", "f9", "f0011", "f1"]), ["f1", "f9", "f010", "f0011"]);
        assert_eq!(natural_cmp("f1", "f01"), Ordering::Less);
        assert_eq!(natural_cmp("f01", "f1"), Ordering::Greater);
        assert_eq!(natural_cmp("frame", "frame1"), Ordering::Less);
        assert_eq!(natural_cmp("frame1", "frame"), Ordering::Greater);
        assert_eq!(natural_cmp("", "a"), Ordering::Less);
        // Digit runs longer than any integer type.
        assert_eq!(natural_cmp("f99999999999999999999999", "f100000000000000000000000"), Ordering::Less);
        // Non-ASCII is compared as text.
        assert_eq!(natural_cmp("épaule2", "épaule10"), Ordering::Less);
    }

    #[test]
    fn image_names_by_extension() {
        assert!(is_image_name("frame1.PNG"));
        assert!(is_image_name("a.b.jpeg"));
        assert!(is_image_name("scan.tif"));
        assert!(!is_image_name("notes.txt"));
        assert!(!is_image_name("README"));
        assert!(!is_image_name(".hidden.png"));
        assert!(!is_image_name("._frame1.png"));
        assert!(!is_image_name("clip.mp4"));
    }

    #[test]
    fn sniff_by_content() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(ImageFormat::Png));
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0]), Some(ImageFormat::Jpeg));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some(ImageFormat::WebP));
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), Some(ImageFormat::Tiff));
        assert_eq!(sniff(b"GIF89a"), None); // FFmpeg plays GIFs
        assert_eq!(sniff(b"BMW service notes, 2024\n"), None);
        let mut bmp = b"BM\x36\0\0\0\0\0\0\0\x36\0\0\0".to_vec();
        bmp.extend_from_slice(&40u32.to_le_bytes());
        assert_eq!(sniff(&bmp), Some(ImageFormat::Bmp));
        assert_eq!(sniff(b"\0\0\0\x20ftypisom"), None);
        assert_eq!(sniff(b""), None);
    }

    /// A PNG chunk: length, type, data, CRC (the decoders check it).
    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in kind.iter().chain(data) {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&(!crc).to_be_bytes());
        out
    }

    /// Before: an animated PNG or WebP gave its first frame without a word (item 15 of the hardening issue).
    #[test]
    fn an_animated_png_or_webp_is_said_and_a_still_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let mut still = Vec::new();
        image::RgbImage::new(8, 6).write_to(&mut std::io::Cursor::new(&mut still), ImageFormat::Png).unwrap();
        let png = dir.path().join("still.png");
        std::fs::write(&png, &still).unwrap();
        assert_eq!(damage(&png), None);
        // The same picture as the default image of a 3-frame APNG: acTL and fcTL before the image data.
        let ihdr_end = 8 + 8 + 13 + 4;
        let mut apng = still[..ihdr_end].to_vec();
        apng.extend(png_chunk(b"acTL", &[0, 0, 0, 3, 0, 0, 0, 0]));
        let mut fctl = vec![0u8; 26];
        fctl[4..8].copy_from_slice(&8u32.to_be_bytes());
        fctl[8..12].copy_from_slice(&6u32.to_be_bytes());
        fctl[22..24].copy_from_slice(&1u16.to_be_bytes());
        fctl[24..26].copy_from_slice(&[0, 0]);
        apng.extend(png_chunk(b"fcTL", &fctl));
        apng.extend_from_slice(&still[ihdr_end..]);
        let animated = dir.path().join("moving.png");
        std::fs::write(&animated, &apng).unwrap();
        let said = damage(&animated).expect("a warning");
        assert!(said.contains("APNG, 3 frames") && said.contains("only its first frame"), "{said}");
        assert!(decode_rgb(&animated, None).is_ok(), "the first frame still reads");
        // An animated WebP: the extended header's animation flag.
        let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\x02\0\0\0\x07\0\0\x05\0\0".to_vec();
        webp.resize(64, 0);
        let w = dir.path().join("moving.webp");
        std::fs::write(&w, &webp).unwrap();
        assert!(damage(&w).unwrap().contains("WebP is animated"));
    }
}
