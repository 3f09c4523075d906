//! Every rule, declared once: its permanent identity ([`RuleId`], written as its code,
//! `EE0201`), the holder kind it reports, its name, its advice, and its explanation (its page
//! in `src/catalog/`, compiled in). [`RULES`] is the registry that `explain`, `explain --list`
//! and the SARIF rules read, and the classifier and the profile join make their findings from
//! these declarations.
//!
//! This module is the bottom of the data model: it imports no other module of the crate; the
//! findings ([`crate::finding`]) and every stage depend on it, never the reverse.
//!
//! Adding a rule: one entry here (its declaration), its page `src/catalog/EEnnnn.md`, the code
//! that finds it (a file of `src/classify/`), and its tests. Codes are permanent: a retired code
//! is never reused.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A rule's identity and advice.
#[derive(Debug)]
pub struct Rule {
    pub id: RuleId,
    /// The holder kind, for holder rules.
    pub holder: Option<HolderKind>,
    /// A one-line name for the pattern.
    pub name: &'static str,
    /// What would fix it when it is a leak risk.
    pub fix: Option<&'static str>,
    /// The markdown `escape-explain explain CODE` prints: `src/catalog/CODE.md`.
    pub explanation: &'static str,
}

/// What keeps the value alive: the kind of holder a rule reports. Declared here, below the
/// findings, so that the rules need not import them; [`crate::finding`] re-exports it as a part
/// of a finding's holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HolderKind {
    /// A package-level map (or sync.Map, or a map field of a package-level variable).
    GlobalMap,
    /// A package-level slice or container/list that is appended to.
    GlobalSlice,
    /// A package-level variable that is assigned (or a linked list built through it).
    GlobalVar,
    /// A closure or value handed to an API that keeps it (http.HandleFunc, time.AfterFunc, ...).
    RegisteredClosure,
    /// A package-level channel that is sent on.
    Channel,
    /// A sub-slice kept by a holder: it pins the whole backing array.
    Subslice,
    /// C memory (C.CString, C.CBytes, C.malloc) that only C.free releases.
    Cgo,
    /// A goroutine that never returns, and what it captures.
    Goroutine,
    /// A time.Ticker.
    Ticker,
    /// A time.Timer (time.After, time.Tick, time.AfterFunc).
    Timer,
}

impl HolderKind {
    pub fn name(self) -> &'static str {
        match self {
            HolderKind::GlobalMap => "global-map",
            HolderKind::GlobalSlice => "global-slice",
            HolderKind::GlobalVar => "global-var",
            HolderKind::RegisteredClosure => "registered-closure",
            HolderKind::Channel => "channel",
            HolderKind::Subslice => "subslice",
            HolderKind::Cgo => "cgo",
            HolderKind::Goroutine => "goroutine",
            HolderKind::Ticker => "ticker",
            HolderKind::Timer => "timer",
        }
    }
}

/// Declares the rules: for each, the constant that holds its declaration, its [`RuleId`]
/// variant and its code, then the rest of its [`Rule`]. Generates [`RuleId`], the constants and
/// [`RULES`], all in the order written.
macro_rules! rules {
    ($(
        $(#[$doc:meta])*
        $konst:ident: $id:ident = $code:literal {
            $($field:ident: $value:expr),* $(,)?
        }
    )*) => {
        /// A rule's permanent identity. Written as its code (`EE0201`) in every output, and read
        /// back from it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $($(#[$doc])* $id,)*
        }

        impl RuleId {
            /// The code: `EE0201`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$id => $code,)*
                }
            }

            /// The rule of a code written as [`RuleId::as_str`] writes it.
            fn from_exact(code: &str) -> Option<RuleId> {
                match code {
                    $($code => Some(RuleId::$id),)*
                    _ => None,
                }
            }
        }

        $(
            $(#[$doc])*
            pub const $konst: Rule = Rule {
                id: RuleId::$id,
                $($field: $value,)*
            };
        )*

        /// Every rule. SARIF lists them in this order and each result points into it by index:
        /// add at the end of a group, never reorder.
        pub const RULES: &[&Rule] = &[$(&$konst,)*];
    };
}

