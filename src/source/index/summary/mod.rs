//! What a function keeps of what it is given: parameter summaries, and the holders they lead
//! to through methods and across the module's packages.
//!
//! A function keeps a parameter when it stores it into a package-level variable, into a field
//! of its receiver or of another parameter (`s.items[k] = v`), or passes it to a function that
//! does. A call site then decides by who owns what is stored into: `Default.Add(name, g)` on a
//! package-level store keeps `g` for the life of the process, and the walk's facts gain an
//! effect on `Default` at that call; the same `Add` on a store the caller made keeps nothing
//! long-lived. A release works the same way: `counters.Remove(name)`, where `Remove` deletes
//! from `s.items`, releases `counters`.
//!
//! Summaries cross the module's packages as [`PackageFacts`], as go/analysis facts do: what
//! each exported function of a package keeps in that package's variables, and whether that
//! package ever lets go of them. A caller in another package gains an effect on a
//! [`ForeignHolder`] at its call.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use super::super::owner::Binding;
use super::bindings::VarType;
use super::*;

mod export;
mod settle;
mod walk;

/// The most places one function's summary lists.
const MAX_KEEPS: usize = 64;

/// A parameter position: the receiver, or the i-th parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    Receiver,
    Param(usize),
}

/// Where a function puts what it keeps.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Into {
    /// A package-level variable of this package.
    Global(String),
    /// A field path of the receiver or of a parameter (`items` for `s.items[k] = v`).
    Field(Slot, String),
    /// A package-level variable of another package of the module.
    Foreign(Arc<ForeignHolder>),
}

/// One thing a function keeps: the parameter, where, how, and through which calls.
#[derive(Debug, Clone)]
pub struct Keep {
    pub slot: Slot,
    pub into: Into,
    pub kind: EffectKind,
    /// The functions the value is passed through, outermost first (`remember`, `store.Hold`).
    pub via: Vec<String>,
    /// A function on the way that panics when the key is already there: one entry per key.
    pub once_per_key: Option<String>,
}

/// A place in a file of another package: enough to show it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SiteRef {
    pub path: PathBuf,
    pub line: u32,
    pub column: u32,
    /// The source line, trimmed.
    pub text: String,
}

/// A package-level variable of another package of the module, as a caller here sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ForeignHolder {
    /// `store.forever`: the package's name and the variable's.
    pub name: String,
    pub kind: GlobalKind,
    pub declared: SiteRef,
    /// Where that package stores into it.
    pub stored_at: SiteRef,
    /// How that package lets go of it (`delete, in store.Drop`), and where.
    pub released: Option<(String, Option<SiteRef>)>,
}

/// What a package of the module tells the packages that import it.
#[derive(Debug, Default)]
pub struct PackageFacts {
    /// Exported package-level variables other packages can store into, as holders.
    pub globals: HashMap<String, Arc<ForeignHolder>>,
    /// Exported function name -> what it keeps of its parameters, and where.
    pub functions: HashMap<String, Vec<ForeignKeep>>,
    /// Exported functions that loop with no way out, with the loop: `go pkg.F()` in an
    /// importer starts a goroutine that never ends.
    pub endless: HashMap<String, SiteRef>,
}

/// A parameter an exported function keeps in a package-level variable of its package.
#[derive(Debug, Clone)]
pub struct ForeignKeep {
    pub slot: Slot,
    pub kind: EffectKind,
    /// The functions it is passed through inside that package, outermost first.
    pub via: Vec<String>,
    pub holder: Arc<ForeignHolder>,
}

/// Where the facts of the module's other packages come from (the pipeline builds and caches
/// them; a test can pass none).
pub trait ModuleFacts: Sync {
    /// The facts of the package with this import path, when it is one of the module's.
    fn facts(&self, import_path: &str) -> Option<Arc<PackageFacts>>;

    /// What escape-explain.toml declares about other packages' functions and the module's
    /// holders.
    fn declared(&self) -> Option<Arc<crate::source::declared::Declarations>> {
        None
    }
}

/// No other package is known.
pub struct NoFacts;

impl ModuleFacts for NoFacts {
    fn facts(&self, _: &str) -> Option<Arc<PackageFacts>> {
        None
    }
}

