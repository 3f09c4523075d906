//! Types of size zero: `struct{}`, a struct whose fields are all of size zero, an array of
//! length 0 or of a zero-size element (`[0]func()`, `[4]struct{}`), and a package type defined
//! as one of those. The runtime gives every zero-size allocation the same address
//! (`runtime.zerobase`): a value of such a type that the compiler says "escapes to heap" is
//! never allocated.

use super::*;
use crate::source::syntax::Syntax;

/// What a type expression is made of, as far as its size goes.
enum Shape {
    Zero,
    /// Of some size, or one the source does not settle (another package's type, a type
    /// parameter, an array whose length is a named constant).
    Sized,
    /// A type of the package, decided once every type is known.
    Named(String),
    /// Zero when all of these are.
    All(Vec<Shape>),
}

/// The names of the package's types of size zero, from every `type` declaration of its files:
/// a fixpoint, since a type may be made of others declared anywhere in the package.
pub(super) fn zero_size_types(files: &[Arc<GoFile>]) -> HashSet<String> {
    let mut shapes: HashMap<String, Shape> = HashMap::new();
    for file in files {
        for top in named_children(file.tree.root_node()) {
            if top.kind_name() != "type_declaration" {
                continue;
            }
            for spec in named_children(top) {
                let (Some(name), Some(ty)) = (spec.field("name"), spec.field("type")) else {
                    continue;
                };
                // Guard: a generic type's size depends on its type arguments.
                let shape = if spec.field("type_parameters").is_some() {
                    Shape::Sized
                } else {
                    shape(file, ty, 0)
                };
                shapes.insert(file.text_of(name).to_string(), shape);
            }
        }
    }
    let mut zero: HashSet<String> = HashSet::new();
    loop {
        let before = zero.len();
        for (name, s) in &shapes {
            if !zero.contains(name) && is_zero(s, &zero) {
                zero.insert(name.clone());
            }
        }
        if zero.len() == before {
            return zero;
        }
    }
}

fn is_zero(s: &Shape, zero: &HashSet<String>) -> bool {
    match s {
        Shape::Zero => true,
        Shape::Sized => false,
        Shape::Named(n) => zero.contains(n),
        Shape::All(parts) => parts.iter().all(|p| is_zero(p, zero)),
    }
}

/// Deeper than this, a type is taken to have a size (generated code nests types).
const MAX_DEPTH: usize = 32;

fn shape(file: &GoFile, ty: Node<'_>, depth: usize) -> Shape {
    if depth > MAX_DEPTH {
        return Shape::Sized;
    }
    match ty.kind_name() {
        "type_identifier" => Shape::Named(file.text_of(ty).to_string()),
        "parenthesized_type" => named_children(ty)
            .first()
            .map_or(Shape::Sized, |t| shape(file, *t, depth + 1)),
        "struct_type" => {
            let mut parts = Vec::new();
            for list in named_children(ty) {
                for field in named_children(list)
                    .into_iter()
                    .filter(|f| f.kind_name() == "field_declaration")
                {
                    match field.field("type") {
                        Some(t) => parts.push(shape(file, t, depth + 1)),
                        None => return Shape::Sized,
                    }
                }
            }
            if parts.is_empty() {
                Shape::Zero
            } else {
                Shape::All(parts)
            }
        }
        "array_type" => {
            let len = ty
                .field("length")
                .map(|l| file.text_of(l).trim().replace('_', ""));
            match len.as_deref() {
                Some("0") => Shape::Zero,
                // A literal length: as zero as its element.
                Some(n) if n.bytes().all(|b| b.is_ascii_digit()) => ty
                    .field("element")
                    .map_or(Shape::Sized, |e| shape(file, e, depth + 1)),
                _ => Shape::Sized,
            }
        }
        _ => Shape::Sized,
    }
}

