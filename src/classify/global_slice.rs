//! EE0202: a value appended to a package-level slice (or pushed on a package-level
//! container/list). Each append keeps the value and the backing array grows; without a
//! truncation (`s = s[:0]`), reset or removal it grows for the life of the process.

use crate::source::index::{Effect, EffectKind, Global};

pub fn applies(_global: &Global, add: &Effect) -> bool {
    add.kind == EffectKind::Append
}
