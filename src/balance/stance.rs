//! Foot contact from the pose, and the stance episodes built on it: single-leg stance (when the lifted foot leaves
//! and touches down again) and quiet standing.
//!
//! Everything here works in the **image plane** (pixels) with a static camera, distances in units of the
//! person's leg length `L` (hip → knee → ankle, median over the track), times in seconds from the frames' times.
//!
//! - A contact point (heel or toe) is **still** over a window of [`Params::still_s`] (at least 3 frames) when it
//!   stays within [`Params::r_still`]·L of its mean there. While a foot is down, each point still over the window
//!   ending at a frame sets its **planted** position.
//! - A foot goes **up** when its toe leaves its planted position by more than [`Params::d_lift`]·L, the heel having
//!   left its own before or with it (a foot rolls off heel first), and stays away for [`Params::lift_persist_s`] (a
//!   brief mix-up of the feet by the model as they cross does not count); lift-off is the first frame of that
//!   stretch. A point still somewhere else than where it was planted (a heel held up on the toes) is not
//!   re-planted there.
//! - A foot comes **down** (touch-down) at the first frame where both its points are still and its lowest point is
//!   not higher in the image than the other foot's lowest point by more than [`Params::h_air`]·L (a foot held still
//!   in the air is not down). (Which foot is higher in the image is not used otherwise: with a camera above the
//!   floor a foot set further back looks higher, so a foot already up in the first frame is not recognised.)
//! - **Single-leg stance** runs from a lift-off while the other foot is down, to the first of: the lifted foot
//!   touches down; the stance foot moves (heel and toe both more than [`Params::d_move`]·L from where they were, for
//!   [`Params::move_persist_s`]); the stance foot goes up too (both feet off the floor); the hands leave the hips
//!   (only when they were on the hips at the start); nobody visible for more than 0.5 s; the recording ends.
//!   Episodes shorter than [`Params::min_single_leg_s`] (a walking step) are not trials.
//! - **Quiet standing** is a stretch with both feet down and both knees straighter than [`Params::knee_straight_deg`].

use super::body::{Body, P3, Space, angle_deg, dist, sub};
use super::track::{MAX_GAP_S, PoseSample, median};
use crate::pose::{Joint, Side};

/// Thresholds of the foot-contact rules (see the module docs); the defaults were set on the lab take and the
/// squat clip of the test data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    /// Stillness window, s.
    pub still_s: f64,
    /// Stillness radius, leg lengths.
    pub r_still: f64,
    /// Lift-off distance, leg lengths.
    pub d_lift: f64,
    /// How long a lift must last, s.
    pub lift_persist_s: f64,
    /// How much higher than the other foot a still foot may be and still count as down, leg lengths.
    pub h_air: f64,
    /// Stance-foot displacement that ends a trial, leg lengths.
    pub d_move: f64,
    /// How long that displacement must last, s.
    pub move_persist_s: f64,
    /// Shortest single-leg trial, s.
    pub min_single_leg_s: f64,
    /// Knee angle above which a knee counts as straight, degrees.
    pub knee_straight_deg: f64,
    /// Hands count as on the hips within this many trunk lengths of them.
    pub hands_on_hips: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            still_s: 0.1,
            r_still: 0.03,
            d_lift: 0.03,
            lift_persist_s: 0.15,
            h_air: 0.05,
            d_move: 0.1,
            move_persist_s: 0.2,
            min_single_leg_s: 0.5,
            knee_straight_deg: 165.0,
            hands_on_hips: 0.35,
        }
    }
}

const SIDES: [Side; 2] = [Side::Left, Side::Right];

fn sided(side: Side, left: Joint) -> Joint {
    if side == Side::Left { left } else { left.twin() }
}

/// Per-frame image points the contact rules use.
#[derive(Clone, Debug, Default)]
pub struct FrameFeet {
    /// Heel per side (left, right), pixels.
    pub heel: [Option<P3>; 2],
    /// Toe (foot index) per side, pixels.
    pub toe: [Option<P3>; 2],
    /// Whether each wrist is near its hip (None when not seen).
    pub hand_on_hip: [Option<bool>; 2],
    /// Knee angle per side, degrees.
    pub knee_deg: [Option<f64>; 2],
}