rules! {
    // What the compiler's message alone settles (classify/heap.rs, classify/mod.rs).

    /// `x does not escape`.
    STACK: Stack = "EE0001" {
        holder: None,
        name: "stays on the stack",
        fix: None,
        explanation: include_str!("catalog/EE0001.md"),
    }
    /// A constant converted to an interface: the compiler says it escapes, nothing is allocated.
    CONSTANT: Constant = "EE0002" {
        holder: None,
        name: "a constant in an interface: no allocation",
        fix: None,
        explanation: include_str!("catalog/EE0002.md"),
    }
    /// A value of a zero-size type that the compiler says escapes: the runtime allocates
    /// nothing for it (every zero-size allocation is `runtime.zerobase`).
    ZERO_SIZE: ZeroSize = "EE0003" {
        holder: None,
        name: "a zero-size value: nothing is allocated",
        fix: None,
        explanation: include_str!("catalog/EE0003.md"),
    }

    // Why a value is on the heap when nothing long-lived holds it (classify/heap.rs).

    RETURNED: Returned = "EE0101" {
        holder: None,
        name: "returned to the caller",
        fix: None,
        explanation: include_str!("catalog/EE0101.md"),
    }
    INTERFACE: Interface = "EE0102" {
        holder: None,
        name: "boxed into an interface",
        fix: Some(
            "in a hot path, avoid the interface conversion (a typed logger, strconv instead of fmt)",
        ),
        explanation: include_str!("catalog/EE0102.md"),
    }
    CLOSURE: Closure = "EE0103" {
        holder: None,
        name: "captured by a closure that outlives the call",
        fix: None,
        explanation: include_str!("catalog/EE0103.md"),
    }
    TOO_LARGE: TooLarge = "EE0104" {
        holder: None,
        name: "too large for the stack",
        fix: None,
        explanation: include_str!("catalog/EE0104.md"),
    }
    UNKNOWN_SIZE: UnknownSize = "EE0105" {
        holder: None,
        name: "size not known at compile time",
        fix: Some("if the size has a small upper bound, allocate that constant size and slice it"),
        explanation: include_str!("catalog/EE0105.md"),
    }
    PASSED_ON: PassedOn = "EE0106" {
        holder: None,
        name: "passed to a function that lets it escape",
        fix: None,
        explanation: include_str!("catalog/EE0106.md"),
    }
    ESCAPES: Escapes = "EE0107" {
        holder: None,
        name: "outlives its stack frame",
        fix: None,
        explanation: include_str!("catalog/EE0107.md"),
    }

    // Kept by a long-lived holder the flow reaches (classify/trace.rs picks one).

    GLOBAL_MAP: GlobalMap = "EE0201" {
        holder: Some(HolderKind::GlobalMap),
        name: "kept in a package-level map",
        fix: Some(
            "delete entries when they are no longer needed (delete, clear), or bound the map (an LRU with a size cap, a TTL sweep)",
        ),
        explanation: include_str!("catalog/EE0201.md"),
    }
    GLOBAL_SLICE: GlobalSlice = "EE0202" {
        holder: Some(HolderKind::GlobalSlice),
        name: "appended to a package-level slice",
        fix: Some(
            "truncate the slice after it is consumed (s = s[:0], or s = nil to drop the array too), or keep a bounded ring buffer",
        ),
        explanation: include_str!("catalog/EE0202.md"),
    }
    GLOBAL_VAR: GlobalVar = "EE0203" {
        holder: Some(HolderKind::GlobalVar),
        name: "kept in a package-level variable",
        fix: Some("set the variable to nil when the value is no longer needed"),
        explanation: include_str!("catalog/EE0203.md"),
    }
    LINKED_LIST: LinkedList = "EE0204" {
        holder: Some(HolderKind::GlobalVar),
        name: "linked into a list through a package-level head",
        fix: Some("unlink nodes that are done (head = head.next), or cap the list's length"),
        explanation: include_str!("catalog/EE0204.md"),
    }
    REGISTERED_CLOSURE: RegisteredClosure = "EE0205" {
        holder: Some(HolderKind::RegisteredClosure),
        name: "kept by an API it was registered with",
        fix: Some(
            "register once (in init or main), capture only what the callback needs, or undo the registration when done (Stop, signal.Stop)",
        ),
        explanation: include_str!("catalog/EE0205.md"),
    }
    CHANNEL: Channel = "EE0206" {
        holder: Some(HolderKind::Channel),
        name: "sent on a package-level channel",
        fix: Some(
            "make sure a receiver drains the channel (a worker ranging over it), or close it and stop sending",
        ),
        explanation: include_str!("catalog/EE0206.md"),
    }
    SUBSLICE: Subslice = "EE0207" {
        holder: Some(HolderKind::Subslice),
        name: "a sub-slice that pins its whole backing array",
        fix: Some(
            "copy the bytes you keep (bytes.Clone(b[a:b]), strings.Clone, or append([]byte(nil), b[a:b]...)) so the large array can be freed",
        ),
        explanation: include_str!("catalog/EE0207.md"),
    }

    // What only the source shows: memory the garbage collector cannot free (the source rules
    // of classify/).

    CGO_NOT_FREED: CgoNotFreed = "EE0301" {
        holder: Some(HolderKind::Cgo),
        name: "C memory that is not freed on every path",
        fix: Some("free it with `defer C.free(unsafe.Pointer(p))` right after the allocation"),
        explanation: include_str!("catalog/EE0301.md"),
    }
    CGO_DEFER_IN_LOOP: CgoDeferInLoop = "EE0302" {
        holder: Some(HolderKind::Cgo),
        name: "`defer C.free` inside a loop",
        fix: Some(
            "free at the end of each iteration, or move the loop body into a function so the defer runs per iteration",
        ),
        explanation: include_str!("catalog/EE0302.md"),
    }
    GOROUTINE: Goroutine = "EE0303" {
        holder: Some(HolderKind::Goroutine),
        name: "a goroutine that never returns",
        fix: Some(
            "give the loop a way out: a `case <-ctx.Done(): return` or a done channel beside its wait; when it ranges over a channel of its own, close that channel where its sender finishes (`defer close(ch)` in the sender)",
        ),
        explanation: include_str!("catalog/EE0303.md"),
    }
    GOROUTINE_HOLDER: GoroutineHolder = "EE0309" {
        holder: Some(HolderKind::Goroutine),
        name: "kept by a goroutine that runs until it is stopped",
        fix: Some(
            "make sure the stop path runs: call Close (or cancel the context) when the owner is done, and capture only what the loop needs",
        ),
        explanation: include_str!("catalog/EE0309.md"),
    }
    FORGOTTEN_SENDER: ForgottenSender = "EE0304" {
        holder: Some(HolderKind::Channel),
        name: "a send nobody receives",
        fix: Some(
            "give the channel room for every send (make(chan T, n) for n sends), or make the sender select on a done channel or ctx.Done() too, so it can give up when the receiver stops early",
        ),
        explanation: include_str!("catalog/EE0304.md"),
    }
    TICKER: Ticker = "EE0305" {
        holder: Some(HolderKind::Ticker),
        name: "a ticker that is never stopped",
        fix: Some("`defer t.Stop()` right after `t := time.NewTicker(d)`"),
        explanation: include_str!("catalog/EE0305.md"),
    }
    TICK_AFTER: TickAfter = "EE0306" {
        holder: Some(HolderKind::Timer),
        name: "a timer made per call or per iteration",
        fix: Some(
            "for time.Tick: `t := time.NewTicker(d)` with `defer t.Stop()`; for time.After in a loop: one `time.NewTimer` outside the loop, Reset each time round; or build with Go 1.27 (or a go.mod of go 1.23 or later), where unreferenced timers are collected",
        ),
        explanation: include_str!("catalog/EE0306.md"),
    }
    AFTER_FUNC: AfterFunc = "EE0307" {
        holder: Some(HolderKind::Timer),
        name: "a time.AfterFunc with a long or unknown delay made per call",
        fix: Some(
            "keep the *time.Timer and Stop it when the work is done, or capture less in the callback",
        ),
        explanation: include_str!("catalog/EE0307.md"),
    }
    FINALIZER: Finalizer = "EE0308" {
        holder: Some(HolderKind::RegisteredClosure),
        name: "a finalizer that refers to its own object",
        fix: Some(
            "use the finalizer's parameter (func(x *T) { ... x ... }), never the captured variable",
        ),
        explanation: include_str!("catalog/EE0308.md"),
    }

    // What the run-time profiles show and the source rules did not (profile/join.rs).

    /// Memory held at run time where no holder was found.
    PROFILE_HELD: ProfileHeld = "EE0901" {
        holder: None,
        name: "memory a profile shows held, where no holder was found",
        fix: Some(
            "find what refers to it (`go tool pprof -list`), then drop the reference or bound what keeps it",
        ),
        explanation: include_str!("catalog/EE0901.md"),
    }
    /// Goroutines alive at run time where no finding was.
    PROFILE_ALIVE: ProfileAlive = "EE0902" {
        holder: None,
        name: "goroutines a profile shows alive, where no finding was",
        fix: Some(
            "give each goroutine a way to finish: room in the channel for every send, or a select on ctx.Done()",
        ),
        explanation: include_str!("catalog/EE0902.md"),
    }
    /// Goroutines a leak profile proves blocked forever where no finding was.
    PROFILE_LEAKED: ProfileLeaked = "EE0903" {
        holder: None,
        name: "goroutines a leak profile proves leaked, where no finding was",
        fix: Some(
            "give each goroutine a way to finish: unlock on every path (defer mu.Unlock()), room in the channel for every send, or a select on ctx.Done()",
        ),
        explanation: include_str!("catalog/EE0903.md"),
    }
}

