//! The sway descriptors of a [`Stabilogram`], named, ordered and defined as in the reference implementation of
//! Quijoux et al. 2021 (*Physiological Reports* 9:e15067; code `Jythen/code_descriptors_postural_control`), plus
//! the path lengths (`sway_length_*`) it computes but does not output.
//!
//! A descriptor that cannot be computed on a trace (too short for it, or undefined such as a mean frequency of a
//! trace that never moves) carries the reason instead of a value: the output never holds NaN or infinity.

use serde_json::{Map, Value, json};

use super::stabilogram::Stabilogram;
use super::{density, diffusion, position as pos, spectrum, velocity};

/// One descriptor: its reference name, unit and value (or why there is none).
#[derive(Clone, Debug, PartialEq)]
pub struct Descriptor {
    /// The reference's name, e.g. `confidence_ellipse_area_ML_AND_AP`.
    pub name: String,
    /// Unit, e.g. `cm^2`.
    pub unit: &'static str,
    /// The value (finite), or the reason it could not be computed.
    pub value: Result<f64, String>,
}

/// All descriptors of one stabilogram, in the reference's order.
#[derive(Clone, Debug, PartialEq)]
pub struct Descriptors {
    /// Samples analysed.
    pub n_samples: usize,
    /// Their rate, Hz.
    pub fs_hz: f64,
    /// The descriptors.
    pub list: Vec<Descriptor>,
}

/// The fewest samples any descriptor needs (the ellipse's F quantile has `N − 2` degrees of freedom).
pub const MIN_SAMPLES: usize = 3;

impl Descriptors {
    /// The value of descriptor `name`, if computed.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.list.iter().find(|d| d.name == name).and_then(|d| d.value.as_ref().ok().copied())
    }

    /// As JSON: `{"n_samples", "sampling_frequency_hz", "descriptors": {name: value}, "units": {name: unit},
    /// "not_computed": {name: reason}}` (values with all their digits).
    pub fn to_json(&self) -> Value {
        let mut values = Map::new();
        let mut units = Map::new();
        let mut missing = Map::new();
        for d in &self.list {
            units.insert(d.name.clone(), json!(d.unit));
            match &d.value {
                Ok(v) if is_count(&d.name) => values.insert(d.name.clone(), json!(*v as u64)),
                Ok(v) => values.insert(d.name.clone(), json!(v)),
                Err(why) => missing.insert(d.name.clone(), json!(why)),
            };
        }
        json!({
            "n_samples": self.n_samples,
            "sampling_frequency_hz": self.fs_hz,
            "descriptors": values,
            "units": units,
            "not_computed": missing,
        })
    }
}

fn is_count(name: &str) -> bool {
    name.starts_with("zero_crossing")
}

struct Builder {
    list: Vec<Descriptor>,
}

impl Builder {
    fn put(&mut self, name: impl Into<String>, unit: &'static str, value: Result<f64, String>) {
        let value = value.and_then(|v| {
            if v.is_finite() {
                Ok(v)
            } else {
                Err("undefined for this trace (a division by zero: the trace does not move enough)".to_string())
            }
        });
        self.list.push(Descriptor { name: name.into(), unit, value });
    }

    fn opt(&mut self, name: impl Into<String>, unit: &'static str, value: Option<f64>, why: &str) {
        self.put(name, unit, value.ok_or_else(|| why.to_string()));
    }
}

/// A descriptor read from a group's results: name stem, unit, getter.
type Field<T> = (&'static str, &'static str, fn(&T) -> f64);

fn too_short(what: &str, have: usize, need: usize, fs: f64) -> String {
    format!(
        "too short for {what}: {have} samples ({:.2} s), at least {need} ({:.2} s) needed",
        have as f64 / fs,
        need as f64 / fs
    )
}

