//! From checkpoint states to one calm cue at a time.
//!
//! - A checkpoint's cue appears once it has been out of tolerance for `delay_s` (a blip does not cue).
//! - A cue stays on screen at least `min_dwell_s` (default 3 s): long enough to read and act on. Before that,
//!   nothing replaces it, not even a higher priority; after it, only a higher priority (a smaller number) does.
//! - A cue ends when it is resolved: its checkpoint has been back in tolerance (or out of view, or outside its
//!   phase) for `resolve_s` without a break, so a checkpoint wavering at its edge does not end and restart its
//!   cue. Then the screen stays quiet for `gap_s` before another cue, and the same cue does not return for
//!   `cooldown_s`.
//! - Among the candidates, the highest priority wins; among equals, the one out the longest, then the first.

use serde::{Deserialize, Serialize};

use super::checkpoint::CheckState;

/// Cue timing, in seconds of session time.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CueTiming {
    /// Seconds a checkpoint must be out before its cue appears.
    pub delay_s: f32,
    /// Seconds after a cue ends before the same cue may show again.
    pub cooldown_s: f32,
    /// Seconds a cue stays on screen at least, unless resolved (format 2; default 3).
    pub min_dwell_s: f32,
    /// Seconds a checkpoint must be back in tolerance for its cue to count as resolved (format 2; default 0.8).
    pub resolve_s: f32,
    /// Quiet seconds after a cue ends before another appears (format 2; default 1).
    pub gap_s: f32,
}

impl Default for CueTiming {
    fn default() -> Self {
        CueTiming { delay_s: 0.6, cooldown_s: 4.0, min_dwell_s: 3.0, resolve_s: 0.8, gap_s: 1.0 }
    }
}

/// The cue on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Cue {
    /// Index of the checkpoint in the protocol.
    pub checkpoint: usize,
    /// The text for the patient.
    pub text: String,
    /// When it appeared (session seconds).
    pub since_s: f64,
}

#[derive(Clone, Debug, Default)]
struct Track {
    out_since: Option<f64>,
    in_since: Option<f64>,
    cooldown_until: f64,
}

/// Chooses the cue to show from the checkpoints' states.
#[derive(Clone, Debug, Default)]
pub struct CueEngine {
    timing: CueTiming,
    tracks: Vec<Track>,
    current: Option<Cue>,
    quiet_until: f64,
    /// How many times each checkpoint's cue was shown.
    pub shown: Vec<u32>,
}

impl CueEngine {
    /// An engine for `n` checkpoints.
    pub fn new(n: usize, timing: CueTiming) -> Self {
        CueEngine { timing, tracks: vec![Track::default(); n], current: None, quiet_until: 0.0, shown: vec![0; n] }
    }

    /// The timing.
    pub fn timing(&self) -> CueTiming {
        self.timing
    }

    /// After the protocol was edited: `old_of_new[i]` is the old index of new checkpoint `i` (or `None` for a new
    /// one). Tracks, counts and the cue on screen follow their checkpoints; a cue whose checkpoint is gone ends.
    pub fn remap(&mut self, old_of_new: &[Option<usize>], timing: CueTiming) {
        self.timing = timing;
        let tracks = old_of_new.iter().map(|o| o.and_then(|i| self.tracks.get(i).cloned()).unwrap_or_default());
        let shown = old_of_new.iter().map(|o| o.and_then(|i| self.shown.get(i).copied()).unwrap_or(0));
        self.tracks = tracks.collect();
        self.shown = shown.collect();
        self.current = self.current.take().and_then(|c| {
            let i = old_of_new.iter().position(|o| *o == Some(c.checkpoint))?;
            Some(Cue { checkpoint: i, ..c })
        });
    }

