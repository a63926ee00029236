//! Every integration test in one test binary: each file of `tests/` is a module here, named after the file
//! (`cargo test --test suite -- record_cli::` runs one file's tests). One binary links once; 35 binaries, each
//! linking the whole library with its engines, UI and decoders, made most of a clean test run's time.
//!
//! A new test file is added below (Cargo.toml has `autotests = false`, so a file not listed here is not built).

mod common;

#[path = "balance.rs"]
mod balance;
#[path = "balance_bess.rs"]
mod balance_bess;
#[path = "balance_cli.rs"]
mod balance_cli;
#[path = "balance_video.rs"]
mod balance_video;
#[path = "cli.rs"]
mod cli;
#[path = "coco_accuracy.rs"]
mod coco_accuracy;
#[path = "compare.rs"]
mod compare;
#[path = "engines.rs"]
mod engines;
#[path = "fuzz_inputs.rs"]
mod fuzz_inputs;
#[path = "gait.rs"]
mod gait;
#[path = "gait_bad_input.rs"]
mod gait_bad_input;
#[path = "gait_sides.rs"]
mod gait_sides;
#[path = "hands.rs"]
mod hands;
#[path = "hands_cli.rs"]
mod hands_cli;
#[path = "hardening.rs"]
mod hardening;
#[path = "live.rs"]
mod live;
#[path = "mirroring.rs"]
mod mirroring;
#[path = "people.rs"]
mod people;
#[path = "pose_reference.rs"]
mod pose_reference;
#[path = "posture.rs"]
mod posture;
#[path = "protocols.rs"]
mod protocols;
#[path = "record_browser.rs"]
mod record_browser;
#[path = "record_cli.rs"]
mod record_cli;
#[path = "record_paperwork.rs"]
mod record_paperwork;
#[path = "record_store.rs"]
mod record_store;
#[path = "recording.rs"]
mod recording;
#[path = "sources.rs"]
mod sources;
#[path = "ui.rs"]
mod ui;
#[path = "ui_balance.rs"]
mod ui_balance;
#[path = "ui_compare.rs"]
mod ui_compare;
#[path = "ui_gait.rs"]
mod ui_gait;
#[path = "ui_glyphs.rs"]
mod ui_glyphs;
#[path = "ui_hands.rs"]
mod ui_hands;
#[path = "ui_posture.rs"]
mod ui_posture;
#[path = "ui_workflow.rs"]
mod ui_workflow;
#[path = "views.rs"]
mod views;
