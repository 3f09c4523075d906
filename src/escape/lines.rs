//! Raw bytes to lines, whatever wrote the log: LF, CRLF or CR-only line ends, a UTF-8 byte
//! order mark, UTF-16 (what Windows PowerShell's `2>` writes), terminal colour and control
//! sequences copied from a CI console, gzip, and lines of any length (each is cut at
//! [`MAX_LINE`], so memory stays bounded on a stream with no newline).

use std::io::{self, BufRead, Read};

/// The longest line kept: longer ones are cut here and counted as not understood.
pub const MAX_LINE: usize = 1 << 20;

/// One line as read, without its line ending.
pub struct RawLine<'a> {
    pub bytes: &'a [u8],
    /// Bytes read for it, line ending included.
    pub read: u64,
    /// The input ended without a line ending.
    pub unterminated: bool,
    /// Longer than [`MAX_LINE`]: the rest was skipped.
    pub cut: bool,
}

/// Splits a byte stream into lines; [`open`] decodes UTF-16 and drops a BOM first.
pub struct Lines<R> {
    input: R,
    buf: Vec<u8>,
    /// Bytes of the lines returned so far.
    offset: u64,
}

/// How the input is encoded, from its first bytes.
enum Encoding {
    Utf8,
    Utf16 { little_endian: bool, bom: bool },
}

fn sniff(head: &[u8]) -> Encoding {
    match head {
        [0xFF, 0xFE, ..] => Encoding::Utf16 {
            little_endian: true,
            bom: true,
        },
        [0xFE, 0xFF, ..] => Encoding::Utf16 {
            little_endian: false,
            bom: true,
        },
        // Without a BOM: ASCII text in UTF-16 has every other byte NUL.
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => Encoding::Utf16 {
            little_endian: true,
            bom: false,
        },
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => Encoding::Utf16 {
            little_endian: false,
            bom: false,
        },
        _ => Encoding::Utf8,
    }
}

/// Reads a whole UTF-16 stream into UTF-8.
fn decode_utf16(mut input: impl Read, little_endian: bool, bom: bool) -> io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    input.read_to_end(&mut raw)?;
    let start = if bom { 2 } else { 0 };
    let units = raw[start.min(raw.len())..].chunks_exact(2).map(|c| {
        if little_endian {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    Ok(text.into_bytes())
}

/// Opens a stream for line reading: UTF-16 is decoded (into memory: such logs are small), a
/// UTF-8 BOM is skipped.
pub fn open<'a>(mut input: impl BufRead + 'a) -> io::Result<Lines<Box<dyn BufRead + 'a>>> {
    // A log saved with gzip (`go build ... 2>&1 | gzip > build.log.gz`) is read through it.
    if input.fill_buf()?.starts_with(&[0x1F, 0x8B]) {
        let inflated = io::BufReader::with_capacity(
            1 << 16,
            Gzip(flate2::bufread::MultiGzDecoder::new(input)),
        );
        return open_text(inflated);
    }
    open_text(input)
}

/// A gzip stream whose failures say what they are: a truncated or damaged `.gz` is bad data
/// (flate2 reports the truncation as invalid input, as if the caller were wrong).
struct Gzip<R>(R);

impl<R: Read> Read for Gzip<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| match e.kind() {
            io::ErrorKind::Interrupted => e,
            _ => io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a damaged or truncated gzip stream ({e})"),
            ),
        })
    }
}

/// [`open`] for input that is not compressed.
fn open_text<'a>(mut input: impl BufRead + 'a) -> io::Result<Lines<Box<dyn BufRead + 'a>>> {
    let (encoding, utf8_bom) = {
        let head = input.fill_buf()?;
        (sniff(head), head.starts_with(&[0xEF, 0xBB, 0xBF]))
    };
    let input: Box<dyn BufRead + 'a> = match encoding {
        Encoding::Utf16 { little_endian, bom } => {
            Box::new(io::Cursor::new(decode_utf16(input, little_endian, bom)?))
        }
        Encoding::Utf8 => {
            if utf8_bom {
                input.consume(3);
            }
            Box::new(input)
        }
    };
    Ok(Lines {
        input,
        buf: Vec::with_capacity(256),
        offset: 0,
    })
}

