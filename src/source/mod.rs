//! The Go source side: the module the output belongs to, and the mapping from the paths the
//! compiler printed to files on disk.

pub mod locate;
pub mod module;

pub use locate::Locator;
pub use module::Module;
