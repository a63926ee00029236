//! A sway trace (centre of pressure from a force plate, or centre of mass from the pose): times and the two
//! horizontal coordinates in centimetres, and the two file formats it is read from.
//!
//! - **CSV** with a header row `time_s,ml_cm,ap_cm` (any order, extra columns ignored): one sample per row,
//!   ML = medio-lateral (positive to the person's right, as the plate or the caller defines it), AP =
//!   antero-posterior.
//! - **AMTI force-plate export** (as written by the Motive/AMTI software, the fixture's `test.csv`): metadata lines,
//!   then a header `MocapFrame, MocapTime, DeviceFrame, Fx, Fy, Fz, Mx, My, Mz, Cx, Cy, Cz`. The COP is taken as
//!   `ML = My/Fz`, `AP = Mx/Fz` (metres; this equals `-Cx` and `Cy`, the file's own COP columns), as in the
//!   reference pipeline of Quijoux et al. 2021. Rows with no load (`Fz = 0`) have no COP.

use std::path::Path;

use super::BalanceError;

/// A sway trace: strictly increasing times (s) and the ML and AP coordinates (cm), all finite.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// Sample times in seconds, strictly increasing.
    pub time_s: Vec<f64>,
    /// Medio-lateral coordinate, cm.
    pub ml_cm: Vec<f64>,
    /// Antero-posterior coordinate, cm.
    pub ap_cm: Vec<f64>,
}

impl Trace {
    /// A trace from its three columns, checked: equal lengths, every value finite, times strictly increasing.
    pub fn new(time_s: Vec<f64>, ml_cm: Vec<f64>, ap_cm: Vec<f64>) -> Result<Trace, BalanceError> {
        if time_s.len() != ml_cm.len() || time_s.len() != ap_cm.len() {
            return Err(BalanceError::Parameter(format!(
                "a trace needs as many times as ML and AP values ({} times, {} ML, {} AP)",
                time_s.len(),
                ml_cm.len(),
                ap_cm.len()
            )));
        }
        for (what, v) in [("time_s", &time_s), ("ml_cm", &ml_cm), ("ap_cm", &ap_cm)] {
            if let Some((index, &value)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
                return Err(BalanceError::NonFinite { what: what.to_string(), index, value });
            }
        }
        if let Some(i) = time_s.windows(2).position(|w| w[1] <= w[0]) {
            return Err(BalanceError::TimeBase(format!(
                "time goes from {} s (sample {}) to {} s (sample {}); times must increase",
                time_s[i],
                i,
                time_s[i + 1],
                i + 1
            )));
        }
        Ok(Trace { time_s, ml_cm, ap_cm })
    }

    /// A trace sampled evenly at `fs_hz` from time 0.
    pub fn uniform(fs_hz: f64, ml_cm: Vec<f64>, ap_cm: Vec<f64>) -> Result<Trace, BalanceError> {
        let time_s = (0..ml_cm.len()).map(|i| i as f64 / fs_hz).collect();
        Trace::new(time_s, ml_cm, ap_cm)
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.time_s.len()
    }

    /// True when the trace has no sample.
    pub fn is_empty(&self) -> bool {
        self.time_s.is_empty()
    }

    /// Reads a trace file: the AMTI export (recognised by its `MocapFrame` header) or a `time_s,ml_cm,ap_cm` CSV.
    /// An AMTI export's COP is centred on its mean over the whole file (as the reference pipeline does).
    pub fn load(path: &Path) -> Result<Trace, BalanceError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| BalanceError::File { path: path.to_path_buf(), message: e.to_string() })?;
        let wrap = |message: String| BalanceError::File { path: path.to_path_buf(), message };
        let trace = if text.lines().any(|l| l.trim_start().starts_with("MocapFrame")) {
            ForcePlateExport::parse(&text).map_err(wrap)?.trace()
        } else {
            parse_csv(&text)
        };
        trace.map_err(|e| match e {
            e @ BalanceError::File { .. } => e,
            e => wrap(e.to_string()),
        })
    }
}

/// Parses a `time_s,ml_cm,ap_cm` CSV (header required; extra columns ignored); a malformed file is a
/// [`BalanceError::Format`] naming the line.
pub fn parse_csv(text: &str) -> Result<Trace, BalanceError> {
    parse_csv_rows(text).map_err(BalanceError::Format)?
}

fn parse_csv_rows(text: &str) -> Result<Result<Trace, BalanceError>, String> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or("the file is empty")?;
    let names: Vec<String> = header.split(',').map(|s| s.trim().trim_start_matches('\u{feff}').to_string()).collect();
    let col = |name: &str| {
        names.iter().position(|n| n == name).ok_or_else(|| {
            format!("no `{name}` column in the header `{header}` (expected time_s,ml_cm,ap_cm, or an AMTI export)")
        })
    };
    let (ti, mi, ai) = (col("time_s")?, col("ml_cm")?, col("ap_cm")?);
    let (mut t, mut ml, mut ap) = (Vec::new(), Vec::new(), Vec::new());
    for (row, line) in lines {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let get = |i: usize, name: &str| -> Result<f64, String> {
            let cell = cells.get(i).ok_or_else(|| format!("line {}: no {name} value", row + 1))?;
            cell.parse::<f64>().map_err(|_| format!("line {}: {name} `{cell}` is not a number", row + 1))
        };
        t.push(get(ti, "time_s")?);
        ml.push(get(mi, "ml_cm")?);
        ap.push(get(ai, "ap_cm")?);
    }
    Ok(Trace::new(t, ml, ap))
}

