//! EE0204: a linked list built through a package-level head (`head = &node{next: head}`). Each
//! new node keeps the previous head, so the whole chain stays reachable; without a pop
//! (`head = head.next`) or reset it grows with every call.

use crate::source::index::{Effect, EffectKind, Global};

pub fn applies(_global: &Global, add: &Effect) -> bool {
    add.kind == EffectKind::Grow
}
