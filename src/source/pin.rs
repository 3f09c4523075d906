//! Sub-slices and the arrays they pin, with sizes when the source fixes them.
//!
//! A slice or string header points into its backing array, so keeping `buf[:16]` keeps every
//! byte of `buf`. When the source says how large both are (`make([]byte, 64<<10)`, `buf[:16]`),
//! the finding can say what it costs: "a 16-byte sub-slice pins a 64 KiB array".

use crate::source::syntax::Syntax;
use tree_sitter::Node;

use super::stack::deep;

/// A value that shares the backing array of a larger one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The variable whose array is pinned.
    pub of: String,
    /// Bytes the kept part covers, when its bounds are constants.
    pub kept: Option<u64>,
    /// Bytes of the whole backing array, when it was made with a constant size here.
    pub backing: Option<u64>,
}

impl Pin {
    /// The finding's title: "a 16-byte sub-slice of `buf` is kept in `keep`, and it pins the
    /// whole 64 KiB array".
    pub fn title(&self, subject: &str, holder: &str) -> String {
        let part = match self.kept {
            Some(k) => {
                let adj = size_adjective(k);
                // "an 8-byte", "an 18-byte", "an 80-byte".
                let an = adj.starts_with('8') || adj.starts_with("11-") || adj.starts_with("18-");
                format!("{} {adj} sub-slice", if an { "an" } else { "a" })
            }
            None => "a sub-slice".into(),
        };
        let whole = match self.backing {
            Some(b) => format!("the whole {} array", size(b)),
            None => "the whole backing array".into(),
        };
        format!("{part} of `{subject}` is kept in `{holder}`, and it pins {whole}")
    }

    /// One line of evidence with the sizes, when any is known.
    pub fn cost(&self) -> Option<String> {
        match (self.kept, self.backing) {
            (Some(k), Some(b)) if b > k => Some(format!(
                "each entry uses {} and pins {}, the whole array it was cut from",
                size(k),
                size(b)
            )),
            (Some(k), Some(b)) => Some(format!("each entry keeps {} of {}", size(k), size(b))),
            (None, Some(b)) => Some(format!("each entry pins the whole {} array", size(b))),
            (Some(k), None) => Some(format!(
                "each entry uses {} but pins the whole array it was cut from, however large",
                size(k)
            )),
            (None, None) => None,
        }
    }
}

/// What a local's backing array is, as far as its declaration says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backing {
    /// Made here with a known size: bytes in all, bytes per element.
    Sized {
        bytes: Option<u64>,
        elem: Option<u64>,
    },
    /// Memory the Go heap does not own (`(*[1 << 20]T)(unsafe.Pointer(p))`, C memory): a
    /// sub-slice of it pins nothing the collector could free.
    Unowned,
}

/// A size in binary units: "16 bytes", "64 KiB", "1.5 MiB".
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return if bytes == 1 {
            "1 byte".into()
        } else {
            format!("{bytes} bytes")
        };
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if (v - v.round()).abs() < 0.05 {
        format!("{} {}", v.round() as u64, UNITS[unit])
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// "16-byte", "64 KiB": a size used before a noun.
fn size_adjective(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes}-byte")
    } else {
        size(bytes)
    }
}

/// Bytes per element of a predeclared type on a 64-bit platform; None for anything else.
pub fn elem_size(type_text: &str) -> Option<u64> {
    Some(match type_text {
        "byte" | "uint8" | "int8" | "bool" => 1,
        "int16" | "uint16" => 2,
        "int32" | "uint32" | "rune" | "float32" => 4,
        "int" | "uint" | "int64" | "uint64" | "float64" | "uintptr" | "complex64" => 8,
        "string" | "complex128" => 16,
        _ => return None,
    })
}

/// The value of an integer constant expression made of literals (`64 << 10`, `4 * 1024`,
/// `0x10000`); None for anything that needs a name or a run-time value. Recursive, under
/// [`deep`]: a generated `1 + 1 + ... + 1` nests one level per term.
pub fn const_int(n: Node<'_>, src: &str) -> Option<u64> {
    deep(|| const_int_at(n, src))
}

