//! EE0203: a value assigned to a package-level variable (or a field of one). The variable holds
//! one value at a time: the next assignment releases the previous one, so this is bounded
//! unless the assignment runs once and the value is large.

use crate::source::index::{Effect, EffectKind, Global};

pub fn applies(_global: &Global, add: &Effect) -> bool {
    add.kind == EffectKind::Assign
}