/// Foot contact over a track: per frame and side, whether the foot is up.
#[derive(Clone, Debug)]
pub struct Contact {
    /// The rules' thresholds.
    pub params: Params,
    /// Leg length, pixels.
    pub leg_px: f64,
    /// Frame times, s.
    pub time_s: Vec<f64>,
    /// Frame indices.
    pub frame: Vec<u64>,
    /// The points per frame.
    pub feet: Vec<FrameFeet>,
    /// `up[t][side]` (left = 0): the foot is off the floor; `None` when it is not seen.
    pub up: Vec<[Option<bool>; 2]>,
    /// Planted heel and toe per frame and side (where the foot was last still while down).
    pub planted: Vec<[(Option<P3>, Option<P3>); 2]>,
}

fn points(samples: &[PoseSample], p: &Params) -> (Vec<FrameFeet>, f64) {
    let mut legs = Vec::new();
    let feet = samples
        .iter()
        .map(|s| {
            let mut f = FrameFeet::default();
            let Some(body) = s.pose.as_ref().and_then(|p| Body::new(p, Space::Image)) else { return f };
            let trunk = match (
                body.mid(Joint::LeftShoulder, Joint::RightShoulder),
                body.mid(Joint::LeftHip, Joint::RightHip),
            ) {
                (Some(a), Some(b)) => Some(dist(a, b)),
                _ => None,
            };
            for (i, &side) in SIDES.iter().enumerate() {
                f.heel[i] = body.get(sided(side, Joint::LeftHeel));
                f.toe[i] = body.get(sided(side, Joint::LeftFootIndex));
                let (h, k, a) = (
                    body.get(sided(side, Joint::LeftHip)),
                    body.get(sided(side, Joint::LeftKnee)),
                    body.get(sided(side, Joint::LeftAnkle)),
                );
                if let (Some(h), Some(k), Some(a)) = (h, k, a) {
                    legs.push(dist(h, k) + dist(k, a));
                    f.knee_deg[i] = Some(angle_deg(sub(h, k), sub(a, k)));
                }
                if let (Some(w), Some(h), Some(t)) = (body.get(sided(side, Joint::LeftWrist)), h, trunk) {
                    f.hand_on_hip[i] = Some(dist(w, h) <= p.hands_on_hips * t);
                }
            }
            f
        })
        .collect();
    (feet, median(legs))
}

impl Contact {
    /// Foot contact over `samples` with `params`.
    pub fn new(samples: &[PoseSample], params: Params) -> Contact {
        let (feet, leg_px) = points(samples, &params);
        let n = samples.len();
        let time_s: Vec<f64> = samples.iter().map(|s| s.time_s).collect();
        let mut c = Contact {
            params,
            leg_px,
            time_s,
            frame: samples.iter().map(|s| s.frame).collect(),
            feet,
            up: vec![[None, None]; n],
            planted: vec![[(None, None), (None, None)]; n],
        };
        for side in 0..2 {
            c.follow(side);
        }
        c
    }

    /// The frames `t..` that span at least `seconds` (at least `min_frames`), if the track is that long.
    fn window(&self, t: usize, seconds: f64, min_frames: usize) -> Option<std::ops::Range<usize>> {
        let mut end = t;
        while end < self.time_s.len() && (end - t < min_frames || self.time_s[end] - self.time_s[t] < seconds) {
            end += 1;
        }
        (end - t >= min_frames && (end < self.time_s.len() || self.time_s[end - 1] - self.time_s[t] >= seconds))
            .then_some(t..end)
    }

    /// The frames up to and including `t` that span at least `seconds` (at least `min_frames`).
    fn window_back(&self, t: usize, seconds: f64, min_frames: usize) -> Option<std::ops::Range<usize>> {
        let mut start = t + 1;
        while start > 0 && (t + 1 - start < min_frames || self.time_s[t] - self.time_s[start] < seconds) {
            start -= 1;
        }
        (t + 1 - start >= min_frames && self.time_s[t] - self.time_s[start] >= seconds).then_some(start..t + 1)
    }

