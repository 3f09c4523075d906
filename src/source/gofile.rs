//! One Go file parsed with tree-sitter-go, and the mapping from a compiler position (1-based
//! line, 1-based byte column) to the syntax node under it.

use crate::source::syntax::Syntax;
use std::path::{Path, PathBuf};

use tree_sitter::{Node, Parser, Point, Tree};

/// A parsed Go source file.
pub struct GoFile {
    pub path: PathBuf,
    pub text: String,
    pub tree: Tree,
    line_starts: Vec<usize>,
    /// The file says `// Code generated ... DO NOT EDIT.` before its package clause.
    pub generated: bool,
    /// `//escape-explain:ignore CODE reason` comments.
    pub suppressions: Vec<Suppression>,
}

/// An `//escape-explain:ignore CODE reason` comment: silences CODE on its line and the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub line: u32,
    pub code: String,
    /// Empty when the comment gave none: such a comment silences nothing.
    pub reason: String,
}

/// The marker of a suppression comment.
pub const IGNORE: &str = "//escape-explain:ignore";

impl std::fmt::Debug for GoFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoFile").field("path", &self.path).finish()
    }
}

/// A tree-sitter parser for Go.
/// A source file of the build that could not be read, and why: its findings are not judged
/// against the source, which the report must say.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unreadable {
    pub path: PathBuf,
    pub why: String,
}

pub fn parser() -> Parser {
    let mut p = Parser::new();
    p.set_language(&tree_sitter_go::LANGUAGE.into())
        .expect("the tree-sitter-go grammar matches the tree-sitter runtime");
    p
}

impl GoFile {
    /// Reads and parses `path`; `None` when it cannot be read.
    pub fn read(parser: &mut Parser, path: &Path) -> Option<GoFile> {
        Self::parse(parser, path, Self::read_text(path).ok()?)
    }

    /// The text of `path` (invalid UTF-8 replaced), unparsed: what a build constraint is
    /// read from before paying for the parse. Only a regular file is opened: a FIFO or a
    /// device where a source file should be would block the run or never end.
    pub fn read_text(path: &Path) -> Result<String, Unreadable> {
        crate::files::read_regular_text(path).map_err(|e| Unreadable {
            path: path.to_path_buf(),
            why: crate::files::reason(&e),
        })
    }

    pub fn parse(parser: &mut Parser, path: &Path, text: String) -> Option<GoFile> {
        // Data tables are parsed without their data (`mask`): same offsets, far fewer nodes.
        let masked = super::mask::masked(&text);
        let tree = parser.parse(masked.as_deref().unwrap_or(&text), None)?;
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        let generated = is_generated(&text);
        let suppressions = suppressions(&text);
        Some(GoFile {
            path: path.to_path_buf(),
            text,
            tree,
            line_starts,
            generated,
            suppressions,
        })
    }

    /// The byte offset of a compiler position; the column defaults to the line's first
    /// non-blank byte.
    pub fn offset(&self, line: u32, column: Option<u32>) -> Option<usize> {
        let start = *self.line_starts.get((line as usize).checked_sub(1)?)?;
        let line_text = self.line(line)?;
        let col = match column {
            Some(c) => (c as usize).checked_sub(1)?,
            None => line_text.len() - line_text.trim_start().len(),
        };
        let off = start + col.min(line_text.len());
        (off <= self.text.len()).then_some(off)
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> u32 {
        (self.line_starts.partition_point(|&s| s <= offset)) as u32
    }

    /// The 1-based byte column of a byte offset.
    pub fn column_of(&self, offset: usize) -> u32 {
        let line = self.line_of(offset) as usize;
        (offset - self.line_starts[line - 1] + 1) as u32
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line(&self, line: u32) -> Option<&str> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(i)?;
        let end = self
            .line_starts
            .get(i + 1)
            .map(|e| e - 1)
            .unwrap_or(self.text.len());
        let s = self.text.get(start..end)?;
        Some(s.strip_suffix('\r').unwrap_or(s))
    }

    /// The smallest named node at a compiler position.
    pub fn node_at(&self, line: u32, column: Option<u32>) -> Option<Node<'_>> {
        let off = self.offset(line, column)?;
        let row = line as usize - 1;
        let point = Point::new(row, off - self.line_starts[row]);
        self.tree
            .root_node()
            .named_descendant_for_point_range(point, point)
    }

