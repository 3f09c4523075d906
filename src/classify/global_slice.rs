//! EE0202: a value appended to a package-level slice (or pushed on a package-level
//! container/list). Each append keeps the value and the backing array grows; without a
//! truncation (`s = s[:0]`), reset or removal it grows for the life of the process.

use crate::finding::HolderKind;
use crate::source::index::{Effect, EffectKind, Global};

use super::rule::Rule;

pub const RULE: Rule = Rule {
    code: "EE0202",
    holder: Some(HolderKind::GlobalSlice),
    name: "appended to a package-level slice",
    fix: Some(
        "truncate the slice after it is consumed (s = s[:0], or s = nil to drop the array too), or keep a bounded ring buffer",
    ),
};

pub fn applies(_global: &Global, add: &Effect) -> bool {
    add.kind == EffectKind::Append
}
