//! Frame sources against the files in tests/data and bad inputs built in a temporary folder.

use std::path::{Path, PathBuf};

use image::{GrayImage, ImageEncoder, Luma, Rgb, RgbImage, Rgba, RgbaImage};
use mirrorcue::Frame;
use mirrorcue::source::{self, FrameSource, OpenOptions, SourceError, SourceKind};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(rel)
}

fn video(name: &str) -> PathBuf {
    data(&format!("videos/{name}"))
}

fn open(path: &Path) -> Box<dyn FrameSource> {
    match source::open(path) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

fn open_err(path: &Path) -> SourceError {
    match source::open(path) {
        Ok(s) => panic!("{} opened as {:?}", path.display(), s.info()),
        Err(e) => e,
    }
}

/// Every frame and every error until the end, with a bound so a runaway source fails instead of hanging.
fn drain(source: &mut dyn FrameSource) -> (Vec<Frame>, Vec<SourceError>) {
    let (mut frames, mut errors) = (Vec::new(), Vec::new());
    for _ in 0..10_000 {
        match source.next_frame() {
            Some(Ok(f)) => frames.push(f),
            Some(Err(e)) => errors.push(e),
            None => return (frames, errors),
        }
    }
    panic!("source did not end after 10000 calls");
}

/// Mean absolute difference per channel value between two images of the same size.
fn mean_abs_diff(a: &RgbImage, b: &RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let sum: u64 = a.as_raw().iter().zip(b.as_raw()).map(|(&x, &y)| u64::from(x.abs_diff(y))).sum();
    sum as f64 / a.as_raw().len() as f64
}

fn still(name: &str) -> RgbImage {
    image::open(data(&format!("images/stills/{name}"))).unwrap().into_rgb8()
}

// ---------------------------------------------------------------------------------------------------------------
// Videos

struct Clip {
    file: &'static str,
    width: u32,
    height: u32,
    fps: f64,
    frames: u64,
}

const CLIPS: [Clip; 4] = [
    Clip {
        file: "tfjs_pose_squats.mp4", // H.264 Constrained Baseline
        width: 720,
        height: 1280,
        fps: 5.0,
        frames: 65,
    },
    Clip {
        file: "tfjs_pose_1_synthetic_arm_raises.mp4", // H.264 High
        width: 576,
        height: 576,
        fps: 30.0,
        frames: 120,
    },
    Clip {
        file: "pose2sim_singleperson_cam01.mp4", // H.264 High
        width: 1080,
        height: 1920,
        fps: 60.0,
        frames: 100,
    },
    Clip {
        file: "pose2sim_singleperson_cam02.mp4", // VP9, plus an AAC track
        width: 1080,
        height: 1920,
        fps: 60.0,
        frames: 100,
    },
];

#[test]
fn videos_decode_every_frame_with_exact_counts_sizes_and_timestamps() {
    for clip in &CLIPS {
        let mut s = open(&video(clip.file));
        let info = s.info().clone();
        assert_eq!(info.kind, SourceKind::Video, "{}", clip.file);
        assert_eq!(info.name, clip.file);
        assert_eq!((info.width, info.height), (clip.width, clip.height), "{}", clip.file);
        assert_eq!(info.fps, Some(clip.fps), "{}", clip.file);
        assert_eq!(info.frame_count, Some(clip.frames), "{}", clip.file);

        let (frames, errors) = drain(s.as_mut());
        assert!(errors.is_empty(), "{}: {errors:?}", clip.file);
        // The decoder is drained at the end of the file: no frame is lost.
        assert_eq!(frames.len() as u64, clip.frames, "{}", clip.file);
        let step = 1.0 / clip.fps;
        for (i, f) in frames.iter().enumerate() {
            assert_eq!(f.index, i as u64, "{}", clip.file);
            assert_eq!((f.width(), f.height()), (clip.width, clip.height), "{}", clip.file);
            assert_eq!(f.image.as_raw().len(), (clip.width * clip.height * 3) as usize);
            assert_eq!(f.source, clip.file);
            assert!(!f.mirrored);
            // Constant frame rate: time = index / fps, to well under a tick of the stream's time base.
            assert!((f.time_s - i as f64 * step).abs() < 1e-4, "{} frame {i}: {}", clip.file, f.time_s);
        }
        assert_eq!(frames[0].time_s, 0.0, "{}", clip.file);
        assert!(frames.windows(2).all(|w| w[1].time_s > w[0].time_s), "{}: timestamps not increasing", clip.file);
        // Calls after the end keep returning None.
        assert!(s.next_frame().is_none());
        assert!(s.next_frame().is_none());
    }
}

#[test]
fn decoded_pixels_match_ffmpeg_stills() {
    let cases = [
        ("tfjs_pose_squats.mp4", 1, "tfjs_pose_squats_f001_standing.png"),
        ("tfjs_pose_squats.mp4", 59, "tfjs_pose_squats_f059_deep_squat.png"),
        ("tfjs_pose_1_synthetic_arm_raises.mp4", 60, "tfjs_pose_1_f060_arms_up.png"),
    ];
    for (clip, index, png) in cases {
        let mut s = open(&video(clip));
        let (frames, _) = drain(s.as_mut());
        let frame = &frames[index];
        assert_eq!(frame.index, index as u64);
        let expected = still(png);
        let diff = mean_abs_diff(&frame.image, &expected);
        assert!(diff < 3.0, "{clip} frame {index} vs {png}: mean abs diff {diff:.3}");
        // Neighbouring frames differ more than the match does (the comparison can tell frames apart).
        if index + 1 < frames.len() {
            let next = mean_abs_diff(&frames[index + 1].image, &expected);
            assert!(next > diff, "{clip}: frame {} matches {png} as well ({next:.3} vs {diff:.3})", index + 1);
        }
    }
}

#[test]
fn test_videos_carry_no_rotation() {
    // None of the clips has a display matrix; the frames come out as stored (checked against the stills above).
    for clip in &CLIPS {
        let s = source::VideoSource::open(&video(clip.file), &OpenOptions::default()).unwrap();
        assert!(!s.rotation_applied(), "{}", clip.file);
    }
}

/// Rewrites the matrix of the (single) `tkhd` box of an MP4, the way phones mark portrait recordings.
fn with_track_matrix(mp4: &[u8], matrix: [i32; 9]) -> Vec<u8> {
    let mut bytes = mp4.to_vec();
    let at = bytes.windows(4).position(|w| w == b"tkhd").expect("tkhd box");
    let version = bytes[at + 4];
    let matrix_at = at + 8 + if version == 1 { 32 } else { 20 } + 16;
    for (i, v) in matrix.iter().enumerate() {
        bytes[matrix_at + 4 * i..matrix_at + 4 * i + 4].copy_from_slice(&v.to_be_bytes());
    }
    bytes
}

#[test]
fn display_matrix_rotation_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read(video("tfjs_pose_squats.mp4")).unwrap();
    let standing = still("tfjs_pose_squats_f001_standing.png");
    // (matrix, expected upright picture): what `ffmpeg -i` shows for such a file.
    let portrait_phone = [0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30];
    let upside_down = [-65536, 0, 0, 0, -65536, 0, 0, 0, 1 << 30];
    let cases = [
        ("clockwise.mp4", portrait_phone, image::imageops::rotate90(&standing)),
        ("half.mp4", upside_down, image::imageops::rotate180(&standing)),
    ];
    for (name, matrix, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, with_track_matrix(&original, matrix)).unwrap();
        let mut s = open(&path);
        assert_eq!((s.info().width, s.info().height), expected.dimensions(), "{name}");
        let (frames, errors) = drain(s.as_mut());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(frames.len(), 65);
        let diff = mean_abs_diff(&frames[1].image, &expected);
        assert!(diff < 3.0, "{name}: mean abs diff {diff:.3}");
    }
}

