//! The one validator of the command line's numbers: each numeric argument is parsed by [`in_range`] (through
//! clap's `value_parser`), so NaN, infinity and values outside the documented range are refused with exit 2 and a
//! message that gives the range, before anything runs.

/// A closed or half-open range of allowed values, and what the number is, for messages.
#[derive(Clone, Copy, Debug)]
pub struct Range {
    /// The smallest allowed value.
    pub min: f64,
    /// Whether `min` itself is allowed.
    pub min_included: bool,
    /// The largest allowed value (`f64::MAX` for no bound).
    pub max: f64,
    /// What the range is, in words: "0 to 1", "above 0".
    pub words: &'static str,
}

/// 0 to 1, both included (a strength, a fraction).
pub const FRACTION: Range = Range { min: 0.0, min_included: true, max: 1.0, words: "0 to 1" };
/// Any finite number above 0 (seconds, frames per second).
pub const POSITIVE: Range = Range { min: 0.0, min_included: false, max: f64::MAX, words: "a number above 0" };
/// A patient's height in centimetres.
pub const HEIGHT_CM: Range = Range { min: 50.0, min_included: true, max: 250.0, words: "50 to 250 (cm)" };
/// A count of at least one.
pub const COUNT: Range = Range { min: 1.0, min_included: true, max: 1e12, words: "a whole number of 1 or more" };

/// Parses `text` as a number within `range`: the message says what was given and what is allowed.
pub fn in_range(text: &str, range: Range) -> Result<f64, String> {
    let v: f64 = text.trim().parse().map_err(|_| format!("`{text}` is not a number; give {}", range.words))?;
    let above_min = if range.min_included { v >= range.min } else { v > range.min };
    if !v.is_finite() || !above_min || v > range.max {
        return Err(format!("`{text}` is out of range; give {}", range.words));
    }
    Ok(v)
}

/// [`in_range`] of [`FRACTION`], as `f32`.
pub fn fraction(text: &str) -> Result<f32, String> {
    in_range(text, FRACTION).map(|v| v as f32)
}

/// [`in_range`] of [`POSITIVE`].
pub fn positive(text: &str) -> Result<f64, String> {
    in_range(text, POSITIVE)
}

/// [`in_range`] of [`HEIGHT_CM`].
pub fn height_cm(text: &str) -> Result<f64, String> {
    in_range(text, HEIGHT_CM)
}

/// [`in_range`] of [`COUNT`], a whole number.
pub fn count(text: &str) -> Result<usize, String> {
    let v = in_range(text, COUNT)?;
    if v.fract() != 0.0 {
        return Err(format!("`{text}` is not a whole number; give {}", COUNT.words));
    }
    Ok(v as usize)
}

/// A session number: [`count`] as the record's `i64`.
pub fn session_number(text: &str) -> Result<i64, String> {
    count(text).map(|n| n as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defect_11_nan_infinity_and_out_of_range_are_refused() {
        for bad in ["nan", "NaN", "inf", "-inf", "-1", "5", "1.0001", "x", ""] {
            assert!(fraction(bad).is_err(), "{bad}");
        }
        assert_eq!(fraction("0"), Ok(0.0));
        assert_eq!(fraction("1"), Ok(1.0));
        assert!(fraction("5").unwrap_err().contains("0 to 1"));
        for bad in ["0", "-5", "nan", "inf"] {
            assert!(positive(bad).is_err(), "{bad}");
        }
        assert_eq!(positive("0.5"), Ok(0.5));
        assert!(count("0").is_err() && count("2.5").is_err() && count("1e30").is_err());
        assert_eq!(count("60"), Ok(60));
        assert!(height_cm("20").is_err() && height_cm("172").is_ok());
    }
}
