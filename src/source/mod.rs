//! The Go source side: the module the output belongs to, and the mapping from the paths the
//! compiler printed to files on disk.

pub mod constraint;
pub mod declared;
pub mod deps;
pub mod facts;
pub mod gofile;
pub mod index;
pub mod locate;
pub mod mask;
pub mod module;
pub mod owner;
pub mod parsed;
pub mod pin;
pub mod stack;
pub mod syntax;
pub mod target_fit;

pub use gofile::{CallAt, GoFile};
pub use index::PackageIndex;
pub use locate::Locator;
pub use module::Module;
