//! Data tables are given to the parser without their data. A generated table of data is one
//! long literal: `time/tzdata` is a string of 1.4 MB of `\x..` escapes, each a node of its
//! own, and `crypto/internal/fips140/nistec` an array of 88,000 numbers; parsing those two
//! alone took 1.7 core-seconds of a run of the standard library, for nothing any rule reads.
//! The interior of such a literal is blanked in the copy the parser reads: every byte becomes
//! a space except line breaks, so each node keeps its byte offset, row and column, and the
//! file's text (what is shown and read by offset) is untouched.
//!
//! Blanked: an interpreted string literal longer than [`LONG`] bytes (closed on its line, with
//! only escapes Go has), and the elements of an array or slice literal of a number type
//! (`[...]byte{...}`) longer than [`LONG`] bytes made only of number literals. Elements that
//! name anything (a variable, a function, a key) are never blanked: what a table holds is
//! what a rule may follow.

/// How long a literal must be to be blanked: longer than any a person writes.
pub const LONG: usize = 4096;

/// The text to parse in place of `text`: `None` when nothing in it is blanked.
pub fn masked(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let ranges = long_literals(bytes);
    if ranges.is_empty() {
        return None;
    }
    let mut out = bytes.to_vec();
    for (from, to) in ranges {
        for b in &mut out[from..to] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    // Every byte replaced was inside a literal and is now ASCII; a multi-byte character is
    // replaced whole, since a range starts and ends at an ASCII quote or brace.
    String::from_utf8(out).ok()
}

/// The interiors (between the quotes, between the braces) of the long literals of a Go
/// source, in order. A small lexer: comments, raw strings and runes are skipped so that a
/// quote or brace inside them is not taken for one of code.
fn long_literals(b: &[u8]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |n| i + 2 + n + 2);
            }
            b'`' => {
                i = memchr::memchr(b'`', &b[i + 1..]).map_or(b.len(), |n| i + 1 + n + 1);
            }
            b'\'' => i = quoted_end(b, i, b'\'').0,
            b'"' => {
                let (end, closed) = quoted_end(b, i, b'"');
                // A string not closed on its line, or with an escape Go does not have, is a
                // syntax error the parser must still see.
                if closed && end - i - 2 > LONG && valid_escapes(&b[i + 1..end - 1]) {
                    ranges.push((i + 1, end - 1));
                }
                i = end;
            }
            b'{' => {
                if numeric_element_type(&b[..i])
                    && let Some(close) = numbers_until_brace(b, i + 1)
                    && close - i - 1 > LONG
                {
                    ranges.push((i + 1, close));
                    i = close + 1;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    ranges
}

/// The end (one past the closing quote) of the string or rune that opens at `open`, and
/// whether it is closed; at a line break or the end of the text when it is not.
fn quoted_end(b: &[u8], open: usize, quote: u8) -> (usize, bool) {
    let mut i = open + 1;
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1).is_some_and(|&c| c != b'\n') => i += 2,
            b'\n' => return (i, false),
            c if c == quote => return (i + 1, true),
            _ => i += 1,
        }
    }
    (b.len(), false)
}

/// Whether each backslash of a string's interior starts an escape Go has (its digits are the
/// compiler's to check; a table's generator writes them right).
fn valid_escapes(interior: &[u8]) -> bool {
    let mut i = 0;
    while let Some(n) = memchr::memchr(b'\\', &interior[i..]) {
        let at = i + n;
        match interior.get(at + 1) {
            Some(b'a' | b'b' | b'f' | b'n' | b'r' | b't' | b'v' | b'\\' | b'"') => {}
            Some(b'x' | b'u' | b'U' | b'0'..=b'7') => {}
            _ => return false,
        }
        i = at + 2;
    }
    true
}

