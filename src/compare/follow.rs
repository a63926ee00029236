//! Following a movement live: where in the reference the patient is now.
//!
//! Open-end dynamic time warping on joint angles, one patient frame at a time. The alignment starts with the
//! reference's first frame when the patient starts (or when a repetition ends); each new patient frame adds one
//! column of the cost matrix (`D(t, j) = c(t, j) + min(D(t−1, j), D(t−1, j−1), D(t, j−1))`), and the patient's
//! position is the reference frame whose best path has the lowest mean cost. So a patient who squats at half the
//! demonstration's speed sees the demonstration at half speed, and a patient who holds still holds the reference
//! still. When the patient reaches the end of the reference, the repetition is scored and following starts again.

use super::joint_similarity;

/// Mean absolute angle difference over the angles seen in both (degrees); a pair with none in common costs the most.
fn cost(a: &[Option<f32>], b: &[Option<f32>]) -> f32 {
    super::frame_cost(a, b).unwrap_or(super::MISSING_COST)
}

/// Mean similarity (0..1) of the angles seen in both.
fn similarity(a: &[Option<f32>], b: &[Option<f32>]) -> Option<f32> {
    let s: Vec<f32> = a.iter().zip(b).filter_map(|(x, y)| Some(joint_similarity((*x)?, (*y)?))).collect();
    (!s.is_empty()).then(|| s.iter().sum::<f32>() / s.len() as f32)
}

/// What one patient frame gave.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FollowStep {
    /// The reference frame matching the patient now.
    pub position: usize,
    /// A repetition just ended: its mean similarity (0..1) along the alignment.
    pub rep_done: Option<f32>,
}

/// Follows a patient through a reference angle track.
#[derive(Clone, Debug)]
pub struct MovementFollower {
    reference: Vec<Vec<Option<f32>>>,
    acc: Vec<f32>,
    len: Vec<u32>,
    started: bool,
    position: usize,
    reached_end: bool,
    rep: (f32, u32),
}

impl MovementFollower {
    /// A follower through `reference` (angles per frame).
    pub fn new(reference: Vec<Vec<Option<f32>>>) -> Self {
        let n = reference.len();
        MovementFollower {
            reference,
            acc: vec![0.0; n],
            len: vec![0; n],
            started: false,
            position: 0,
            reached_end: false,
            rep: (0.0, 0),
        }
    }

    /// Forgets the patient so far: the next frame starts at the reference's beginning.
    pub fn restart(&mut self) {
        self.started = false;
        self.position = 0;
        self.reached_end = false;
        self.rep = (0.0, 0);
    }

