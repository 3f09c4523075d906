//! EE0206: a value sent on a package-level channel. The channel's buffer (and any sender
//! blocked on it) keeps the value until a receiver takes it; with no receiver in the package,
//! values and blocked goroutines accumulate.

use crate::finding::HolderKind;
use crate::source::index::{Effect, EffectKind, Global};

use super::rule::Rule;

pub const RULE: Rule = Rule {
    code: "EE0206",
    holder: Some(HolderKind::Channel),
    name: "sent on a package-level channel",
    fix: Some(
        "make sure a receiver drains the channel (a worker ranging over it), or close it and stop sending",
    ),
};

pub fn applies(_global: &Global, add: &Effect) -> bool {
    add.kind == EffectKind::Send
}
