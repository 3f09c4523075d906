//! EE0204: a linked list built through a package-level head (`head = &node{next: head}`). Each
//! new node keeps the previous head, so the whole chain stays reachable; without a pop
//! (`head = head.next`) or reset it grows with every call.

use crate::finding::HolderKind;
use crate::source::index::{Effect, EffectKind, Global};

use super::rule::Rule;

pub const RULE: Rule = Rule {
    code: "EE0204",
    holder: Some(HolderKind::GlobalVar),
    name: "linked into a list through a package-level head",
    fix: Some("unlink nodes that are done (head = head.next), or cap the list's length"),
};

pub fn applies(_global: &Global, add: &Effect) -> bool {
    add.kind == EffectKind::Grow
}
