//! The paperwork made from the record: the 97112 units of the day's timed minutes ([`units`]), the treatment note
//! draft ([`note`]), goal progress and measure series ([`progress`]), the HTML report with SVG plots ([`report`]),
//! and CSV/JSON exports of every measure ([`export`]).

pub mod export;
pub mod note;
pub mod progress;
pub mod report;
pub mod units;
