//! Criterion benchmark of `compare`'s alignment on two 30-minute sessions at 30 fps (54 000 frames each, the nine
//! feature angles per frame), issue 10 item 9: the bound is under 500 MB of memory. Peak heap is measured by a
//! counting allocator around one run and printed; the time is criterion's.
//!
//! `cargo bench --profile dev --bench align`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use mirrorcue::compare::{compare, dtw_band};

/// The system allocator, counting live and peak bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const FRAMES: usize = 54_000;

/// A session: squats at a varying pace, some joints out of view now and then.
fn session(seed: f32, pace: f32) -> Vec<Vec<Option<f32>>> {
    (0..FRAMES)
        .map(|i| {
            let t = i as f32 / 30.0;
            let phase = t * pace + 0.3 * (t * 0.05 + seed).sin();
            (0..9)
                .map(|k| {
                    let seen = (i + k * 37) % 500 > 20;
                    seen.then(|| 120.0 + 50.0 * (phase + k as f32 * 0.4).sin() + seed * (k as f32))
                })
                .collect()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let reference = session(0.0, 1.0);
    let input = session(0.7, 1.1);
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = std::time::Instant::now();
    let result = compare(&reference, &input, 30.0);
    let secs = started.elapsed().as_secs_f64();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    println!(
        "align 2 x {FRAMES} frames: peak heap {:.0} MiB above the inputs, {secs:.1} s for one run, band ±{} frames, \
         offset {} frames, path {} steps, similarity {:.3}",
        peak as f64 / 1048576.0,
        dtw_band(FRAMES, FRAMES).unwrap_or(FRAMES),
        result.offset_frames,
        result.path.len(),
        result.overall
    );
    assert!(peak < 500 << 20, "the alignment stays under 500 MB");
    let mut group = c.benchmark_group("align");
    group.sample_size(10);
    group.bench_function("two 30-minute sessions", |b| b.iter(|| compare(&reference, &input, 30.0)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
