//! EE0206: a value sent on a package-level channel. The channel's buffer (and any sender
//! blocked on it) keeps the value until a receiver takes it; with no receiver in the package,
//! values and blocked goroutines accumulate.

use crate::source::index::{Effect, EffectKind, Global};

pub fn applies(_global: &Global, add: &Effect) -> bool {
    add.kind == EffectKind::Send
}
