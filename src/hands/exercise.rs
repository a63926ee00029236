//! Hand exercises over time: open/close repetitions and finger tapping, each hand on its own, and the affected hand
//! against the healthy one.
//!
//! Both work on a series of one hand's measures ([`HandMeasures`], one per frame, with the frame's time in seconds):
//! - **Open/close**: a repetition counts when the hand closes (its [opening](HandMeasures::opening) falls to
//!   `closed_at` palm lengths) after it was opened (to `open_at` or more): the two thresholds keep a hand wavering
//!   at one of them from counting twice (the rule of [`RepCounter`], the same as a protocol's repetitions).
//! - **Finger tapping**: a tap counts when the thumb tip comes within `touch_at` palm lengths of the index tip
//!   ([`opposition`](HandMeasures::opposition)) after it was at least `release_at` away. The rate is the number of
//!   intervals between taps over their duration (taps per second, Hz), so a recording that starts or ends between
//!   taps does not lower it; the amplitude is the mean widest thumb–index distance between consecutive taps.
//!
//! The defaults suit a hand of usual proportions (about 1.2 palm lengths open flat, 0.6 in a fist; thumb and index
//! tips about 1 palm length apart when open).

use super::measures::HandValue;
use super::measures::{HandMeasures, measure};
use super::types::Hand;
use crate::pose::Side;
use crate::posture::measure::Measure;
use crate::posture::reps::{RepCounter, RepRule};

/// Thresholds of the open/close count, in palm lengths of hand opening.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OpenCloseRule {
    /// The hand counts as open at this opening or more (re-arms the count).
    pub open_at: f32,
    /// A repetition counts when the opening falls to this or less, after the hand was open.
    pub closed_at: f32,
}

impl Default for OpenCloseRule {
    fn default() -> Self {
        OpenCloseRule { open_at: 1.0, closed_at: 0.8 }
    }
}

/// Thresholds of finger tapping, in palm lengths between the thumb tip and the index tip.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TapRule {
    /// A tap counts when the tips come this close or closer...
    pub touch_at: f32,
    /// ...after they were at least this far apart.
    pub release_at: f32,
}

impl Default for TapRule {
    fn default() -> Self {
        TapRule { touch_at: 0.3, release_at: 0.5 }
    }
}

/// Open/close repetitions of one hand.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenClose {
    /// Repetitions counted.
    pub count: u32,
    /// When each counted (s, the series' times).
    pub times_s: Vec<f64>,
    /// Repetitions per minute over the intervals between them (`None` with fewer than two).
    pub per_minute: Option<f64>,
    /// The widest and the narrowest opening seen (palm lengths): the range the hand moved through.
    pub range: Option<(f32, f32)>,
}

/// Finger tapping (thumb to index) of one hand.
#[derive(Clone, Debug, PartialEq)]
pub struct Tapping {
    /// Taps counted.
    pub count: u32,
    /// When each counted (s).
    pub times_s: Vec<f64>,
    /// Taps per second over the intervals between taps (`None` with fewer than two).
    pub rate_hz: Option<f64>,
    /// Mean widest thumb–index distance between consecutive taps, palm lengths (`None` with fewer than two taps).
    pub amplitude: Option<f32>,
}

/// Counts a two-threshold movement over `series` (time, value) with the protocol's repetition rule.
fn count(series: &[(f64, f32)], count_at: f32, reset_at: f32, value: HandValue) -> (u32, Vec<f64>) {
    let rule = RepRule {
        name: value.to_string(),
        measure: Measure::Hand { side: Side::Left, value },
        plane: Default::default(),
        count_at,
        reset_at,
        min_score: 0.0,
    };
    let mut c = RepCounter::new(rule);
    for &(t, v) in series {
        c.update(t, v.is_finite().then_some(v));
    }
    (c.count, c.times)
}

/// Events per second over the intervals between the first and the last of `times`.
fn rate(times: &[f64]) -> Option<f64> {
    let (first, last) = (times.first()?, times.last()?);
    (times.len() >= 2 && last > first).then(|| (times.len() - 1) as f64 / (last - first))
}

/// Open/close repetitions in a series of (time s, measures) of one hand.
pub fn open_close(series: &[(f64, HandMeasures)], rule: OpenCloseRule) -> OpenClose {
    let values: Vec<(f64, f32)> = series.iter().map(|(t, m)| (*t, m.opening)).collect();
    let (count, times_s) = count(&values, rule.closed_at, rule.open_at, HandValue::Opening);
    let range = values
        .iter()
        .map(|v| v.1)
        .filter(|v| v.is_finite())
        .fold(None, |r: Option<(f32, f32)>, v| Some(r.map_or((v, v), |(hi, lo)| (hi.max(v), lo.min(v)))));
    OpenClose { count, per_minute: rate(&times_s).map(|r| r * 60.0), times_s, range }
}