    /// The mean of a point over frames `r` if it stays within the stillness radius of it.
    fn still_point(&self, r: std::ops::Range<usize>, get: impl Fn(&FrameFeet) -> Option<P3>) -> Option<P3> {
        let pts: Vec<P3> = r.clone().filter_map(|i| get(&self.feet[i])).collect();
        if pts.len() < r.len() {
            return None;
        }
        let m = pts.iter().fold([0.0; 3], |a, p| [a[0] + p[0], a[1] + p[1], a[2] + p[2]]);
        let m = [m[0] / pts.len() as f64, m[1] / pts.len() as f64, m[2] / pts.len() as f64];
        pts.iter().all(|p| dist(*p, m) <= self.params.r_still * self.leg_px).then_some(m)
    }

    /// Both points of a foot far from their planted positions at frame `i`.
    fn away(&self, i: usize, side: usize, planted: (Option<P3>, Option<P3>), d: f64) -> Option<bool> {
        let f = &self.feet[i];
        let (h, t) = (f.heel[side]?, f.toe[side]?);
        let limit = d * self.leg_px;
        Some(match planted {
            (Some(ph), Some(pt)) => dist(h, ph) > limit && dist(t, pt) > limit,
            _ => false,
        })
    }

    /// Whether point `get` of `side` at frame `i` is farther than `d` leg lengths from `planted`.
    fn far(&self, i: usize, planted: Option<P3>, d: f64, get: impl Fn(&FrameFeet) -> Option<P3>) -> Option<bool> {
        Some(dist(get(&self.feet[i])?, planted?) > d * self.leg_px)
    }

    fn follow(&mut self, side: usize) {
        let n = self.time_s.len();
        let other = 1 - side;
        let p = self.params;
        let d_lift = p.d_lift * self.leg_px;
        let mut planted: (Option<P3>, Option<P3>) = (None, None);
        let mut is_up = false;
        let mut heel_off = false;
        let heel = move |f: &FrameFeet| f.heel[side];
        let toe = move |f: &FrameFeet| f.toe[side];
        for t in 0..n {
            let seen = self.feet[t].heel[side].is_some() && self.feet[t].toe[side].is_some();
            if !seen {
                continue;
            }
            if !is_up {
                // A down foot's points are planted where they are still over the frames up to this one (a past
                // window, so the first frame of a lift does not move them), unless they are still somewhere else
                // (a heel held up on the toes is not a new planted heel).
                if let Some(w) = self.window_back(t, p.still_s, 3) {
                    if let Some(h) = self.still_point(w.clone(), heel)
                        && planted.0.is_none_or(|q| dist(h, q) <= d_lift)
                    {
                        planted.0 = Some(h);
                        heel_off = false;
                    }
                    if let Some(q) = self.still_point(w, toe)
                        && planted.1.is_none_or(|r| dist(q, r) <= d_lift)
                    {
                        planted.1 = Some(q);
                    }
                }
                if self.far(t, planted.0, p.d_lift, heel) == Some(true) {
                    heel_off = true;
                }
                // Lift-off: the toe leaves (the heel having left first, or with it) and stays away long enough.
                if heel_off && self.far(t, planted.1, p.d_lift, toe) == Some(true) {
                    let mut end = t;
                    while end < n && self.far(end, planted.1, p.d_lift, toe) != Some(false) {
                        end += 1;
                    }
                    if end >= n || self.time_s[end - 1] - self.time_s[t] >= p.lift_persist_s {
                        is_up = true;
                    }
                }
            } else if let Some(w) = self.window(t, p.still_s, 3) {
                let h = self.still_point(w.clone(), heel);
                let q = self.still_point(w, toe);
                if let (Some(h), Some(q)) = (h, q) {
                    let lowest = h[1].max(q[1]);
                    let other_lowest = match (self.feet[t].heel[other], self.feet[t].toe[other]) {
                        (Some(a), Some(b)) => Some(a[1].max(b[1])),
                        _ => None,
                    };
                    if other_lowest.is_none_or(|o| lowest >= o - p.h_air * self.leg_px) {
                        is_up = false;
                        heel_off = false;
                        planted = (Some(h), Some(q));
                    }
                }
            }
            self.up[t][side] = Some(is_up);
            self.planted[t][side] = planted;
        }
    }
}

/// Why a stance episode ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StanceEnd {
    /// The lifted foot touched the floor.
    LiftedFootTouchedDown,
    /// The stance foot moved.
    StanceFootMoved,
    /// The stance foot left the floor too.
    BothFeetOffTheFloor,
    /// The hands left the hips.
    HandsLeftHips,
    /// The person was not seen for too long.
    PersonLost,
    /// Both feet down but a knee bent (quiet standing).
    OutOfPosition,
    /// The recording ended.
    EndOfRecording,
}

