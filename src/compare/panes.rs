//! How the reference pane is mirrored: it follows the patient's pane, so the two face the same way.

use super::session::ReferenceKind;
use crate::view::MirrorMode;

/// Whether the patient's pane shows the frame flipped left to right.
fn flipped(mode: MirrorMode) -> bool {
    match mode {
        MirrorMode::Off => false,
        MirrorMode::Mirror => true,
        MirrorMode::Split { selfie, .. } => selfie,
    }
}

/// The mirror mode of the reference pane when the patient's pane shows `patient` and the second pane shows `kind`.
///
/// - A reference clip and the delayed image take the patient pane's flip, so a demonstration faces the same way as
///   the patient (the mirror view beside a mirrored demonstration; the camera view beside the camera view). They
///   are never split: a split reflection is the patient's own illusion, not something to copy.
/// - The patient's **other side** is their own image with the opposite flip, so their left side appears where
///   their right side is in their own pane.
pub fn reference_mirror(patient: MirrorMode, kind: ReferenceKind) -> MirrorMode {
    let same = flipped(patient);
    let flip = if kind == ReferenceKind::OtherSide { !same } else { same };
    if flip { MirrorMode::Mirror } else { MirrorMode::Off }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::SplitSource;

    #[test]
    fn the_reference_faces_the_way_the_patient_pane_does() {
        let split = |selfie| MirrorMode::Split { source: SplitSource::PatientLeft, selfie };
        for kind in [ReferenceKind::Clip, ReferenceKind::Delayed] {
            assert_eq!(reference_mirror(MirrorMode::Mirror, kind), MirrorMode::Mirror);
            assert_eq!(reference_mirror(MirrorMode::Off, kind), MirrorMode::Off);
            assert_eq!(reference_mirror(split(true), kind), MirrorMode::Mirror);
            assert_eq!(reference_mirror(split(false), kind), MirrorMode::Off);
        }
        // The other side keeps the opposite flip.
        assert_eq!(reference_mirror(MirrorMode::Mirror, ReferenceKind::OtherSide), MirrorMode::Off);
        assert_eq!(reference_mirror(MirrorMode::Off, ReferenceKind::OtherSide), MirrorMode::Mirror);
        assert_eq!(reference_mirror(split(true), ReferenceKind::OtherSide), MirrorMode::Off);
        assert_eq!(reference_mirror(split(false), ReferenceKind::OtherSide), MirrorMode::Mirror);
    }
}