    /// Updates with this frame's states at `time_s`; `texts[i]` and `priorities[i]` describe checkpoint i.
    /// Returns the cue to show, if any.
    pub fn update(&mut self, time_s: f64, states: &[CheckState], texts: &[&str], priorities: &[u8]) -> Option<&Cue> {
        let t = &self.timing;
        for (i, s) in states.iter().enumerate() {
            let tr = &mut self.tracks[i];
            if *s == CheckState::Out {
                tr.out_since.get_or_insert(time_s);
                tr.in_since = None;
            } else {
                tr.out_since = None;
                tr.in_since.get_or_insert(time_s);
            }
        }
        // The current cue ends when resolved.
        if let Some(c) = &self.current {
            let tr = &mut self.tracks[c.checkpoint];
            if tr.in_since.is_some_and(|s| time_s - s >= t.resolve_s as f64) {
                tr.cooldown_until = time_s + t.cooldown_s as f64;
                self.quiet_until = time_s + t.gap_s as f64;
                self.current = None;
            }
        }
        let candidate = (0..states.len())
            .filter(|&i| {
                let tr = &self.tracks[i];
                tr.out_since.is_some_and(|s| time_s - s >= t.delay_s as f64) && time_s >= tr.cooldown_until
            })
            .min_by(|&a, &b| {
                let since = |i: usize| self.tracks[i].out_since.unwrap_or(time_s);
                (priorities[a], since(a), a)
                    .partial_cmp(&(priorities[b], since(b), b))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        let show = match (candidate, &self.current) {
            (Some(i), Some(c)) => {
                let dwelt = time_s - c.since_s >= t.min_dwell_s as f64;
                (dwelt && priorities[i] < priorities[c.checkpoint]).then(|| {
                    self.tracks[c.checkpoint].cooldown_until = time_s + t.cooldown_s as f64;
                    i
                })
            }
            (Some(i), None) => (time_s >= self.quiet_until).then_some(i),
            _ => None,
        };
        if let Some(i) = show {
            self.current = Some(Cue { checkpoint: i, text: texts[i].to_string(), since_s: time_s });
            self.shown[i] += 1;
        }
        self.current.as_ref()
    }

    /// The cue on screen.
    pub fn current(&self) -> Option<&Cue> {
        self.current.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CheckState::*;

    #[test]
    fn delay_priority_and_cooldown() {
        let mut e = CueEngine::new(
            2,
            CueTiming { delay_s: 0.5, cooldown_s: 2.0, min_dwell_s: 0.5, resolve_s: 0.0, gap_s: 0.0 },
        );
        let texts = ["shoulder down", "stand tall"];
        let prio = [2, 1];
        assert!(e.update(0.0, &[Out, InTolerance], &texts, &prio).is_none(), "not before the delay");
        assert_eq!(e.update(0.6, &[Out, InTolerance], &texts, &prio).unwrap().text, "shoulder down");
        // A higher-priority checkpoint goes out: after its delay it takes over.
        e.update(0.7, &[Out, Out], &texts, &prio);
        assert_eq!(e.update(1.3, &[Out, Out], &texts, &prio).unwrap().text, "stand tall");
        // Both back in: no cue; then out again within the cooldown: no cue yet.
        assert!(e.update(1.4, &[InTolerance, InTolerance], &texts, &prio).is_none());
        e.update(1.5, &[InTolerance, Out], &texts, &prio);
        assert!(e.update(2.2, &[InTolerance, Out], &texts, &prio).is_none(), "cooldown");
        assert_eq!(e.update(3.5, &[InTolerance, Out], &texts, &prio).unwrap().text, "stand tall");
        assert_eq!(e.shown, vec![1, 2]);
    }

    #[test]
    fn not_visible_never_cues() {
        let mut e = CueEngine::new(1, CueTiming::default());
        for i in 0..100 {
            assert!(e.update(i as f64 * 0.1, &[NotVisible], &["x"], &[1]).is_none());
        }
    }

    /// Three checkpoints, all out of tolerance, each wavering back in for a moment now and then (as a knee does
    /// around its line): the cue on screen must not alternate between them.
    #[test]
    fn one_calm_cue_while_several_waver() {
        let mut e = CueEngine::new(3, CueTiming::default());
        let texts = ["left knee out", "right knee out", "chest up"];
        let prio = [1, 1, 2];
        let mut changes: Vec<(f64, usize)> = Vec::new();
        for i in 0..900 {
            let t = i as f64 / 30.0;
            // Each checkpoint blips back in for 0.2 s every 1.3 s, out of step with the others.
            let states: Vec<CheckState> =
                (0..3).map(|k| if ((t + k as f64 * 0.45) % 1.3) < 0.2 { InTolerance } else { Out }).collect();
            let cue = e.update(t, &states, &texts, &prio).map(|c| c.checkpoint);
            if let Some(c) = cue
                && changes.last().is_none_or(|l| l.1 != c)
            {
                changes.push((t, c));
            }
        }
        assert!(!changes.is_empty());
        let dwell = CueTiming::default().min_dwell_s as f64;
        for w in changes.windows(2) {
            assert!(w[1].0 - w[0].0 >= dwell - 1e-6, "cue changed after {:.2} s: {changes:?}", w[1].0 - w[0].0);
        }
    }

    #[test]
    fn a_higher_priority_waits_for_the_dwell_and_a_resolved_cue_ends() {
        let mut e = CueEngine::new(2, CueTiming::default());
        let (texts, prio) = (["knee out", "chest up"], [2, 1]);
        let at = |e: &mut CueEngine, t: f64, s: [CheckState; 2]| e.update(t, &s, &texts, &prio).map(|c| c.checkpoint);
        let mut t = 0.0;
        while t < 1.0 {
            at(&mut e, t, [Out, InTolerance]);
            t += 0.05;
        }
        assert_eq!(e.current().map(|c| c.checkpoint), Some(0));
        // The chest goes out: it takes over only once the knee cue has been up 3 s (0.6 + 3).
        while t < 3.55 {
            assert_eq!(at(&mut e, t, [Out, Out]), Some(0), "at {t}");
            t += 0.05;
        }
        assert_eq!(at(&mut e, 3.65, [Out, Out]), Some(1));
        // The chest comes back: a 0.3 s return is not a resolution; 0.8 s is.
        assert_eq!(at(&mut e, 7.0, [Out, InTolerance]), Some(1));
        assert_eq!(at(&mut e, 7.3, [Out, InTolerance]), Some(1));
        assert_eq!(at(&mut e, 7.85, [Out, InTolerance]), None);
        assert_eq!(e.shown, vec![1, 1]);
    }
}