#[test]
fn rewind_plays_the_video_again_from_the_first_frame() {
    let mut s = open(&video("tfjs_pose_1_synthetic_arm_raises.mp4"));
    let first = s.next_frame().unwrap().unwrap();
    for _ in 0..10 {
        s.next_frame().unwrap().unwrap();
    }
    s.rewind().unwrap();
    let again = s.next_frame().unwrap().unwrap();
    assert_eq!(again.index, 0);
    assert_eq!(again.time_s, 0.0);
    assert_eq!(again.image.as_raw(), first.image.as_raw());
    // Rewind after the end (looping playback): the whole clip again, drained to the last frame.
    let (rest, errors) = drain(s.as_mut());
    assert!(errors.is_empty());
    assert_eq!(rest.len(), 119);
    s.rewind().unwrap();
    let (all, _) = drain(s.as_mut());
    assert_eq!(all.len(), 120);
    assert_eq!(all[0].image.as_raw(), first.image.as_raw());
    assert_eq!(all[119].index, 119);
}

#[test]
fn video_decoding_with_one_thread_gives_the_same_frames() {
    let options = OpenOptions { decode_threads: 1, ..OpenOptions::default() };
    let mut single = source::open_with(&video("tfjs_pose_squats.mp4"), &options).unwrap();
    let mut multi = open(&video("tfjs_pose_squats.mp4"));
    let (a, _) = drain(single.as_mut());
    let (b, _) = drain(multi.as_mut());
    assert_eq!(a.len(), 65);
    assert_eq!(b.len(), 65);
    assert!(a.iter().zip(&b).all(|(x, y)| x.image.as_raw() == y.image.as_raw() && x.time_s == y.time_s));
}