/// What an expression is rooted in: a package-level variable or a binding, with the fields
/// selected from it (`journal` for `state.journal`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Root {
    Global { name: String, path: String },
    Var { var: VarId, path: String },
    Other,
}

/// What a call calls, as written.
#[derive(Debug, Clone)]
pub(super) enum CallTarget {
    /// `f(...)`: a function of the package.
    Func(String),
    /// `x.M(...)`: a method, on what `x` is rooted in.
    Method { recv: Root, name: String },
    /// `pkg.F(...)`: a function of an imported package.
    Import { path: String, name: String },
}

/// One call, with the variables each argument names and what each is rooted in.
#[derive(Debug, Clone)]
pub(super) struct CallSite {
    pub function: Option<usize>,
    pub loc: Loc,
    pub target: CallTarget,
    pub args: Vec<(Root, Vec<VarId>)>,
    pub in_loop: bool,
}

/// A store into (or a release of) a field of a parameter or receiver.
#[derive(Debug, Clone)]
pub(super) struct FieldEffect {
    pub root: VarId,
    pub path: String,
    pub kind: EffectKind,
    /// The variables whose values it keeps (those only copied left out).
    pub vars: Vec<VarId>,
}

#[derive(Debug, Default)]
pub(super) struct Summaries {
    pub field_effects: Vec<FieldEffect>,
    pub calls: Vec<CallSite>,
    /// Per file: (name the file uses, import path).
    pub imports: HashMap<usize, Vec<(String, String)>>,
    /// Per function: what it keeps of its parameters.
    pub keeps: Vec<Vec<Keep>>,
    /// Per function: the fields of its parameters it releases (delete, clear, reset).
    pub frees: Vec<Vec<(Slot, String, EffectKind)>>,
    /// `if started { return }`: (function, what the condition is rooted in, its text, where
    /// the `if` ends), waiting for `started = true` later in the same function.
    pub guard_checks: Vec<(usize, Root, String, usize)>,
    /// `if !started { ... }`: (function, root, text, the body's span), waiting for `started =
    /// true` inside the body.
    pub negated_checks: Vec<(usize, Root, String, (usize, usize))>,
    /// Spans of code that runs once behind a `if !started { started = true; ... }` guard:
    /// (file, start, end, the guard as written).
    pub guarded: Vec<(usize, usize, usize, String)>,
    /// Stores straight into another package's variable (`hooks.List = append(hooks.List, f)`):
    /// the import path, the variable, and the effect as if it were this package's.
    pub foreign_stores: Vec<(String, String, Effect)>,
}

/// The name a package is used by when the import gives none: the last element of its path,
/// without a major version (`example.com/m/v2` -> `m`) or a `go-` prefix.
fn default_import_name(path: &str) -> String {
    let mut parts = path.rsplit('/');
    let mut last = parts.next().unwrap_or(path);
    if last.len() > 1
        && last.starts_with('v')
        && last[1..].bytes().all(|b| b.is_ascii_digit())
        && let Some(prev) = parts.next()
    {
        last = prev;
    }
    last.trim_start_matches("go-")
        .trim_end_matches(".go")
        .replace(['-', '.'], "_")
}

fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "append"
            | "cap"
            | "clear"
            | "close"
            | "complex"
            | "copy"
            | "delete"
            | "imag"
            | "len"
            | "make"
            | "max"
            | "min"
            | "new"
            | "panic"
            | "print"
            | "println"
            | "real"
            | "recover"
    )
}

/// A key that names a type (`t`, `typ`, `rt`, `ut.base`, `reflect.TypeOf(v)`, `ckey` of types).
pub fn keyed_by_type(key: &str) -> bool {
    let k = key.trim();
    let last = k.rsplit('.').next().unwrap_or(k);
    matches!(last, "t" | "t1" | "rt" | "tt" | "typ" | "base" | "ckey")
        || k.contains("TypeOf")
        || k.to_ascii_lowercase().ends_with("type")
}

