//! Repetitions and holds.
//!
//! A repetition counts when a measure passes one threshold and is re-armed only when it passes a second one on
//! the way back (for example a squat counts when the knee angle goes below 100° and re-arms above 160°), so
//! jitter around either threshold cannot count false repetitions. A hold counts when a checkpoint stays in
//! tolerance for its hold time without a break.

use serde::{Deserialize, Serialize};

use super::checkpoint::Phase;
use super::measure::{Measure, Plane};

fn default_min_score() -> f32 {
    0.3
}

/// A repetition rule with two thresholds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepRule {
    /// A name ("squats", "left arm raises").
    pub name: String,
    /// The measure followed.
    pub measure: Measure,
    /// Image plane or world landmarks.
    #[serde(default)]
    pub plane: Plane,
    /// A repetition counts when the measure passes this value...
    pub count_at: f32,
    /// ...and the counter re-arms when it passes this one on the way back. `count_at < reset_at` counts going
    /// down (squat: knee angle below 100°, re-arm above 160°); `count_at > reset_at` counts going up (arm raise).
    pub reset_at: f32,
    /// Keypoint confidence needed.
    #[serde(default = "default_min_score")]
    pub min_score: f32,
}

impl RepRule {
    /// Whether it counts going down (the measure falls past `count_at`, as a squat's knee angle).
    pub fn counts_down(&self) -> bool {
        self.count_at < self.reset_at
    }

    /// The phase of the movement a value of its measure is in: at rest (past `reset_at`), moving, or at the end
    /// (past `count_at`).
    pub fn phase(&self, value: f32) -> Phase {
        let down = self.counts_down();
        if (down && value <= self.count_at) || (!down && value >= self.count_at) {
            Phase::End
        } else if (down && value >= self.reset_at) || (!down && value <= self.reset_at) {
            Phase::Rest
        } else {
            Phase::Moving
        }
    }
}

/// Counts repetitions of one rule.
#[derive(Clone, Debug)]
pub struct RepCounter {
    rule: RepRule,
    armed: bool,
    /// Repetitions so far.
    pub count: u32,
    /// Session times (s) at which each repetition counted.
    pub times: Vec<f64>,
}

impl RepCounter {
    /// A counter for `rule`, armed only once the measure has been on the reset side.
    pub fn new(rule: RepRule) -> Self {
        RepCounter { rule, armed: false, count: 0, times: Vec::new() }
    }

    /// The rule.
    pub fn rule(&self) -> &RepRule {
        &self.rule
    }

    /// Uses an edited rule (new thresholds, name) and keeps the count, the times and whether it is armed.
    pub fn set_rule(&mut self, rule: RepRule) {
        self.rule = rule;
    }

    /// Feeds the measure's value at `time_s` (`None` = not visible, which changes nothing); returns `true` when a
    /// repetition counted.
    pub fn update(&mut self, time_s: f64, value: Option<f32>) -> bool {
        let Some(v) = value else { return false };
        let down = self.rule.count_at < self.rule.reset_at;
        let past_count = if down { v <= self.rule.count_at } else { v >= self.rule.count_at };
        let past_reset = if down { v >= self.rule.reset_at } else { v <= self.rule.reset_at };
        if past_reset {
            self.armed = true;
        } else if past_count && self.armed {
            self.armed = false;
            self.count += 1;
            self.times.push(time_s);
            return true;
        }
        false
    }
}

/// Counts holds of one checkpoint: continuous time in tolerance of at least `hold_s`, from the session time each
/// frame covers (so a clip that loops, or a source whose clock restarts, cannot break a hold or fake one).
#[derive(Clone, Debug, Default)]
pub struct HoldCounter {
    hold_s: f32,
    held_s: f64,
    counted: bool,
    /// Completed holds.
    pub count: u32,
    /// The longest continuous time in tolerance (s).
    pub longest_s: f64,
}

impl HoldCounter {
    /// A counter for holds of `hold_s` seconds (`f32::INFINITY`: only the longest time is kept).
    pub fn new(hold_s: f32) -> Self {
        HoldCounter { hold_s, ..Default::default() }
    }

    /// Feeds whether the checkpoint is in tolerance during the `dt_s` seconds this frame covers; returns `true`
    /// when a hold completes.
    pub fn update(&mut self, dt_s: f64, in_tolerance: bool) -> bool {
        if !in_tolerance {
            self.held_s = 0.0;
            self.counted = false;
            return false;
        }
        self.held_s += dt_s.max(0.0);
        self.longest_s = self.longest_s.max(self.held_s);
        // A hundredth of a second of slack: frame times are rounded to the millisecond.
        if !self.counted && self.held_s + 0.005 >= self.hold_s as f64 {
            self.counted = true;
            self.count += 1;
            return true;
        }
        false
    }

    /// The hold time asked for (s).
    pub fn hold_s(&self) -> f32 {
        self.hold_s
    }

    /// Uses a new hold time, keeping the count and the current stretch.
    pub fn set_hold_s(&mut self, hold_s: f32) {
        self.hold_s = hold_s;
    }

    /// Seconds held so far in the current stretch.
    pub fn current_s(&self) -> f64 {
        self.held_s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::Joint;

    fn squat_rule() -> RepRule {
        RepRule {
            name: "squats".into(),
            measure: Measure::angle(Joint::LeftHip, Joint::LeftKnee, Joint::LeftAnkle),
            plane: Plane::Image,
            count_at: 100.0,
            reset_at: 160.0,
            min_score: 0.3,
        }
    }

    #[test]
    fn counts_each_squat_once_despite_jitter() {
        let mut c = RepCounter::new(squat_rule());
        let mut t = 0.0;
        for _ in 0..3 {
            // Down from standing to a deep squat and back, with ±5° jitter around both thresholds.
            for v in [
                175.0, 170.0, 150.0, 120.0, 103.0, 98.0, 103.0, 97.0, 85.0, 98.0, 104.0, 130.0, 158.0, 162.0, 157.0,
                163.0,
            ] {
                c.update(t, Some(v));
                t += 0.1;
            }
        }
        assert_eq!(c.count, 3);
        assert!(!c.update(t, None));
    }

    #[test]
    fn a_rep_needs_the_reset_side_first() {
        let mut c = RepCounter::new(squat_rule());
        // Starting in a squat does not count until the person stood up once.
        c.update(0.0, Some(80.0));
        assert_eq!(c.count, 0);
        c.update(0.1, Some(170.0));
        c.update(0.2, Some(80.0));
        assert_eq!(c.count, 1);
    }

    #[test]
    fn holds_count_continuous_time_in_tolerance() {
        let mut h = HoldCounter::new(1.0);
        let mut completed = 0;
        for i in 0..30 {
            // In for 1.5 s, out for a frame, in again for 1.4 s (0.1 s per frame).
            completed += h.update(0.1, i != 15) as u32;
        }
        assert_eq!(completed, 2);
        assert_eq!(h.count, 2);
        assert!((h.longest_s - 1.5).abs() < 1e-9, "{}", h.longest_s);
    }

    #[test]
    fn phases_of_a_squat_and_a_raise() {
        let r = squat_rule();
        assert_eq!(r.phase(170.0), Phase::Rest);
        assert_eq!(r.phase(130.0), Phase::Moving);
        assert_eq!(r.phase(90.0), Phase::End);
        let raise = RepRule { count_at: 150.0, reset_at: 60.0, ..squat_rule() };
        assert_eq!(raise.phase(30.0), Phase::Rest);
        assert_eq!(raise.phase(160.0), Phase::End);
    }
}