/// One row of an AMTI force-plate export.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlateRow {
    /// `MocapTime`, s.
    pub time_s: f64,
    /// The centre of pressure (ML, AP) in metres, `None` when the plate carries no load (`Fz = 0`).
    pub cop_m: Option<(f64, f64)>,
}

/// An AMTI force-plate export: its rows, in file order (rows without load included, so positions match the file).
#[derive(Clone, Debug, PartialEq)]
pub struct ForcePlateExport {
    /// Every data row in file order.
    pub rows: Vec<PlateRow>,
}

impl ForcePlateExport {
    /// Parses the export's text.
    pub fn parse(text: &str) -> Result<ForcePlateExport, String> {
        let mut lines = text.lines().enumerate().skip_while(|(_, l)| !l.trim_start().starts_with("MocapFrame"));
        let (_, header) = lines.next().ok_or("no `MocapFrame, MocapTime, …` header row")?;
        let names: Vec<&str> = header.split(',').map(str::trim).collect();
        let col = |name: &str| names.iter().position(|n| *n == name).ok_or(format!("no `{name}` column"));
        let (ti, fz, mx, my) = (col("MocapTime")?, col("Fz")?, col("Mx")?, col("My")?);
        let mut rows = Vec::new();
        for (row, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let get = |i: usize| -> Result<f64, String> {
                let cell = cells.get(i).ok_or(format!("line {}: too few columns", row + 1))?;
                cell.parse::<f64>().map_err(|_| format!("line {}: `{cell}` is not a number", row + 1))
            };
            let (t, f, mxv, myv) = (get(ti)?, get(fz)?, get(mx)?, get(my)?);
            let (ml, ap) = (myv / f, mxv / f);
            let cop_m = (f != 0.0 && ml.is_finite() && ap.is_finite()).then_some((ml, ap));
            rows.push(PlateRow { time_s: t, cop_m });
        }
        if rows.is_empty() {
            return Err("no data rows after the header".into());
        }
        Ok(ForcePlateExport { rows })
    }

    /// The COP of every row in cm, centred on the mean over the rows with load (`None` where there is none).
    pub fn centred_cop_cm(&self) -> Vec<Option<(f64, f64)>> {
        let loaded: Vec<(f64, f64)> = self.rows.iter().filter_map(|r| r.cop_m).collect();
        let n = loaded.len().max(1) as f64;
        let mx = loaded.iter().map(|c| c.0).sum::<f64>() / n;
        let my = loaded.iter().map(|c| c.1).sum::<f64>() / n;
        self.rows.iter().map(|r| r.cop_m.map(|(x, y)| ((x - mx) * 100.0, (y - my) * 100.0))).collect()
    }

    /// The whole recording as a trace: centred COP in cm, times from the file; rows without load are left out
    /// (their times with them).
    pub fn trace(&self) -> Result<Trace, BalanceError> {
        let cop = self.centred_cop_cm();
        let (mut t, mut ml, mut ap) = (Vec::new(), Vec::new(), Vec::new());
        for (row, c) in self.rows.iter().zip(cop) {
            if let Some((x, y)) = c {
                t.push(row.time_s);
                ml.push(x);
                ap.push(y);
            }
        }
        Trace::new(t, ml, ap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_is_read_by_column_name() {
        let t = parse_csv("ap_cm,time_s,ml_cm\n1,0,2\n3,0.04,4\n").unwrap();
        assert_eq!(t.time_s, vec![0.0, 0.04]);
        assert_eq!(t.ml_cm, vec![2.0, 4.0]);
        assert_eq!(t.ap_cm, vec![1.0, 3.0]);
    }

    #[test]
    fn bad_csv_says_what_is_wrong() {
        assert!(parse_csv("t,x,y\n0,1,2\n").unwrap_err().to_string().contains("no `time_s` column"));
        assert!(parse_csv("time_s,ml_cm,ap_cm\n0,abc,2\n").unwrap_err().to_string().contains("line 2: ml_cm `abc`"));
        let nan = parse_csv("time_s,ml_cm,ap_cm\n0,1,2\n0.04,NaN,2\n").unwrap_err();
        assert!(nan.to_string().contains("sample 1 is not a finite number"), "{nan}");
        let back = parse_csv("time_s,ml_cm,ap_cm\n0,1,2\n0,1,2\n").unwrap_err();
        assert!(back.to_string().contains("times must increase"), "{back}");
    }

    #[test]
    fn amti_rows_without_load_have_no_cop() {
        let text = "Format Version,1.0,\n\nMocapFrame, MocapTime, DeviceFrame, Fx, Fy, Fz, Mx, My, Mz, Cx, Cy, Cz\n\
                    0,0.000000,0,0,0,500,-50,10,0,0,0,0\n1,0.010000,1,0,0,0,0,0,0,0,0,0\n\
                    2,0.020000,2,0,0,500,-40,20,0,0,0,0\n";
        let p = ForcePlateExport::parse(text).unwrap();
        assert_eq!(p.rows.len(), 3);
        assert_eq!(p.rows[0].cop_m, Some((0.02, -0.1)));
        assert_eq!(p.rows[1].cop_m, None);
        let t = p.trace().unwrap();
        assert_eq!(t.time_s, vec![0.0, 0.02]);
        assert!((t.ml_cm[0] + 1.0).abs() < 1e-12 && (t.ap_cm[1] - 1.0).abs() < 1e-12);
    }
}