/// A stance episode: track indices `start..end` (`end` is the first index no longer in it).
#[derive(Clone, Debug, PartialEq)]
pub struct Episode {
    /// First track index.
    pub start: usize,
    /// First track index after the episode.
    pub end: usize,
    /// The stance foot (single-leg), by the person's side.
    pub stance_foot: Option<Side>,
    /// Why it ended.
    pub ended_by: StanceEnd,
    /// Whether both hands were on the hips at the start.
    pub hands_on_hips_at_start: bool,
}

fn side_of(i: usize) -> Side {
    SIDES[i]
}

impl Contact {
    fn hands_on_hips(&self, t: usize) -> Option<bool> {
        match self.feet[t].hand_on_hip {
            [Some(a), Some(b)] => Some(a && b),
            _ => None,
        }
    }

    fn visible(&self, t: usize) -> bool {
        self.up[t].iter().all(Option::is_some)
    }

    /// The single-leg stance episodes (see the module docs).
    pub fn single_leg(&self) -> Vec<Episode> {
        let n = self.time_s.len();
        let p = self.params;
        let mut out = Vec::new();
        let mut t = 1;
        while t < n {
            let lift = (0..2).find(|&s| {
                self.up[t][s] == Some(true) && self.up[t - 1][s] == Some(false) && self.up[t][1 - s] == Some(false)
            });
            let Some(lifted) = lift else {
                t += 1;
                continue;
            };
            let stance = 1 - lifted;
            let start = t;
            let origin = self.planted[t][stance];
            let hands = self.hands_on_hips(t) == Some(true);
            let mut last_seen = t;
            let mut moved_since: Option<usize> = None;
            let mut hands_off_since: Option<usize> = None;
            let mut end = (n, StanceEnd::EndOfRecording);
            for i in t + 1..n {
                if !self.visible(i) {
                    if self.time_s[i] - self.time_s[last_seen] > MAX_GAP_S {
                        end = (last_seen + 1, StanceEnd::PersonLost);
                        break;
                    }
                    continue;
                }
                last_seen = i;
                if self.up[i][lifted] == Some(false) {
                    end = (i, StanceEnd::LiftedFootTouchedDown);
                    break;
                }
                if self.up[i][stance] == Some(true) {
                    end = (i, StanceEnd::BothFeetOffTheFloor);
                    break;
                }
                match (self.away(i, stance, origin, p.d_move), moved_since) {
                    (Some(true), None) => moved_since = Some(i),
                    (Some(false), _) => moved_since = None,
                    _ => {}
                }
                if let Some(m) = moved_since
                    && self.time_s[i] - self.time_s[m] >= p.move_persist_s
                {
                    end = (m, StanceEnd::StanceFootMoved);
                    break;
                }
                if hands {
                    match (self.hands_on_hips(i), hands_off_since) {
                        (Some(false), None) => hands_off_since = Some(i),
                        (Some(true), _) => hands_off_since = None,
                        _ => {}
                    }
                    if let Some(m) = hands_off_since
                        && self.time_s[i] - self.time_s[m] >= p.move_persist_s
                    {
                        end = (m, StanceEnd::HandsLeftHips);
                        break;
                    }
                }
            }
            let last = end.0.min(n) - 1;
            if self.time_s[last] - self.time_s[start] + self.frame_period() >= p.min_single_leg_s {
                out.push(Episode {
                    start,
                    end: end.0,
                    stance_foot: Some(side_of(stance)),
                    ended_by: end.1,
                    hands_on_hips_at_start: hands,
                });
            }
            t = end.0.max(t + 1);
        }
        out
    }

    fn frame_period(&self) -> f64 {
        let d: Vec<f64> = self.time_s.windows(2).map(|w| w[1] - w[0]).collect();
        median(d)
    }

    fn standing(&self, t: usize) -> bool {
        self.up[t] == [Some(false), Some(false)]
            && self.feet[t].knee_deg.iter().all(|k| k.is_some_and(|k| k >= self.params.knee_straight_deg))
    }

