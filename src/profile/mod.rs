//! What the runtime said: heap, goroutine and goroutine leak profiles, read from the files
//! `net/http/pprof`, `runtime/pprof` and `go test -memprofile` write (pprof protobuf, gzipped or
//! not) and from the text of `/debug/pprof/goroutine?debug=1|2` and
//! `/debug/pprof/goroutineleak?debug=1|2`. A profile is another input, like the compiler's log:
//! this module reads it into [`Profile`]; [`join`] puts its numbers on the findings.

pub mod join;
mod pprof;
mod text;

use std::path::Path;

/// What kind of profile a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A heap (or allocs) profile: what is allocated and what is still live, per stack.
    Heap,
    /// A goroutine profile: how many goroutines are at each stack.
    Goroutine,
    /// A goroutine leak profile (Go 1.26 with `GOEXPERIMENT=goroutineleakprofile`, 1.27 and
    /// later): the goroutines a collection just proved blocked forever, on a channel or a lock
    /// no running goroutine can reach.
    GoroutineLeak,
}

impl Kind {
    /// As the report names it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Heap => "heap",
            Kind::Goroutine => "goroutine",
            Kind::GoroutineLeak => "goroutineleak",
        }
    }
}

/// One frame of a stack: a function at a line. Inlined calls are frames of their own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Frame {
    /// As the runtime names it: `example.com/m/cache.(*LRU).Add`, `main.main.func1`.
    pub function: String,
    /// As recorded by the machine that built the program: absolute, or `example.com/m/x.go`
    /// with `-trimpath`.
    pub file: String,
    pub line: u32,
    /// The line the function starts on, when the profile records it (0 otherwise).
    pub start_line: u32,
}

/// What a heap sample measured, already scaled by the sampling rate (the runtime writes
/// unsampled estimates in its protobuf profiles, as pprof shows them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeapValues {
    pub alloc_objects: i64,
    pub alloc_bytes: i64,
    pub inuse_objects: i64,
    pub inuse_bytes: i64,
}

/// One stack and what was measured at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// Leaf first.
    pub frames: Vec<Frame>,
    pub values: Values,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Values {
    Heap(HeapValues),
    Goroutine {
        count: i64,
        /// The `go` statement that started them, when the profile says (`created by` in the
        /// text form).
        created_by: Option<Frame>,
        /// What they wait for (`chan send`, `sync.Mutex.Lock`, `sleep`): as the text form
        /// says, else as the runtime frames of the stack show it.
        state: Option<String>,
        /// Proven blocked forever: every sample of a goroutine leak profile, and the
        /// goroutines the text of every stack (debug=2) marks `(leaked)`.
        leaked: bool,
    },
}

/// A profile read from a file.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The file's name as given, for the report (`heap.pprof`).
    pub name: String,
    pub kind: Kind,
    /// When it was taken (nanoseconds since the epoch), when the profile says.
    pub time_nanos: i64,
    pub samples: Vec<Sample>,
}

/// Why a file is not a profile this tool reads.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a heap, goroutine or goroutine leak profile: {why}")]
    NotAProfile { path: String, why: String },
}

/// The largest profile, once decompressed, that is read: a gzip bomb stops here.
const MAX_BYTES: u64 = 1 << 30;

/// Reads a heap, goroutine or goroutine leak profile from `path`; `name` is what the report calls it.
pub fn load(path: &Path, name: &str) -> Result<Profile, ProfileError> {
    let shown = path.display().to_string();
    let bytes = crate::files::read_checked(path, MAX_BYTES, plausible).map_err(|source| {
        ProfileError::Read {
            path: shown.clone(),
            source,
        }
    })?;
    parse(name, &bytes).map_err(|why| ProfileError::NotAProfile { path: shown, why })
}

/// Whether the first bytes can start a profile: gzip, text, or a protobuf `Profile` message
/// (its first byte a field tag of `Profile`: field 1 to 14, varint or length-delimited). A
/// file that is none of these (`/dev/zero`) is refused before the rest is read.
fn plausible(head: &[u8]) -> Result<(), String> {
    let Some(&first) = head.first() else {
        return Ok(()); // Empty: the parse says so.
    };
    let field = first >> 3;
    let wire = first & 7;
    let protobuf = (1..=14).contains(&field) && (wire == 0 || wire == 2);
    let text = head
        .iter()
        .take(64)
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    if head.starts_with(&[0x1F, 0x8B]) || protobuf || text {
        Ok(())
    } else {
        Err("it is not a pprof profile (neither gzip, nor protobuf, nor text)".into())
    }
}

/// Reads a profile from its bytes; the error says what the bytes are instead.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Profile, String> {
    let bytes = gunzip(bytes)?;
    let trimmed = bytes.trim_ascii_start();
    if trimmed.starts_with(b"goroutine ") || trimmed.starts_with(b"goroutineleak profile:") {
        return text::parse(name, &String::from_utf8_lossy(&bytes));
    }
    // A crash's output (`panic: ...`, `fatal error: ...`), whose goroutines follow.
    if (trimmed.starts_with(b"panic: ") || trimmed.starts_with(b"fatal error: "))
        && let Some(i) = memchr::memmem::find(trimmed, b"\ngoroutine ")
    {
        return text::parse(name, &String::from_utf8_lossy(&trimmed[i + 1..]));
    }
    if trimmed.starts_with(b"heap profile:") {
        return Err("the legacy text heap profile (debug=1); take it with debug=0 (the default), as `curl .../debug/pprof/heap > heap.pprof` does".into());
    }
    pprof::decode(name, &bytes)
}

/// What goroutines wait for, from the runtime frames at the top of their stack (leaf first): the
/// outermost of them that names a wait, before the first frame of other code. The protobuf form
/// has no state line; its stacks keep the runtime's frames.
pub(crate) fn wait_of(frames: &[Frame]) -> Option<String> {
    const WAITS: &[(&str, &str)] = &[
        ("runtime.chansend", "chan send"),
        ("runtime.chansend1", "chan send"),
        ("runtime.chanrecv", "chan receive"),
        ("runtime.chanrecv1", "chan receive"),
        ("runtime.chanrecv2", "chan receive"),
        ("runtime.selectgo", "select"),
        ("runtime.block", "select (no cases)"),
        ("time.Sleep", "sleep"),
        ("sync.(*Mutex).Lock", "sync.Mutex.Lock"),
        ("sync.(*RWMutex).Lock", "sync.RWMutex.Lock"),
        ("sync.(*RWMutex).RLock", "sync.RWMutex.RLock"),
        ("sync.(*WaitGroup).Wait", "sync.WaitGroup.Wait"),
        ("sync.(*Cond).Wait", "sync.Cond.Wait"),
    ];
    let mut wait = None;
    for f in frames {
        let name = f.function.as_str();
        if let Some((_, w)) = WAITS.iter().find(|(n, _)| *n == name) {
            wait = Some(*w);
        } else if !(name.starts_with("runtime.")
            || name.starts_with("internal/")
            || name.starts_with("sync."))
        {
            break;
        }
    }
    wait.map(str::to_string)
}

/// The bytes, decompressed when they are gzip's.
fn gunzip(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    use std::io::Read;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes.into());
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(MAX_BYTES)
        .read_to_end(&mut out)
        .map_err(|e| format!("its gzip stream is damaged ({e})"))?;
    Ok(out.into())
}