/// The fields of a struct type's text, by name: `struct{ journal journal; hits int }` or one
/// field per line.
fn struct_field<'t>(text: &'t str, field: &str) -> Option<&'t str> {
    let body = text.trim();
    let body = body.strip_prefix("struct").unwrap_or(body).trim_start();
    let body = body.strip_prefix('{').unwrap_or(body);
    let body = body.strip_suffix('}').unwrap_or(body);
    body.split(['\n', ';']).find_map(|l| {
        let l = l.split("//").next().unwrap_or("").trim();
        let mut names_and_type = l.splitn(2, [' ', '\t']);
        let names = names_and_type.next()?;
        let ty = names_and_type.next()?.trim();
        names
            .split(',')
            .any(|n| n.trim() == field)
            .then_some(ty)
            .or_else(|| {
                // `a, b int`: the names before the type are split by ", ".
                l.split_once(char::is_whitespace)
                    .filter(|_| l.contains(','))
                    .and_then(|_| {
                        let (names, ty) = l.rsplit_once(char::is_whitespace)?;
                        names
                            .split(',')
                            .any(|n| n.trim() == field)
                            .then_some(ty.trim())
                    })
            })
    })
}

/// A type's name without pointers, type arguments or a package qualifier of its own package.
fn type_name(text: &str) -> &str {
    let t = text.trim().trim_start_matches(['*', '&']).trim();
    t.split(['[', '{', '(']).next().unwrap_or(t).trim()
}

/// Adds the variables of one more kept argument to a derived effect; whether any was new.
fn extend_vars(e: &mut Effect, vars: Vec<VarId>) -> bool {
    let mut changed = false;
    for v in vars {
        if !e.vars.contains(&v) {
            e.vars.push(v);
            changed = true;
        }
    }
    changed
}

