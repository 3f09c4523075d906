//! Where the report goes with `-o FILE`, without damaging what is there. A regular file is
//! replaced only when the run succeeds: the report is written beside it and renamed over it,
//! keeping its mode (and, for root, its owner), so a failed run leaves the previous report
//! alone. A file with other names (a hard link) is written in place once the report is
//! complete, so every name sees it. A symlink is followed to the file it names. A device or a
//! FIFO (`-o /dev/null`, `-o /dev/stdout`) is written in place, as a shell's `>` would. When
//! the directory cannot take a new file, the report waits in the system's temporary directory
//! and is copied in place.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};

/// A report being written for `-o`.
pub struct Output {
    /// The file the report ends up in (a symlink resolved).
    target: PathBuf,
    how: How,
}

enum How {
    /// Straight into the target (not a regular file).
    Direct(File),
    /// Into a new file beside the target, renamed over it.
    Rename(tempfile::NamedTempFile),
    /// Into a temporary file anywhere, copied into the target.
    Copy(tempfile::NamedTempFile),
}

impl Output {
    /// Prepares to write the report for `path`.
    pub fn open(path: &Path) -> io::Result<Output> {
        let target = resolve(path);
        let existing = std::fs::metadata(&target).ok();
        if let Some(m) = &existing
            && !m.is_file()
        {
            if m.is_dir() {
                return Err(io::Error::other("it is a directory"));
            }
            let f = OpenOptions::new().write(true).open(&target)?;
            return Ok(Output {
                target,
                how: How::Direct(f),
            });
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let linked = existing.as_ref().is_some_and(links);
        if !linked && let Ok(t) = tempfile::NamedTempFile::new_in(&dir) {
            set_like(t.as_file(), existing.as_ref())?;
            crate::interrupt::remove_on_signal(t.path());
            return Ok(Output {
                target,
                how: How::Rename(t),
            });
        }
        // In place, later: the target must be writable now, not only at the end.
        if existing.is_some() {
            OpenOptions::new().write(true).open(&target)?;
        } else {
            // Nothing to damage, and nowhere to write beside it: the error is the directory's.
            tempfile::NamedTempFile::new_in(&dir)?;
        }
        let t = tempfile::NamedTempFile::new()?;
        crate::interrupt::remove_on_signal(t.path());
        Ok(Output {
            target,
            how: How::Copy(t),
        })
    }

    /// Where the report is written now.
    pub fn writer(&self) -> io::Result<File> {
        match &self.how {
            How::Direct(f) => f.try_clone(),
            How::Rename(t) | How::Copy(t) => t.as_file().try_clone(),
        }
    }

    /// The report is complete: it takes the target's place.
    pub fn commit(self) -> io::Result<()> {
        match self.how {
            How::Direct(mut f) => f.flush(),
            How::Rename(t) => {
                let temp = t.path().to_path_buf();
                let done = t.persist(&self.target).map(|_| ()).map_err(|e| e.error);
                crate::interrupt::forget(&temp);
                done
            }
            How::Copy(t) => {
                let mut from = t.reopen()?;
                from.rewind()?;
                let mut to = OpenOptions::new()
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .open(&self.target)?;
                io::copy(&mut from, &mut to)?;
                to.flush()?;
                crate::interrupt::forget(t.path());
                Ok(())
            }
        }
    }

    /// The file the report goes to, for messages.
    pub fn target(&self) -> &Path {
        &self.target
    }
}

/// `path` with symlinks followed, as far as they lead (a dangling link: the path it names).
fn resolve(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&p) {
            Ok(to) => {
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            Err(_) => return p,
        }
    }
    p
}

/// Whether the file has other names (hard links), which a rename would leave behind.
fn links(m: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        m.nlink() > 1
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        false
    }
}

/// Gives the new file the existing one's mode and owner, or for a new report the mode any file
/// the user creates gets (0666 less the umask; tempfile's default is 0600).
fn set_like(f: &File, existing: Option<&std::fs::Metadata>) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        match existing {
            Some(m) => {
                f.set_permissions(std::fs::Permissions::from_mode(m.mode() & 0o7777))?;
                // Only root can give a file away; for anyone else the owner is already theirs.
                let _ = std::os::unix::fs::fchown(f, Some(m.uid()), Some(m.gid()));
            }
            None => {
                f.set_permissions(std::fs::Permissions::from_mode(0o666 & !umask()))?;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (f, existing);
    }
    Ok(())
}

/// The process's umask (read by setting it, then setting it back).
#[cfg(unix)]
fn umask() -> u32 {
    // SAFETY: umask(2) cannot fail; the previous mask is restored at once.
    unsafe {
        let old = libc::umask(0o022);
        libc::umask(old);
        old as u32
    }
}
