//! [`write_behind`]: the output of a frame loop (keypoint lines, rendered frames, an encoded recording) written on
//! a thread of its own, up to a few items behind the loop, so that the pose model does not wait for the encoder or
//! the disk. With [`read_ahead`](super::read_ahead()) a command runs as three stages:
//!
//! ```text
//! decoding thread ──[AHEAD frames]──▶ caller's thread: pose ──[BEHIND items]──▶ output thread: write
//! ```
//! Items reach the output in the order they were sent. Memory is bounded: at most [`BEHIND`] items wait. When the
//! output fails (a full disk), it stops taking items, [`Behind::send`] says so from then on (the loop should stop),
//! and the output's error is returned when the stage ends; items sent before the failure and not yet written are
//! dropped with it. A panic on the output thread is raised again on the caller's, as if it had written there. If no
//! thread can be started, the output runs on the caller's thread, in the same order.

use std::sync::Mutex;
use std::sync::mpsc::{SyncSender, sync_channel};

/// Items waiting for the output, at most.
pub const BEHIND: usize = 4;

/// Where the loop sends its items (see the [module docs](self)).
pub struct Behind<'a, T, E> {
    to: To<'a, T, E>,
}

enum To<'a, T, E> {
    /// The output thread's queue; `None` after the output stopped.
    Thread(Option<SyncSender<T>>),
    /// The output itself, run on the caller's thread; its first error is kept.
    Inline { output: &'a mut dyn FnMut(T) -> Result<(), E>, failed: Option<E> },
}

impl<T, E> Behind<'_, T, E> {
    /// Hands `item` to the output (waiting while [`BEHIND`] items wait). `false` once the output has failed: its
    /// error comes when the stage ends, and the loop should stop.
    pub fn send(&mut self, item: T) -> bool {
        match &mut self.to {
            To::Thread(tx) => {
                let sent = tx.as_ref().is_some_and(|tx| tx.send(item).is_ok());
                if !sent {
                    *tx = None;
                }
                sent
            }
            To::Inline { output, failed } => {
                if failed.is_none()
                    && let Err(e) = output(item)
                {
                    *failed = Some(e);
                }
                failed.is_none()
            }
        }
    }
}

/// Runs `body` on the caller's thread while `output` takes, on a thread of its own, the items `body` sends through
/// its [`Behind`]; returns what `body` returned and how the output ended (its first error). The output has written
/// every item sent when this returns.
pub fn write_behind<T: Send, E: Send, R>(
    output: impl FnMut(T) -> Result<(), E> + Send,
    body: impl FnOnce(&mut Behind<'_, T, E>) -> R,
) -> (R, Result<(), E>) {
    // The slot gives the output back if the thread cannot be started.
    let slot = Mutex::new(Some(output));
    std::thread::scope(|scope| {
        let (tx, items) = sync_channel::<T>(BEHIND);
        let slot_ref = &slot;
        let spawned = std::thread::Builder::new().name("mirrorcue-output".into()).spawn_scoped(scope, move || {
            let Some(mut output) = slot_ref.lock().unwrap_or_else(|e| e.into_inner()).take() else {
                return Ok(());
            };
            // A failed output returns, dropping the queue: the loop's next send says so.
            items.into_iter().try_for_each(&mut output)
        });
        match spawned {
            Ok(thread) => {
                let mut behind = Behind { to: To::Thread(Some(tx)) };
                let result = body(&mut behind);
                // Closing the queue lets the output finish what waits, then end.
                drop(behind);
                let ended = thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (result, ended)
            }
            Err(_) => match slot.lock().unwrap_or_else(|e| e.into_inner()).take() {
                Some(output) => inline(output, body),
                None => unreachable!("the output is taken only by its thread, which did not start"),
            },
        }
    })
}

/// [`write_behind`] with the output on the caller's thread (when no thread can be started).
fn inline<T, E, R>(
    mut output: impl FnMut(T) -> Result<(), E>,
    body: impl FnOnce(&mut Behind<'_, T, E>) -> R,
) -> (R, Result<(), E>) {
    let mut behind = Behind { to: To::Inline { output: &mut output, failed: None } };
    let result = body(&mut behind);
    let To::Inline { failed, .. } = behind.to else { unreachable!("an inline stage stays inline") };
    (result, failed.map_or(Ok(()), Err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_written_in_order_before_the_stage_ends() {
        let mut written = Vec::new();
        let (sent, ended) = write_behind(
            |i: u32| -> Result<(), String> {
                written.push(i);
                Ok(())
            },
            |behind| (0..100).filter(|&i| behind.send(i)).count(),
        );
        assert_eq!(sent, 100);
        assert_eq!(ended, Ok(()));
        assert_eq!(written, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn a_failed_output_stops_the_loop_and_its_error_comes_back() {
        let mut written = Vec::new();
        let (sent, ended) = write_behind(
            |i: u32| {
                if i == 10 {
                    return Err(format!("disk full at item {i}"));
                }
                written.push(i);
                Ok(())
            },
            // The loop goes on until a send says the output stopped, as a frame loop would.
            |behind| (0..1000).take_while(|&i| behind.send(i)).count(),
        );
        assert_eq!(ended, Err("disk full at item 10".to_string()));
        assert_eq!(written, (0..10).collect::<Vec<_>>());
        // The output stopped at item 10; the loop learnt it at most a queue's length (and one in hand) later.
        assert!((11..=11 + BEHIND + 1).contains(&sent), "sent {sent}");
    }

    #[test]
    fn inline_the_output_takes_the_same_items_and_stops_the_same_way() {
        let mut written = Vec::new();
        let (sent, ended) = inline(
            |i: u32| {
                if i == 3 {
                    return Err("full");
                }
                written.push(i);
                Ok(())
            },
            |behind| (0..10).take_while(|&i| behind.send(i)).count(),
        );
        assert_eq!((sent, ended), (3, Err("full")));
        assert_eq!(written, [0, 1, 2]);
    }

    #[test]
    fn the_output_runs_on_a_thread_of_its_own() {
        let caller = std::thread::current().id();
        let ((), ended) = write_behind(
            |_: ()| -> Result<(), ()> {
                assert_ne!(std::thread::current().id(), caller);
                Ok(())
            },
            |behind| assert!(behind.send(())),
        );
        assert_eq!(ended, Ok(()));
    }

    #[test]
    #[should_panic(expected = "output panicked")]
    fn a_panic_on_the_output_thread_is_raised_on_the_callers() {
        let _ = write_behind(|_: ()| -> Result<(), ()> { panic!("output panicked") }, |behind| behind.send(()));
    }
}
