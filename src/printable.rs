//! Text read from a Go source or a log, made safe to print on the reader's terminal.
//!
//! A Go string literal or comment may hold any character, and a log holds whatever wrote it.
//! A C0 control (ESC starts a terminal sequence), DEL, or a C1 control (U+0080..U+009F: U+009B
//! is a CSI, the same as `ESC [`, on many terminals) must never be printed raw. This is the one
//! definition of those characters; the report's texts and the code frames mask them here, and
//! the log reader removes them, with the sequences they start, in `escape::lines`.

use std::borrow::Cow;

/// A character that must not reach a terminal: a C0 control but tab, DEL, or a C1 control.
pub fn is_control(c: char) -> bool {
    // `char::is_control` is the Unicode category Cc: exactly C0, DEL and C1.
    c.is_control() && c != '\t'
}

/// One line of text (a title, a note, a subject) with each control character shown as `?`.
pub fn line(text: &str) -> Cow<'_, str> {
    mask(text, is_control)
}

/// A whole source file with each control character but its line ends shown as `?`.
pub fn source(text: &str) -> Cow<'_, str> {
    mask(text, |c| is_control(c) && c != '\n' && c != '\r')
}

/// Replaces each masked character by one `?` per byte it takes: byte offsets into the text (the
/// compiler's columns, tree-sitter's spans) still point where they did.
fn mask(text: &str, masked: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&masked) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if masked(c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c0_del_and_c1_are_masked_byte_for_byte() {
        assert_eq!(line("a\x1b[2Jb\x07\x7f"), "a?[2Jb??");
        // U+009B (CSI) and U+0085 (NEL) take two bytes each in UTF-8.
        assert_eq!(line("x\u{9b}31m\u{85}y"), "x??31m??y");
        assert_eq!(line("\u{9d}0;t\u{9c}").len(), "\u{9d}0;t\u{9c}".len());
    }

    #[test]
    fn tabs_are_kept_and_line_ends_only_in_a_source() {
        assert_eq!(line("a\tb\nc"), "a\tb?c");
        assert_eq!(source("a\tb\r\nc\u{9b}"), "a\tb\r\nc??");
    }

    #[test]
    fn printable_text_is_not_copied() {
        assert!(matches!(line("ü € 漢 \u{a0}"), Cow::Borrowed(_)));
        assert!(matches!(source("a\n\tb\r\n"), Cow::Borrowed(_)));
    }
}