fn const_int_at(n: Node<'_>, src: &str) -> Option<u64> {
    let text = |n: Node<'_>| &src[n.byte_range()];
    match n.kind_name() {
        "int_literal" => parse_int(text(n)),
        "parenthesized_expression" => {
            let mut c = n.walk();
            let inner = n.named_children(&mut c).next()?;
            const_int(inner, src)
        }
        "binary_expression" => {
            let l = const_int(n.field("left")?, src)?;
            let r = const_int(n.field("right")?, src)?;
            match text(n.field("operator")?) {
                "+" => l.checked_add(r),
                "-" => l.checked_sub(r),
                "*" => l.checked_mul(r),
                "/" => l.checked_div(r),
                "<<" => (r < 64).then(|| l.checked_shl(r as u32)).flatten(),
                ">>" => (r < 64).then_some(l >> r),
                _ => None,
            }
        }
        _ => None,
    }
}

fn parse_int(lit: &str) -> Option<u64> {
    let s: String = lit.chars().filter(|&c| c != '_').collect();
    let lower = s.to_ascii_lowercase();
    if let Some(h) = lower.strip_prefix("0x") {
        u64::from_str_radix(h, 16).ok()
    } else if let Some(b) = lower.strip_prefix("0b") {
        u64::from_str_radix(b, 2).ok()
    } else if let Some(o) = lower.strip_prefix("0o") {
        u64::from_str_radix(o, 8).ok()
    } else if lower.len() > 1 && lower.starts_with('0') {
        u64::from_str_radix(&lower[1..], 8).ok()
    } else {
        lower.parse().ok()
    }
}

/// Elements kept by a slice expression with constant bounds: `b[:16]` -> 16, `b[4:20]` -> 16;
/// `b[8:]` and `b[:n]` -> None.
pub fn slice_len(n: Node<'_>, src: &str) -> Option<u64> {
    if n.kind_name() != "slice_expression" {
        return None;
    }
    let start = match n.field("start") {
        Some(s) => const_int(s, src)?,
        None => 0,
    };
    let end = const_int(n.field("end")?, src)?;
    end.checked_sub(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(src: &str) -> (tree_sitter::Tree, String) {
        let code = format!("package p\nvar _ = {src}\n");
        let mut p = tree_sitter::Parser::new();
        p.set_language(&tree_sitter_go::LANGUAGE.into()).unwrap();
        (p.parse(&code, None).unwrap(), code)
    }

    fn find<'t>(n: Node<'t>, kind: &str) -> Option<Node<'t>> {
        if n.kind_name() == kind {
            return Some(n);
        }
        let mut c = n.walk();
        let kids: Vec<_> = n.named_children(&mut c).collect();
        kids.into_iter().find_map(|k| find(k, kind))
    }

    fn value(src: &str) -> Option<u64> {
        let (t, code) = expr(src);
        let spec = find(t.root_node(), "var_spec").unwrap();
        let v = spec.field("value").unwrap();
        let mut c = v.walk();
        let e = v.named_children(&mut c).next().unwrap();
        const_int(e, &code)
    }

    #[test]
    fn constant_sizes_are_evaluated() {
        assert_eq!(value("64 << 10"), Some(65536));
        assert_eq!(value("4 * 1024"), Some(4096));
        assert_eq!(value("(1 << 20) + 16"), Some(1_048_592));
        assert_eq!(value("0x1_0000"), Some(65536));
        assert_eq!(value("0o17"), Some(15));
        assert_eq!(value("n * 2"), None);
        assert_eq!(value("1 << 70"), None);
    }

    #[test]
    fn slice_bounds_give_the_kept_length() {
        for (src, want) in [
            ("b[:16]", Some(16)),
            ("b[4:20]", Some(16)),
            ("b[8:]", None),
            ("b[:n]", None),
            ("b[0:16:16]", Some(16)),
        ] {
            let (t, code) = expr(src);
            let s = find(t.root_node(), "slice_expression").unwrap();
            assert_eq!(slice_len(s, &code), want, "{src}");
        }
    }

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(size(16), "16 bytes");
        assert_eq!(size(65536), "64 KiB");
        assert_eq!(size(1536 * 1024), "1.5 MiB");
        let p = Pin {
            of: "buf".into(),
            kept: Some(16),
            backing: Some(65536),
        };
        assert_eq!(
            p.title("buf", "keys"),
            "a 16-byte sub-slice of `buf` is kept in `keys`, and it pins the whole 64 KiB array"
        );
        let small = Pin {
            kept: Some(8),
            ..p.clone()
        };
        assert!(small.title("b", "h").starts_with("an 8-byte sub-slice"));
        assert_eq!(
            p.cost().unwrap(),
            "each entry uses 16 bytes and pins 64 KiB, the whole array it was cut from"
        );
    }
}
