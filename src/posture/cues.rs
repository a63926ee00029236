//! From checkpoint states to one calm cue at a time: a short delay before a cue appears, highest priority first,
//! and a cooldown before the same cue repeats.

use serde::{Deserialize, Serialize};

use super::checkpoint::CheckState;

/// Cue timing.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CueTiming {
    /// Seconds a checkpoint must be out before its cue appears.
    pub delay_s: f32,
    /// Seconds after a cue ends before the same cue may show again.
    pub cooldown_s: f32,
}

impl Default for CueTiming {
    fn default() -> Self {
        CueTiming { delay_s: 0.6, cooldown_s: 4.0 }
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
    cooldown_until: f64,
}

/// Chooses the cue to show from the checkpoints' states.
#[derive(Clone, Debug, Default)]
pub struct CueEngine {
    timing: CueTiming,
    tracks: Vec<Track>,
    current: Option<Cue>,
    /// How many times each checkpoint's cue was shown.
    pub shown: Vec<u32>,
}

impl CueEngine {
    /// An engine for `n` checkpoints.
    pub fn new(n: usize, timing: CueTiming) -> Self {
        CueEngine { timing, tracks: vec![Track::default(); n], current: None, shown: vec![0; n] }
    }

    /// Updates with this frame's states at `time_s`; `texts[i]` and `priorities[i]` describe checkpoint i.
    /// Returns the cue to show, if any.
    pub fn update(&mut self, time_s: f64, states: &[CheckState], texts: &[&str], priorities: &[u8]) -> Option<&Cue> {
        for (i, s) in states.iter().enumerate() {
            let t = &mut self.tracks[i];
            if *s == CheckState::Out {
                t.out_since.get_or_insert(time_s);
            } else {
                t.out_since = None;
            }
        }
        // The current cue ends when its checkpoint is no longer out.
        if let Some(c) = &self.current
            && self.tracks[c.checkpoint].out_since.is_none()
        {
            self.tracks[c.checkpoint].cooldown_until = time_s + self.timing.cooldown_s as f64;
            self.current = None;
        }
        let candidate = (0..states.len())
            .filter(|&i| {
                let t = &self.tracks[i];
                t.out_since.is_some_and(|s| time_s - s >= self.timing.delay_s as f64) && time_s >= t.cooldown_until
            })
            .min_by_key(|&i| (priorities[i], i));
        match (candidate, &self.current) {
            (Some(i), Some(c)) if priorities[i] < priorities[c.checkpoint] => {
                self.tracks[c.checkpoint].cooldown_until = time_s + self.timing.cooldown_s as f64;
                self.current = Some(Cue { checkpoint: i, text: texts[i].to_string(), since_s: time_s });
                self.shown[i] += 1;
            }
            (Some(i), None) => {
                self.current = Some(Cue { checkpoint: i, text: texts[i].to_string(), since_s: time_s });
                self.shown[i] += 1;
            }
            _ => {}
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
        let mut e = CueEngine::new(2, CueTiming { delay_s: 0.5, cooldown_s: 2.0 });
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
}