    /// The quiet-standing episodes at least `min_s` long (see the module docs).
    pub fn quiet(&self, min_s: f64) -> Vec<Episode> {
        let n = self.time_s.len();
        let mut out = Vec::new();
        let mut t = 0;
        while t < n {
            if !self.standing(t) {
                t += 1;
                continue;
            }
            let start = t;
            let mut last = t;
            let mut end = (n, StanceEnd::EndOfRecording);
            let hands = self.hands_on_hips(t) == Some(true);
            for i in t + 1..n {
                if !self.visible(i) {
                    if self.time_s[i] - self.time_s[last] > MAX_GAP_S {
                        end = (last + 1, StanceEnd::PersonLost);
                        break;
                    }
                    continue;
                }
                if !self.standing(i) {
                    let why = match self.up[i] {
                        [Some(true), Some(true)] => StanceEnd::BothFeetOffTheFloor,
                        [Some(true), _] | [_, Some(true)] => StanceEnd::StanceFootMoved,
                        _ => StanceEnd::OutOfPosition,
                    };
                    end = (i, why);
                    break;
                }
                last = i;
            }
            if self.time_s[last] - self.time_s[start] + self.frame_period() >= min_s {
                out.push(Episode {
                    start,
                    end: end.0,
                    stance_foot: None,
                    ended_by: end.1,
                    hands_on_hips_at_start: hands,
                });
            }
            t = end.0.max(t + 1);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::balance::testing::{Figure, track};

    /// 1 s standing, the right foot lifted 15 cm for 2 s, 1 s standing, at 30 fps.
    fn lift_sequence() -> Vec<Figure> {
        (0..120)
            .map(|i| {
                let mut f = Figure::standing();
                if (30..90).contains(&i) {
                    f.lift_foot(false, 0.15);
                }
                f
            })
            .collect()
    }

    #[test]
    fn a_lifted_foot_gives_one_single_leg_trial_on_the_other_foot() {
        let c = Contact::new(&track(&lift_sequence(), 30.0), Params::default());
        let eps = c.single_leg();
        assert_eq!(eps.len(), 1, "{eps:?}");
        assert_eq!(eps[0].start, 30);
        assert_eq!(eps[0].end, 90);
        assert_eq!(eps[0].stance_foot, Some(Side::Left));
        assert_eq!(eps[0].ended_by, StanceEnd::LiftedFootTouchedDown);
    }

    #[test]
    fn a_foot_held_still_in_the_air_is_not_down() {
        // The lifted foot is perfectly still for 2 s: still, but 15 cm up, so the trial goes on to the touch-down.
        let c = Contact::new(&track(&lift_sequence(), 30.0), Params::default());
        assert!((35..90).all(|t| c.up[t][1] == Some(true)));
        assert_eq!(c.up[95][1], Some(false));
    }

    #[test]
    fn both_feet_off_the_floor_ends_the_trial() {
        let figs: Vec<Figure> = (0..120)
            .map(|i| {
                let mut f = Figure::standing();
                if (30..90).contains(&i) {
                    f.lift_foot(false, 0.15);
                }
                if (60..70).contains(&i) {
                    // A hop: the stance foot leaves the floor as well.
                    f.lift_foot(true, 0.08 + 0.01 * (i - 60) as f64);
                }
                f
            })
            .collect();
        let eps = Contact::new(&track(&figs, 30.0), Params::default()).single_leg();
        assert_eq!(eps[0].ended_by, StanceEnd::BothFeetOffTheFloor, "{eps:?}");
        assert_eq!(eps[0].end, 60);
    }

    #[test]
    fn quiet_standing_ends_when_the_knees_bend() {
        let figs: Vec<Figure> = (0..90)
            .map(|i| {
                let mut f = Figure::standing();
                if i >= 60 {
                    // Knees forward by 15 cm: a squat begins.
                    f.shift(Joint::LeftKnee, [0.1, 0.0, -0.15]);
                    f.shift(Joint::RightKnee, [-0.1, 0.0, -0.15]);
                }
                f
            })
            .collect();
        let eps = Contact::new(&track(&figs, 30.0), Params::default()).quiet(1.0);
        assert_eq!(eps.len(), 1);
        assert_eq!((eps[0].start, eps[0].end, eps[0].ended_by), (0, 60, StanceEnd::OutOfPosition));
    }
}
