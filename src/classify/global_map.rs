//! EE0201: a value stored in a package-level map (or sync.Map, or a map field of a
//! package-level variable). Such a map lives as long as the process; every entry stays until it
//! is deleted, so a map filled per request with no delete, clear or reset only grows.

use crate::source::index::{Effect, EffectKind, Global, GlobalKind};

/// Inserts into a map-like holder.
pub fn applies(global: &Global, add: &Effect) -> bool {
    // Guard: an element write into a package-level slice or array is a bounded overwrite.
    add.kind == EffectKind::Insert && !matches!(global.kind, GlobalKind::Slice | GlobalKind::Array)
}
