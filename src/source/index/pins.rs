//! Which locals share a larger backing array (`s := buf[:16]`, the fields of
//! `strings.Split`), and what is known of each array's size, so a store can say what it pins.

use crate::source::syntax::Syntax;
use tree_sitter::Node;

use super::super::pin::{self, Backing, Pin};
use super::*;

impl Walker<'_> {
    /// `buf[a:b]` (possibly parenthesized), a local cut from a larger array, or an element of
    /// a split's result: the array it pins. A sub-slice of a package-level variable, or of
    /// memory the Go heap does not own, pins nothing that would otherwise be freed.
    pub(super) fn sliced(&self, n: Node<'_>) -> Option<Pin> {
        // Into parentheses with a stack of its own: generated code may nest thousands.
        let mut stack = vec![n];
        while let Some(n) = stack.pop() {
            if n.kind_name() == "parenthesized_expression" {
                stack.extend(named_children(n).into_iter().rev());
            } else if let Some(pin) = self.sliced_bare(n) {
                return Some(pin);
            }
        }
        None
    }

    /// [`Walker::sliced`] of an expression that is not parenthesized.
    fn sliced_bare(&self, n: Node<'_>) -> Option<Pin> {
        match n.kind_name() {
            "slice_expression" => {
                let direct = n.field("operand")?;
                let mut op = direct;
                while matches!(op.kind_name(), "selector_expression" | "index_expression") {
                    op = op.field("operand")?;
                }
                if op.kind_name() != "identifier" {
                    return None;
                }
                let name = self.text(op);
                if self.global_named(name) {
                    return None;
                }
                let backing = self.backings.get(name).copied();
                if backing == Some(Backing::Unowned) {
                    return None;
                }
                // Sizes only when the slice cuts the variable itself, not a field of it.
                let (bytes, elem) = match backing {
                    Some(Backing::Sized { bytes, elem }) if direct.id() == op.id() => (bytes, elem),
                    _ => (None, None),
                };
                let kept = elem
                    .zip(pin::slice_len(n, &self.file.text))
                    .and_then(|(e, len)| e.checked_mul(len));
                Some(match self.pins.get(name) {
                    Some(p) => Pin {
                        of: p.of.clone(),
                        kept,
                        backing: p.backing.or(bytes),
                    },
                    None => Pin {
                        of: name.to_string(),
                        kept,
                        backing: bytes,
                    },
                })
            }
            // A local that is itself a sub-slice, or an element of a split's result.
            "identifier" => self.pins.get(self.text(n)).cloned(),
            "index_expression" => {
                let op = n.field("operand")?;
                (op.kind_name() == "identifier")
                    .then(|| self.pins.get(self.text(op)).cloned())
                    .flatten()
            }
            _ => None,
        }
    }

    /// What a local's declared value says about its backing array: `make([]T, n, c)` with
    /// constant sizes, `string(b)`/`[]byte(s)` of a sized local (a copy of the same length),
    /// or a view of unsafe or C memory.
    pub(super) fn backing_of(&self, rhs: Node<'_>) -> Option<Backing> {
        let text = self.text(rhs);
        if text.contains("unsafe.Pointer(") || text.starts_with("C.") {
            return Some(Backing::Unowned);
        }
        // `(*[1 << 20]T)(p)` of an unsafe pointer: a view of memory, not an allocation.
        if matches!(
            rhs.kind_name(),
            "call_expression" | "type_conversion_expression"
        ) && text.starts_with("(*[")
        {
            let arg = rhs
                .field("arguments")
                .and_then(|a| named_children(a).into_iter().next())
                .or_else(|| rhs.field("operand"));
            if arg.is_some_and(|a| self.backings.get(self.text(a)) == Some(&Backing::Unowned)) {
                return Some(Backing::Unowned);
            }
        }
        if rhs.kind_name() != "call_expression" {
            return None;
        }
        let callee = rhs.field("function")?;
        let args = named_children(rhs.field("arguments")?);
        match self.text(callee) {
            "make" => {
                let ty = args.first().filter(|t| t.kind_name() == "slice_type")?;
                let elem = ty
                    .field("element")
                    .and_then(|e| pin::elem_size(self.text(e)));
                let count = args
                    .get(2)
                    .or(args.get(1))
                    .and_then(|c| pin::const_int(*c, &self.file.text));
                Some(Backing::Sized {
                    bytes: elem.zip(count).and_then(|(e, c)| e.checked_mul(c)),
                    elem,
                })
            }
            "string" | "[]byte" => {
                let arg = args.first().filter(|a| a.kind_name() == "identifier")?;
                match self.backings.get(self.text(*arg)) {
                    Some(Backing::Sized {
                        bytes,
                        elem: Some(1),
                    }) => Some(Backing::Sized {
                        bytes: *bytes,
                        elem: Some(1),
                    }),
                    _ => Some(Backing::Sized {
                        bytes: None,
                        elem: Some(1),
                    }),
                }
            }
            _ => None,
        }
    }

    /// Parameters say what they point into by their type: `buf []byte` has 1-byte elements
    /// (its size is the caller's), `p unsafe.Pointer` is memory the Go heap may not own.
    pub(super) fn record_param_backings(&mut self, list: Node<'_>) {
        for decl in named_children(list) {
            let Some(ty) = decl.field("type") else {
                continue;
            };
            let backing = match ty.kind_name() {
                "slice_type" => Backing::Sized {
                    bytes: None,
                    elem: ty
                        .field("element")
                        .and_then(|e| pin::elem_size(self.text(e))),
                },
                _ => match self.text(ty) {
                    "string" => Backing::Sized {
                        bytes: None,
                        elem: Some(1),
                    },
                    "unsafe.Pointer" | "uintptr" => Backing::Unowned,
                    _ => continue,
                },
            };
            let mut c = decl.walk();
            let names: Vec<String> = decl
                .children_by_field_name("name", &mut c)
                .map(|n| self.text(n).to_string())
                .collect();
            for n in names {
                self.backings.insert(n, backing);
            }
        }
    }

    /// `var b [512]byte` in a function: a local array of known size.
    pub(super) fn record_array(&mut self, spec: Node<'_>) {
        let Some(ty) = spec.field("type").filter(|t| t.kind_name() == "array_type") else {
            return;
        };
        let elem = ty
            .field("element")
            .and_then(|e| pin::elem_size(self.text(e)));
        let count = ty
            .field("length")
            .and_then(|l| pin::const_int(l, &self.file.text));
        let backing = Backing::Sized {
            bytes: elem.zip(count).and_then(|(e, c)| e.checked_mul(c)),
            elem,
        };
        let mut c = spec.walk();
        let names: Vec<String> = spec
            .children_by_field_name("name", &mut c)
            .map(|n| self.text(n).to_string())
            .collect();
        for n in names {
            self.backings.insert(n, backing);
        }
    }

    /// `s := buf[:n]` and `parts := strings.Split(body, ",")` make locals that pin `buf` and
    /// `body`; `buf := make([]byte, 64<<10)` makes a local whose size is known.
    pub(super) fn record_pins(&mut self, decl: Node<'_>) {
        let (Some(l), Some(r)) = (decl.field("left"), decl.field("right")) else {
            return;
        };
        for (lhs, rhs) in named_children(l).into_iter().zip(named_children(r)) {
            let name = self.text(lhs).to_string();
            let pinned = match rhs.kind_name() {
                "slice_expression" => self.sliced(rhs),
                "call_expression" => {
                    let callee = rhs.field("function").map(|f| self.text(f)).unwrap_or("");
                    let splits = matches!(
                        callee,
                        "strings.Split"
                            | "strings.SplitN"
                            | "strings.SplitAfter"
                            | "strings.Fields"
                            | "strings.FieldsFunc"
                            | "bytes.Split"
                            | "bytes.SplitN"
                            | "bytes.Fields"
                    );
                    splits
                        .then(|| {
                            rhs.field("arguments")
                                .and_then(|a| named_children(a).into_iter().next())
                                .filter(|a| a.kind_name() == "identifier")
                                .map(|a| {
                                    let of = self.text(a).to_string();
                                    let backing = match self.backings.get(&of) {
                                        Some(Backing::Sized { bytes, .. }) => *bytes,
                                        _ => None,
                                    };
                                    Pin {
                                        of,
                                        kept: None,
                                        backing,
                                    }
                                })
                        })
                        .flatten()
                }
                _ => None,
            };
            match pinned {
                Some(p) => {
                    // The local's own sub-slices cut the same array, element for element.
                    let elem = match self.backings.get(&p.of) {
                        Some(Backing::Sized { elem, .. }) => *elem,
                        _ => None,
                    };
                    self.backings.insert(
                        name.clone(),
                        Backing::Sized {
                            bytes: p.backing,
                            elem,
                        },
                    );
                    self.pins.insert(name, p);
                }
                None => {
                    self.pins.remove(&name);
                    match self.backing_of(rhs) {
                        Some(b) => self.backings.insert(name, b),
                        None => self.backings.remove(&name),
                    };
                }
            }
        }
    }
}