impl RuleId {
    /// The rule's declaration.
    pub fn rule(self) -> &'static Rule {
        // The variants are declared in the order of RULES (see `rules!`).
        RULES[self as usize]
    }

    /// The rule of a code, whatever its case (`ee0201`).
    pub fn from_code(code: &str) -> Option<RuleId> {
        // As written by the tool (every finding read back from the result cache), first.
        if let Some(id) = RuleId::from_exact(code) {
            return Some(id);
        }
        let code = code.trim();
        RULES
            .iter()
            .map(|r| r.id)
            .find(|id| id.as_str().eq_ignore_ascii_case(code))
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// By code, as the catalog lists them.
impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for RuleId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor rather than a string: every finding of a replayed package has a code, and
        // serde's `Cow<str>` is always an owned copy.
        struct Code;
        impl serde::de::Visitor<'_> for Code {
            type Value = RuleId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a rule's code (EE0101)")
            }
            fn visit_str<E: serde::de::Error>(self, code: &str) -> Result<RuleId, E> {
                RuleId::from_code(code).ok_or_else(|| {
                    E::custom(format!(
                        "unknown code '{code}'; `escape-explain explain --list` lists the codes"
                    ))
                })
            }
        }
        d.deserialize_str(Code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_well_formed_and_each_names_its_rule() {
        let mut seen = std::collections::HashSet::new();
        for (i, rule) in RULES.iter().enumerate() {
            let code = rule.id.as_str();
            assert!(seen.insert(code), "{code} is declared twice");
            assert!(
                code.len() == 6
                    && code.starts_with("EE")
                    && code[2..].bytes().all(|b| b.is_ascii_digit()),
                "{code} is not EEnnnn"
            );
            assert_eq!(rule.id as usize, i, "{code} is at its variant's place");
            assert_eq!(rule.id.rule().id, rule.id);
            assert_eq!(RuleId::from_code(&code.to_lowercase()), Some(rule.id));
            assert_eq!(RuleId::from_code(&format!(" {code}")), Some(rule.id));
            assert_eq!(RuleId::from_exact(code), Some(rule.id));
            assert!(!rule.name.is_empty(), "{code} has a name");
            // The page compiled in is the code's own (the catalog's tests check its headings).
            assert!(
                rule.explanation.starts_with(&format!("# {code}: ")),
                "{code}'s explanation is src/catalog/{code}.md"
            );
        }
        assert_eq!(RuleId::from_code("EE9999"), None);
    }

    #[test]
    fn an_id_is_written_and_read_as_its_code() {
        let json = serde_json::to_string(&RuleId::GlobalMap).unwrap();
        assert_eq!(json, "\"EE0201\"");
        assert_eq!(
            serde_json::from_str::<RuleId>(&json).unwrap(),
            RuleId::GlobalMap
        );
        assert!(serde_json::from_str::<RuleId>("\"EE9999\"").is_err());
        assert_eq!(format!("{:<8}|", RuleId::Stack), "EE0001  |");
    }

    /// The data model is at the bottom: the findings, their parts and this registry name no
    /// stage (the compiler-output reader, the source model, the classifier, the profile join,
    /// the renderers, the pipeline), so that every stage can depend on them and none of them
    /// on a stage; and this registry names not even the findings, so that the two make no
    /// circle. A source-text check: each path from the crate root in the code of these files
    /// (comments aside) must lead where its file may look.
    #[test]
    fn the_data_model_imports_no_stage() {
        const FINDING: &[&str] = &[
            "crate::finding",
            "crate::rules",
            "crate::units",
            // The compiler's typed model: plain data (positions), no reader.
            "crate::escape::model",
        ];
        const BOTTOM: &[(&str, &[&str])] = &[
            ("src/rules.rs", &["crate::rules"]),
            ("src/units.rs", &["crate::units"]),
            ("src/finding.rs", FINDING),
            ("src/finding/measured.rs", FINDING),
            ("src/catalog/mod.rs", &["crate::catalog", "crate::rules"]),
        ];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (file, allowed) in BOTTOM {
            let text =
                std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            for line in text.lines() {
                let code = line.split("//").next().unwrap_or("");
                for (at, _) in code.match_indices("crate::") {
                    // A string (this test's own lists), not a path.
                    if code[..at].ends_with('"') {
                        continue;
                    }
                    let path: String = code[at..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                        .collect();
                    assert!(
                        allowed
                            .iter()
                            .any(|a| path == *a || path.starts_with(&format!("{a}::"))),
                        "{file} imports `{path}`: it may import only {allowed:?}"
                    );
                }
            }
        }
    }
}
