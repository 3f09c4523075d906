//! Who owns a value, and for how long: the one answer every holder rule relies on.
//!
//! A holder is long-lived only when the process keeps it: a package-level variable (or
//! something reached through one), a process-lifetime registry (net/http's DefaultServeMux,
//! expvar, os/signal, the runtime's timers), or a goroutine that does not end. A router, map or
//! context that belongs to a caller lives as long as that caller keeps it, so what it holds is
//! ordinary heap memory. The index resolves the receiver of every registration and store to an
//! [`Owner`] while it walks the source, where it knows which names are parameters, receivers,
//! results and locals.

use serde::Serialize;

/// How a name is bound in the function that uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Binding {
    Param,
    Receiver,
    Result,
    Local,
    /// An imported package (`router.Handle(...)`): its own code decides what it keeps.
    Import,
}

impl Binding {
    pub fn words(self) -> &'static str {
        match self {
            Binding::Param => "a parameter",
            Binding::Receiver => "the method's receiver",
            Binding::Result => "a result",
            Binding::Local => "a local variable",
            Binding::Import => "another package",
        }
    }
}

/// Who keeps what a registration or store is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// Kept for the life of the process, by this keeper (in words).
    Process(String),
    /// Kept by a value the caller or this function owns: it lives as long as `name` does.
    Scoped { name: String, binding: Binding },
}

impl Owner {
    pub fn process_lifetime(&self) -> bool {
        matches!(self, Owner::Process(_))
    }

    /// The owner in words, for a note: "`r`, a parameter".
    pub fn describe(&self) -> String {
        match self {
            Owner::Process(k) => k.clone(),
            Owner::Scoped { name, binding } => format!("`{name}`, {}", binding.words()),
        }
    }

    /// Why what it keeps is not a leak, when it is scoped.
    pub fn scoped_note(&self, api: &str) -> Option<String> {
        match self {
            Owner::Process(_) => None,
            Owner::Scoped { name, binding } => Some(format!(
                "kept by `{name}` ({}) through {api}: it lives as long as `{name}` does, not as long as the process{}",
                binding.words(),
                match binding {
                    Binding::Result => ", and the caller decides how long that is",
                    Binding::Param | Binding::Receiver => ", which the caller owns",
                    Binding::Local | Binding::Import => "",
                }
            )),
        }
    }
}
