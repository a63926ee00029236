//! [`CameraSource`]: a live camera as a [`FrameSource`], and the capture thread that feeds it.
//!
//! nokhwa's `Camera` is not `Send`, so each source runs its camera on a thread of its own. That thread only dequeues
//! frames and hands the newest over through a [`Mailbox`]; decoding happens in
//! [`next_frame`](FrameSource::next_frame), on the caller's thread, so frames that are dropped cost only their copy.

use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use nokhwa::Camera;
use nokhwa::utils::{RequestedFormat, RequestedFormatType};

use super::decode::decode_frame;
use super::devices::{CameraChoice, CameraInfo, find_in, guarded, list_cameras, open_device, open_error};
use super::modes::{CameraMode, PixelFormat, pick_mode, usable_modes};
use crate::Frame;
use crate::mailbox::{Mailbox, Put, Taken};
use crate::source::{FrameSource, SourceError, SourceInfo, SourceKind};

/// How long [`CameraSource::open`] waits for the camera to start before giving up on it.
pub const OPEN_TIMEOUT: Duration = Duration::from_secs(20);

/// How long the first frame may take after the camera opened (auto-exposure can take a second or two).
pub const FIRST_FRAME_TIMEOUT: Duration = Duration::from_secs(10);

/// How long without a frame, once frames flowed, before the camera counts as lost.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(5);

/// Read errors in a row after which the camera counts as lost (unplugged cameras fail every read).
const MAX_READ_ERRORS: u32 = 3;

/// Pause between two failed reads.
const READ_RETRY_PAUSE: Duration = Duration::from_millis(50);

/// How long dropping a [`CameraSource`] waits for its capture thread to release the camera.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

/// A live camera as a [`FrameSource`]. See the [module docs](self).
///
/// [`info`](FrameSource::info): kind [`SourceKind::Camera`], the camera's name, the width, height and fps of the
/// opened mode, no frame count. [`next_frame`](FrameSource::next_frame) blocks until the next frame arrives and
/// returns the newest one; it never returns `None` while the camera delivers (only after a fatal error).
pub struct CameraSource {
    info: SourceInfo,
    camera: CameraInfo,
    mode: CameraMode,
    modes: Vec<CameraMode>,
    mirrored: bool,
    /// Time zero of [`Frame::time_s`]: when the stream was opened.
    started: Instant,
    next_index: u64,
    ended: bool,
    frame_timeout: Duration,
    first_frame_timeout: Duration,
    slot: Arc<Mailbox<RawFrame>>,
    thread: Option<JoinHandle<()>>,
    /// Disconnects when the capture thread ends (its sender is dropped).
    thread_done: Option<mpsc::Receiver<()>>,
}

/// One frame as the camera delivered it, not yet decoded.
struct RawFrame {
    data: Vec<u8>,
    width: u32,
    height: u32,
    format: PixelFormat,
    /// When the frame was dequeued.
    arrived: Instant,
}

/// What the capture thread reports once the camera is open.
struct Opened {
    mode: CameraMode,
    modes: Vec<CameraMode>,
    started: Instant,
}

impl CameraSource {
    /// Opens the camera of `choice` (the first one that opens when it names none) in the chosen mode if the camera
    /// offers it, else in the best one by [`pick_mode`] (see [`mode`](Self::mode) for what was opened), and starts
    /// streaming. Errors say what to do (see the [module docs](self)); with no camera at all it is
    /// [`SourceError::NoCamera`].
    pub fn open(choice: &CameraChoice) -> Result<Self, SourceError> {
        let cameras = list_cameras()?;
        if cameras.is_empty() {
            return Err(SourceError::NoCamera);
        }
        let candidates = match &choice.camera {
            Some(id) => vec![find_in(&cameras, id)?],
            None => cameras,
        };
        // Report the first failure, unless it is only "no usable format" (a V4L2 metadata node) and a later one says
        // more (busy, permission denied).
        let mut error: Option<SourceError> = None;
        for camera in candidates {
            match Self::open_camera(camera, choice) {
                Ok(source) => return Ok(source),
                Err(e) => {
                    if error.as_ref().is_none_or(|first| matches!(first, SourceError::CameraUnsupported { .. })) {
                        error = Some(e);
                    }
                }
            }
        }
        Err(error.unwrap_or(SourceError::NoCamera))
    }

