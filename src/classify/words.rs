//! The compiler's jargon in plain words: `~r0`, `{heap}`, `derefs=1`, `{storage for X}`.

use std::sync::LazyLock;

use regex::Regex;

use crate::escape::model::Location;
use crate::finding::Finding;

/// The compiler's internal spellings of generic code, in source terms: shape type arguments
/// (`[go.shape.int,go.shape.string]`) dropped, dictionary arguments (`&.dict.T[int]`) and
/// prefixes removed, `~r0`/`~p1` as result and parameter numbers, `.autotmp_3` as a
/// temporary, `<node DYNAMICTYPE>` as the type argument.
pub fn plain(s: &str) -> String {
    static DICT_ARG: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r",\s*&?\.dict\.[^,)\s]*(\[[^\]]*\])?").unwrap());
    static DICT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"&?\.dict\.").unwrap());
    // `F((*[5]uintptr)(.dict[1]), size)`: the same as the first argument.
    static DICT_FIRST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\(\(\*\[\d+\]uintptr\)\([^()]*\.dict(\[\d+\])?\),?\s*").unwrap()
    });
    // `, (*[34]uintptr)(internal..dict[0])`: a dictionary passed as a word array.
    static DICT_WORDS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r",\s*\(\*\[\d+\]uintptr\)\([^()]*\.dict(\[\d+\])?\)").unwrap()
    });
    static RESULT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"~r(\d+)").unwrap());
    static PARAM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"~[pR](\d+)").unwrap());
    static AUTOTMP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\.autotmp_\d+").unwrap());
    static NODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<node ([^>]+)>").unwrap());
    static SHAPE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"go\.shape\.").unwrap());
    if s.chars().any(crate::printable::is_control) {
        // Text from the source (a string literal) never carries control characters out.
        return plain(&crate::printable::line(s));
    }
    // `fmt.Sprint(... argument...)`: the compiler's stand-in for a variadic call's arguments.
    if s.contains("... argument...") {
        return plain(&s.replace("... argument...", "..."));
    }
    if !s.contains("go.shape")
        && !s.contains(".dict")
        && !s.contains('~')
        && !s.contains(".autotmp")
        && !s.contains("<node ")
    {
        return s.to_string();
    }
    let s = strip_shape_brackets(s);
    let s = DICT_WORDS.replace_all(&s, "");
    let s = DICT_FIRST.replace_all(&s, "(");
    let s = DICT_ARG.replace_all(&s, "");
    let s = DICT.replace_all(&s, "");
    let s = RESULT.replace_all(&s, |c: &regex::Captures<'_>| {
        let n: usize = c[1].parse().unwrap_or(0);
        if n == 0 {
            "its result".to_string()
        } else {
            format!("result {}", n + 1)
        }
    });
    let s = PARAM.replace_all(&s, |c: &regex::Captures<'_>| {
        let n: usize = c[1].parse().unwrap_or(0);
        format!("parameter {}", n + 1)
    });
    let s = AUTOTMP.replace_all(&s, "a temporary");
    // `<node DYNAMICTYPE>`: the type argument; `<node unsafe.String>`: a call to it.
    let s = NODE.replace_all(&s, |c: &regex::Captures<'_>| {
        let inner = &c[1];
        if inner.chars().all(|ch| ch.is_ascii_uppercase()) {
            "T".to_string()
        } else {
            format!("{inner}(...)")
        }
    });
    SHAPE.replace_all(&s, "").into_owned()
}

/// A function named by the compiler, as a reader finds it: `` `F` ``, or "a closure in `F`"
/// for `F.func1` (and `F.func1.2`, a closure in a closure), which no source spells.
pub fn function_name(name: &str) -> String {
    let mut outer = name;
    while let Some((head, last)) = outer.rsplit_once('.') {
        let numbered = last.strip_prefix("func").unwrap_or(last);
        if numbered.is_empty() || !numbered.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        outer = head;
    }
    let outer = outer.trim_end_matches('.');
    if outer.len() == name.len() {
        format!("`{name}`")
    } else if outer == "glob" || outer.ends_with(".glob") {
        // `pkg.glob..func1`: a closure in a package-level variable's initializer.
        "a closure in a package-level initializer".to_string()
    } else {
        format!("a closure in `{outer}`")
    }
}

/// `Cache[go.shape.int,go.shape.string]` -> `Cache`: a bracketed list that names shapes.
fn strip_shape_brackets(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        if b[i] == b'[' && s[i..].starts_with("[go.shape") {
            let mut depth = 0usize;
            let mut j = i;
            while j < s.len() {
                match b[j] {
                    b'[' => depth += 1,
                    b']' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            i = j + 1;
            continue;
        }
        let c = s[i..].chars().next().expect("in bounds");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Every text of a finding in source terms (the compiler's own lines stay as printed).
pub fn plain_finding(f: &mut Finding) {
    f.title = plain(&f.title);
    f.subject = plain(&f.subject);
    f.why = plain(&f.why);
    if let Some(func) = &f.function {
        f.function = Some(plain(func));
    }
    for e in &mut f.evidence {
        e.note = plain(&e.note);
    }
    // Already in source terms, but they may quote the source (`keyed by the constant "..."`).
    if let Some(fix) = &mut f.fix {
        *fix = crate::printable::line(fix).into_owned();
    }
    if let Some(h) = &mut f.holder {
        h.name = plain(&h.name);
        if let Some(r) = &mut h.released {
            r.how = crate::printable::line(&r.how).into_owned();
        }
    }
}

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
    fn generic_code_in_source_terms() {
        assert_eq!(
            plain("`&TwoQueueCache[go.shape.int,go.shape.int]{...}` is on the heap"),
            "`&TwoQueueCache{...}` is on the heap"
        );
        assert_eq!(
            plain("passed to (*T[go.shape.int]).Len(l, &.dict.T[int])"),
            "passed to (*T).Len(l)"
        );
        assert_eq!(plain("new(<node DYNAMICTYPE>)"), "new(T)");
        assert_eq!(
            plain("return <node unsafe.String>"),
            "return unsafe.String(...)"
        );
        assert_eq!(
            plain("simplelru.NewLRU((*[5]uintptr)(.dict[1]), size, onEvicted)"),
            "simplelru.NewLRU(size, onEvicted)"
        );
        assert_eq!(
            plain("passed to (*internal.LruList).Init(new(T), (*[34]uintptr)(internal..dict[0]))"),
            "passed to (*internal.LruList).Init(new(T))"
        );
        assert_eq!(plain("flows to ~r0"), "flows to its result");
        assert_eq!(plain("~p1 and ~r2"), "parameter 2 and result 3");
        assert_eq!(plain("x = .autotmp_12"), "x = a temporary");
        assert_eq!(plain("go.shape.int"), "int");
        assert_eq!(plain("plain `x`"), "plain `x`");
        assert_eq!(
            plain("fmt.Sprint(\"n=\", ... argument...)"),
            "fmt.Sprint(\"n=\", ...)"
        );
    }

    #[test]
    fn closures_named_by_the_function_they_are_in() {
        assert_eq!(function_name("(*T).load"), "`(*T).load`");
        assert_eq!(function_name("(*T).load.func1"), "a closure in `(*T).load`");
        assert_eq!(function_name("T.Keys.func1.1"), "a closure in `T.Keys`");
        assert_eq!(function_name("pkg.func2"), "a closure in `pkg`");
        assert_eq!(function_name("functional"), "`functional`");
        assert_eq!(
            function_name("glob..func1"),
            "a closure in a package-level initializer"
        );
    }

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
