//! CPT 97112 is a timed code in 15-minute units, one-on-one. The day's total timed minutes give the units by the
//! 8-minute rule: under 8 minutes none; 8–22 → 1, 23–37 → 2, 38–52 → 3, 53–67 → 4, and so on by 15.
//!
//! mirrorcue only counts: the note shows the units these minutes support for the therapist's own billing decision;
//! it never bills and never claims to.

/// Whole timed minutes in `seconds`, rounded down (a minute is counted only once it is complete, so the count never
/// exceeds the time measured). Not a finite, positive number: 0.
pub fn timed_minutes(seconds: f64) -> u32 {
    if seconds.is_finite() && seconds > 0.0 { (seconds / 60.0).floor().min(f64::from(u32::MAX)) as u32 } else { 0 }
}

/// The 15-minute units that `minutes` of total timed treatment support by the 8-minute rule.
pub fn units_for_minutes(minutes: u32) -> u32 {
    if minutes < 8 { 0 } else { (minutes - 8) / 15 + 1 }
}

/// The timed minutes at which the next unit would be supported (8, 23, 38, …).
pub fn minutes_for_next_unit(minutes: u32) -> u32 {
    8 + 15 * units_for_minutes(minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_unit_thresholds() {
        assert_eq!(minutes_for_next_unit(0), 8);
        assert_eq!(minutes_for_next_unit(8), 23);
        assert_eq!(minutes_for_next_unit(37), 38);
    }
}
