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
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    std::fs::read(path)
}

/// The text of a regular file, invalid UTF-8 replaced.
pub fn read_regular_text(path: &Path) -> io::Result<String> {
    let bytes = read_regular(path)?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// A file read whole: a regular file, a pipe (`<(gunzip -c report.json.gz)`) or a device, up
/// to `cap` bytes; past the cap, an error naming it.
pub fn read_capped(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(io::Error::other(format!(
            "larger than {}, more than any file of its kind",
            crate::units::bytes(cap as i64)
        )));
    }
    Ok(bytes)
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
        assert!(read_capped(Path::new("/dev/zero"), 1 << 20).is_err());
    }
}