    /// Opens one listed camera: starts its capture thread and waits until it streams or fails.
    fn open_camera(camera: CameraInfo, choice: &CameraChoice) -> Result<Self, SourceError> {
        let slot = Arc::new(Mailbox::new());
        let (opened_tx, opened_rx) = mpsc::channel();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let thread_slot = Arc::clone(&slot);
        let thread_camera = camera.clone();
        let requested = choice.mode;
        let thread = thread::Builder::new()
            .name(format!("camera {}", camera.id))
            .spawn(move || {
                let _done = done_tx;
                capture(&thread_camera, requested, &thread_slot, &opened_tx);
            })
            .map_err(|e| SourceError::CameraOpen {
                name: camera.name.clone(),
                reason: format!("could not start the capture thread: {e}"),
            })?;
        let opened = match opened_rx.recv_timeout(OPEN_TIMEOUT) {
            Ok(Ok(opened)) => opened,
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(e);
            }
            Err(RecvTimeoutError::Timeout) => {
                slot.close("gave up opening");
                return Err(SourceError::CameraOpen {
                    name: camera.name,
                    reason: format!("the camera did not start within {} s", OPEN_TIMEOUT.as_secs()),
                });
            }
            Err(RecvTimeoutError::Disconnected) => {
                let _ = thread.join();
                return Err(SourceError::CameraOpen {
                    name: camera.name,
                    reason: "the capture thread ended without opening it".into(),
                });
            }
        };
        let mut source = Self::with_slot(camera, opened.mode, choice.driver_mirrors, opened.started, slot);
        source.modes = opened.modes;
        source.thread = Some(thread);
        source.thread_done = Some(done_rx);
        Ok(source)
    }

    /// A source reading from `slot`, fed by someone else (the capture thread, or a test).
    fn with_slot(
        camera: CameraInfo,
        mode: CameraMode,
        mirrored: bool,
        started: Instant,
        slot: Arc<Mailbox<RawFrame>>,
    ) -> Self {
        let info = SourceInfo {
            name: camera.name.clone(),
            kind: SourceKind::Camera,
            width: mode.width,
            height: mode.height,
            fps: Some(f64::from(mode.fps)),
            frame_count: None,
        };
        Self {
            info,
            camera,
            mode,
            modes: Vec::new(),
            mirrored,
            started,
            next_index: 0,
            ended: false,
            frame_timeout: FRAME_TIMEOUT,
            first_frame_timeout: FIRST_FRAME_TIMEOUT,
            slot,
            thread: None,
            thread_done: None,
        }
    }

    /// The camera being read.
    pub fn camera(&self) -> &CameraInfo {
        &self.camera
    }

    /// The mode the camera was opened in (compare with [`CameraChoice::mode`] to tell whether the chosen one was
    /// available).
    pub fn mode(&self) -> CameraMode {
        self.mode
    }

    /// Every usable mode the camera offered when it was opened (as [`camera_modes`] would list them).
    pub fn modes(&self) -> &[CameraMode] {
        &self.modes
    }

    /// Frames the camera delivered that were replaced by a newer one before [`next_frame`](FrameSource::next_frame)
    /// took them (the consumer was slower than the camera).
    pub fn dropped_frames(&self) -> u64 {
        self.slot.dropped()
    }

    /// Ends the stream: later calls to `next_frame` return `None`, and the capture thread lets the camera go.
    fn end(&mut self) {
        self.ended = true;
        self.slot.close("closed");
    }
}

impl FrameSource for CameraSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn next_frame(&mut self) -> Option<Result<Frame, SourceError>> {
        if self.ended {
            return None;
        }
        let timeout = if self.next_index == 0 { self.first_frame_timeout } else { self.frame_timeout };
        let name = &self.info.name;
        match self.slot.take(timeout) {
            Taken::Item(raw) => {
                let index = self.next_index;
                self.next_index += 1;
                let time_s = raw.arrived.saturating_duration_since(self.started).as_secs_f64();
                Some(match decode_frame(&raw.data, raw.width, raw.height, raw.format) {
                    Ok(image) => Ok(Frame {
                        image: Arc::new(image),
                        index,
                        time_s,
                        clip_time_s: time_s,
                        source: name.clone(),
                        mirrored: self.mirrored,
                    }),
                    Err(reason) => Err(SourceError::CameraBadFrame { name: name.clone(), index, reason }),
                })
            }
            Taken::Closed(reason) => {
                let name = name.clone();
                self.end();
                Some(Err(SourceError::CameraLost { name, reason }))
            }
            Taken::TimedOut => {
                let name = name.clone();
                self.end();
                let reason = format!("no frame for {:.0} s", timeout.as_secs_f64());
                Some(Err(SourceError::CameraLost { name, reason }))
            }
        }
    }

    /// A live camera cannot go back: this does nothing and succeeds (frame indices and times go on counting).
    fn rewind(&mut self) -> Result<(), SourceError> {
        Ok(())
    }
}

