//! The locked seam's slider, in the therapist's terms.
//!
//! The seam is stored in frame coordinates ([`SeamSettings::manual`](crate::view::SeamSettings): normalised x of the
//! camera frame, or y for the upper/lower split). The therapist sees the picture as the patient does, flipped in the
//! selfie view, so the slider reads **percent of the picture from its left edge as the patient sees it** (from the
//! top for a horizontal seam), in whole percent, and dragging it right moves the seam right on the patient's screen
//! in every mode. (Before, the slider was the raw frame x with four decimals, and in the selfie view it ran
//! backwards.)

use crate::view::{MirrorMode, SplitSource};

/// Whether `mode` puts the seam across the image (upper/lower split: a horizontal seam).
fn horizontal(mode: MirrorMode) -> bool {
    matches!(mode, MirrorMode::Split { source: SplitSource::Upper | SplitSource::Lower, .. })
}

/// Whether the patient sees the frame flipped left to right in `mode`.
fn flipped(mode: MirrorMode) -> bool {
    match mode {
        MirrorMode::Off => false,
        MirrorMode::Mirror => true,
        MirrorMode::Split { selfie, .. } => selfie,
    }
}

/// The slider's value (percent, 0–100, whole) for a locked seam at `manual` (normalised frame coordinate) in `mode`.
pub fn seam_to_slider(mode: MirrorMode, manual: f32) -> f32 {
    let m = if manual.is_finite() { manual.clamp(0.0, 1.0) } else { 0.5 };
    let seen = if !horizontal(mode) && flipped(mode) { 1.0 - m } else { m };
    (seen * 100.0).round()
}

/// The locked seam (normalised frame coordinate, for [`SeamSettings::manual`](crate::view::SeamSettings)) for a
/// slider value `percent` (0–100; clamped) in `mode`.
pub fn slider_to_seam(mode: MirrorMode, percent: f32) -> f32 {
    let p = if percent.is_finite() { percent.clamp(0.0, 100.0) / 100.0 } else { 0.5 };
    if !horizontal(mode) && flipped(mode) { 1.0 - p } else { p }
}

/// The slider's caption for `mode`.
pub fn seam_slider_caption(mode: MirrorMode) -> &'static str {
    if horizontal(mode) { "Seam position, from the top" } else { "Seam position, from the left" }
}

/// The slider's value as text: "42% from the left" / "55% from the top".
pub fn seam_slider_text(mode: MirrorMode, manual: f32) -> String {
    let from = if horizontal(mode) { "top" } else { "left" };
    format!("{:.0}% from the {from}", seam_to_slider(mode, manual))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODES: [MirrorMode; 6] = [
        MirrorMode::Split { source: SplitSource::PatientLeft, selfie: false },
        MirrorMode::Split { source: SplitSource::PatientLeft, selfie: true },
        MirrorMode::Split { source: SplitSource::PatientRight, selfie: true },
        MirrorMode::Split { source: SplitSource::Upper, selfie: false },
        MirrorMode::Split { source: SplitSource::Lower, selfie: true },
        MirrorMode::Off,
    ];

    #[test]
    fn slider_and_seam_convert_both_ways() {
        for mode in MODES {
            for percent in [0.0, 12.0, 50.0, 73.0, 100.0] {
                let seam = slider_to_seam(mode, percent);
                assert!((0.0..=1.0).contains(&seam));
                assert_eq!(seam_to_slider(mode, seam), percent, "{mode:?}");
            }
            for manual in [0.0, 0.25, 0.5, 0.9] {
                assert!((slider_to_seam(mode, seam_to_slider(mode, manual)) - manual).abs() < 0.005, "{mode:?}");
            }
        }
    }

    #[test]
    fn the_slider_reads_what_the_patient_sees() {
        let plain = MirrorMode::Split { source: SplitSource::PatientLeft, selfie: false };
        let selfie = MirrorMode::Split { source: SplitSource::PatientLeft, selfie: true };
        // A seam at 30% of the camera frame is 30% from the left in the camera view, 70% in the selfie view.
        assert_eq!(seam_to_slider(plain, 0.3), 30.0);
        assert_eq!(seam_to_slider(selfie, 0.3), 70.0);
        // More slider, further right on screen: the frame position goes up without the flip, down with it.
        assert!(slider_to_seam(plain, 60.0) > slider_to_seam(plain, 40.0));
        assert!(slider_to_seam(selfie, 60.0) < slider_to_seam(selfie, 40.0));
        // A horizontal seam is measured from the top, whatever the flip.
        let lower = MirrorMode::Split { source: SplitSource::Lower, selfie: true };
        assert_eq!(seam_to_slider(lower, 0.55), 55.0);
        assert_eq!(seam_slider_text(lower, 0.55), "55% from the top");
        assert_eq!(seam_slider_text(selfie, 0.3), "70% from the left");
        assert_eq!(slider_to_seam(plain, f32::NAN), 0.5);
        assert_eq!(slider_to_seam(plain, 140.0), 1.0);
    }
}
