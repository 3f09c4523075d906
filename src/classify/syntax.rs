//! Small tree-sitter helpers the source rules share: walking a function's own code (not its
//! closures), finding enclosing nodes, reading call sites.

use tree_sitter::Node;

use crate::source::GoFile;

/// Visits `node` and its descendants in source order; `enter` returns false to skip a subtree.
/// Only named nodes are visited (anonymous ones are tokens, with nothing named under them).
pub fn visit<'t>(node: Node<'t>, f: &mut dyn FnMut(Node<'t>) -> bool) {
    // One cursor for the whole walk: a cursor per node (and recursion) cost more than the
    // rules that use the walk, on packages of thousands of functions.
    let mut c = node.walk();
    let mut depth = 0usize;
    loop {
        let n = c.node();
        let descend = (depth == 0 || n.is_named()) && f(n);
        if descend && c.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if depth == 0 {
                return;
            }
            if c.goto_next_sibling() {
                break;
            }
            c.goto_parent();
            depth -= 1;
        }
    }
}

/// Whether `text` holds any of `words`: a byte scan that lets a rule skip a file's syntax tree
/// when the calls it looks for are not written there (a rule that matches `time.AfterFunc` as
/// a callee cannot match a file without those bytes).
pub fn mentions_any(text: &str, words: &[&str]) -> bool {
    words
        .iter()
        .any(|w| memchr::memmem::find(text.as_bytes(), w.as_bytes()).is_some())
}

/// Every node of `kind` under `node`, nested func literals included.
pub fn all<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    visit(node, &mut |n| {
        if n.kind() == kind {
            out.push(n);
        }
        true
    });
    out
}

/// Every node of `kind` under `node`, not looking inside nested func literals.
pub fn own<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let root = node.id();
    visit(node, &mut |n| {
        if n.kind() == kind {
            out.push(n);
        }
        n.id() == root || n.kind() != "func_literal"
    });
    out
}

/// The callee of a call expression as written (`C.CString`, `time.NewTicker`, `t.Stop`).
pub fn callee<'f>(file: &'f GoFile, call: Node<'_>) -> &'f str {
    call.child_by_field_name("function")
        .map(|f| file.text_of(f))
        .unwrap_or("")
}

/// The arguments of a call expression.
pub fn args<'t>(call: Node<'t>) -> Vec<Node<'t>> {
    call.child_by_field_name("arguments")
        .map(|a| {
            let mut c = a.walk();
            a.named_children(&mut c).collect()
        })
        .unwrap_or_default()
}

/// The nearest ancestor of one of `kinds`, stopping at a function boundary.
pub fn ancestor<'t>(node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    let mut n = node.parent()?;
    loop {
        if kinds.contains(&n.kind()) {
            return Some(n);
        }
        if matches!(
            n.kind(),
            "func_literal" | "function_declaration" | "method_declaration"
        ) {
            return None;
        }
        n = n.parent()?;
    }
}

/// The function node (declaration, method or literal) around a node.
pub fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut n = node.parent()?;
    loop {
        if matches!(
            n.kind(),
            "func_literal" | "function_declaration" | "method_declaration"
        ) {
            return Some(n);
        }
        n = n.parent()?;
    }
}

/// Whether `text` mentions the identifier `name` as a whole word.
pub fn mentions(text: &str, name: &str) -> bool {
    !name.is_empty()
        && text.match_indices(name).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + name.len()..].chars().next();
            let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !ident(before) && !ident(after)
        })
}

/// `x := CALL` / `x = CALL` / `var x = CALL`: the name bound to the value of `expr`.
pub fn bound_name<'f>(file: &'f GoFile, expr: Node<'_>) -> Option<&'f str> {
    let mut n = expr;
    // Look through `(CALL)` and conversions wrapping it.
    while let Some(p) = n.parent() {
        match p.kind() {
            "parenthesized_expression" => n = p,
            "expression_list" => {
                let stmt = p.parent()?;
                if !matches!(
                    stmt.kind(),
                    "short_var_declaration" | "assignment_statement"
                ) {
                    return None;
                }
                if stmt.child_by_field_name("right").map(|r| r.id()) != Some(p.id()) {
                    return None;
                }
                let mut c = p.walk();
                let idx = p.named_children(&mut c).position(|x| x.id() == n.id())?;
                let left = stmt.child_by_field_name("left")?;
                let mut c = left.walk();
                let target = left.named_children(&mut c).nth(idx)?;
                return (target.kind() == "identifier").then(|| file.text_of(target));
            }
            "var_spec" => {
                let name = p.child_by_field_name("name")?;
                return Some(file.text_of(name));
            }
            _ => return None,
        }
    }
    None
}

/// Whether a `for` statement can run forever: no condition (or `for range ch` over a channel
/// that is never closed), and no `return`, `break` out of it, `goto`, or exiting call inside.
pub fn endless_loop(file: &GoFile, f: Node<'_>, never_closed: &dyn Fn(&str) -> bool) -> bool {
    let mut c = f.walk();
    let header: Vec<Node<'_>> = f
        .named_children(&mut c)
        .filter(|n| n.kind() != "block")
        .collect();
    let endless = match header.as_slice() {
        [] => true,
        [h] if h.kind() == "for_clause" => h.child_by_field_name("condition").is_none(),
        [h] if h.kind() == "range_clause" => h
            .child_by_field_name("right")
            .is_some_and(|r| never_closed(file.text_of(r))),
        _ => false,
    };
    if !endless {
        return false;
    }
    let Some(body) = f.child_by_field_name("body") else {
        return true;
    };
    let label = f
        .parent()
        .filter(|p| p.kind() == "labeled_statement")
        .and_then(|p| p.child_by_field_name("label"))
        .map(|l| file.text_of(l));
    let mut exits = false;
    let root = body.id();
    visit(body, &mut |n| {
        match n.kind() {
            "return_statement" | "goto_statement" => exits = true,
            "break_statement" => {
                let target = {
                    let mut cc = n.walk();
                    n.named_children(&mut cc).next().map(|l| file.text_of(l))
                };
                match target {
                    Some(l) => exits |= Some(l) == label,
                    // An unlabeled break leaves the innermost for, switch or select.
                    None => {
                        exits |= ancestor(
                            n,
                            &[
                                "for_statement",
                                "expression_switch_statement",
                                "type_switch_statement",
                                "select_statement",
                            ],
                        )
                        .is_some_and(|a| a.id() == f.id())
                    }
                }
            }
            "call_expression" => {
                let c = callee(file, n);
                exits |= matches!(c, "os.Exit" | "panic" | "runtime.Goexit")
                    || c.starts_with("log.Fatal")
                    || c.starts_with("log.Panic");
            }
            _ => {}
        }
        n.id() == root || n.kind() != "func_literal"
    });
    !exits
}