impl Drop for CameraSource {
    /// Stops the capture thread and waits (a little) for it to release the camera, so that it can be opened again
    /// right away. A thread stuck in the driver is left behind rather than blocking the caller.
    fn drop(&mut self) {
        self.slot.close("closed");
        if let Some(done) = self.thread_done.take() {
            match done.recv_timeout(CLOSE_WAIT) {
                Err(RecvTimeoutError::Timeout) => {}
                _ => {
                    if let Some(thread) = self.thread.take() {
                        let _ = thread.join();
                    }
                }
            }
        }
    }
}

/// The body of the capture thread: opens the camera, reports it (or the error) on `opened`, then dequeues frames
/// into `slot` until the slot is closed or the camera fails.
fn capture(
    camera: &CameraInfo,
    requested: Option<CameraMode>,
    slot: &Mailbox<RawFrame>,
    opened: &mpsc::Sender<Result<Opened, SourceError>>,
) {
    let mut reported = false;
    let outcome = guarded(|| {
        let (mut device, mode, modes) = match start_stream(camera, requested) {
            Ok(started) => started,
            Err(e) => {
                reported = true;
                let _ = opened.send(Err(e));
                return;
            }
        };
        reported = true;
        if opened.send(Ok(Opened { mode, modes, started: Instant::now() })).is_err() {
            return; // open() gave up waiting.
        }
        read_frames(&mut device, mode, slot);
        // Dropping the device stops the stream and closes it.
    });
    if let Err(reason) = outcome {
        if reported {
            slot.close(reason);
        } else {
            let _ = opened.send(Err(SourceError::CameraOpen { name: camera.name.clone(), reason }));
        }
    }
}

/// Opens `camera`, sets the mode [`pick_mode`] chooses and starts the stream.
fn start_stream(
    camera: &CameraInfo,
    requested: Option<CameraMode>,
) -> Result<(Camera, CameraMode, Vec<CameraMode>), SourceError> {
    let name = camera.name.as_str();
    let mut device = open_device(camera)?;
    let formats = device.compatible_camera_formats().map_err(|e| open_error(name, &e))?;
    let modes = usable_modes(formats.iter().map(|f| CameraMode::from_nokhwa(*f)));
    let Some(mode) = pick_mode(&modes, requested) else {
        let offered = formats.iter().map(|f| CameraMode::from_nokhwa(*f).to_string()).collect::<Vec<_>>();
        let offered = if offered.is_empty() { "nothing".to_string() } else { offered.join(", ") };
        return Err(SourceError::CameraUnsupported { name: name.to_string(), offered });
    };
    let format = mode.to_nokhwa().expect("pick_mode only picks decodable modes");
    if device.camera_format() != format {
        device
            .set_camera_requset(RequestedFormat::with_formats(RequestedFormatType::Exact(format), &[format.format()]))
            .map_err(|e| open_error(name, &e))?;
    }
    device.open_stream().map_err(|e| open_error(name, &e))?;
    let mode = CameraMode::from_nokhwa(device.camera_format());
    Ok((device, mode, modes))
}

