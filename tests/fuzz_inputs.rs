//! Bounded fuzzing of the readers that take user files (issue 10): protocol TOML, a recording's manifest and pose
//! track, and the image open path, each fed mutations of a valid file (bytes flipped, cut, numbers replaced by
//! NaN, huge or negative ones, header sizes patched). Nothing may panic; every input either opens or gives an
//! error. A small xorshift generator with fixed seeds keeps runs repeatable without a fuzzing crate.
//!
//! Each target runs for `MIRRORCUE_FUZZ_SECONDS` (default 6 s, so about 20 s in all within the test suite; set it
//! to 20 for the issue's 60-second run). The statistics go to stderr (`cargo test --test fuzz_inputs --
//! --nocapture`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn budget() -> Duration {
    let s = std::env::var("MIRRORCUE_FUZZ_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(6.0f64);
    Duration::from_secs_f64(s)
}

const NUMBERS: [&str; 8] = ["nan", "-1.0", "1e309", "-inf", "4294967297", "0", "2.0", "99999999999999999999"];

/// One mutation of `bytes`.
fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..=rng.below(4) {
        if out.is_empty() {
            break;
        }
        match rng.below(6) {
            0 => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => out.truncate(rng.below(out.len())),
            2 => {
                let i = rng.below(out.len());
                out[i] = rng.next() as u8;
            }
            3 => {
                let i = rng.below(out.len());
                let n = NUMBERS[rng.below(NUMBERS.len())];
                out.splice(i..i, n.bytes());
            }
            4 => {
                // Replace a number in text by a hostile one.
                let text = String::from_utf8_lossy(&out).into_owned();
                let digits: Vec<usize> = text.match_indices(char::is_numeric).map(|(i, _)| i).collect();
                if let Some(&i) = digits.get(rng.below(digits.len())) {
                    let end = text[i..].find(|c: char| !c.is_numeric() && c != '.').map_or(text.len(), |e| i + e);
                    out = format!("{}{}{}", &text[..i], NUMBERS[rng.below(NUMBERS.len())], &text[end..]).into_bytes();
                }
            }
            _ => {
                let i = rng.below(out.len());
                let j = rng.below(out.len());
                let (a, b) = (i.min(j), i.max(j));
                let chunk = out[a..b].to_vec();
                out.splice(a..a, chunk);
            }
        }
    }
    out
}

/// Runs `target` on mutations of `seeds` until the budget is spent; panics name the input, saved to a file.
fn fuzz(name: &str, seeds: &[Vec<u8>], mut target: impl FnMut(&[u8]) -> bool) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ name.len() as u64);
    let started = Instant::now();
    let (mut runs, mut accepted) = (0u64, 0u64);
    while started.elapsed() < budget() {
        let seed = rng.below(seeds.len());
        let input = mutate(&mut rng, &seeds[seed]);
        match catch_unwind(AssertUnwindSafe(|| target(&input))) {
            Ok(ok) => accepted += u64::from(ok),
            Err(_) => {
                let path = std::env::temp_dir().join(format!("mirrorcue-fuzz-{name}-{runs}.bin"));
                let _ = std::fs::write(&path, &input);
                panic!("{name}: a mutated input panicked; saved as {}", path.display());
            }
        }
        runs += 1;
    }
    eprintln!(
        "fuzz {name}: {runs} inputs in {:.1} s, {accepted} accepted, {} refused with an error, 0 panics",
        started.elapsed().as_secs_f64(),
        runs - accepted
    );
    assert!(runs > 10);
}

#[test]
fn fuzz_protocol_toml() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/protocols");
    let seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect();
    fuzz("protocol", &seeds, |bytes| {
        let text = String::from_utf8_lossy(bytes);
        mirrorcue::posture::Protocol::from_toml(&text, Path::new("fuzz.toml")).is_ok()
    });
}

#[test]
fn fuzz_recording_manifest_and_pose_track() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = br#"{"format":"mirrorcue-recording","format_version":1,"mirrorcue":"0.1.0","source":"a","model":"movenet-lightning","keypoint_names":["nose"],"coordinates":"x","width":64,"height":64,"fps":30.0,"video":"video.mp4","poses":"poses.jsonl","started_unix_s":1,"complete":false,"frames":0,"duration_s":0.0}"#.to_vec();
    let poses = b"{\"frame\":0,\"time_s\":0.0,\"keypoints\":[[0.5,0.5,0.9]]}\n{\"frame\":1,\"time_s\":0.033,\"keypoints\":null}\n".to_vec();
    let events = b"{\"format\":\"mirrorcue-events\",\"format_version\":1}\n{\"time_s\":1.0,\"kind\":\"cue\",\"details\":\"x\"}\n".to_vec();
    let seeds = vec![manifest.clone(), poses.clone(), events.clone()];
    let rec = dir.path().join("rec");
    std::fs::create_dir(&rec).unwrap();
    let mut which = 0usize;
    fuzz("recording", &seeds, |bytes| {
        std::fs::write(rec.join("manifest.json"), &manifest).unwrap();
        std::fs::write(rec.join("poses.jsonl"), &poses).unwrap();
        std::fs::write(rec.join("events.jsonl"), &events).unwrap();
        which = (which + 1) % 3;
        let file = ["manifest.json", "poses.jsonl", "events.jsonl"][which];
        std::fs::write(rec.join(file), bytes).unwrap();
        let view = mirrorcue::recording::inspect(&rec);
        let _ = mirrorcue::recording::read_events(&rec);
        let _ = mirrorcue::recording::recording_title(&rec);
        view.is_some()
    });
}

#[test]
fn fuzz_image_open() {
    let dir = tempfile::tempdir().unwrap();
    let img = image::RgbImage::from_fn(48, 32, |x, y| image::Rgb([(x * 5) as u8, (y * 7) as u8, 90]));
    let mut seeds = Vec::new();
    for format in [image::ImageFormat::Jpeg, image::ImageFormat::Png, image::ImageFormat::Bmp, image::ImageFormat::Tiff]
    {
        let mut bytes = std::io::Cursor::new(Vec::new());
        img.write_to(&mut bytes, format).unwrap();
        seeds.push(bytes.into_inner());
    }
    let path = dir.path().join("frame.img");
    fuzz("image", &seeds, |bytes| {
        std::fs::write(&path, bytes).unwrap();
        match mirrorcue::source::open(&path) {
            Ok(mut src) => {
                // A mutation FFmpeg takes for a video: read a few frames at most.
                for _ in 0..3 {
                    if src.next_frame().is_none() {
                        break;
                    }
                }
                true
            }
            Err(_) => false,
        }
    });
}
