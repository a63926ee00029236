//! `mirrorcue backup --out FILE`: a consistent copy of the clinic record, taken with SQLite's online backup (it
//! works while the app is open).

use std::path::{Path, PathBuf};

use clap::Args;

use super::{CliError, EXIT_OK};
use crate::store::{Access, Store};

/// `mirrorcue backup`.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The backup file to write (replaced if it is a regular file).
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
}

/// Runs `mirrorcue backup`.
pub fn run(args: &BackupArgs, data_dir: &Path) -> Result<u8, CliError> {
    let store = Store::open(data_dir, Access::Read)?;
    store.backup_to(&args.out)?;
    println!("backed up {} to {}", store.path().display(), args.out.display());
    Ok(EXIT_OK)
}