// ---------------------------------------------------------------------------------------------------------------
// Images and folders

#[test]
fn a_still_image_is_one_frame_at_time_zero() {
    let path = data("images/stills/tfjs_pose_1_f060_arms_up.png");
    let mut s = open(&path);
    let info = s.info().clone();
    assert_eq!(info.kind, SourceKind::Image);
    assert_eq!((info.width, info.height), (576, 576));
    assert_eq!(info.frame_count, Some(1));
    assert_eq!(info.fps, None);
    assert_eq!(info.name, "tfjs_pose_1_f060_arms_up.png");
    let (frames, errors) = drain(s.as_mut());
    assert!(errors.is_empty());
    assert_eq!(frames.len(), 1);
    assert_eq!((frames[0].index, frames[0].time_s), (0, 0.0));
    assert_eq!(*frames[0].image, still("tfjs_pose_1_f060_arms_up.png"));
    s.rewind().unwrap();
    let again = s.next_frame().unwrap().unwrap();
    assert!(std::sync::Arc::ptr_eq(&again.image, &frames[0].image), "rewinding an image does not decode it again");
    assert!(s.next_frame().is_none());
}

#[test]
fn jpeg_test_images_open() {
    for name in ["coco/000000000790.jpg", "other/tfjs_pose_yoga_warrior.jpg", "other/skimage_camera.png"] {
        let mut s = open(&data(&format!("images/{name}")));
        let frame = s.next_frame().unwrap().unwrap();
        assert_eq!((frame.width(), frame.height()), (s.info().width, s.info().height), "{name}");
        assert!(frame.width() > 0 && frame.height() > 0);
    }
}

#[test]
fn image_format_is_decided_by_content_and_converted_to_rgb() {
    let dir = tempfile::tempdir().unwrap();
    // A PNG saved under a JPEG name, and one with no extension at all.
    let rgb = RgbImage::from_fn(5, 3, |x, y| Rgb([x as u8 * 40, y as u8 * 80, 7]));
    let misnamed = dir.path().join("really_a_png.jpg");
    rgb.save_with_format(&misnamed, image::ImageFormat::Png).unwrap();
    let bare = dir.path().join("snapshot");
    rgb.save_with_format(&bare, image::ImageFormat::Png).unwrap();
    for path in [&misnamed, &bare] {
        let frame = open(path).next_frame().unwrap().unwrap();
        assert_eq!(*frame.image, rgb, "{}", path.display());
    }
    // Grayscale becomes grey RGB.
    let gray = dir.path().join("gray.png");
    GrayImage::from_pixel(4, 4, Luma([90])).save(&gray).unwrap();
    let frame = open(&gray).next_frame().unwrap().unwrap();
    assert_eq!(frame.image.get_pixel(2, 2), &Rgb([90, 90, 90]));
    // RGBA loses its alpha channel.
    let rgba = dir.path().join("rgba.png");
    RgbaImage::from_pixel(4, 4, Rgba([10, 20, 30, 128])).save(&rgba).unwrap();
    let frame = open(&rgba).next_frame().unwrap().unwrap();
    assert_eq!(frame.image.get_pixel(1, 1), &Rgb([10, 20, 30]));
    // 16-bit and other formats.
    let deep = dir.path().join("deep.tiff");
    image::DynamicImage::ImageRgb16(image::ImageBuffer::from_pixel(3, 3, Rgb([65535u16, 0, 32896])))
        .save(&deep)
        .unwrap();
    let frame = open(&deep).next_frame().unwrap().unwrap();
    assert_eq!(frame.image.get_pixel(0, 0), &Rgb([255, 0, 128]));
    for (name, format) in [("a.bmp", image::ImageFormat::Bmp), ("a.webp", image::ImageFormat::WebP)] {
        let path = dir.path().join(name);
        rgb.save_with_format(&path, format).unwrap();
        let frame = open(&path).next_frame().unwrap().unwrap();
        assert_eq!(*frame.image, rgb, "{name}");
    }
}