/// Finger tapping (thumb tip to index tip) in a series of (time s, measures) of one hand.
pub fn tapping(series: &[(f64, HandMeasures)], rule: TapRule) -> Tapping {
    let values: Vec<(f64, f32)> = series.iter().map(|(t, m)| (*t, m.opposition[0])).collect();
    let (count, times_s) = count(&values, rule.touch_at, rule.release_at, HandValue::Opposition(1));
    // The widest distance between each pair of consecutive taps.
    let widest: Vec<f32> = times_s
        .windows(2)
        .filter_map(|w| {
            values
                .iter()
                .filter(|(t, _)| *t > w[0] && *t < w[1])
                .map(|v| v.1)
                .filter(|v| v.is_finite())
                .reduce(f32::max)
        })
        .collect();
    let amplitude = (!widest.is_empty()).then(|| widest.iter().sum::<f32>() / widest.len() as f32);
    Tapping { count, rate_hz: rate(&times_s), times_s, amplitude }
}

/// One side's measures over a series of frames' hands (time s, the frame's hands): the frames where that hand was
/// seen and measured.
pub fn side_series(frames: &[(f64, Vec<Hand>)], side: Side) -> Vec<(f64, HandMeasures)> {
    frames
        .iter()
        .filter_map(|(t, hands)| hands.iter().find(|h| h.side == side).and_then(measure).map(|m| (*t, m)))
        .collect()
}

/// The affected hand's value as a percentage of the healthy hand's (100% = as well as the healthy hand), rounded
/// to whole percent; `None` when the healthy value is missing or zero.
pub fn percent_of_healthy(affected: Option<f64>, healthy: Option<f64>) -> Option<f64> {
    let (a, h) = (affected?, healthy?);
    (h.abs() > 1e-9 && a.is_finite() && h.is_finite()).then(|| (100.0 * a / h).round())
}

/// Both hands' open/close and tapping, the affected against the healthy.
#[derive(Clone, Debug, PartialEq)]
pub struct HandsComparison {
    /// The healthy hand's side.
    pub healthy: Side,
    /// Open/close of the healthy hand, then of the affected one.
    pub open_close: [OpenClose; 2],
    /// Tapping of the healthy hand, then of the affected one.
    pub tapping: [Tapping; 2],
    /// Affected open/close repetitions per minute as a percentage of the healthy hand's.
    pub open_close_percent: Option<f64>,
    /// Affected tapping rate as a percentage of the healthy hand's.
    pub tapping_percent: Option<f64>,
}