    /// The line of the first syntax error, when the file does not parse cleanly. The tree is
    /// still usable around it: tree-sitter recovers, so the rest of the file is indexed.
    pub fn syntax_error_line(&self) -> Option<u32> {
        let root = self.tree.root_node();
        if !root.has_error() {
            return None;
        }
        let mut first = None;
        let mut cursor = root.walk();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            if n.is_error() || n.is_missing() {
                let line = n.start_position().row as u32 + 1;
                first = Some(first.map_or(line, |f: u32| f.min(line)));
                continue;
            }
            if n.has_error() {
                stack.extend(n.children(&mut cursor));
            }
        }
        first
    }

    /// The nodes that contain `node`, innermost first: what `parent()` gives again and again,
    /// from one search down from the root. (`parent()` searches from the root each time, so a
    /// walk up with it costs the square of the depth, and generated code nests thousands of
    /// levels deep.)
    pub fn ancestors<'t>(&'t self, node: Node<'t>) -> Vec<Node<'t>> {
        let mut path = Vec::new();
        let mut at = self.tree.root_node();
        while at.id() != node.id() {
            let Some(next) = at.child_with_descendant(node) else {
                break;
            };
            path.push(at);
            at = next;
        }
        path.reverse();
        path
    }

    /// The node at a byte offset and those around it, innermost first.
    pub fn nodes_around(&self, off: usize) -> impl Iterator<Item = Node<'_>> {
        let node = self.node_at_offset(off);
        let up = node.map(|n| self.ancestors(n)).unwrap_or_default();
        node.into_iter().chain(up)
    }

    pub fn text_of(&self, node: Node<'_>) -> &str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    /// The smallest named node at a byte offset.
    fn node_at_offset(&self, off: usize) -> Option<Node<'_>> {
        self.node_at(self.line_of(off), Some(self.column_of(off)))
    }

    /// The innermost call expression around a byte offset (a `call parameter` step's position
    /// is its call), within the statement there: its span, callee and arguments as written.
    pub fn call_at(&self, off: usize) -> Option<CallAt> {
        let node = self
            .nodes_around(off)
            .take_while(|n| {
                !matches!(
                    n.kind_name(),
                    "block" | "function_declaration" | "method_declaration" | "source_file"
                )
            })
            .find(|n| n.kind_name() == "call_expression")?;
        let arg_nodes: Vec<Node<'_>> = node
            .field("arguments")
            .map(|a| {
                let mut c = a.walk();
                a.named_children(&mut c).collect()
            })
            .unwrap_or_default();
        let args = arg_nodes
            .iter()
            .map(|n| self.text_of(*n).to_string())
            .collect();
        let arg_spans = arg_nodes
            .iter()
            .map(|n| (n.start_byte(), n.end_byte()))
            .collect();
        Some(CallAt {
            start: node.start_byte(),
            end: node.end_byte(),
            line: node.start_position().row as u32 + 1,
            column: node.start_position().column as u32 + 1,
            callee: node
                .field("function")
                .map(|c| self.text_of(c).to_string())
                .unwrap_or_default(),
            args,
            arg_spans,
        })
    }

    /// `x := EXPR` or `x = EXPR` around a byte offset: the name assigned.
    pub fn assigned_name_at(&self, off: usize) -> Option<String> {
        for node in self.nodes_around(off) {
            match node.kind_name() {
                "short_var_declaration" | "assignment_statement" => {
                    let left = node.field("left")?;
                    let first = left.named_child(0)?;
                    return (first.kind_name() == "identifier")
                        .then(|| self.text_of(first).to_string());
                }
                "block" | "function_declaration" | "method_declaration" | "func_literal" => {
                    return None;
                }
                _ => {}
            }
        }
        None
    }
}