#[test]
fn jpeg_exif_orientation_is_applied() {
    // A landscape 16×8 picture, red on the left and blue on the right, tagged "rotate 90° clockwise to view"
    // (EXIF orientation 6, what phones write for portrait shots).
    let pixels = RgbImage::from_fn(16, 8, |x, _| if x < 8 { Rgb([255, 0, 0]) } else { Rgb([0, 0, 255]) });
    let exif: Vec<u8> = [
        &b"MM\0\x2a\0\0\0\x08"[..],                  // big-endian TIFF header, first IFD at 8
        &[0, 1],                                     // one entry
        &[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0], // Orientation (SHORT) = 6
        &[0, 0, 0, 0],                               // no next IFD
    ]
    .concat();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portrait.jpg");
    let mut jpeg = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95);
    encoder.set_exif_metadata(exif).unwrap();
    encoder.write_image(pixels.as_raw(), 16, 8, image::ExtendedColorType::Rgb8).unwrap();
    std::fs::write(&path, jpeg).unwrap();

    let mut s = open(&path);
    assert_eq!((s.info().width, s.info().height), (8, 16));
    let frame = s.next_frame().unwrap().unwrap();
    assert_eq!((frame.width(), frame.height()), (8, 16));
    // Turned clockwise, the left (red) half is now on top.
    let top = frame.image.get_pixel(4, 3);
    let bottom = frame.image.get_pixel(4, 12);
    assert!(top[0] > 200 && top[2] < 60, "top {top:?}");
    assert!(bottom[2] > 200 && bottom[0] < 60, "bottom {bottom:?}");

    // In a folder the same file is sized upright too.
    let folder = open(dir.path());
    assert_eq!((folder.info().width, folder.info().height), (8, 16));
}

/// A 4×4 PNG filled with `value`, so a frame tells which file it came from.
fn write_png(path: &Path, value: u8) {
    RgbImage::from_pixel(4, 4, Rgb([value, value, value])).save_with_format(path, image::ImageFormat::Png).unwrap();
}

#[test]
fn folder_plays_images_in_natural_order_and_skips_other_files() {
    let dir = tempfile::tempdir().unwrap();
    for (name, value) in [("frame10.png", 10), ("frame2.png", 2), ("frame1.png", 1), ("Frame3.PNG", 3)] {
        write_png(&dir.path().join(name), value);
    }
    std::fs::write(dir.path().join("notes.txt"), "not an image").unwrap();
    std::fs::write(dir.path().join("session.json"), "{}").unwrap();
    write_png(&dir.path().join(".hidden.png"), 99);
    std::fs::create_dir(dir.path().join("sub.png")).unwrap();
    write_png(&dir.path().join("sub.png").join("frame0.png"), 98);

    let options = OpenOptions { folder_fps: 4.0, ..OpenOptions::default() };
    let mut s = source::open_with(dir.path(), &options).unwrap();
    let info = s.info().clone();
    assert_eq!(info.kind, SourceKind::ImageFolder);
    assert_eq!(info.frame_count, Some(4));
    assert_eq!(info.fps, Some(4.0));
    assert_eq!((info.width, info.height), (4, 4));
    assert_eq!(info.name, dir.path().file_name().unwrap().to_string_lossy());

    let (frames, errors) = drain(s.as_mut());
    assert!(errors.is_empty(), "{errors:?}");
    let values: Vec<u8> = frames.iter().map(|f| f.image.get_pixel(0, 0)[0]).collect();
    assert_eq!(values, [1, 2, 3, 10]);
    let names: Vec<&str> = frames.iter().map(|f| f.source.as_str()).collect();
    assert_eq!(names, ["frame1.png", "frame2.png", "Frame3.PNG", "frame10.png"], "each frame is named after its image");
    for (i, f) in frames.iter().enumerate() {
        assert_eq!(f.index, i as u64);
        assert_eq!(f.time_s, i as f64 / 4.0);
    }

    s.rewind().unwrap();
    let first = s.next_frame().unwrap().unwrap();
    assert_eq!((first.index, first.image.get_pixel(0, 0)[0]), (0, 1));
}