/// Open/close and tapping of both hands over `frames`, the `healthy` side's against the other's.
pub fn compare_hands(
    frames: &[(f64, Vec<Hand>)],
    healthy: Side,
    open_rule: OpenCloseRule,
    tap_rule: TapRule,
) -> HandsComparison {
    let (h, a) = (side_series(frames, healthy), side_series(frames, healthy.opposite()));
    let open_close = [open_close(&h, open_rule), open_close(&a, open_rule)];
    let tapping = [tapping(&h, tap_rule), tapping(&a, tap_rule)];
    HandsComparison {
        healthy,
        open_close_percent: percent_of_healthy(open_close[1].per_minute, open_close[0].per_minute),
        tapping_percent: percent_of_healthy(tapping[1].rate_hz, tapping[0].rate_hz),
        open_close,
        tapping,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hands::ghost::tests::{hand_from, right_hand};
    use crate::hands::{Finger, HandLandmark};

    /// `seconds` of a hand at 30 fps, each frame's world landmarks from `shape(t)`.
    fn frames(seconds: f64, side: Side, shape: impl Fn(f64) -> [[f32; 3]; 21]) -> Vec<(f64, Vec<Hand>)> {
        (0..(seconds * 30.0) as usize)
            .map(|i| {
                let t = i as f64 / 30.0;
                let mut w = shape(t);
                if side == Side::Left {
                    w = w.map(|q| [-q[0], q[1], q[2]]);
                }
                (t, vec![hand_from(side, &w, (500.0, 500.0), 2000.0, 0.0)])
            })
            .collect()
    }

    /// Fingers flexing between 0° and 80° per joint at `hz` (open at t = 0).
    fn opening_and_closing(hz: f64) -> impl Fn(f64) -> [[f32; 3]; 21] {
        move |t| {
            let f = (40.0 - 40.0 * (2.0 * std::f64::consts::PI * hz * t).cos()) as f32;
            right_hand([0.0, f, f, f, f])
        }
    }

    /// An open hand whose thumb tip moves to the index tip and back at `hz`, `reach` of the way (1 = touching).
    fn tapping_at(hz: f64, reach: f32) -> impl Fn(f64) -> [[f32; 3]; 21] {
        move |t| {
            let mut p = right_hand([0.0, 20.0, 0.0, 0.0, 0.0]);
            let s = reach * (0.5 - 0.5 * (2.0 * std::f64::consts::PI * hz * t).cos()) as f32;
            let (thumb, index) = (p[HandLandmark::ThumbTip.index()], p[Finger::Index.tip().index()]);
            p[HandLandmark::ThumbTip.index()] = [0, 1, 2].map(|k| thumb[k] + s * (index[k] - thumb[k]));
            p
        }
    }

    #[test]
    fn open_close_counts_each_closing_after_an_opening() {
        // 0.5 Hz for 10 s: the hand closes at 1, 3, 5, 7, 9 s.
        let f = frames(10.0, Side::Right, opening_and_closing(0.5));
        let s = side_series(&f, Side::Right);
        assert_eq!(s.len(), 300);
        let r = open_close(&s, OpenCloseRule::default());
        assert_eq!(r.count, 5, "{r:?}");
        let per_min = r.per_minute.expect("rate");
        assert!((per_min - 30.0).abs() < 1.0, "{per_min}");
        let (hi, lo) = r.range.expect("range");
        assert!(hi > 1.1 && lo < 0.7, "{hi} {lo}");
        // A hand that only half closes (to 40° per joint) never reaches the closed threshold.
        let half = frames(10.0, Side::Right, |t| {
            let f = (20.0 - 20.0 * (std::f64::consts::PI * t).cos()) as f32;
            right_hand([0.0, f, f, f, f])
        });
        let r = open_close(&side_series(&half, Side::Right), OpenCloseRule::default());
        assert_eq!((r.count, r.per_minute), (0, None), "{r:?}");
    }

    #[test]
    fn tapping_rate_and_amplitude() {
        // 3 taps a second for 4 s: touches at 1/6, 1/2, 5/6 … s; 12 taps, 11 intervals of 1/3 s.
        let f = frames(4.0, Side::Left, tapping_at(3.0, 1.0));
        let r = tapping(&side_series(&f, Side::Left), TapRule::default());
        assert_eq!(r.count, 12, "{r:?}");
        assert!((r.rate_hz.expect("rate") - 3.0).abs() < 0.05, "{r:?}");
        // The widest gap is the open hand's thumb-index distance.
        let open = measure(&f[0].1[0]).expect("open").opposition[0];
        assert!((r.amplitude.expect("amplitude") - open).abs() < 0.02, "{r:?} vs {open}");
        // Taps that do not reach the index are not taps.
        let weak = frames(4.0, Side::Left, tapping_at(3.0, 0.5));
        assert_eq!(tapping(&side_series(&weak, Side::Left), TapRule::default()).count, 0);
    }

    #[test]
    fn the_affected_hand_against_the_healthy_one() {
        // Healthy right hand taps at 4 Hz, the affected left at 2 Hz; both open and close at 0.5 Hz and 0.25 Hz.
        let mut both = frames(8.0, Side::Right, tapping_at(4.0, 1.0));
        let left = frames(8.0, Side::Left, tapping_at(2.0, 1.0));
        for (f, l) in both.iter_mut().zip(left) {
            f.1.extend(l.1);
        }
        let c = compare_hands(&both, Side::Right, OpenCloseRule::default(), TapRule::default());
        assert_eq!(c.healthy, Side::Right);
        assert!((c.tapping[0].rate_hz.unwrap() - 4.0).abs() < 0.05, "{:?}", c.tapping[0]);
        assert!((c.tapping[1].rate_hz.unwrap() - 2.0).abs() < 0.05, "{:?}", c.tapping[1]);
        assert_eq!(c.tapping_percent, Some(50.0));
        assert_eq!(c.open_close_percent, None, "no open/close in a tapping series");
        let mut oc = frames(12.0, Side::Right, opening_and_closing(0.5));
        for (f, l) in oc.iter_mut().zip(frames(12.0, Side::Left, opening_and_closing(0.25))) {
            f.1.extend(l.1);
        }
        let c = compare_hands(&oc, Side::Right, OpenCloseRule::default(), TapRule::default());
        assert_eq!((c.open_close[0].count, c.open_close[1].count), (6, 3));
        assert_eq!(c.open_close_percent, Some(50.0));
        assert_eq!(percent_of_healthy(Some(1.0), Some(0.0)), None);
    }
}