impl<R: BufRead> Lines<R> {
    /// The next line, or None at the end of the input.
    pub fn next_line(&mut self) -> io::Result<Option<RawLine<'_>>> {
        self.buf.clear();
        let mut read = 0u64;
        let mut cut = false;
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                if read == 0 {
                    return Ok(None);
                }
                return Ok(Some(self.done(read, true, cut)));
            }
            // A NUL byte is in no text log (UTF-16 was decoded above): the input is binary
            // (/dev/zero, an archive, a core file), which would otherwise be read to its end
            // as one endless line that is not understood.
            match memchr::memchr3(b'\n', b'\r', 0, chunk) {
                Some(i) if chunk[i] == 0 => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "it is not text: a NUL byte at byte {} (expected the output of go build -gcflags=-m)",
                            self.offset + read + i as u64
                        ),
                    ));
                }
                Some(i) => {
                    let is_cr = chunk[i] == b'\r';
                    take(&mut self.buf, &chunk[..i], &mut cut);
                    let n = i + 1;
                    self.input.consume(n);
                    read += n as u64;
                    if is_cr {
                        // CRLF is one line end; a lone CR is one too (old Mac logs).
                        let next = self.input.fill_buf()?;
                        if next.first() == Some(&b'\n') {
                            self.input.consume(1);
                            read += 1;
                        }
                    }
                    return Ok(Some(self.done(read, false, cut)));
                }
                None => {
                    let n = chunk.len();
                    take(&mut self.buf, chunk, &mut cut);
                    self.input.consume(n);
                    read += n as u64;
                }
            }
        }
    }

    fn done(&mut self, read: u64, unterminated: bool, cut: bool) -> RawLine<'_> {
        self.offset += read;
        strip_controls(&mut self.buf);
        RawLine {
            bytes: &self.buf,
            read,
            unterminated,
            cut,
        }
    }
}

/// Appends what fits under [`MAX_LINE`]; the rest of a longer line is dropped.
fn take(buf: &mut Vec<u8>, part: &[u8], cut: &mut bool) {
    let room = MAX_LINE.saturating_sub(buf.len());
    if part.len() > room {
        *cut = true;
    }
    buf.extend_from_slice(&part[..part.len().min(room)]);
}

/// Removes terminal escape sequences (colours `ESC [ ... m`, titles `ESC ] ... BEL`, any
/// other `ESC x`, and the same written with C1 controls: `U+009B ... m`, `U+009D ... U+009C`)
/// and the other control characters but tab (see [`crate::printable`]), in place: a log copied
/// from a colouring console parses as the plain one, and nothing read can drive the terminal
/// the report is printed on.
pub fn strip_controls(line: &mut Vec<u8>) {
    // Almost every line has none: a check without an early exit, which the compiler
    // vectorizes. 0xC2 leads the UTF-8 of U+0080..U+00BF, C1 among them.
    let controls = line.iter().fold(false, |any, &b| {
        any | ((b < 0x20) & (b != b'\t')) | (b == 0x7F) | (b == 0xC2)
    });
    if !controls {
        return;
    }
    let mut out = Vec::with_capacity(line.len());
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if let Some((function, len)) = c1_function(&line[i..]) {
            i += len;
            match function {
                // CSI: parameters and intermediates, then one final byte 0x40-0x7E.
                0x9B => {
                    while i < line.len() && !(0x40..=0x7E).contains(&line[i]) {
                        i += 1;
                    }
                    i += 1;
                }
                // DCS, SOS, OSC, PM, APC: a string, up to BEL or ST (`ESC \` or U+009C).
                0x90 | 0x98 | 0x9D | 0x9E | 0x9F => {
                    while i < line.len() {
                        if line[i] == 0x07 {
                            i += 1;
                            break;
                        }
                        if let Some((0x9C, len)) = c1_function(&line[i..]) {
                            i += len;
                            break;
                        }
                        i += 1;
                    }
                }
                _ => {}
            }
            continue;
        }
        if b == 0x1B {
            // `ESC x` of another kind (`ESC 7`, `ESC =`): both go; a non-ASCII x is a character
            // of the text, kept whole.
            i += match line.get(i + 1) {
                Some(x) if x.is_ascii() => 2,
                _ => 1,
            };
            continue;
        }
        if (b < 0x20 && b != b'\t') || b == 0x7F {
            i += 1;
            continue;
        }
        out.push(b);
        i += 1;
    }
    *line = out;
}

