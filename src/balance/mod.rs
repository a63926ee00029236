//! Balance: postural sway measured the way balance platforms and clinics measure it.
//!
//! A map of the module, one job per file:
//! - [`trace`]: a sway trace (time, ML, AP in cm) and the files it is read from (`time_s,ml_cm,ap_cm` CSV, the AMTI
//!   force-plate export);
//! - [`resample`]: SWARII resampling to an even rate (handles an uneven time base);
//! - [`filter`]: Butterworth low-pass design and zero-phase `filtfilt`;
//! - [`stabilogram`]: the reference pipeline (centre, SWARII to 25 Hz, 10 Hz low-pass forwards and backwards);
//! - [`descriptors`]: the 72 sway descriptors of Quijoux et al. 2021 by their reference names, built from
//!   [`position`] (distances, ellipse, direction, path, velocity, frequency), [`velocity`] (Savitzky–Golay
//!   velocity measures), [`density`] (sway density), [`spectrum`] (Welch PSD) and [`diffusion`] (stabilogram
//!   diffusion);
//! - [`body`]: pose points in world (3D) or image space; [`com`]: the segment-model centre of mass (de Leva 1996);
//! - [`track`]: a pose track and the centre of mass's sway relative to the base of support, in cm;
//! - [`stance`]: foot contact, single-leg stance and quiet standing from the pose; [`bess`]: BESS errors;
//! - [`clinical`]: the tests (quiet, Romberg, tandem, single-leg, BESS) and the Romberg/mCTSIB ratios;
//! - [`live`]: a trial run live (count-down, timer, the centre of mass against a target, losses of balance);
//! - [`los`]: the limits-of-stability drill (eight targets, reach and time per direction);
//! - [`testing`]: a constructed figure for tests;
//! - [`error`]: the one error type, [`BalanceError`].
//!
//! Units: centimetres, seconds, hertz, degrees, as each descriptor states. ML is the medio-lateral axis, AP the
//! antero-posterior one.

pub mod bess;
pub mod body;
pub mod clinical;
pub mod com;
pub mod density;
pub mod descriptors;
pub mod diffusion;
pub mod error;
pub mod filter;
pub mod live;
pub mod los;
pub mod position;
pub mod resample;
pub mod spectrum;
pub mod stabilogram;
pub mod stance;
pub mod testing;
pub mod trace;
pub mod track;
pub mod velocity;

pub use descriptors::{Descriptor, Descriptors};
pub use error::BalanceError;
pub use stabilogram::Stabilogram;
pub use trace::{ForcePlateExport, Trace};

/// The descriptors of a raw trace, through the reference pipeline ([`Stabilogram::from_trace`]).
pub fn sway(trace: &Trace) -> Result<(Stabilogram, Descriptors), BalanceError> {
    let s = Stabilogram::from_trace(trace)?;
    let d = descriptors::compute(&s);
    Ok((s, d))
}
