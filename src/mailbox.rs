//! A newest-wins mailbox: the one-slot hand-over between two threads of the live path.
//!
//! A producer [`put`](Mailbox::put)s, a consumer [`take`](Mailbox::take)s. The slot holds one item: a new item
//! replaces one not yet taken, which is counted as dropped ([`dropped`](Mailbox::dropped)), so a slow consumer
//! always gets the newest item and nothing ever queues. Either side can [`close`](Mailbox::close) it with a reason:
//! the producer is then told to stop (`put` returns [`Put::Closed`]), and the consumer still gets an item put before
//! the close, then [`Taken::Closed`].
//!
//! Used between the camera's driver thread and its [`FrameSource`](crate::source::FrameSource)
//! (`source::camera`), and between the capture, pose and display stages of the live pipeline (`live`).

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A one-slot, newest-wins hand-over between a producer and a consumer thread. See the [module docs](self).
pub struct Mailbox<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
}

struct State<T> {
    item: Option<T>,
    closed: Option<String>,
    put: u64,
    dropped: u64,
}

/// What [`Mailbox::put`] did with the item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Put {
    /// The slot was empty: the item waits there.
    Stored,
    /// An item not yet taken was replaced by this one (and counted as dropped).
    Replaced,
    /// The mailbox is closed: the item was dropped, and the producer should stop.
    Closed,
}

impl Put {
    /// Whether the item is in the mailbox (stored or replacing another).
    pub fn accepted(self) -> bool {
        self != Put::Closed
    }
}

/// What [`Mailbox::take`] got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Taken<T> {
    /// The newest item.
    Item(T),
    /// Closed and empty, with the first reason given.
    Closed(String),
    /// Nothing arrived in time.
    TimedOut,
}

impl<T> Taken<T> {
    /// The item, if one was taken.
    pub fn item(self) -> Option<T> {
        match self {
            Taken::Item(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> Default for Mailbox<T> {
    fn default() -> Self {
        Mailbox { state: Mutex::new(State { item: None, closed: None, put: 0, dropped: 0 }), changed: Condvar::new() }
    }
}

impl<T> Mailbox<T> {
    /// An empty, open mailbox.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panicking holder cannot leave these plain values inconsistent; carry on with them.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts `item` in, replacing an item not yet taken (counted as dropped). A closed mailbox drops `item` and
    /// answers [`Put::Closed`].
    pub fn put(&self, item: T) -> Put {
        let mut state = self.lock();
        if state.closed.is_some() {
            return Put::Closed;
        }
        state.put += 1;
        let outcome = if state.item.replace(item).is_some() {
            state.dropped += 1;
            Put::Replaced
        } else {
            Put::Stored
        };
        drop(state);
        self.changed.notify_all();
        outcome
    }

    /// Takes the item if there is one, without waiting.
    pub fn try_take(&self) -> Option<T> {
        self.lock().item.take()
    }

    /// Waits up to `timeout` for an item. An item put before a close is still delivered.
    pub fn take(&self, timeout: Duration) -> Taken<T> {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        loop {
            if let Some(item) = state.item.take() {
                return Taken::Item(item);
            }
            if let Some(reason) = &state.closed {
                return Taken::Closed(reason.clone());
            }
            let now = Instant::now();
            if now >= deadline {
                return Taken::TimedOut;
            }
            state = self.changed.wait_timeout(state, deadline - now).unwrap_or_else(PoisonError::into_inner).0;
        }
    }

    /// Waits up to `timeout` for an item; `None` on time-out, or when closed and empty.
    pub fn take_timeout(&self, timeout: Duration) -> Option<T> {
        self.take(timeout).item()
    }

    /// Closes the mailbox (the first reason is kept) and wakes every waiter. Later puts are refused; an item still
    /// in the slot is delivered, then takes answer [`Taken::Closed`].
    pub fn close(&self, reason: impl Into<String>) {
        let mut state = self.lock();
        if state.closed.is_none() {
            state.closed = Some(reason.into());
        }
        drop(state);
        self.changed.notify_all();
    }

    /// Whether the mailbox was closed.
    pub fn is_closed(&self) -> bool {
        self.lock().closed.is_some()
    }

    /// How many items were put in (refused ones not counted).
    pub fn put_count(&self) -> u64 {
        self.lock().put
    }

    /// How many items were replaced before being taken.
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn keeps_only_the_newest_and_counts_what_it_replaced() {
        let m = Mailbox::new();
        assert_eq!(m.put(1), Put::Stored);
        assert_eq!(m.put(2), Put::Replaced);
        assert_eq!(m.put(3), Put::Replaced);
        assert_eq!(m.try_take(), Some(3));
        assert_eq!(m.try_take(), None);
        assert_eq!(m.dropped(), 2);
        assert_eq!(m.put_count(), 3);
        assert_eq!(m.put(4), Put::Stored, "an empty slot again: nothing replaced");
        assert_eq!(m.dropped(), 2);
    }

    #[test]
    fn take_times_out_when_nothing_comes() {
        let m: Mailbox<u8> = Mailbox::new();
        let t = Instant::now();
        assert_eq!(m.take(Duration::from_millis(20)), Taken::TimedOut);
        assert!(t.elapsed() >= Duration::from_millis(20));
        assert_eq!(m.take_timeout(Duration::from_millis(1)), None);
    }

    #[test]
    fn an_item_put_before_the_close_is_still_delivered() {
        let m = Mailbox::new();
        m.put("last");
        m.close("camera unplugged");
        m.close("a second reason is ignored");
        assert!(m.is_closed());
        assert_eq!(m.put("refused"), Put::Closed);
        assert!(!Put::Closed.accepted() && Put::Replaced.accepted());
        assert_eq!(m.take(Duration::from_secs(5)), Taken::Item("last"));
        assert_eq!(m.take(Duration::from_secs(5)), Taken::Closed("camera unplugged".into()), "returns at once");
        assert_eq!(m.put_count(), 1);
    }

    #[test]
    fn a_waiting_consumer_wakes_for_an_item_and_for_a_close() {
        let m = Arc::new(Mailbox::new());
        let producer = {
            let m = m.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(30));
                m.put(7u32);
                std::thread::sleep(Duration::from_millis(30));
                m.close("done");
            })
        };
        assert_eq!(m.take(Duration::from_secs(10)), Taken::Item(7));
        let t = Instant::now();
        assert_eq!(m.take(Duration::from_secs(10)), Taken::Closed("done".into()));
        assert!(t.elapsed() < Duration::from_secs(5), "woken by the close, not by the time-out");
        producer.join().unwrap();
    }
}