/// Whether the text before a `{` ends in the type of an array or slice of numbers
/// (`[...]byte`, `[]uint64`, `[256]float32`): only then are its elements numbers stored as
/// they are. A table of `any`, of a named type, or with its type left out could hold
/// conversions the compiler reports element by element.
fn numeric_element_type(before: &[u8]) -> bool {
    let before = before.trim_ascii_end();
    let name_start = before
        .iter()
        .rposition(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
        .map_or(0, |i| i + 1);
    let name = &before[name_start..];
    const NUMBERS: &[&[u8]] = &[
        b"byte", b"rune", b"int", b"int8", b"int16", b"int32", b"int64", b"uint", b"uint8",
        b"uint16", b"uint32", b"uint64", b"uintptr", b"float32", b"float64",
    ];
    NUMBERS.contains(&name) && before[..name_start].trim_ascii_end().ends_with(b"]")
}

/// The offset of the `}` that closes a composite literal whose elements, from `from`, are
/// only number literals (with a sign), commas, blanks and line breaks; `None` when anything
/// else comes first (a name, a key, a nested literal, a comment, a string).
fn numbers_until_brace(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    let mut token_start = true;
    while i < b.len() {
        let c = b[i];
        match c {
            b'}' => return Some(i),
            b',' | b' ' | b'\t' | b'\n' | b'\r' => token_start = true,
            b'+' | b'-' if token_start => {}
            b'0'..=b'9' => token_start = false,
            // The rest of a number: 0x1F, 1_000, 1.5e-3, 0o17, 0b1, 1i, 0x1p-2.
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'.' if !token_start => {}
            b'+' | b'-' if matches!(b[i - 1], b'e' | b'E' | b'p' | b'P') => {}
            _ => return None,
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(elements: &str, n: usize) -> String {
        let body = vec![elements; n].join(", ");
        format!(
            "package p\n\n// A {{ in a comment \" and a quote\nvar t = [...]byte{{{body}}}\n\nvar r = '\"'\n"
        )
    }

    #[test]
    fn a_long_table_of_numbers_is_blanked_keeping_every_offset() {
        let src = table("0x3c, -1, 1.5e-3, 0b1_0", 400);
        let m = masked(&src).expect("blanked");
        assert_eq!(m.len(), src.len());
        let open = src.find("{0x3c").unwrap();
        let close = src.rfind('}').unwrap();
        assert!(m[open + 1..close].bytes().all(|b| b == b' '));
        assert_eq!(m[..=open], src[..=open]);
        assert_eq!(m[close..], src[close..]);
        // The parser sees an empty composite literal where the table was.
        let mut p = crate::source::gofile::parser();
        let tree = p.parse(&m, None).unwrap();
        assert!(!tree.root_node().has_error());
    }

    #[test]
    fn a_long_string_of_escapes_is_blanked_and_short_ones_are_not() {
        let long = "\\x00\\xff".repeat(1000);
        let src = format!("package p\n\nconst z = \"{long}\"\nconst s = \"short \\\" {{\"\n");
        let m = masked(&src).expect("blanked");
        assert_eq!(m.len(), src.len());
        assert!(m.contains("const z = \"    "));
        assert!(m.ends_with("const s = \"short \\\" {\"\n"));
        // What the parser must see as an error stays: a string not closed on its line (its
        // last quote escaped, or a backslash before the line break), or with an escape Go
        // does not have.
        for bad in [
            format!("\"{long}\\\""),
            format!("\"\\q{long}\""),
            format!("\"{long}\\\n\""),
        ] {
            let src = format!("package p\n\nconst z = {bad}\n");
            assert_eq!(masked(&src), None, "{bad:.20}");
        }
    }

    #[test]
    fn tables_that_name_anything_and_short_files_are_left_alone() {
        // Names, keys, nested literals: what a rule may follow.
        for elements in ["x", "f(1)", "1: 2", "{1, 2}", "\"s\""] {
            let src = table(elements, 2000);
            assert_eq!(masked(&src), None, "{elements}");
        }
        assert_eq!(masked(&table("1", 10)), None);
        // Numbers of no number type: each may be a conversion the compiler reports.
        for ty in ["[]any", "T", "[]T", ""] {
            let src = table("1", 2000).replace("[...]byte{", &format!("{ty}{{"));
            assert_eq!(masked(&src), None, "{ty}");
        }
        for ty in ["[]uint64", "[256]float32", "[] int"] {
            let src = table("1", 2000).replace("[...]byte{", &format!("{ty}{{"));
            assert!(masked(&src).is_some(), "{ty}");
        }
        // A brace and a quote inside comments, raw strings and runes do not open anything.
        let src = format!(
            "package p\n/* {{ \" */ var a = `{{\"`\nvar b = '{{'\n// {}\n",
            "1, ".repeat(3000)
        );
        assert_eq!(masked(&src), None);
    }

    #[test]
    fn line_breaks_inside_a_blanked_table_stay() {
        let src = table("1,\n\t2", 2000);
        let m = masked(&src).expect("blanked");
        assert_eq!(m.matches('\n').count(), src.matches('\n').count());
    }
}