/// Computes every descriptor of `s` (see the module docs). A stabilogram with fewer than [`MIN_SAMPLES`]
/// samples gives a list where every descriptor says so.
pub fn compute(s: &Stabilogram) -> Descriptors {
    let (x, y, fs, n) = (&s.ml_cm[..], &s.ap_cm[..], s.fs_hz, s.len());
    let mut b = Builder { list: Vec::new() };
    let short = |what: &str, need: usize| -> Result<f64, String> { Err(too_short(what, n, need, fs)) };
    let ok = |v: f64| -> Result<f64, String> { Ok(v) };
    let base = n >= MIN_SAMPLES;
    let gate = |v: f64| if base { ok(v) } else { short("sway descriptors", MIN_SAMPLES) };

    match s.mean_cm {
        Some((mx, my)) => {
            b.put("mean_value_ML", "cm", gate(mx));
            b.put("mean_value_AP", "cm", gate(my));
        }
        None => {
            let why = "not known for a signal given already processed (it is the raw trace's mean)";
            b.put("mean_value_ML", "cm", Err(why.into()));
            b.put("mean_value_AP", "cm", Err(why.into()));
        }
    }
    let r = pos::radius(x, y);
    for (axis, u) in [("ML", x), ("AP", y), ("Radius", &r[..])] {
        b.put(format!("mean_distance_{axis}"), "cm", gate(pos::mean_abs(u)));
    }
    for (axis, u) in [("ML", x), ("AP", y), ("Radius", &r[..])] {
        b.put(format!("maximal_distance_{axis}"), "cm", gate(pos::max_abs(u)));
    }
    for (axis, u) in [("ML", x), ("AP", y), ("Radius", &r[..])] {
        b.put(format!("rms_{axis}"), "cm", gate(pos::rms(u)));
    }
    let (range_ml, range_ap) = (pos::range(x), pos::range(y));
    b.put("range_ML", "cm", gate(range_ml));
    b.put("range_AP", "cm", gate(range_ap));
    b.put("range_ML_AND_AP", "cm", gate(pos::diameter(x, y)));
    b.put("range_ratio_ML_AND_AP", "1", gate(range_ml / range_ap));
    b.put("planar_deviation_ML_AND_AP", "cm", gate(pos::rms(x).hypot(pos::rms(y))));
    let (sxx, syy, sxy) = pos::moments(x, y);
    b.put("coefficient_sway_direction_ML_AND_AP", "1", gate(sxy / (sxx * syy).sqrt()));
    let area = pos::confidence_ellipse_area(x, y);
    b.put("confidence_ellipse_area_ML_AND_AP", "cm^2", gate(area));
    b.put("principal_sway_direction_ML_AND_AP", "degree", gate(pos::principal_sway_direction(x, y)));
    let (l_ml, l_ap, l) = pos::path_lengths(x, y);
    let duration = n as f64 / fs;
    b.put("mean_velocity_ML", "cm/s", gate(l_ml / duration));
    b.put("mean_velocity_AP", "cm/s", gate(l_ap / duration));
    b.put("mean_velocity_ML_AND_AP", "cm/s", gate(l / duration));
    b.put("sway_area_per_second_ML_AND_AP", "cm^2/s", gate(pos::sway_area_per_second(x, y, fs)));

    let vx = velocity::savgol_velocity(x, fs);
    let vy = velocity::savgol_velocity(y, fs);
    let sg = n >= 5;
    let sg_short = || short("the Savitzky-Golay velocity (5-sample window)", 5);
    for (axis, u, v) in [("ML", x, &vx), ("AP", y, &vy)] {
        let val = if sg { ok(velocity::phase_plane_parameter(u, v)) } else { sg_short() };
        b.put(format!("phase_plane_parameter_{axis}"), "sqrt(cm^2 + (cm/s)^2)", val);
    }
    b.put("LFS_ML_AND_AP", "1/cm", gate(l / area));
    b.put("fractal_dimension_ML_AND_AP", "1", gate(pos::fractal_dimension(n, l, area)));
    for (axis, v) in [("ML", &vx), ("AP", &vy)] {
        let zc = if sg { ok(velocity::zero_crossings(v) as f64) } else { sg_short() };
        b.put(format!("zero_crossing_SPD_{axis}"), "count", zc);
        let (p, q, all) = velocity::peak_velocities(v);
        let why = "no complete half-cycle of velocity (fewer than three sign runs)";
        for (kind, val) in [("pos", p), ("neg", q), ("all", all)] {
            let name = format!("peak_velocity_{kind}_SPD_{axis}");
            if sg { b.opt(name, "cm/s", val, why) } else { b.put(name, "cm/s", sg_short()) }
        }
    }

    // The sway density is low-passed by filtfilt, which needs more than 15 of its N − 1 values.
    match density::peaks(x, y, fs) {
        Ok((peak, dist)) => {
            b.opt("mean_peak_Sway_Density", "s", peak, "no peak of sway density");
            b.opt("mean_distance_peak_Sway_Density", "cm", dist, "fewer than two peaks of sway density");
        }
        Err(_) => {
            b.put("mean_peak_Sway_Density", "s", short("the sway density's 2.5 Hz low-pass", 17));
            b.put("mean_distance_peak_Sway_Density", "cm", short("the sway density's 2.5 Hz low-pass", 17));
        }
    }
    b.put("mean_frequency_ML", "Hz", gate(pos::mean_frequency_axis(x, fs)));
    b.put("mean_frequency_AP", "Hz", gate(pos::mean_frequency_axis(y, fs)));
    b.put("mean_frequency_ML_AND_AP", "Hz", gate(pos::mean_frequency_planar(x, y, fs)));

    let seg = spectrum::segment_len(fs);
    let spectra = [("ML", x), ("AP", y)].map(|(axis, u)| {
        let m = if n >= seg { spectrum::measures(&spectrum::welch(u, fs)) } else { None };
        (axis, m)
    });
    let spectral: [Field<spectrum::SpectralMeasures>; 10] = [
        ("total_power", "cm^2/Hz (sum of PSD ordinates)", |m| m.total_power),
        ("power_frequency_50", "Hz", |m| m.power_frequency_50),
        ("power_frequency_95", "Hz", |m| m.power_frequency_95),
        ("frequency_mode", "Hz", |m| m.frequency_mode),
        ("centroid_frequency", "Hz", |m| m.centroid_frequency),
        ("frequency_dispersion", "1", |m| m.frequency_dispersion),
        ("energy_content_below_05", "cm^2/Hz (sum of PSD ordinates)", |m| m.energy_below_05),
        ("energy_content_05_2", "cm^2/Hz (sum of PSD ordinates)", |m| m.energy_05_2),
        ("energy_content_above_2", "cm^2/Hz (sum of PSD ordinates)", |m| m.energy_above_2),
        ("frequency_quotient", "1", |m| m.frequency_quotient),
    ];
    for (name, unit, get) in spectral {
        for (axis, m) in &spectra {
            let val = match m {
                Some(m) => ok(get(m)),
                None => short("the power spectrum (one 10 s Welch segment)", seg),
            };
            b.put(format!("{name}_Power_Spectrum_Density_{axis}"), unit, val);
        }
    }

    for (axis, u) in [("ML", x), ("AP", y)] {
        let d = diffusion::diffusion(u, fs);
        let fields: [Field<diffusion::Diffusion>; 6] = [
            ("short_time_diffusion", "cm^2", |d| d.short_time_diffusion),
            ("long_time_diffusion", "cm^2", |d| d.long_time_diffusion),
            ("critical_time", "s", |d| d.critical_time),
            ("critical_displacement", "cm^2", |d| d.critical_displacement),
            ("short_time_scaling", "1", |d| d.short_time_scaling),
            ("long_time_scaling", "1", |d| d.long_time_scaling),
        ];
        for (name, unit, get) in fields {
            let val = match &d {
                Some(d) => ok(get(d)),
                None if n < diffusion::MIN_SAMPLES => short("the stabilogram diffusion plot", diffusion::MIN_SAMPLES),
                None => Err("undefined: a displacement of zero at some lag".into()),
            };
            b.put(format!("{name}_Diffusion_{axis}"), unit, val);
        }
    }

    b.put("sway_length_ML", "cm", gate(l_ml));
    b.put("sway_length_AP", "cm", gate(l_ap));
    b.put("sway_length_ML_AND_AP", "cm", gate(l));
    Descriptors { n_samples: n, fs_hz: fs, list: b.list }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::balance::Trace;

    #[test]
    fn a_short_trace_says_too_short_and_never_nan() {
        let t = Trace::uniform(25.0, vec![0.1, 0.2, 0.1, 0.0], vec![0.0, 0.1, 0.2, 0.1]).unwrap();
        let d = compute(&Stabilogram::processed(&t, 25.0).unwrap());
        let text = d.to_json().to_string();
        assert!(!text.contains("NaN") && !text.contains("null"), "{text}");
        assert!(d.get("mean_distance_ML").is_some());
        let why = d.list.iter().find(|d| d.name == "total_power_Power_Spectrum_Density_ML").unwrap();
        assert!(why.value.as_ref().unwrap_err().starts_with("too short for the power spectrum"), "{why:?}");
        let one = Trace::uniform(25.0, vec![0.1], vec![0.0]).unwrap();
        let d = compute(&Stabilogram::processed(&one, 25.0).unwrap());
        assert!(d.list.iter().all(|d| d.value.is_err()));
    }

    #[test]
    fn a_still_trace_has_no_mean_frequency_but_no_nan_either() {
        let t = Trace::uniform(25.0, vec![0.0; 300], vec![0.0; 300]).unwrap();
        let d = compute(&Stabilogram::processed(&t, 25.0).unwrap());
        assert_eq!(d.get("sway_length_ML_AND_AP"), Some(0.0));
        assert_eq!(d.get("mean_frequency_ML"), None);
        let text = d.to_json().to_string();
        assert!(!text.contains("NaN") && !text.contains("null"), "{text}");
    }
}
