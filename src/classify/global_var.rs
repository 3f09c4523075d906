//! EE0203: a value assigned to a package-level variable (or a field of one). The variable holds
//! one value at a time: the next assignment releases the previous one, so this is bounded
//! unless the assignment runs once and the value is large.

use crate::finding::HolderKind;
use crate::source::index::{Effect, EffectKind, Global};

use super::rule::Rule;

pub const RULE: Rule = Rule {
    code: "EE0203",
    holder: Some(HolderKind::GlobalVar),
    name: "kept in a package-level variable",
    fix: Some("set the variable to nil when the value is no longer needed"),
};

pub fn applies(_global: &Global, add: &Effect) -> bool {
    add.kind == EffectKind::Assign
}