#[test]
fn folder_frame_rate_defaults_to_30() {
    let dir = tempfile::tempdir().unwrap();
    write_png(&dir.path().join("a1.png"), 1);
    write_png(&dir.path().join("a2.png"), 2);
    let mut s = open(dir.path());
    assert_eq!(s.info().fps, Some(source::DEFAULT_FOLDER_FPS));
    let (frames, _) = drain(s.as_mut());
    assert_eq!(frames[1].time_s, 1.0 / 30.0);
}

#[test]
fn a_corrupt_jpeg_in_a_folder_is_one_non_fatal_error() {
    let dir = tempfile::tempdir().unwrap();
    write_png(&dir.path().join("f1.png"), 1);
    let mut garbage = vec![0xFF, 0xD8, 0xFF, 0xE0];
    garbage.extend((0..500u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let bad = dir.path().join("f2.jpg");
    std::fs::write(&bad, garbage).unwrap();
    write_png(&dir.path().join("f3.png"), 3);

    let mut s = open(dir.path());
    assert_eq!(s.info().frame_count, Some(3));
    let first = s.next_frame().unwrap().unwrap();
    assert_eq!(first.index, 0);
    let err = s.next_frame().unwrap().unwrap_err();
    assert!(!err.is_fatal(), "{err}");
    assert!(matches!(err, SourceError::SkippedImage { index: 1, .. }), "{err:?}");
    assert!(err.to_string().contains("f2.jpg"), "{err}");
    assert_eq!(err.path(), bad);
    // The run goes on, and the frame after keeps its place in time.
    let third = s.next_frame().unwrap().unwrap();
    assert_eq!((third.index, third.image.get_pixel(0, 0)[0]), (2, 3));
    assert_eq!(third.time_s, 2.0 / 30.0);
    assert!(s.next_frame().is_none());
}

#[test]
fn a_folder_whose_first_image_is_corrupt_is_sized_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f1.png"), b"\x89PNG\r\n\x1a\nbroken").unwrap();
    RgbImage::new(6, 5).save(dir.path().join("f2.png")).unwrap();
    let s = open(dir.path());
    assert_eq!((s.info().width, s.info().height), (6, 5));
}

#[test]
fn empty_folders_fail_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let err = open_err(dir.path());
    assert!(matches!(err, SourceError::EmptyFolder { others: 0, .. }), "{err:?}");
    assert!(err.is_fatal());
    std::fs::write(dir.path().join("readme.txt"), "hi").unwrap();
    std::fs::create_dir(dir.path().join("nested")).unwrap();
    write_png(&dir.path().join("nested").join("f1.png"), 1);
    let err = open_err(dir.path());
    assert!(matches!(err, SourceError::EmptyFolder { others: 2, .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{}: the folder has no images", dir.path().display())), "{msg}");
    assert!(msg.contains("JPEG, PNG"), "{msg}");

    // Only unreadable images: nothing to play either.
    std::fs::write(dir.path().join("f1.png"), "not a png").unwrap();
    let err = open_err(dir.path());
    assert!(matches!(err, SourceError::NoReadableImage { count: 1, .. }), "{err:?}");
}

#[test]
fn folder_frame_rate_must_be_positive() {
    let dir = tempfile::tempdir().unwrap();
    write_png(&dir.path().join("f1.png"), 1);
    for fps in [0.0, -5.0, f64::NAN, f64::INFINITY] {
        let options = OpenOptions { folder_fps: fps, ..OpenOptions::default() };
        let err = source::open_with(dir.path(), &options).err().unwrap();
        assert!(matches!(err, SourceError::InvalidOption { .. }), "{fps}: {err:?}");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Bad inputs

#[test]
fn missing_path_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no_such_clip.mp4");
    let err = open_err(&path);
    assert!(matches!(err, SourceError::NotFound { .. }), "{err:?}");
    assert!(err.is_fatal());
    assert!(err.to_string().starts_with(&format!("{}: no such file or folder", path.display())), "{err}");
}

#[test]
fn empty_file_is_reported_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zero.mp4");
    std::fs::write(&path, b"").unwrap();
    let err = open_err(&path);
    assert!(matches!(err, SourceError::EmptyFile { .. }), "{err:?}");
}

#[test]
fn text_file_renamed_mp4_is_not_a_video() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session_notes.mp4");
    std::fs::write(&path, "Session 3\nPatient did 3x10 squats, left knee valgus on rep 7.\n".repeat(20)).unwrap();
    let err = open_err(&path);
    assert!(matches!(err, SourceError::UnknownFormat { .. }), "{err:?}");
    assert!(err.is_fatal());
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}: is not a video or image mirrorcue can read (FFmpeg: ", path.display())),
        "{msg}"
    );
    assert!(msg.contains("Supported: MP4/MOV/MKV/WebM"), "{msg}");
    assert!(msg.contains("JPEG, PNG"), "{msg}");

    // Same for a text file named like an image, and a text file starting with an image-like "BM".
    // (and a .txt file, which FFmpeg would otherwise "play" as ANSI art).
    for (name, text) in
        [("photo.jpg", "hello"), ("scan.bmp", "BMW service notes, 2024 — nothing else"), ("notes.txt", "hello\n")]
    {
        let path = dir.path().join(name);
        std::fs::write(&path, text.repeat(10)).unwrap();
        let err = open_err(&path);
        assert!(matches!(err, SourceError::UnknownFormat { .. }), "{name}: {err:?}");
    }
}

#[test]
fn odd_file_names_stay_local_files() {
    // FFmpeg would read "clip:1.mp4" as protocol "clip"; names need not be UTF-8 on Unix.
    let dir = tempfile::tempdir().unwrap();
    let mut names = vec![std::ffi::OsString::from("clip:1.mp4"), std::ffi::OsString::from("séance 3 (gauche).mp4")];
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        names.push(std::ffi::OsString::from_vec(b"latin1_\xe9paule.mp4".to_vec()));
    }
    for name in names {
        let path = dir.path().join(&name);
        std::fs::copy(video("tfjs_pose_squats.mp4"), &path).unwrap();
        let mut s = open(&path);
        assert_eq!(s.info().frame_count, Some(65), "{name:?}");
        assert!(s.next_frame().unwrap().is_ok(), "{name:?}");
    }
}