/// A call expression found at a position: [`GoFile::call_at`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallAt {
    pub start: usize,
    pub end: usize,
    /// 1-based line and byte column of `start`.
    pub line: u32,
    pub column: u32,
    pub callee: String,
    pub args: Vec<String>,
    /// Each argument's byte span, in order.
    pub arg_spans: Vec<(usize, usize)>,
}

/// Go's convention (go.dev/s/generatedcode): a line `// Code generated ... DO NOT EDIT.`
/// before the package clause.
fn is_generated(text: &str) -> bool {
    text.lines()
        .take_while(|l| !l.starts_with("package "))
        .any(|l| l.starts_with("// Code generated ") && l.trim_end().ends_with(" DO NOT EDIT."))
}

fn suppressions(text: &str) -> Vec<Suppression> {
    if !text.contains(IGNORE) {
        return Vec::new();
    }
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let rest = &l[l.find(IGNORE)? + IGNORE.len()..];
            let mut words = rest.split_whitespace();
            let code = words.next()?.to_string();
            Some(Suppression {
                line: i as u32 + 1,
                code,
                reason: words.collect::<Vec<_>>().join(" "),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_compiler_positions_to_nodes() {
        let src = "package p\n\nfunc f() *int {\n\tx := 42\n\treturn &x\n}\n";
        let f = GoFile::parse(&mut parser(), Path::new("p.go"), src.to_string()).unwrap();
        // `./p.go:4:2: moved to heap: x` names the identifier x.
        let n = f.node_at(4, Some(2)).unwrap();
        assert_eq!((n.kind_name(), f.text_of(n)), ("identifier", "x"));
        // `return &x` at 5:9 is the unary expression's operand side.
        let n = f.node_at(5, Some(9)).unwrap();
        assert!(f.text_of(n).contains('x'));
        assert_eq!(f.line(5), Some("\treturn &x"));
        assert_eq!(f.line_of(f.offset(5, Some(2)).unwrap()), 5);
        assert_eq!(f.node_at(99, Some(1)), None);
    }

    /// One search down gives the same nodes as `parent()` asked again and again, for every
    /// node of a file.
    #[test]
    fn ancestors_are_the_parents_in_turn() {
        let src = "package p\n\n// T is a node.\ntype T struct{ next *T }\n\nfunc f(s string, t []int) *T {\n\tif x := len(s); x > 0 {\n\t\treturn &T{next: &T{}}\n\t} else if (s + s) == \"\" {\n\t\tgo func() { _ = t[1:] }()\n\t}\n\treturn nil\n}\n";
        let f = GoFile::parse(&mut parser(), Path::new("p.go"), src.to_string()).unwrap();
        let mut cursor = f.tree.walk();
        let mut stack = vec![f.tree.root_node()];
        let mut seen = 0;
        while let Some(n) = stack.pop() {
            let parents: Vec<Node<'_>> =
                std::iter::successors(n.parent(), |p| p.parent()).collect();
            assert_eq!(f.ancestors(n), parents, "{}", n.kind_name());
            stack.extend(n.children(&mut cursor));
            seen += 1;
        }
        assert!(seen > 100);
    }

    #[test]
    fn generated_files_and_suppressions() {
        assert!(is_generated(
            "// Code generated by stringer; DO NOT EDIT.\n\npackage p\n"
        ));
        assert!(!is_generated(
            "package p\n// Code generated by hand; DO NOT EDIT.\n"
        ));
        let s = suppressions(
            "package p\n\nvar x = 1 //escape-explain:ignore EE0201 filled once at start\n//escape-explain:ignore EE0202\n",
        );
        assert_eq!(s[0].line, 3);
        assert_eq!(s[0].code, "EE0201");
        assert_eq!(s[0].reason, "filled once at start");
        assert_eq!(s[1].reason, "");
    }
}
