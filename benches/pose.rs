//! Criterion benchmarks of the pose stage against the bare inference of the same model, on frames of the bundled
//! recording, with the engine `MIRRORCUE_ENGINE` selects (auto: ONNX Runtime when installed).
//!
//! `pose_stage/<model>` is what the live app and `mirrorcue analyze` pay per frame after decoding: pre-processing,
//! inference, decoding of the outputs and smoothing, in video mode (tracking). `bare_inference/<model>` runs the
//! model alone on a ready input tensor (for BlazePose the landmark model, which is what runs per frame while
//! tracking). The brief's bound: pose stage ≤ 1.15 × bare inference.

use criterion::{Criterion, criterion_group, criterion_main};
use mirrorcue::Frame;
use mirrorcue::pose::engine::InputData;
use mirrorcue::pose::imgproc::{Affine, Border, sample_rgb};
use mirrorcue::pose::models::ModelFile;
use mirrorcue::pose::{Engine, EngineConfig, EstimatorConfig, ModelStore, PoseEstimator, PoseModel};

fn frames() -> Vec<Frame> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/recordings/tfjs_pose_squats.mp4");
    let mut src = mirrorcue::source::open(&path).expect("bundled recording");
    let mut out = Vec::new();
    while let Some(f) = src.next_frame() {
        if let Ok(f) = f {
            out.push(f);
        }
        if out.len() == 30 {
            break;
        }
    }
    out
}

fn bench_pose(c: &mut Criterion) {
    let engine = Engine::select(&EngineConfig::from_env().expect("engine settings")).expect("engine");
    eprintln!("engine: {}", engine.report());
    let store = ModelStore::locate();
    let frames = frames();
    let mut group = c.benchmark_group("pose_stage");
    for model in PoseModel::ALL {
        let mut est = PoseEstimator::new(&store, &engine, EstimatorConfig::video(model)).expect("model");
        let mut i = 0;
        group.bench_function(model.name(), |b| {
            b.iter(|| {
                let f = &frames[i % frames.len()];
                i += 1;
                est.estimate(f).expect("estimate")
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("bare_inference");
    for (name, file) in [
        ("movenet-lightning", ModelFile::MovenetLightning),
        ("movenet-thunder", ModelFile::MovenetThunder),
        ("blazepose-detector", ModelFile::BlazeposeDetector),
        ("blazepose-lite-landmarks", ModelFile::BlazeposeLandmarkLite),
        ("blazepose-full-landmarks", ModelFile::BlazeposeLandmarkFull),
    ] {
        let spec = file.spec();
        let mut session = store.load(file, &engine, &[]).expect("model");
        let n: usize = spec.input_shape.iter().product();
        let (fi, ii) = (vec![0.5f32; n], vec![128i32; n]);
        group.bench_function(name, |b| {
            b.iter(|| {
                let input = match spec.input_dtype {
                    mirrorcue::pose::engine::DType::F32 => InputData::F32(&fi),
                    mirrorcue::pose::engine::DType::I32 => InputData::I32(&ii),
                };
                session.run(&spec.input_shape, input).expect("run").len()
            })
        });
    }
    group.finish();

    let img = image::RgbImage::from_fn(1280, 720, |x, y| image::Rgb([x as u8, y as u8, (x ^ y) as u8]));
    let mut out = vec![0f32; 256 * 256 * 3];
    c.bench_function("preprocess/rotated_crop_1280x720_to_256", |b| {
        let map = Affine::rotated_square(640.0, 360.0, 600.0, 0.3, 256);
        b.iter(|| sample_rgb(&img, &map, Border::Replicate, 256, 256, &mut out, |v| v / 255.0))
    });
}

fn bench_views(c: &mut Criterion) {
    use mirrorcue::view::{DisplayImage, MirrorMode, Seam, SplitSource, ViewTransform};
    let img = image::RgbImage::from_fn(1280, 720, |x, y| image::Rgb([x as u8, y as u8, (x ^ y) as u8]));
    let mut out = DisplayImage::default();
    let modes = [
        ("mirror_1280x720", MirrorMode::Mirror),
        ("split_vertical_1280x720", MirrorMode::Split { source: SplitSource::PatientLeft, selfie: true }),
        ("split_horizontal_1280x720", MirrorMode::Split { source: SplitSource::Upper, selfie: false }),
    ];
    for (name, mode) in modes {
        let seam = if name.contains("horizontal") { Seam::horizontal(400.0) } else { Seam::vertical(610.0) };
        let view = ViewTransform::new(mode, 1280, 720, seam, None, false, 0.02);
        c.bench_function(&format!("view/{name}"), |b| b.iter(|| view.render(&img, &mut out)));
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = bench_pose, bench_views
}
criterion_main!(benches);
