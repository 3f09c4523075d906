//! Reading the files a run is pointed at: Go sources (only regular files: a FIFO or a device
//! where a source file should be would block the run or never end) and the files read whole
//! (a profile, a baseline, a report given to `diff`: never more than a cap, so `/dev/zero`
//! ends in an error, not in exhausted memory).

use std::io::{self, Read};
use std::path::Path;

/// The most a profile, a baseline or a report is read: far more than any real one.
pub const MAX_WHOLE_FILE: u64 = 1 << 30;

/// The bytes of a regular file; anything else (a FIFO, a device, a directory) is an error
/// that says so.
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let (meta, read) = match std::fs::metadata(path) {
        Ok(m) if m.is_file() => (Some(m), std::fs::read(path)),
        Ok(_) => (None, Err(io::Error::other("not a regular file"))),
        Err(e) => (None, Err(e)),
    };
    // What an analysis read is what its cached result depends on.
    if crate::source::deps::recording() {
        // What `stat` says is kept with the bytes only if it says the same after they were
        // read: a file replaced while it was read is not taken for either.
        let meta = meta.filter(|before| {
            std::fs::metadata(path).ok().is_some_and(|after| {
                crate::source::deps::Stamp::of(&after) == crate::source::deps::Stamp::of(before)
            })
        });
        crate::source::deps::note_file(path, meta.as_ref(), read.as_ref().ok().map(Vec::as_slice));
    }
    read
}

/// The text of a regular file, invalid UTF-8 replaced.
pub fn read_regular_text(path: &Path) -> io::Result<String> {
    let bytes = read_regular(path)?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// How much of a file read whole is looked at before the rest is read.
const HEAD: u64 = 4096;

/// A file read whole: a regular file, a pipe (`<(gunzip -c report.json.gz)`) or a device, up
/// to `cap` bytes; past the cap, an error naming it.
pub fn read_capped(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    read_checked(path, cap, |_| Ok(()))
}

/// [`read_capped`], with the first bytes checked before the rest is read: a file that is not
/// what it claims to be (`/dev/zero` for a profile) is refused at once, with `check`'s words.
pub fn read_checked(
    path: &Path,
    cap: u64,
    check: impl FnOnce(&[u8]) -> Result<(), String>,
) -> io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    (&mut file)
        .take(HEAD.min(cap + 1))
        .read_to_end(&mut bytes)?;
    check(&bytes).map_err(|why| io::Error::new(io::ErrorKind::InvalidData, why))?;
    file.take(cap + 1 - bytes.len() as u64)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(io::Error::other(format!(
            "larger than {}, more than any file of its kind",
            crate::units::bytes(cap as i64)
        )));
    }
    Ok(bytes)
}

/// The check for a text file (a log, a JSON report): no NUL byte in its first bytes, unless
/// it is gzip's (a log may be compressed) or UTF-16 (PowerShell's `2>`).
pub fn looks_like_text(head: &[u8]) -> Result<(), String> {
    let utf16 = head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF])
        || matches!(head, [a, 0, b, 0, ..] | [0, a, 0, b, ..] if *a != 0 && *b != 0);
    if head.starts_with(&[0x1F, 0x8B]) || utf16 || !head.contains(&0) {
        Ok(())
    } else {
        Err("it is not text (it has NUL bytes)".into())
    }
}

/// An I/O error in a few words, without the `(os error 13)` suffix.
pub fn reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::NotFound => "not found".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_read_and_whole_reads_are_capped() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            read_regular(dir.path()).unwrap_err().to_string(),
            "not a regular file"
        );
        let f = dir.path().join("a");
        std::fs::write(&f, b"0123456789").unwrap();
        assert_eq!(read_regular(&f).unwrap(), b"0123456789");
        assert_eq!(read_capped(&f, 10).unwrap(), b"0123456789");
        assert!(read_capped(&f, 9).is_err());
        #[cfg(unix)]
        {
            assert!(read_capped(Path::new("/dev/zero"), 1 << 20).is_err());
            let e = read_checked(Path::new("/dev/zero"), MAX_WHOLE_FILE, looks_like_text);
            assert_eq!(
                e.unwrap_err().to_string(),
                "it is not text (it has NUL bytes)"
            );
        }
    }
}
