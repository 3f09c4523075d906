//! The compiler's jargon in plain words: `~r0`, `{heap}`, `derefs=1`, `{storage for X}`.

use crate::escape::model::Location;

/// A location of the escape graph, as a reader would say it.
pub fn location(l: &Location) -> String {
    match l {
        Location::Heap => "the heap (it outlives every stack frame)".to_string(),
        Location::Temp => "a temporary".to_string(),
        Location::Storage(e) if e == "func literal" => {
            "the closure's captured variables".to_string()
        }
        Location::Storage(e) if e == "... argument" => {
            "the slice of variadic arguments".to_string()
        }
        Location::Storage(e) => format!("the memory allocated for {e}"),
        Location::Var(v) if v.rsplit('.').next().is_some_and(|n| n.starts_with("~r")) => {
            super::heap::result_words(v)
        }
        Location::Var(v) if v.starts_with(".autotmp") => "a compiler temporary".to_string(),
        Location::Var(v) => format!("`{v}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jargon_in_words() {
        assert_eq!(location(&Location::parse("~r0")), "the first result");
        assert_eq!(location(&Location::parse("pkg.~r1")), "result number 2");
        assert_eq!(
            location(&Location::parse("{heap}")),
            "the heap (it outlives every stack frame)"
        );
        assert_eq!(
            location(&Location::parse("{storage for func literal}")),
            "the closure's captured variables"
        );
    }
}
