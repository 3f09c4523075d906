//! Command-line flags (what the user typed) and the [`Config`] resolved from them once (where the
//! input comes from, which format, whether to color).

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// Explains Go's escape analysis: which values go to the heap, and which of those something keeps.
///
/// Inside a Go module, runs `go build -gcflags=<FLAGS>` on PACKAGES and reads the compiler's
/// escape diagnostics. With --input, or when a log is piped in and nothing names a build (no -C,
/// package, --gcflags or --tests), reads saved compiler output instead, as in
/// `go build -gcflags=-m=2 ./... 2>&1 | escape-explain`.
#[derive(Debug, Parser)]
#[command(
    name = "escape-explain",
    version,
    about,
    long_about,
    // `escape-explain -C dir diff a b`: `diff` is the subcommand, not a package pattern.
    subcommand_precedence_over_arg = true
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Packages to build (go package patterns).
    #[arg(value_name = "PACKAGES", value_parser = package_pattern)]
    pub packages: Vec<String>,

    /// Run the build in DIR instead of the current directory.
    #[arg(short = 'C', value_name = "DIR", global = true, value_parser = existing_dir)]
    pub dir: Option<PathBuf>,

    /// Compiler flags for the packages named (-m=2 adds the reasons; -l turns off inlining so
    /// each function is reported where it is written) [default: -m=2 -l].
    #[arg(long, value_name = "FLAGS", allow_hyphen_values = true)]
    pub gcflags: Option<String>,

    /// Build tags (comma-separated): passed to go as -tags, and used to decide which files of a
    /// package are in the build (a release in a file left out does not count). With a saved
    /// log, give the tags it was built with (with --goos and --goarch, or $GOOS and $GOARCH).
    #[arg(long, value_name = "TAGS")]
    pub tags: Option<String>,

    /// The GOOS a saved log was built for, when not this machine's (or $GOOS); with a build,
    /// the GOOS to build for. Inferred from the files a log names when only one fits.
    #[arg(long, value_name = "GOOS", value_parser = go_word)]
    pub goos: Option<String>,

    /// The GOARCH a saved log was built for (or to build for), as --goos.
    #[arg(long, value_name = "GOARCH", value_parser = go_word)]
    pub goarch: Option<String>,

    /// Read saved compiler output from FILE ('-' for standard input) instead of building.
    #[arg(short, long, value_name = "FILE", conflicts_with_all = ["packages", "gcflags"])]
    pub input: Option<PathBuf>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE", global = true)]
    pub output: Option<PathBuf>,

    /// Show every verdict, `passes` and `stack` included.
    #[arg(long, global = true, conflicts_with = "verdict")]
    pub all: bool,

    /// Show only these verdicts (comma-separated: leak-risk, retained, heap, passes, stack).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "VERDICT",
        global = true
    )]
    pub verdict: Vec<VerdictArg>,

    /// Also list inliner lines, the -m=2 flows and the lines that were not understood.
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// No progress line on standard error (it is shown only on a terminal, for runs longer
    /// than a second).
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// The Go version that produced a saved log (e.g. 1.27 or go1.27.3), when it is not the
    /// local toolchain's. Timer and ticker verdicts depend on it. With `demo`, the version to
    /// judge the demo's recording by.
    #[arg(long, value_name = "VERSION", global = true, value_parser = go_version)]
    pub go_version: Option<String>,

    /// Do not read the Go source: report the compiler's facts with heap and stack verdicts only
    /// (no holders). Faster on very large logs.
    #[arg(long)]
    pub no_source: bool,

    /// Analyse every package again rather than replay the results of packages that have not
    /// changed (the cache is in $XDG_CACHE_HOME/escape-explain or ~/.cache/escape-explain;
    /// ESCAPE_EXPLAIN_CACHE=DIR moves it, ESCAPE_EXPLAIN_CACHE=off turns it off).
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// Exit with status 1 when a finding at or above this verdict is reported (for CI).
    #[arg(long, value_enum, value_name = "VERDICT", global = true)]
    pub fail_on: Option<FailOn>,

    /// Report only findings that are not in this earlier JSON report (matched by package,
    /// function, subject and code, not by line).
    #[arg(long, value_name = "FILE", global = true)]
    pub baseline: Option<PathBuf>,

    /// Include findings in generated files (`// Code generated ... DO NOT EDIT.`).
    #[arg(long, global = true)]
    pub generated: bool,

    /// Show findings at positions outside the module (the standard library's generic code
    /// instantiated here, a dependency's inlined code); they are hidden and counted otherwise.
    #[arg(long, global = true)]
    pub external: bool,

    /// Include the _test.go files: builds the test packages (go test -c) instead.
    #[arg(long)]
    pub tests: bool,

    /// Report only findings under these paths (globs relative to the module root: `internal/**`).
    #[arg(long = "only-path", value_name = "GLOB", global = true, value_parser = path_glob)]
    pub only_path: Vec<String>,

    /// Do not report findings under these paths (globs relative to the module root:
    /// `internal/gen/**`).
    #[arg(long = "exclude", value_name = "GLOB", global = true, value_parser = path_glob)]
    pub exclude: Vec<String>,

    /// The settings file [default: escape-explain.toml at the module root, when there is one].
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// Report only findings of these packages (`example.com/m/...`).
    #[arg(long = "only-package", value_name = "PATTERN", global = true)]
    pub only_package: Vec<String>,

    /// When to use color.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// A heap, goroutine or goroutine leak profile of the program (pprof protobuf, gzipped or
    /// not, or the text of debug/pprof/goroutine or goroutineleak with ?debug=1|2): its live
    /// bytes, goroutines and goroutines proven leaked are put on the findings at their lines.
    /// Repeat it: two heap profiles give the growth between them.
    #[arg(long = "profile", value_name = "FILE", global = true)]
    pub profiles: Vec<PathBuf>,

    /// The most memory one package may take to analyse, estimated from its source and its
    /// diagnostics before the work starts: a larger package (a generated file of millions of
    /// lines) stops the run with its name rather than exhaust memory [default: 3/4 of the
    /// memory the process may use: the machine's, or less under `ulimit -v`].
    #[arg(
        long,
        value_name = "SIZE",
        env = "ESCAPE_EXPLAIN_MAX_PACKAGE_MEMORY",
        value_parser = crate::units::parse_bytes,
        global = true
    )]
    pub max_package_memory: Option<i64>,

    /// With --profile: the live memory at a line with no holder that makes a finding of its
    /// own (EE0901), together with --min-share.
    #[arg(long, value_name = "SIZE", default_value = "1MiB", value_parser = crate::units::parse_bytes, global = true)]
    pub min_live: i64,

    /// With --profile: the share of all live memory a line must hold for EE0901.
    #[arg(long, value_name = "PERCENT", default_value = "1%", value_parser = crate::units::parse_percent, global = true)]
    pub min_share: f64,

    /// With --profile: goroutines alive at one `go` statement with no finding that make a
    /// finding of their own (EE0902).
    #[arg(long, value_name = "N", default_value_t = 10, global = true)]
    pub min_goroutines: i64,
}

/// Subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Explain a code (EE0201) in full: what triggers it, why, whether it is a leak, the fix.
    Explain {
        /// The code, e.g. EE0201.
        code: Option<String>,
        /// List every code with its one-line summary.
        #[arg(long)]
        list: bool,
    },
    /// Compare two reports (JSON) or two saved logs: what started escaping, what stopped, and
    /// verdicts that changed, matched by package, function, subject and code.
    Diff { old: PathBuf, new: PathBuf },
    /// List the teaching demos, or analyse one: live with the local `go`, else from its
    /// recording.
    Demo {
        /// The demo's name; without it, the list.
        name: Option<String>,
        /// Use the recording even when `go` is installed.
        #[arg(long)]
        recorded: bool,
    },
    /// The result cache: where it is and how much it holds (`info`), or empty it (`clean`).
    Cache {
        #[command(subcommand)]
        action: CacheAction,
    },
}

/// What to do with the result cache.
#[derive(Debug, Clone, Copy, clap::Subcommand)]
pub enum CacheAction {
    /// Where the cache is, how many entries it holds and their size.
    Info,
    /// Remove every entry.
    Clean,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    LeakRisk,
    Retained,
    Heap,
}

impl FailOn {
    /// The flag value for a verdict; `passes` and `stack` gate nothing and read as `heap`.
    pub fn of(v: crate::finding::Verdict) -> FailOn {
        use crate::finding::Verdict;
        match v {
            Verdict::LeakRisk => FailOn::LeakRisk,
            Verdict::Retained => FailOn::Retained,
            _ => FailOn::Heap,
        }
    }