/// A field path followed through a call (`s.left` + `items`), at most two fields deep: a
/// recursive method (`n.left.insert(v)`) would otherwise make a longer path on every round of
/// the fixpoint, and the path only names the place, the root decides.
fn join(a: &str, b: &str) -> String {
    let joined = match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}.{b}"),
    };
    match joined.match_indices('.').nth(1) {
        Some((i, _)) => joined[..i].to_string(),
        None => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::gofile::{GoFile, parser};
    use std::path::Path;

    fn index_with(src: &str, module: &dyn ModuleFacts) -> PackageIndex {
        let f = GoFile::parse(&mut parser(), Path::new("p.go"), src.to_string()).unwrap();
        PackageIndex::index(Path::new("."), vec![Arc::new(f)], module)
    }

    fn index(src: &str) -> PackageIndex {
        index_with(src, &NoFacts)
    }

    /// (global, kind, derived-through) of every effect a call makes through a method.
    fn derived(ix: &PackageIndex) -> Vec<(String, EffectKind, u32)> {
        ix.effects
            .iter()
            .filter(|e| e.via.is_some())
            .map(|e| (e.global.clone(), e.kind.clone(), e.loc.line))
            .collect()
    }

    const STORE: &str = "package p\n\ntype Store interface{ Add(string, any) }\n\ntype store struct{ items map[string]any }\n\nfunc newStore() *store { return &store{items: map[string]any{}} }\n\nfunc (s *store) Add(name string, v any) { s.items[name] = v }\n\nfunc (s *store) Remove(name string) { delete(s.items, name) }\n\nvar Default Store = newStore()\n\nvar counters = newStore()\n";

    /// A method that stores into its receiver's field keeps its parameters there; called on a
    /// package-level object (behind an interface or a pointer) it adds to that object, and a
    /// method that deletes from the field releases it. On an object the caller made, nothing.
    #[test]
    fn methods_on_package_level_objects() {
        let src = format!(
            "{STORE}\nfunc NewGauge(n string) {{ g := &struct{{}}{{}}; Default.Add(n, g) }}\n\nfunc Local(n string) {{ s := newStore(); s.Add(n, 1) }}\n\nfunc Drop(n string) {{ counters.Remove(n) }}\n"
        );
        let ix = index(&src);
        let add = ix.function_named("(*store).Add").unwrap();
        let keeps: Vec<(Slot, &Into)> =
            ix.keeps_of(add).iter().map(|k| (k.slot, &k.into)).collect();
        assert!(keeps.contains(&(Slot::Param(1), &Into::Field(Slot::Receiver, "items".into()))));
        assert!(keeps.contains(&(Slot::Param(0), &Into::Field(Slot::Receiver, "items".into()))));
        assert_eq!(
            derived(&ix),
            vec![
                ("Default".to_string(), EffectKind::Insert, 17),
                ("counters".to_string(), EffectKind::Delete, 21),
            ]
        );
        // NewGauge keeps its parameter in Default, through Add.
        let gauge = ix.function_named("NewGauge").unwrap();
        assert!(
            ix.keeps_of(gauge)
                .iter()
                .any(|k| k.into == Into::Global("Default".into()) && k.via == ["(*store).Add"])
        );
    }

    /// A receiver that is a field of a package-level struct (`state.journal.record(e)`): the
    /// type is followed through the struct's fields to the method.
    #[test]
    fn receivers_through_fields_of_package_level_structs() {
        let src = "package p\n\ntype journal struct{ entries []string }\n\nfunc (j *journal) record(e string) { j.entries = append(j.entries, e) }\n\nvar state struct{ journal journal; hits int }\n\nfunc Hit(p string) { state.journal.record(p + \"!\") }\n\nfunc Local(p string) { var j journal; j.record(p) }\n";
        let ix = index(src);
        assert_eq!(
            derived(&ix),
            vec![("state".to_string(), EffectKind::Append, 9)]
        );
    }

    /// Two variables of the same name are two bindings: a parameter called like a package-level
    /// variable is not it.
    #[test]
    fn a_shadowing_parameter_is_not_the_package_level_object() {
        let src =
            format!("{STORE}\nfunc Use(counters *store, n string) {{ counters.Add(n, 1) }}\n");
        let ix = index(&src);
        assert!(derived(&ix).is_empty(), "{:?}", derived(&ix));
        // Use keeps its n in its parameter's field instead.
        let f = ix.function_named("Use").unwrap();
        assert!(
            ix.keeps_of(f).iter().any(|k| k.slot == Slot::Param(1)
                && k.into == Into::Field(Slot::Param(0), "items".into()))
        );
    }

    struct OneStore;

    impl ModuleFacts for OneStore {
        fn facts(&self, path: &str) -> Option<Arc<PackageFacts>> {
            if path != "example.com/m/store" {
                return None;
            }
            let store = index(
                "package store\n\nvar kept = map[string][]byte{}\n\nfunc Keep(k string, b []byte) { kept[k] = b }\n\nfunc Drop(k string) { delete(kept, k) }\n\nfunc Sum(b []byte) int { return len(b) }\n\nfunc Spin() {\n\tfor {\n\t}\n}\n\nvar Names []string\n",
            );
            Some(Arc::new(store.facts()))
        }
    }

    /// `store.Names = append(store.Names, n)`: a store straight into another package's
    /// exported variable is an effect on it; a package outside the module tells nothing.
    #[test]
    fn stores_into_another_package_s_variable() {
        let src = "package api\n\nimport (\n\t\"example.com/m/store\"\n\tother \"example.com/x/store\"\n)\n\nfunc Add(n string) {\n\tstore.Names = append(store.Names, n)\n\tother.Names = append(other.Names, n)\n}\n";
        let ix = index_with(src, &OneStore);
        assert_eq!(
            derived(&ix),
            vec![("store.Names".to_string(), EffectKind::Append, 9)]
        );
        let h = ix.globals["store.Names"].foreign.as_ref().unwrap();
        assert_eq!(h.declared.line, 16);
        assert!(h.released.is_none());
    }

    /// `go store.Spin()` starts another package's function that never returns: the facts say
    /// where its loop is.
    #[test]
    fn goroutines_of_another_package() {
        let src = "package api\n\nimport \"example.com/m/store\"\n\nfunc Start() {\n\tgo store.Spin()\n\tgo store.Drop(\"k\")\n}\n";
        let ix = index_with(src, &OneStore);
        let gos = ix.goroutines();
        let (name, at) = gos[0].foreign_endless.as_ref().unwrap();
        assert_eq!(name, "store.Spin");
        assert_eq!(at.line, 12);
        assert!(gos[1].foreign_endless.is_none());
    }

    /// Facts cross packages: the caller's call to `store.Keep` is an insert into
    /// `store.kept`, which package store releases; `store.Sum` keeps nothing; a package outside
    /// the module tells nothing.
    #[test]
    fn facts_cross_the_module_s_packages() {
        let src = "package api\n\nimport (\n\t\"example.com/m/store\"\n\tother \"example.com/x/store\"\n)\n\nfunc Save(k string, p []byte) {\n\tb := append([]byte(nil), p...)\n\tstore.Keep(k, b)\n\tstore.Sum(b)\n\tother.Keep(k, b)\n}\n";
        let ix = index_with(src, &OneStore);
        assert_eq!(
            derived(&ix),
            vec![("store.kept".to_string(), EffectKind::Insert, 10)]
        );
        let g = &ix.globals["store.kept"];
        let h = g.foreign.as_ref().unwrap();
        assert_eq!(h.declared.line, 3);
        assert_eq!(h.stored_at.line, 5);
        let (how, _) = h.released.as_ref().unwrap();
        assert_eq!(how, "delete, in store.Drop");
        let save = ix.function_named("Save").unwrap();
        assert!(ix.keeps_of(save).iter().any(|k| k.slot == Slot::Param(0)));
    }

    #[test]
    fn fields_of_struct_text() {
        assert_eq!(
            struct_field("struct{ journal journal; hits int }", "journal"),
            Some("journal")
        );
        assert_eq!(
            struct_field(
                "struct {\n\tmu sync.Mutex\n\titems map[string]any\n}",
                "items"
            ),
            Some("map[string]any")
        );
        assert_eq!(struct_field("struct{ a, b []int }", "b"), Some("[]int"));
        assert_eq!(struct_field("struct{ a int }", "b"), None);
    }

    /// A callee that keeps a copy keeps its key, not the value it copied.
    #[test]
    fn copies_are_not_kept() {
        let src = "package p\n\nvar copies = map[string][]byte{}\n\nfunc KeepCopy(k string, b []byte) { copies[k] = append([]byte(nil), b...) }\n\ntype s struct{ m map[string]string }\n\nfunc (x *s) Put(k string, b []byte) { x.m[k] = string(b) }\n";
        let ix = index(src);
        let f = ix.function_named("KeepCopy").unwrap();
        let slots: Vec<Slot> = ix.keeps_of(f).iter().map(|k| k.slot).collect();
        assert_eq!(slots, vec![Slot::Param(0)]);
        let m = ix.function_named("(*s).Put").unwrap();
        let slots: Vec<Slot> = ix.keeps_of(m).iter().map(|k| k.slot).collect();
        assert_eq!(slots, vec![Slot::Param(0)]);
    }

    #[test]
    fn field_paths_stay_short() {
        assert_eq!(join("", "items"), "items");
        assert_eq!(join("a", "b"), "a.b");
        assert_eq!(join("left.left", "left"), "left.left");
    }

    /// A recursive method on a tree: the fixpoint ends with short paths.
    #[test]
    fn recursive_methods_settle() {
        let src = "package p\n\ntype node struct{ left, right *node; vals []int }\n\nfunc (n *node) insert(v int) {\n\tif v < 0 {\n\t\tn.left.insert(v)\n\t\treturn\n\t}\n\tn.right.insert(v)\n\tn.vals = append(n.vals, v)\n}\n\nvar root node\n\nfunc Add(v int) { root.insert(v) }\n";
        let ix = index(src);
        let f = ix.function_named("(*node).insert").unwrap();
        assert!(ix.keeps_of(f).len() <= 8, "{:?}", ix.keeps_of(f));
        assert!(ix.keeps_of(f).iter().all(|k| match &k.into {
            Into::Field(_, p) => p.matches('.').count() <= 1,
            _ => true,
        }));
        assert_eq!(
            derived(&ix),
            vec![("root".to_string(), EffectKind::Append, 16)]
        );
    }

    #[test]
    fn type_keys() {
        assert!(keyed_by_type("t"));
        assert!(keyed_by_type("ut.base"));
        assert!(keyed_by_type("reflect.TypeOf(v)"));
        assert!(keyed_by_type("elemType"));
        assert!(!keyed_by_type("id"));
        assert!(!keyed_by_type("r.URL.Path"));
    }

    #[test]
    fn import_names() {
        assert_eq!(default_import_name("example.com/reach/store"), "store");
        assert_eq!(default_import_name("example.com/m/v2"), "m");
        assert_eq!(default_import_name("github.com/x/go-cache"), "cache");
    }
}
