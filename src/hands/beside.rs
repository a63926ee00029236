//! The palm detector on a thread of its own, for a live view ([`HandsConfig::live`](super::HandsConfig::live)).
//!
//! While a hand is tracked, the tracker hands it a frame when it wants to look for the other hand, and reads what it
//! found on a later frame, so the palm detector (about twice the landmark model's cost) does not hold up a frame
//! with a hand: such a frame costs only its landmark models. Requests are newest-wins ([`Mailbox`]): a detector
//! still busy with an earlier frame takes the newest one next. What it found is used only on a frame of the same size
//! and mirroring. However old the palms are (a loaded machine makes the detector slow), the landmark model has the
//! last word: a crop that no longer holds a hand has a presence below 0.5 and is dropped. (Throwing away palms older
//! than a quarter second found no hand at all while the tests loaded both cores.)

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::palm::{PalmDetection, PalmDetector};
use crate::Frame;
use crate::mailbox::{Mailbox, Taken};
use crate::pose::{PoseError, StageTimes};

/// The palms found on one frame.
struct Found {
    size: (u32, u32),
    mirrored: bool,
    palms: Result<Vec<PalmDetection>, PoseError>,
}

/// The palm detector running on its own thread. Dropping it stops the thread.
pub struct PalmThread {
    requests: Arc<Mailbox<Frame>>,
    found: Arc<Mutex<Option<Found>>>,
    thread: Option<JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicking holder cannot leave this plain value inconsistent; carry on with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl PalmThread {
    /// Starts `detector` on a thread named `mirrorcue-palms`.
    pub fn start(mut detector: PalmDetector) -> std::io::Result<PalmThread> {
        let requests: Arc<Mailbox<Frame>> = Arc::new(Mailbox::new());
        let found: Arc<Mutex<Option<Found>>> = Arc::new(Mutex::new(None));
        let thread = {
            let (requests, found) = (requests.clone(), found.clone());
            std::thread::Builder::new().name("mirrorcue-palms".into()).spawn(move || {
                loop {
                    match requests.take(Duration::from_millis(200)) {
                        Taken::Item(frame) => {
                            let palms = detector.detect(&frame.image, &mut StageTimes::default());
                            *lock(&found) =
                                Some(Found { size: (frame.width(), frame.height()), mirrored: frame.mirrored, palms });
                        }
                        Taken::TimedOut => {}
                        Taken::Closed(_) => break,
                    }
                }
            })?
        };
        Ok(PalmThread { requests, found, thread: Some(thread) })
    }

    /// Asks for the palms in `frame` (replacing an earlier request the thread has not started on).
    pub fn request(&self, frame: &Frame) {
        self.requests.put(frame.clone());
    }

    /// What the detector found since the last call: `None` if it has found nothing new; otherwise the palms, if they
    /// were found on a frame like `frame` (same size and mirroring), or none; or the detector's error.
    pub fn take_for(&self, frame: &Frame) -> Option<Result<Vec<PalmDetection>, PoseError>> {
        let found = lock(&self.found).take()?;
        let usable = found.size == (frame.width(), frame.height()) && found.mirrored == frame.mirrored;
        Some(found.palms.map(|palms| if usable { palms } else { Vec::new() }))
    }

    /// Forgets palms found and requests not yet started (a new recording, a jump in time).
    pub fn clear(&self) {
        self.requests.try_take();
        lock(&self.found).take();
    }
}

impl Drop for PalmThread {
    fn drop(&mut self) {
        self.requests.close("the hand tracker stopped");
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