impl PackageIndex {
    /// Whether a composite literal or `new` as the compiler prints it (`token{}`,
    /// `struct {}{}`, `&token{}`, `[0]int{}`, `new(token)`) is of a type of size zero: the
    /// runtime allocates nothing for it.
    pub fn is_zero_size_value(&self, subject: &str) -> bool {
        is_zero_size_value(&self.zero_size, subject)
    }
}

/// [`PackageIndex::is_zero_size_value`] with the package's zero-size type names `zero` (an
/// empty set without the source: only `struct {}` and `[0]T` literals count).
pub fn is_zero_size_value(zero: &HashSet<String>, subject: &str) -> bool {
    let s = subject.trim();
    if let Some(t) = s.strip_prefix("new(").and_then(|t| t.strip_suffix(')')) {
        return is_zero_size_type(zero, t);
    }
    let s = s.strip_prefix('&').unwrap_or(s);
    // `struct {}{}`: the type has braces of its own, then the literal's.
    if let Some(rest) = s.strip_prefix("struct") {
        let Some(after) = rest.trim_start().strip_prefix('{') else {
            return false;
        };
        let Some(literal) = after.trim_start().strip_prefix('}') else {
            return false;
        };
        let literal = literal.trim_start();
        return literal.starts_with('{') && literal.ends_with('}');
    }
    match s.find('{') {
        Some(b) if s.ends_with('}') => is_zero_size_type(zero, &s[..b]),
        _ => false,
    }
}

/// Whether a type as written is of size zero: `struct {}`, `[0]T`, `[N]T` of a zero-size `T`,
/// or a type of the package in `zero`.
fn is_zero_size_type(zero: &HashSet<String>, ty: &str) -> bool {
    let t = ty.trim();
    if let Some(rest) = t.strip_prefix("struct") {
        return rest.trim() == "{}";
    }
    if let Some(rest) = t.strip_prefix('[')
        && let Some((len, elem)) = rest.split_once(']')
    {
        let len = len.trim().replace('_', "");
        return len == "0"
            || (!len.is_empty()
                && len.bytes().all(|b| b.is_ascii_digit())
                && is_zero_size_type(zero, elem));
    }
    zero.contains(t)
}

#[cfg(test)]
mod tests {
    use crate::source::PackageIndex;

    fn index(src: &str) -> PackageIndex {
        PackageIndex::of_source(src)
    }

    const TYPES: &str = "package p\n\ntype token struct{}\n\ntype marker struct {\n\t_ [0]func()\n\tt token\n}\n\ntype pair struct {\n\ta, b token\n}\n\ntype later struct{ p pair; e empty }\n\ntype empty = struct{}\n\ntype tokens [4]token\n\ntype sized struct{ n int }\n\ntype mixed struct {\n\tt token\n\tn int\n}\n\ntype box[T any] struct{ v T }\n\ntype counted [n]token\n\ntype ptr *token\n";

    /// Zero-size types, through fields, aliases, arrays and types declared later; beside
    /// look-alikes that have a size.
    #[test]
    fn the_package_types_of_size_zero() {
        let ix = index(TYPES);
        let mut zero: Vec<&str> = ix.zero_size.iter().map(String::as_str).collect();
        zero.sort();
        assert_eq!(
            zero,
            ["empty", "later", "marker", "pair", "token", "tokens"]
        );
    }

    #[test]
    fn values_as_the_compiler_prints_them() {
        let ix = index(TYPES);
        for zero in [
            "token{}",
            "struct {}{}",
            "&token{}",
            "marker{}",
            "pair{...}",
            "[0]int{}",
            "new(token)",
            "tokens{}",
        ] {
            assert!(ix.is_zero_size_value(zero), "{zero}");
        }
        for sized in [
            "sized{...}",
            "mixed{}",
            "box[token]{}",
            "struct { n int }{...}",
            "token",
            "x",
            "\"token{}\"",
            "new(sized)",
            "[1]int{}",
            "other.token{}",
        ] {
            assert!(!ix.is_zero_size_value(sized), "{sized}");
        }
    }
}