/// A one-second 8 kHz mono 16-bit WAV file of silence.
fn wav_bytes() -> Vec<u8> {
    let samples = 8000u32;
    let data_len = samples * 2;
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data_len).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes()); // PCM
    b.extend_from_slice(&1u16.to_le_bytes()); // mono
    b.extend_from_slice(&8000u32.to_le_bytes());
    b.extend_from_slice(&16000u32.to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    b.resize(b.len() + data_len as usize, 0);
    b
}

#[test]
fn audio_only_file_has_no_video_stream() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cue.mp4"); // an audio file with a video name
    std::fs::write(&path, wav_bytes()).unwrap();
    let err = open_err(&path);
    assert!(matches!(err, SourceError::NoVideoStream { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}: has no video stream (it contains: 1 audio stream)", path.display())),
        "{msg}"
    );
}

/// The first `percent`% of a test video, written to `dir`.
fn truncated(dir: &Path, clip: &str, percent: usize) -> PathBuf {
    let bytes = std::fs::read(video(clip)).unwrap();
    let path = dir.join(format!("cut_{clip}"));
    std::fs::write(&path, &bytes[..bytes.len() * percent / 100]).unwrap();
    path
}

#[test]
fn truncated_mp4_with_index_at_the_end_fails_at_open() {
    // The squat clip keeps its index (moov) at the end, so the first 40% has no index at all.
    let dir = tempfile::tempdir().unwrap();
    let path = truncated(dir.path(), "tfjs_pose_squats.mp4", 40);
    let err = open_err(&path);
    assert!(matches!(err, SourceError::Damaged { .. }), "{err:?}");
    assert!(err.is_fatal());
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{}: FFmpeg recognises it as", path.display())), "{msg}");
    assert!(msg.contains("truncated"), "{msg}");
}