/// Dequeues frames of `mode` into `slot` until it is closed (the source was dropped) or reads keep failing
/// (unplugged). Each frame is copied once, out of the driver's buffer.
fn read_frames(device: &mut Camera, mode: CameraMode, slot: &Mailbox<RawFrame>) {
    let mut failures = 0;
    while !slot.is_closed() {
        let read = device.frame_raw().map(|data| {
            let arrived = Instant::now();
            (data.into_owned(), arrived)
        });
        match read {
            Ok((data, arrived)) => {
                failures = 0;
                let frame = RawFrame { data, width: mode.width, height: mode.height, format: mode.format, arrived };
                if slot.put(frame) == Put::Closed {
                    return;
                }
            }
            Err(e) => {
                failures += 1;
                if failures >= MAX_READ_ERRORS {
                    slot.close(e.to_string());
                    return;
                }
                thread::sleep(READ_RETRY_PAUSE);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PixelFormat::Yuyv;

    fn mode(format: PixelFormat, width: u32, height: u32, fps: u32) -> CameraMode {
        CameraMode { width, height, fps, format }
    }

    // ---- the source, fed without a camera ----

    fn test_source(mirrored: bool) -> (CameraSource, Arc<Mailbox<RawFrame>>, Instant) {
        let slot = Arc::new(Mailbox::new());
        let started = Instant::now();
        let camera = CameraInfo { id: "0".into(), name: "HD Webcam".into(), description: String::new() };
        let mut source = CameraSource::with_slot(camera, mode(Yuyv, 2, 2, 30), mirrored, started, Arc::clone(&slot));
        source.frame_timeout = Duration::from_millis(50);
        source.first_frame_timeout = Duration::from_millis(50);
        (source, slot, started)
    }

    fn yuyv_frame(data: &[u8], arrived: Instant) -> RawFrame {
        RawFrame { data: data.to_vec(), width: 2, height: 2, format: Yuyv, arrived }
    }

    #[test]
    fn source_info_and_frames() {
        let (mut source, slot, started) = test_source(true);
        let info = source.info().clone();
        assert_eq!(info.kind, SourceKind::Camera);
        assert_eq!((info.width, info.height, info.fps, info.frame_count), (2, 2, Some(30.0), None));
        assert_eq!(info.name, "HD Webcam");

        let pixels = [81, 90, 81, 240, 16, 128, 235, 128];
        assert!(slot.put(yuyv_frame(&pixels, started + Duration::from_millis(250))).accepted());
        let frame = source.next_frame().expect("a frame").expect("decoded");
        assert_eq!((frame.index, frame.time_s, frame.mirrored), (0, 0.25, true));
        assert_eq!(frame.source, "HD Webcam");
        assert_eq!(frame.image.as_raw(), &[255, 0, 0, 255, 0, 0, 0, 0, 0, 255, 255, 255]);

        // A short frame is a non-fatal error with its own index; the stream goes on.
        assert!(slot.put(yuyv_frame(&pixels[..5], started + Duration::from_millis(283))).accepted());
        let err = source.next_frame().expect("an item").expect_err("bad frame");
        assert!(!err.is_fatal());
        assert!(matches!(err, SourceError::CameraBadFrame { index: 1, .. }), "{err:?}");
        assert!(err.to_string().starts_with("camera 'HD Webcam': frame 1 could not be decoded"), "{err}");

        // Only the newest of two frames is handed out.
        assert!(slot.put(yuyv_frame(&pixels, started + Duration::from_millis(316))).accepted());
        assert!(slot.put(yuyv_frame(&pixels, started + Duration::from_millis(350))).accepted());
        let frame = source.next_frame().expect("a frame").expect("decoded");
        assert_eq!((frame.index, frame.time_s), (2, 0.35));
        assert_eq!(source.dropped_frames(), 1);

        assert!(source.rewind().is_ok());
        assert!(slot.put(yuyv_frame(&pixels, started + Duration::from_millis(400))).accepted());
        assert_eq!(source.next_frame().expect("a frame").expect("decoded").index, 3);
    }

    #[test]
    fn unplugged_camera_ends_the_source_with_a_fatal_error() {
        let (mut source, slot, _) = test_source(false);
        slot.close("Could not capture frame: No such device (os error 19)");
        let err = source.next_frame().expect("an item").expect_err("lost");
        assert!(err.is_fatal());
        assert_eq!(
            err.to_string(),
            "camera 'HD Webcam' stopped sending frames (unplugged?) (Could not capture frame: No such device (os \
             error 19)). mirrorcue will reconnect when it is back"
        );
        assert!(source.next_frame().is_none());
        assert!(source.next_frame().is_none());
    }

    #[test]
    fn a_camera_that_stops_sending_times_out() {
        let (mut source, _slot, _) = test_source(false);
        let err = source.next_frame().expect("an item").expect_err("lost");
        assert!(matches!(err, SourceError::CameraLost { .. }), "{err:?}");
        assert!(err.is_fatal());
        assert!(source.next_frame().is_none());
    }

    #[test]
    fn next_frame_waits_for_the_producer_thread() {
        let (mut source, slot, started) = test_source(false);
        source.first_frame_timeout = Duration::from_secs(5);
        let producer = thread::spawn(move || {
            thread::sleep(Duration::from_millis(30));
            slot.put(yuyv_frame(&[16, 128, 16, 128, 16, 128, 16, 128], Instant::now()));
        });
        let frame = source.next_frame().expect("a frame").expect("decoded");
        assert!(frame.time_s >= 0.03 && frame.time_s < 5.0, "{}", frame.time_s);
        assert!(started.elapsed().as_secs_f64() >= frame.time_s);
        producer.join().expect("producer");
    }

    #[test]
    fn camera_source_is_send() {
        fn is_send<T: Send>() {}
        is_send::<CameraSource>();
        let (source, _, _) = test_source(false);
        let boxed: Box<dyn FrameSource> = Box::new(source);
        assert_eq!(boxed.info().kind, SourceKind::Camera);
    }

    // ---- this machine (and CI) has no camera: the real calls must fail cleanly ----
    #[test]
    fn opening_without_a_camera_is_a_clear_error() {
        if !list_cameras().expect("list").is_empty() {
            return; // a machine with a camera: nothing to check here
        }
        let err = CameraSource::open(&CameraChoice::default()).err().expect("no camera to open");
        assert!(matches!(err, SourceError::NoCamera), "{err:?}");
        assert!(err.is_fatal());
        assert!(err.to_string().starts_with("no camera found"), "{err}");
        let choice = CameraChoice { camera: Some("/dev/video7".into()), ..CameraChoice::default() };
        assert!(matches!(CameraSource::open(&choice), Err(SourceError::NoCamera)));
    }
}
