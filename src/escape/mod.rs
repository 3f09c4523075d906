//! What the compiler said: the line classifier, the typed model of its diagnostics, and the
//! streaming reader that groups them by package.

pub mod line;
pub mod lines;
pub mod memo;
pub mod model;
pub mod reader;
pub mod section;

pub use memo::{SectionMemo, SectionRead};
pub use model::{Diagnostic, Kind, Position};
pub use reader::{InputStats, KeptUnreadable, Pending, Reader, Unbuilt, Unrecognized};
pub use section::Section;