#[test]
fn truncated_mp4_with_index_at_the_start_plays_what_is_there() {
    // cam02 keeps its index first: the cut file opens, plays the frames whose data is there, then ends cleanly.
    let dir = tempfile::tempdir().unwrap();
    for percent in [40, 75, 99] {
        let path = truncated(dir.path(), "pose2sim_singleperson_cam02.mp4", percent);
        let mut s = open(&path);
        let (frames, errors) = drain(s.as_mut());
        assert!(!frames.is_empty() && frames.len() < 100, "{percent}%: {} frames", frames.len());
        assert!(errors.len() <= 3, "{percent}%: {errors:?}");
        for e in &errors {
            assert!(e.to_string().starts_with(&path.display().to_string()), "{e}");
        }
        assert!(frames.len() + errors.len() <= 100);
        assert!(frames.windows(2).all(|w| w[1].index > w[0].index && w[1].time_s > w[0].time_s));
        assert!(s.next_frame().is_none());
        s.rewind().unwrap();
        assert_eq!(s.next_frame().unwrap().unwrap().index, 0);
    }
}

/// A copy of a clip with `len` bytes of noise written over the middle of its media data.
fn with_noise(dir: &Path, clip: &str, len: usize) -> PathBuf {
    let mut bytes = std::fs::read(video(clip)).unwrap();
    let mid = bytes.len() / 2;
    let mut state = 0x2545_F491u32;
    for b in &mut bytes[mid..mid + len] {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        *b = state as u8;
    }
    let path = dir.join(format!("noisy_{clip}"));
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn corrupt_frames_mid_stream_are_non_fatal_and_playback_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    for (clip, total) in [("tfjs_pose_squats.mp4", 65), ("tfjs_pose_1_synthetic_arm_raises.mp4", 120)] {
        let path = with_noise(dir.path(), clip, 3000);
        let mut s = open(&path);
        let (frames, errors) = drain(s.as_mut());
        assert!(!errors.is_empty(), "{clip}: noise in the middle went unnoticed");
        for e in &errors {
            assert!(!e.is_fatal(), "{clip}: {e}");
            assert!(e.to_string().starts_with(&path.display().to_string()), "{e}");
        }
        // Frames come after the bad ones, up to the end of the clip; each error took one frame's place.
        let last_error = errors
            .iter()
            .filter_map(|e| match e {
                SourceError::BadFrame { index, .. } => Some(*index),
                _ => None,
            })
            .max()
            .unwrap();
        assert!(frames.last().unwrap().index > last_error, "{clip}");
        assert_eq!(frames.len() + errors.len(), total, "{clip}");
        assert!(frames.windows(2).all(|w| w[1].index > w[0].index && w[1].time_s > w[0].time_s));
    }
}

#[test]
fn random_bytes_never_panic_or_hang() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read(video("tfjs_pose_1_synthetic_arm_raises.mp4")).unwrap();
    let mut state = 0x9E37_79B9u32;
    for round in 0..6 {
        let mut bytes = original.clone();
        // Scatter noise over the whole file, index included.
        for _ in 0..(20 * (round + 1)) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let at = state as usize % bytes.len();
            bytes[at] = (state >> 8) as u8;
        }
        let path = dir.path().join(format!("fuzz{round}.mp4"));
        std::fs::write(&path, bytes).unwrap();
        if let Ok(mut s) = source::open(&path) {
            let (frames, _) = drain(s.as_mut());
            assert!(frames.len() <= 200);
        }
    }
}