/// The C1 control `bytes` start with, as its code point (0x80-0x9F), and the bytes it takes:
/// UTF-8's `C2 80`..`C2 9F`, or its 7-bit spelling `ESC @`..`ESC _` (`ESC [` is CSI, U+009B).
fn c1_function(bytes: &[u8]) -> Option<(u8, usize)> {
    match bytes {
        [0xC2, second @ 0x80..=0x9F, ..] => Some((*second, 2)),
        [0x1B, x @ 0x40..=0x5F, ..] => Some((x - 0x40 + 0x80, 2)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8]) -> Vec<(String, bool, bool)> {
        let mut l = open(input).unwrap();
        let mut out = Vec::new();
        while let Some(line) = l.next_line().unwrap() {
            out.push((
                String::from_utf8_lossy(line.bytes).into_owned(),
                line.unterminated,
                line.cut,
            ));
        }
        out
    }

    fn texts(input: &[u8]) -> Vec<String> {
        all(input).into_iter().map(|(t, _, _)| t).collect()
    }

    #[test]
    fn every_line_end() {
        assert_eq!(texts(b"a\nb\r\nc\rd"), ["a", "b", "c", "d"]);
        assert_eq!(all(b"a\n")[0], ("a".into(), false, false));
        assert!(all(b"a")[0].1, "no line ending at the end");
        assert_eq!(texts(b"a\r\n\r\nb"), ["a", "", "b"]);
    }

    #[test]
    fn byte_order_marks_and_utf16() {
        assert_eq!(texts(b"\xEF\xBB\xBF# p\nx"), ["# p", "x"]);
        let utf16le: Vec<u8> = std::iter::once([0xFF, 0xFE])
            .chain("# p\r\n./a.go:1:2: x".encode_utf16().map(u16::to_le_bytes))
            .flatten()
            .collect();
        assert_eq!(texts(&utf16le), ["# p", "./a.go:1:2: x"]);
        let no_bom: Vec<u8> = "# p\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(texts(&no_bom), ["# p"]);
        let be: Vec<u8> = "# p\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(texts(&be), ["# p"]);
    }

    #[test]
    fn colours_and_controls_are_removed() {
        assert_eq!(
            texts(b"\x1b[1;31m./a.go:1:2:\x1b[0m x escapes to heap\n"),
            ["./a.go:1:2: x escapes to heap"]
        );
        assert_eq!(texts(b"\x1b]0;title\x07ok\x1b[2J\x07\x08"), ["ok"]);
        assert_eq!(texts(b"a\tb"), ["a\tb"]);
    }

    #[test]
    fn c1_controls_and_their_sequences_are_removed() {
        // U+009B is CSI, U+009D OSC, U+009C ST, U+0085 NEL, U+0090 DCS.
        assert_eq!(
            texts("\u{9b}1;31m./a.go:1:2:\u{9b}0m x\u{85} escapes".as_bytes()),
            ["./a.go:1:2: x escapes"]
        );
        assert_eq!(texts("\u{9d}0;title\u{9c}ok".as_bytes()), ["ok"]);
        assert_eq!(texts("\u{90}q\x1b\\ok\u{9d}2;t\x07!".as_bytes()), ["ok!"]);
        assert_eq!(texts("\x1b]0;t\u{9c}ok".as_bytes()), ["ok"]);
        // Latin-1 letters share the lead byte and stay; ESC before one drops only the ESC.
        assert_eq!(texts("© ¿ü\x1bé\x1b".as_bytes()), ["© ¿üé"]);
    }

    #[test]
    fn a_line_without_end_is_cut_and_memory_stays_bounded() {
        let long = vec![b'x'; MAX_LINE * 3];
        let got = all(&long);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0.len(), MAX_LINE);
        assert!(got[0].2);
    }
}
