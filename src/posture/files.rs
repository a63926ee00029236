//! Writing the files a clinic keeps (protocols, exports, the command line's outputs): the one place every output
//! file goes through.
//!
//! The rules ([`OutputFile`]):
//! - a **regular file** (or a new one) is written atomically: a temporary file beside it (`.NAME.partial`), then a
//!   rename, so a crash never leaves half a file; on failure (or when dropped unfinished) the temporary file is
//!   removed, so a full disk gets its space back;
//! - a **symbolic link** is written through: the file it points to is replaced as above, the link stays;
//! - a **device, pipe or socket** (`/dev/null`, `/dev/stdout`, a FIFO) is written straight into, never replaced;
//! - a **folder** is refused;
//! - every write and the final flush is checked: a full disk or `/dev/full` is an error, never a silent success.
//!
//! [`refuse_input`] stops an output from replacing one of the command's own inputs.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` by the rules of the [module](self): atomically over a regular file, through a link,
/// straight into a device; refuses a folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut out = OutputFile::create(path)?;
    out.write_all(bytes)?;
    out.commit()
}

/// The path a symbolic link finally points to (relative targets resolved against the link's folder); `path`
/// itself when it is not a link (or does not exist). Loops of links are an error.
pub fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)?;
                current = if target.is_absolute() {
                    target
                } else {
                    current.parent().map(|p| p.join(&target)).unwrap_or(target)
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// An output file being written (see the [module docs](self)): [`Write`] into it, then [`commit`](Self::commit).
/// Dropped without a commit, it removes its temporary file and leaves the destination as it was.
pub struct OutputFile {
    writer: Option<BufWriter<File>>,
    /// The temporary file, for a regular destination; `None` when writing straight into a device or pipe.
    tmp: Option<PathBuf>,
    /// Where the bytes end up (links resolved).
    dest: PathBuf,
}

impl OutputFile {
    /// Starts writing `path`. Fails when `path` is a folder, or its folder does not exist or is not writable.
    pub fn create(path: &Path) -> io::Result<OutputFile> {
        let dest = resolve_links(path)?;
        match std::fs::metadata(&dest) {
            Ok(m) if m.is_dir() => {
                return Err(io::Error::other("it is a folder; give a file name"));
            }
            Ok(m) if !m.is_file() => {
                // A device, pipe or socket: write into it, never replace it.
                let f = std::fs::OpenOptions::new().write(true).open(&dest)?;
                return Ok(OutputFile { writer: Some(BufWriter::new(f)), tmp: None, dest });
            }
            _ => {}
        }
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "output".into());
        let tmp = dest.with_file_name(format!(".{name}.partial"));
        let f = File::create(&tmp)?;
        Ok(OutputFile { writer: Some(BufWriter::new(f)), tmp: Some(tmp), dest })
    }

    /// Where the bytes go (symbolic links resolved).
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Flushes, syncs and puts the file in place (the rename, for a regular file). On failure the temporary file is
    /// removed and the destination is left as it was.
    pub fn commit(mut self) -> io::Result<()> {
        let result = self.finish();
        if result.is_err() {
            self.discard();
        }
        result
    }

    fn finish(&mut self) -> io::Result<()> {
        let Some(writer) = self.writer.take() else { return Err(io::Error::other("already closed")) };
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        if let Some(tmp) = &self.tmp {
            file.sync_all()?;
            drop(file);
            std::fs::rename(tmp, &self.dest)?;
            self.tmp = None;
        }
        Ok(())
    }

    fn discard(&mut self) {
        // Dropping a BufWriter flushes it: forget its buffer rather than write more into a failing file.
        if let Some(w) = self.writer.take() {
            let (_file, _unwritten) = w.into_parts();
        }
        if let Some(tmp) = self.tmp.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.writer {
            Some(w) => w.write(buf),
            None => Err(io::Error::other("already closed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.writer {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        self.discard();
    }
}

/// `true` when `a` and `b` name the same existing file (links followed; on Unix by device and inode).
pub fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else { return false };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        ma.dev() == mb.dev() && ma.ino() == mb.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (ma, mb);
        matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
    }
}

/// An error when the output `out` is one of `inputs` (the same file or folder, links followed): writing it would
/// replace the input. The message names both.
pub fn refuse_input(out: &Path, inputs: &[&Path]) -> Result<(), String> {
    for input in inputs {
        if same_file(out, input) {
            return Err(format!(
                "the output {} is the input {}; writing it would replace the input. Choose another output name",
                out.display(),
                input.display()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_replaced_atomically_and_a_failure_leaves_no_partial() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        let mut out = OutputFile::create(&path).unwrap();
        out.write_all(b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old", "untouched until the commit");
        out.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let mut unfinished = OutputFile::create(&path).unwrap();
        unfinished.write_all(b"half").unwrap();
        drop(unfinished);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no .partial left");
    }

    #[cfg(unix)]
    #[test]
    fn defect_4_links_are_written_through_and_devices_written_into() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.txt");
        std::fs::write(&target, "old").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink("target.txt", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        let null = dir.path().join("null");
        std::os::unix::fs::symlink("/dev/null", &null).unwrap();
        write_atomic(&null, b"gone").unwrap();
        assert!(std::fs::symlink_metadata(&null).unwrap().file_type().is_symlink());
        let e = write_atomic(dir.path(), b"x").unwrap_err();
        assert!(e.to_string().contains("folder"), "{e}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn defect_7_a_full_device_is_an_error() {
        let e = write_atomic(Path::new("/dev/full"), b"some bytes").unwrap_err();
        assert_eq!(e.raw_os_error(), Some(28), "ENOSPC: {e}");
    }

    #[test]
    fn defect_3_an_output_that_is_an_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("s.mp4");
        std::fs::write(&input, "video").unwrap();
        let e = refuse_input(&dir.path().join("./s.mp4"), &[Path::new("other"), &input]).unwrap_err();
        assert!(e.contains("s.mp4") && e.contains("replace the input"), "{e}");
        assert!(refuse_input(&dir.path().join("new.jsonl"), &[&input]).is_ok());
    }
}
