//! Two questions asked of tree-sitter-go's nodes millions of times in a large build, answered
//! from tables built once from the grammar: a child by field name, and a node's kind name.
//! tree-sitter answers the first by comparing the name with each of the grammar's field names
//! in turn (`strncmp`), and the Rust binding the second by measuring a C string and checking
//! it is UTF-8; together they were about 6% of a cold run of the standard library.

use std::sync::LazyLock;

use tree_sitter::{Language, Node};

struct Tables {
    /// Field names, sorted, with their ids.
    fields: Vec<(&'static str, u16)>,
    /// Kind names by kind id.
    kinds: Vec<&'static str>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let go: Language = tree_sitter_go::LANGUAGE.into();
    let mut fields: Vec<(&'static str, u16)> = (1..=go.field_count() as u16)
        .filter_map(|id| Some((go.field_name_for_id(id)?, id)))
        .collect();
    fields.sort_unstable();
    let kinds = (0..go.node_kind_count() as u16)
        .map(|id| go.node_kind_for_id(id).unwrap_or(""))
        .collect();
    Tables { fields, kinds }
});

/// [`Node::child_by_field_name`] and [`Node::kind`], from the tables.
pub trait Syntax<'t> {
    /// The child in the field `name`; `None` for a name the grammar does not have.
    fn field(&self, name: &str) -> Option<Node<'t>>;
    /// The kind's name, as [`Node::kind`] gives it.
    fn kind_name(&self) -> &'static str;
}

impl<'t> Syntax<'t> for Node<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>> {
        let fields = &TABLES.fields;
        let i = fields.binary_search_by(|(n, _)| (*n).cmp(name)).ok()?;
        self.child_by_field_id(fields[i].1)
    }

    fn kind_name(&self) -> &'static str {
        match TABLES.kinds.get(usize::from(self.kind_id())) {
            Some(name) if !name.is_empty() => name,
            // The built-in kinds outside the grammar's table (`ERROR`).
            _ => self.kind(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node of a file with a syntax error answers as tree-sitter does.
    #[test]
    fn the_tables_answer_as_tree_sitter_does() {
        let src = "package p\n\ntype T struct{ a, b int }\n\nfunc (t *T) M(x int) (int, error) {\n\tfor i := range x { go func() { t.a += i }() }\n\tselect { case v := <-ch: _ = v }\n\treturn x +, nil\n}\n";
        let mut parser = crate::source::gofile::parser();
        let tree = parser.parse(src, None).unwrap();
        let go: Language = tree_sitter_go::LANGUAGE.into();
        let mut stack = vec![tree.root_node()];
        let (mut nodes, mut errors) = (0, 0);
        while let Some(n) = stack.pop() {
            nodes += 1;
            errors += usize::from(n.is_error());
            assert_eq!(n.kind_name(), n.kind());
            for id in 1..=go.field_count() as u16 {
                let name = go.field_name_for_id(id).unwrap();
                assert_eq!(
                    n.field(name),
                    n.child_by_field_name(name),
                    "{name} of {}",
                    n.kind()
                );
            }
            assert_eq!(n.field("no such field"), None);
            let mut c = n.walk();
            stack.extend(n.children(&mut c));
        }
        assert!(nodes > 50 && errors > 0, "{nodes} nodes, {errors} errors");
    }
}