    pub fn verdict(self) -> crate::finding::Verdict {
        use crate::finding::Verdict;
        match self {
            FailOn::LeakRisk => Verdict::LeakRisk,
            FailOn::Retained => Verdict::Retained,
            FailOn::Heap => Verdict::Heap,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerdictArg {
    LeakRisk,
    Retained,
    Heap,
    Passes,
    Stack,
}

impl VerdictArg {
    pub fn of(v: crate::finding::Verdict) -> VerdictArg {
        use crate::finding::Verdict;
        match v {
            Verdict::LeakRisk => VerdictArg::LeakRisk,
            Verdict::Retained => VerdictArg::Retained,
            Verdict::Heap => VerdictArg::Heap,
            Verdict::Passes => VerdictArg::Passes,
            Verdict::Stack => VerdictArg::Stack,
        }
    }

    pub fn verdict(self) -> crate::finding::Verdict {
        use crate::finding::Verdict;
        match self {
            VerdictArg::LeakRisk => Verdict::LeakRisk,
            VerdictArg::Retained => Verdict::Retained,
            VerdictArg::Heap => Verdict::Heap,
            VerdictArg::Passes => Verdict::Passes,
            VerdictArg::Stack => Verdict::Stack,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The report: each leak risk and retained value explained, heap values one line each.
    Text,
    /// A listing grouped by package and file, one line per finding.
    List,
    /// One JSON document with every diagnostic and its flow.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// One line per finding, `path:line:col: verdict CODE: message`, for editors.
    Compact,
    /// One self-contained HTML page: the source shaded by verdict, the findings in place.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Where the compiler output comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Run `go build` in `dir`.
    Build {
        dir: PathBuf,
        packages: Vec<String>,
        gcflags: String,
        tags: Option<String>,
        /// Build the test packages too (`go test -c`).
        tests: bool,
    },
    /// Read a saved log.
    File(PathBuf),
    /// Read standard input.
    Stdin,
    /// A log already read (a `diff` side that was a pipe): its name and its bytes.
    Bytes {
        name: String,
        bytes: std::sync::Arc<Vec<u8>>,
    },
}

/// Everything decided before the work starts.
#[derive(Debug, Clone)]
pub struct Config {
    pub input: Input,
    /// Standard input was taken for a log because it is a pipe; when that pipe turns out to
    /// be empty, this build runs instead.
    pub build_if_empty: Option<Input>,
    /// The directory paths in a saved log are taken relative to.
    pub dir: PathBuf,
    pub format: Format,
    pub verbose: bool,
    /// `--quiet`: no progress line.
    pub quiet: bool,
    pub color: bool,
    pub go_version: Option<String>,
    /// Build tags, for deciding which files are in the build.
    pub tags: Vec<String>,
    /// `--goos`, `--goarch`: the target, when not the environment's.
    pub goos: Option<String>,
    pub goarch: Option<String>,
    /// The target was given (--goos, --goarch or --tags): a saved log is read for it, not
    /// for the target its files suggest.
    pub target_given: bool,
    /// Read the Go source to find holders.
    pub source: bool,
    /// Verdicts shown in full, and as one line each.
    pub full: Vec<crate::finding::Verdict>,
    pub brief: Vec<crate::finding::Verdict>,
    /// `--verdict`: the only verdicts machine formats list (empty: all). Totals stay complete.
    pub only: Vec<crate::finding::Verdict>,
    /// The width to wrap to.
    pub width: usize,
    /// The report goes to a terminal: one-liners may be shortened to its width.
    pub terminal: bool,
    /// How to name a saved log in the report, instead of its path.
    pub origin_label: Option<String>,
    pub fail_on: Option<crate::finding::Verdict>,
    pub baseline: Option<PathBuf>,
    pub generated: bool,
    /// Show findings outside the module (`--external`).
    pub external: bool,
    pub tests: bool,
    pub only_path: Vec<String>,
    pub only_package: Vec<String>,
    /// `--profile`: heap, goroutine and goroutine leak profiles to join to the findings.
    pub profiles: Vec<PathBuf>,
    /// `--format html`: two files shown side by side first (a demo's leaky and fixed file).
    pub html_pair: Option<(String, String)>,
    /// `--format html`: the page's title, when not the module's.
    pub html_title: Option<String>,
    /// `-o FILE`: where the report goes instead of standard output.
    pub output: Option<PathBuf>,
    pub thresholds: crate::profile::join::Thresholds,
    /// `--max-package-memory`: the estimate one package may not exceed.
    pub max_package_memory: u64,
    /// Replay unchanged packages from the result cache (not with `--no-cache`).
    pub cache: bool,
    /// The directory the reader stands in: paths are shown relative to it (`svc/x.go` after
    /// `-C svc`). None shows them from the module root, as a demo does.
    pub shown_from: Option<PathBuf>,
    /// `--exclude`: path globs whose findings are not reported.
    pub exclude: Vec<String>,
    /// escape-explain.toml: registries and bounded holders the source cannot show (its
    /// `[report]` defaults are already in the fields above).
    pub settings: std::sync::Arc<crate::settings::Settings>,
}

/// The compiler flags of a build when `--gcflags` is not given.
pub const DEFAULT_GCFLAGS: &str = "-m=2 -l";

impl Args {
    /// The command line names a build: a directory, packages, compiler flags or the tests.
    fn asks_for_a_build(&self) -> bool {
        self.dir.is_some() || !self.packages.is_empty() || self.gcflags.is_some() || self.tests
    }

    /// Flags that a subcommand would accept and then ignore are refused instead.
    pub fn check_combinations(&self) -> Result<(), String> {
        let refuse = |flag: &str, cmd: &str| Err(format!("{flag} has no effect with `{cmd}`"));
        // escape-explain.toml is about a run on the module, not a demo, a diff or a page.
        if self.config.is_some() {
            match &self.command {
                Some(Command::Explain { .. }) => return refuse("--config", "explain"),
                Some(Command::Diff { .. }) => return refuse("--config", "diff"),
                Some(Command::Demo { .. }) => return refuse("--config", "demo"),
                Some(Command::Cache { .. }) => return refuse("--config", "cache"),
                None => {}
            }
        }
        match &self.command {
            Some(Command::Explain { .. }) => {
                if self.format != Format::Text {
                    return refuse("--format", "explain");
                }
                if self.fail_on.is_some() {
                    return refuse("--fail-on", "explain");
                }
                if self.baseline.is_some() {
                    return refuse("--baseline", "explain");
                }
                if !self.verdict.is_empty() {
                    return refuse("--verdict", "explain");
                }
                if !self.profiles.is_empty() {
                    return refuse("--profile", "explain");
                }
            }
            Some(Command::Diff { .. }) => {
                if !matches!(self.format, Format::Text | Format::Json) {
                    return Err("`diff` writes text or JSON (--format text|json)".into());
                }
                if !self.verdict.is_empty() {
                    return refuse("--verdict", "diff");
                }
                if !self.profiles.is_empty() {
                    return refuse("--profile", "diff");
                }
                if self.baseline.is_some() {
                    return refuse("--baseline", "diff");
                }
            }
            Some(Command::Cache { .. }) => {
                if self.format != Format::Text {
                    return refuse("--format", "cache");
                }
                if self.no_cache {
                    return refuse("--no-cache", "cache");
                }
            }
            Some(Command::Demo { .. }) => {
                if self.fail_on.is_some() {
                    return refuse("--fail-on", "demo");
                }
                if self.baseline.is_some() {
                    return refuse("--baseline", "demo");
                }
            }
            None => {
                if self.input.is_some() && self.tests {
                    return Err(
                        "--tests builds the test packages; a saved log is read as it is (record it with go test -c)".into(),
                    );
                }
            }
        }
        Ok(())
    }
}

impl Config {
    /// Resolves the flags against the environment: whether stdin carries a log, whether stdout
    /// takes color; `settings` (escape-explain.toml) gives the defaults of the flags not given.
    pub fn from_args(mut args: Args, settings: crate::settings::Settings) -> Config {
        let defaults = &settings.report;
        if args.fail_on.is_none() {
            args.fail_on = defaults.fail_on.map(FailOn::of);
        }
        if args.verdict.is_empty() && !args.all {
            args.verdict = defaults
                .verdict
                .iter()
                .copied()
                .map(VerdictArg::of)
                .collect();
        }
        if args.exclude.is_empty() {
            args.exclude = defaults.exclude.clone();
        }
        if args.only_path.is_empty() {
            args.only_path = defaults.only_path.clone();
        }
        if args.only_package.is_empty() {
            args.only_package = defaults.only_package.clone();
        }
        // A boolean flag given means true; the file can only turn it on.
        args.generated |= defaults.generated.unwrap_or(false);
        args.external |= defaults.external.unwrap_or(false);
        let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
        let build = Input::Build {
            dir: dir.clone(),
            packages: if args.packages.is_empty() {
                vec!["./...".to_string()]
            } else {
                args.packages.clone()
            },
            gcflags: args
                .gcflags
                .clone()
                .unwrap_or_else(|| DEFAULT_GCFLAGS.to_string()),
            tags: args.tags.clone(),
            tests: args.tests,
        };
        let (input, build_if_empty) = match &args.input {
            Some(p) if p.as_os_str() == "-" => (Input::Stdin, None),
            Some(p) => (Input::File(p.clone()), None),
            // A pipe nobody writes to (a CI runner's stdin) is not a log: build instead. Naming
            // what to build (`-C DIR`, packages, --gcflags, --tests) means "build", whatever
            // standard input is: `while read d; do escape-explain -C "$d"; done < list` must
            // not read the list as a log.
            None if !args.asks_for_a_build() && stdin_has_log() => (Input::Stdin, Some(build)),
            None => (build, None),
        };
        use crate::finding::Verdict;
        let (full, brief) = if !args.verdict.is_empty() {
            (
                args.verdict.iter().map(|v| v.verdict()).collect(),
                Vec::new(),
            )
        } else if args.all {
            (
                vec![Verdict::LeakRisk, Verdict::Retained],
                vec![Verdict::Heap, Verdict::Passes, Verdict::Stack],
            )
        } else {
            (
                vec![Verdict::LeakRisk, Verdict::Retained],
                vec![Verdict::Heap],
            )
        };
        let width = terminal_size::terminal_size_of(std::io::stdout())
            .map(|(w, _)| w.0 as usize)
            .unwrap_or(100)
            .clamp(40, 200);
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        Config {
            input,
            build_if_empty,
            dir,
            format: args.format,
            verbose: args.verbose,
            quiet: args.quiet,
            color,
            go_version: args.go_version.map(|v| normalize_version(&v)),
            tags: args
                .tags
                .iter()
                .flat_map(|t| t.split([',', ' ']))
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            target_given: args.goos.is_some() || args.goarch.is_some() || args.tags.is_some(),
            goos: args.goos.clone(),
            goarch: args.goarch.clone(),
            source: !args.no_source,
            cache: !args.no_cache,
            full,
            brief,
            only: args.verdict.iter().map(|v| v.verdict()).collect(),
            width,
            terminal: args.output.is_none() && std::io::stdout().is_terminal(),
            origin_label: None,
            fail_on: args.fail_on.map(FailOn::verdict),
            baseline: args.baseline,
            generated: args.generated,
            external: args.external,
            tests: args.tests,
            only_path: args.only_path,
            only_package: args.only_package,
            profiles: args.profiles,
            html_pair: None,
            html_title: None,
            output: args.output,
            max_package_memory: args
                .max_package_memory
                .map(|m| m.max(0) as u64)
                .unwrap_or_else(usable_memory),
            thresholds: crate::profile::join::Thresholds {
                min_live: args.min_live,
                min_share: args.min_share,
                min_goroutines: args.min_goroutines,
            },
            shown_from: std::env::current_dir().ok(),
            exclude: args.exclude,
            settings: std::sync::Arc::new(settings),
        }
    }
}

/// A Go release: `1.27`, `1.27.3`, `go1.27`, `go1.23rc1`.
fn go_version(s: &str) -> Result<String, String> {
    let v = normalize_version(s);
    match crate::source::module::minor_version(&v) {
        Some(_) => Ok(v),
        None => Err(format!(
            "`{s}` is not a Go version; write it as 1.27, 1.27.3 or go1.27.3"
        )),
    }
}

/// A path glob as `--only-path` understands it: `*` and `**` only.
pub(crate) fn path_glob(s: &str) -> Result<String, String> {
    if s.is_empty() || s.contains(['[', ']', '{', '}', '?']) {
        return Err(format!(
            "`{s}` is not a path glob this tool reads: use `*` within a path element and `**` across them"
        ));
    }
    Ok(s.to_string())
}

/// `-C DIR` must name a directory.
fn existing_dir(s: &str) -> Result<PathBuf, String> {
    let p = PathBuf::from(s);
    if p.is_dir() {
        Ok(p)
    } else {
        Err(format!("`{s}` is not a directory"))
    }
}

/// A GOOS or GOARCH value: a lower-case word, as the go command spells them.
fn go_word(s: &str) -> Result<String, String> {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not a GOOS or GOARCH (e.g. linux, windows, amd64, arm64)"
        ))
    }
}

/// Three quarters of the memory this process may use: the machine's physical memory, or the
/// address-space limit when one is set (`ulimit -v`), whichever is smaller; 4 GiB where
/// neither can be read.
fn usable_memory() -> u64 {
    #[cfg(unix)]
    {
        // SAFETY: sysconf and getrlimit only read the system's figures into plain integers.
        let physical = unsafe {
            let pages = libc::sysconf(libc::_SC_PHYS_PAGES);
            let size = libc::sysconf(libc::_SC_PAGESIZE);
            (pages > 0 && size > 0).then(|| pages as u64 * size as u64)
        };
        let limit = unsafe {
            let mut r = std::mem::zeroed::<libc::rlimit>();
            (libc::getrlimit(libc::RLIMIT_AS, &mut r) == 0 && r.rlim_cur != libc::RLIM_INFINITY)
                .then_some(r.rlim_cur as u64)
        };
        let usable = match (physical, limit) {
            (Some(p), Some(l)) => p.min(l),
            (Some(p), None) => p,
            (None, Some(l)) => l,
            (None, None) => 4 << 30,
        };
        usable / 4 * 3
    }
    #[cfg(not(unix))]
    {
        3 << 30
    }
}

/// A go package pattern. One that starts with `-` would reach `go` as a flag
/// (`-toolexec=...` runs a program): refused.
fn package_pattern(s: &str) -> Result<String, String> {
    if s.starts_with('-') {
        return Err(format!(
            "`{s}` is not a package pattern (it would reach go as a flag); pass go flags with --gcflags or --tags"
        ));
    }
    Ok(s.to_string())
}

/// `1.27`, `go1.27`, `go1.27.3` all become `go1.27[.3]`.
pub fn normalize_version(v: &str) -> String {
    let v = v.trim();
    if v.starts_with("go") {
        v.to_string()
    } else {
        format!("go{v}")
    }
}

/// Standard input carries a log when it is a pipe or a regular file; a terminal, /dev/null or a
/// closed stdin means "run the build".
fn stdin_has_log() -> bool {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let Ok(meta) = std::fs::metadata("/dev/stdin") else {
            return false;
        };
        let ft = meta.file_type();
        ft.is_fifo() || (ft.is_file() && meta.len() > 0)
    }
    #[cfg(not(unix))]
    {
        true
    }
}