    /// The reference frame matching the patient now.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Adds the patient's next frame (its angles); returns where they are in the reference.
    pub fn push(&mut self, angles: &[Option<f32>]) -> FollowStep {
        let m = self.reference.len();
        if m == 0 {
            return FollowStep { position: 0, rep_done: None };
        }
        let costs: Vec<f32> = self.reference.iter().map(|r| cost(r, angles)).collect();
        if !self.started {
            // Column 0: the path must start at the reference's first frame.
            let mut run = 0.0;
            for (j, c) in costs.iter().enumerate() {
                run += c;
                self.acc[j] = run;
                self.len[j] = j as u32 + 1;
            }
            self.started = true;
        } else {
            let mut prev_diag = (self.acc[0], self.len[0]);
            self.acc[0] += costs[0];
            self.len[0] += 1;
            for (j, &c) in costs.iter().enumerate().skip(1) {
                let up = (self.acc[j], self.len[j]); // D(t−1, j): the reference waits
                let diag = prev_diag; // D(t−1, j−1): both advance
                let left = (self.acc[j - 1], self.len[j - 1]); // D(t, j−1): the reference advances
                prev_diag = up;
                // Pick the predecessor with the lowest mean cost, so paths of different length compare fairly.
                let best = [diag, up, left]
                    .into_iter()
                    .min_by(|a, b| (a.0 / a.1 as f32).total_cmp(&(b.0 / b.1 as f32)))
                    .unwrap_or(diag);
                self.acc[j] = best.0 + c;
                self.len[j] = best.1 + 1;
            }
        }
        // Where the patient is: the lowest mean cost, never more than a frame or two back (no jitter backwards).
        let from = self.position.saturating_sub(2);
        let pos = (from..m)
            .min_by(|&a, &b| (self.acc[a] / self.len[a] as f32).total_cmp(&(self.acc[b] / self.len[b] as f32)))
            .unwrap_or(0);
        self.position = pos;
        if let Some(s) = similarity(&self.reference[pos], angles) {
            self.rep.0 += s;
            self.rep.1 += 1;
        }
        let tail = (m / 10).max(2);
        if pos + tail >= m {
            self.reached_end = true;
        }
        // The repetition ends at the reference's last frame, or near it when the patient is back at the start.
        let rep_over =
            self.reached_end && m > 2 && (pos + 1 >= m || costs[0] <= costs[pos]) && self.rep.1 as usize >= m / 3;
        let mut rep_done = None;
        if rep_over {
            rep_done = Some(if self.rep.1 > 0 { self.rep.0 / self.rep.1 as f32 } else { 0.0 });
            self.restart();
        }
        FollowStep { position: pos, rep_done }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One repetition: an angle going 170° → 90° → 170°, and a second angle mirroring it.
    fn rep(frames: usize) -> Vec<Vec<Option<f32>>> {
        (0..frames)
            .map(|i| {
                let phase = i as f32 / (frames - 1) as f32 * std::f32::consts::TAU;
                let a = 130.0 + 40.0 * phase.cos();
                vec![Some(a), Some(180.0 - a / 2.0)]
            })
            .collect()
    }

    #[test]
    fn a_slower_patient_is_followed_at_their_pace() {
        let reference = rep(30);
        let slow = rep(60); // the same movement at half speed
        let mut f = MovementFollower::new(reference);
        let (mut worst, mut total) = (0i64, 0i64);
        for (t, a) in slow.iter().enumerate().take(55) {
            let step = f.push(a);
            // The patient at frame t is at reference frame about t / 2.
            let expect = (t as f64 * 29.0 / 59.0).round() as i64;
            worst = worst.max((step.position as i64 - expect).abs());
            total += (step.position as i64 - expect).abs();
        }
        // At the bottom of the squat the way down and the way up look alike, so the turn may be a few frames early.
        assert!(worst <= 3, "position off by {worst} frames");
        assert!(total as f64 / 55.0 < 0.25, "mean error {} frames", total as f64 / 55.0);
    }

    #[test]
    fn holding_still_holds_the_reference_and_reps_are_scored() {
        let reference = rep(30);
        let mut f = MovementFollower::new(reference.clone());
        // Down to the bottom of the squat, then hold there.
        for a in &reference[..15] {
            f.push(a);
        }
        let bottom = f.position();
        for _ in 0..40 {
            assert!(f.push(&reference[15]).position.abs_diff(bottom) <= 2);
        }
        // Up again: the repetition ends and is scored close to 1 (the same angles, only held longer).
        let mut done = Vec::new();
        for a in &reference[15..] {
            done.extend(f.push(a).rep_done);
        }
        assert_eq!(done.len(), 1, "one repetition");
        assert!(done[0] > 0.95, "{done:?}");
        // Three more repetitions, the second one with a shallower squat (it scores lower).
        let shallow: Vec<Vec<Option<f32>>> =
            reference.iter().map(|a| vec![a[0].map(|v| v.max(120.0)), a[1].map(|v| v.min(120.0))]).collect();
        let mut scores = Vec::new();
        for r in [&reference, &shallow, &reference] {
            for a in r.iter() {
                scores.extend(f.push(a).rep_done);
            }
        }
        assert_eq!(scores.len(), 3, "{scores:?}");
        assert!(scores[1] < scores[0] - 0.03 && scores[1] < scores[2] - 0.03, "{scores:?}");
    }
}
