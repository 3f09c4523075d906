//! escape-explain reads the Go compiler's escape-analysis output (from `go build` or a saved
//! log) and explains it.
//!
//! The data flows one way: [`runner`] or a log -> [`escape`] (what the compiler said) ->
//! [`source`] (which files it means) -> [`render`] (what we print). [`run`] wires them up.

pub mod cache;
pub mod catalog;
pub mod classify;
pub mod cli;
pub mod demo;
pub mod diff;
pub mod escape;
pub mod files;
pub mod finding;
pub mod interrupt;
pub mod listing;
pub mod output;
pub mod paths;
mod pipeline;
pub mod printable;
pub mod profile;
pub mod progress;
pub mod render;
pub mod report;
pub mod rules;
pub mod runner;
pub mod select;
pub mod settings;
pub mod source;
pub mod units;

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::PathBuf;
use std::sync::Arc;

use cli::{Config, Format, Input};
use escape::{Reader, Section};
use pipeline::Pipeline;
use render::Renderer;
use report::{Origin, RunInfo, Summary};
use runner::{BuildRequest, RunError};
use source::{Locator, Module};

/// The process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at or above the failure level was found.
    Clean = 0,
    /// Findings at or above the failure level.
    Findings = 1,
    /// Bad flags, no go, a failed build, unreadable input.
    Error = 2,
}

/// Why a run could not complete.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Run(#[from] RunError),
    #[error("cannot read {path}: {source}")]
    Input { path: String, source: io::Error },
    /// The build failed. The report of what was printed before the failure has been written;
    /// `errors` are the compiler's lines that are not escape diagnostics, as printed.
    #[error("go build failed; the report above covers the packages that compiled")]
    BuildFailed { errors: Vec<String> },
    /// [`Error::BuildFailed`] with the report going to a file (`-o`): written there, or not.
    #[error("go build failed; {}", match report {
        Ok(path) => format!("{} has the report of the packages that compiled", path.display()),
        Err(e) => format!("the report of the packages that compiled could not be written: {e}"),
    })]
    BuildFailedWritten {
        errors: Vec<String>,
        report: Result<PathBuf, String>,
    },
    /// A saved log in which no line is compiler output (random text, another tool's log).
    #[error(
        "{name} is not compiler output: none of its lines is an escape-analysis diagnostic (expected what `go build -gcflags=-m=2 ./... 2>&1` prints)"
    )]
    NotALog { name: String },
    /// A package estimated to need more memory than `--max-package-memory`.
    #[error(
        "package {package} would take about {need} of memory to analyse, more than the {limit} allowed: {what}; raise the limit with --max-package-memory or ESCAPE_EXPLAIN_MAX_PACKAGE_MEMORY"
    )]
    PackageTooLarge {
        package: String,
        need: String,
        limit: String,
        what: &'static str,
    },
    /// A saved log names files its target is not known to compile.
    #[error(
        "the log names files a build with {target} does not compile ({files}): pass --goos, --goarch and --tags as the log was built"
    )]
    OtherTarget { target: String, files: String },
    #[error("{0} is not an escape-explain JSON report: {1}")]
    BadReport(String, String),
    #[error(
        "--fail-on cannot judge {} whose source was not found; run in the module or pass -C DIR",
        units::counted(*.0, "diagnostic")
    )]
    SourceNotFound(u64),
    #[error(
        "--fail-on cannot judge the holders in {} that could not be read (see the warnings)",
        units::counted(*.0, "source file")
    )]
    SourceUnreadable(u64),
    #[error(transparent)]
    Profile(#[from] profile::ProfileError),
    /// escape-explain.toml names something the source does not have.
    #[error(transparent)]
    Settings(#[from] settings::SettingsError),
    #[error("unknown code '{0}'; `escape-explain explain --list` lists the codes")]
    UnknownCode(String),
    #[error("unknown demo '{0}'; choose from: {1}")]
    UnknownDemo(String, String),
    /// Writing the report failed (a closed pipe, a full disk).
    #[error("cannot write the report: {0}")]
    Output(#[source] io::Error),
    /// The compiler output kept in a temporary file while go ran could not be read back.
    #[error("cannot read back go's output from its temporary file: {0}")]
    Kept(#[source] io::Error),
}

/// Runs escape-explain with a resolved configuration, writing the report to `out`.
pub fn run(config: &Config, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let module = Module::find(&config.dir);
    let paths = match &config.shown_from {
        Some(here) => paths::ShownPaths::new(module.as_ref().map(|m| m.root.as_path()), here),
        None => paths::ShownPaths::from_root(),
    };
    let mut renderer: Box<dyn Renderer> = match config.format {
        Format::List => Box::new(render::text::TextRenderer::new(
            config.verbose,
            config.color,
            shown(config),
            paths,
        )),
        Format::Text => Box::new(render::human::HumanRenderer::new(
            render::human::HumanOptions {
                full: config.full.clone(),
                brief: config.brief.clone(),
                color: config.color,
                width: config.width,
                cut: config.terminal,
                root: module.map(|m| m.root),
                paths,
                verbose: config.verbose,
            },
        )),
        Format::Json => Box::new(render::json::JsonRenderer::new(config.only.clone(), paths)),
        Format::Sarif => Box::new(render::sarif::SarifRenderer::new(
            shown(config),
            // A demo's files are in a temporary directory: no base outlives the run.
            render::sarif::Base::of(module.as_ref().map(|m| m.root.as_path()))
                .filter(|_| config.shown_from.is_some()),
        )),
        Format::Compact => Box::new(render::compact::CompactRenderer {
            shown: shown(config),
            paths,
        }),
        Format::Html => {
            let title = config.html_title.clone().or_else(|| {
                let path = module.as_ref()?.path.as_ref()?;
                Some(format!("escape-explain: {path}"))
            });
            Box::new(render::html::HtmlRenderer::new(render::html::HtmlOptions {
                root: module.map(|m| m.root),
                pair: config.html_pair.clone(),
                paths,
                title: Some(title.unwrap_or_else(|| "escape-explain".into())),
            }))
        }
    };
    run_with(config, &mut *renderer, out)
}

/// go could not be started or read: an error of ours (a full pipe, a closed descriptor),
/// unless go itself is missing.
fn build_error(e: RunError) -> Error {
    match e {
        RunError::Spawn(io) if io.kind() != io::ErrorKind::NotFound => Error::Output(io),
        other => Error::Run(other),
    }
}

/// Runs with a given renderer (the JSON of a diff's side, a test's collector).
pub fn run_with(
    config: &Config,
    renderer: &mut dyn Renderer,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let baseline = match &config.baseline {
        Some(path) => Some(load_baseline(path)?),
        None => None,
    };
    let mut selection = select::Selection::new(
        config.generated,
        config.only_path.clone(),
        config.only_package.clone(),
        baseline,
    );
    selection.exclude = config.exclude.clone();
    // escape-explain.toml's names, checked against the source before anything runs.
    let declared = declared(config)?;
    // The report lists the packages by import path, then variant, whatever order go printed
    // them in.
    let mut reader = Reader::sorted();
    let profiles = load_profiles(&config.profiles)?;
    let cache = result_cache(config);
    if let Some(c) = &cache {
        reader.set_memo(c.clone());
    }

    let (run, mut pipeline, build_ok) = match &config.input {
        Input::Build {
            dir,
            packages,
            gcflags,
            tags,
            tests,
        } => {
            let go = runner::find_go()?;
            let binaries = if *tests {
                let b = tempfile::tempdir().map_err(Error::Output)?;
                interrupt::remove_on_signal(b.path());
                Some(b)
            } else {
                None
            };
            let req = BuildRequest {
                dir: dir.clone(),
                packages: packages.clone(),
                gcflags: gcflags.clone(),
                tags: tags.clone(),
                test_binaries: binaries.as_ref().map(|b| b.path().to_path_buf()),
                env: [("GOOS", &config.goos), ("GOARCH", &config.goarch)]
                    .into_iter()
                    .filter_map(|(k, v)| Some((k.to_string(), v.clone()?)))
                    .collect(),
            };
            // go starts compiling while it is asked which packages and files the build has,
            // and which version it is: its output waits in the pipe until the answers are in.
            let build = runner::start_build(&go, &req).map_err(build_error)?;
            // What go list answered is taken from the result cache when nothing it was read
            // from has changed; `go env` says what else it depends on.
            let env = runner::go_env(&go, &req);
            let go_version = config.go_version.clone().or_else(|| {
                env.as_deref()
                    .and_then(|e| serde_json::from_str::<serde_json::Value>(e).ok())
                    .and_then(|e| Some(e.get("GOVERSION")?.as_str()?.to_string()))
                    .filter(|v| !v.is_empty())
                    .or_else(|| runner::go_version(&go, dir))
            });
            let packages = listing::list_packages(&req, env.as_deref(), cache.as_deref(), || {
                runner::list_packages(&go, &req)
            })?;
            let listed: Vec<(String, PathBuf)> = packages
                .iter()
                .map(|p| (p.import_path.clone(), p.dir.clone()))
                .collect();
            let mut locator = Locator::new(dir, Module::find(dir));
            locator.add_package_dirs(listed.clone());
            let run = RunInfo {
                origin: Origin::Build {
                    args: req.shown_args(),
                    dir: dir.display().to_string(),
                },
                go_version,
            };
            let mut pipeline = Pipeline::new(
                renderer,
                locator,
                config,
                &run,
                selection,
                profiles,
                declared.clone(),
            );
            pipeline.listed = listed;
            pipeline.survey();
            // go's own answer to which files are in this build, rather than our reading of
            // their constraints.
            pipeline.build_files = packages
                .into_iter()
                .map(|p| {
                    let dir = p.dir.canonicalize().unwrap_or(p.dir);
                    (dir, (p.files, p.test_files))
                })
                .collect();
            pipeline.renderer.begin(out, &run).map_err(Error::Output)?;
            let ok = build
                .read(&mut |line| {
                    // The line as go printed it, with its line ending.
                    reader.feed_printed(line, &mut |s| pipeline.section(out, s))
                })
                .map_err(build_error)?;
            reader.end_input().map_err(pipeline_error)?;
            if let Some(b) = &binaries {
                interrupt::forget(b.path());
            }
            (run, pipeline, ok)
        }
        saved => {
            // A saved log: a file, bytes already read (a side of a diff), or standard input.
            let (origin, name, input): (Origin, String, Box<dyn io::BufRead + '_>) = match saved {
                Input::File(path) => {
                    let file = File::open(path).map_err(|source| Error::Input {
                        path: path.display().to_string(),
                        source,
                    })?;
                    let origin = Origin::File {
                        path: config
                            .origin_label
                            .clone()
                            .unwrap_or_else(|| path.display().to_string()),
                    };
                    let input = BufReader::with_capacity(1 << 16, file);
                    (origin, path.display().to_string(), Box::new(input))
                }
                Input::Bytes { name, bytes } => (
                    Origin::File { path: name.clone() },
                    name.clone(),
                    Box::new(io::Cursor::new(bytes.as_slice())),
                ),
                _ => {
                    let mut input = BufReader::with_capacity(1 << 16, io::stdin().lock());
                    if let Some(build) = &config.build_if_empty
                        && io::BufRead::fill_buf(&mut input).is_ok_and(|b| b.is_empty())
                    {
                        if config.verbose && config.format == Format::Text {
                            writeln!(
                                out,
                                "Standard input is an empty pipe: running the build instead.\n"
                            )
                            .map_err(Error::Output)?;
                        }
                        let mut cfg = config.clone();
                        cfg.input = build.clone();
                        cfg.build_if_empty = None;
                        return run_with(&cfg, renderer, out);
                    }
                    (Origin::Stdin, "standard input".into(), Box::new(input))
                }
            };
            saved_log(
                renderer,
                config,
                selection,
                profiles,
                &mut reader,
                out,
                origin,
                input,
                &name,
                declared.clone(),
            )?
        }
    };

    // Packages the compiler printed nothing for (generic code never instantiated, code with
    // nothing to say) still get the source rules, in their place among the others; those that
    // came in a section of their own (or as their test variant, or their external test
    // package) had them there.
    let silent: Vec<Section> = std::mem::take(&mut pipeline.listed)
        .into_iter()
        .filter(|(package, _)| {
            !reader.has_read(package) && !reader.has_read(&format!("{package}_test"))
        })
        .map(|(package, _)| Section {
            package: Some(package),
            variant: None,
            diagnostics: Vec::new(),
            // No lines: the package's source alone decides its findings.
            digest: Some(0),
        })
        .collect();
    pipeline.built = reader.sections();
    // The sorted reader hands every section over from here on. Without the user's cache,
    // packages analysed before their turn wait in one of the run's own.
    pipeline.cache = cache.clone().or_else(|| {
        (config.source && reader.sections() > 1)
            .then(|| Arc::new(cache::ResultCache::of_this_run()))
    });
    // Analysing ahead pays for the packages to be analysed: not when the cache knew most
    // sections by their lines (a run after a small edit, whose changed packages are analysed
    // in report order as they come).
    if reader.sections_known() * 2 <= reader.sections() {
        pipeline.analyse_ahead();
    }
    let (input, unrecognized) = reader
        .finish_pending(silent, &mut |s| pipeline.pending(out, s))
        .map_err(pipeline_error)?;
    // A saved log of a build that failed says so in its own lines: reported as in wrapper mode.
    let build_ok = build_ok && !unrecognized.iter().any(|u| is_compile_error(&u.text));
    pipeline.finish(out).map_err(pipeline_error)?;
    if config.verbose && pipeline.cache.is_some() {
        // A package whose facts were asked for before its own section was analysed is
        // indexed twice: what analysing in go's order saves.
        let apart = match pipeline.indexed_apart() {
            0 => String::new(),
            n => format!(
                "; {} indexed apart for the facts the packages importing {} read",
                units::counted(n, "package"),
                if n == 1 { "it" } else { "them" }
            ),
        };
        notice(match &cache {
            Some(_) => format!(
                "{} replayed from the result cache, {} analysed{apart}\n",
                units::counted(pipeline.replayed, "package"),
                pipeline.analysed
            ),
            // The run's own cache: what it held was analysed ahead of its turn in this run.
            None => format!(
                "{} analysed, {} of them ahead of {} turn{apart}\n",
                units::counted(pipeline.analysed, "package"),
                pipeline.ahead,
                if pipeline.ahead == 1 { "its" } else { "their" }
            ),
        });
    }
    if let Some(c) = &cache {
        c.trim();
    }
    let unresolved = pipeline.totals.unresolved;
    let unreadable = pipeline.unreadable();
    for w in pipeline.selection.unmatched() {
        warn(w);
    }
    let here = std::env::current_dir().ok();
    for u in &unreadable {
        let shown = here
            .as_deref()
            .and_then(|h| u.path.strip_prefix(h).ok())
            .unwrap_or(&u.path);
        warn(format!(
            "{}: cannot be read ({}): the holders of its findings are unknown",
            shown.display(),
            u.why
        ));
    }
    if unresolved > 0 {
        warn(format!(
            "{} in the log {} files that are not under {}: their holder verdicts need the source (run in the module, or pass -C DIR)",
            units::counted(unresolved, "diagnostic"),
            if unresolved == 1 { "names" } else { "name" },
            config.dir.display()
        ));
    }
    let profile = pipeline.runtime.as_mut().map(|rt| {
        rt.finish();
        for (name, samples) in rt.unmatched() {
            warn(format!(
                "{name}: none of its {samples} samples is in this module's code: a profile of another program, or of a run too short to sample it (run in the module, or pass -C DIR)"
            ));
        }
        for name in &rt.summary.ignored {
            warn(format!(
                "{name}: only the latest goroutine profile is joined (a goroutine profile is a snapshot)"
            ));
        }
        for name in &rt.summary.ignored_leak {
            warn(format!(
                "{name}: only the latest goroutine leak profile is joined (a leak profile is a snapshot)"
            ));
        }
        for note in &rt.summary.notes {
            warn(note.clone());
        }
        if rt.summary.unplaced > 0 {
            warn(format!(
                "{} lines hold memory in the profile but are in no package of this report",
                rt.summary.unplaced
            ));
        }
        std::mem::take(&mut rt.summary)
    });
    let summary = Summary {
        profile,
        totals: std::mem::take(&mut pipeline.totals),
        input,
        unrecognized,
        build_failed: !build_ok,
        unused_suppressions: pipeline.selection.unused(),
    };
    pipeline
        .renderer
        .end(out, &run, &summary)
        .and_then(|_| out.flush())
        .map_err(Error::Output)?;
    if !build_ok {
        return Err(Error::BuildFailed {
            errors: build_errors(&summary),
        });
    }
    if unresolved > 0 && config.fail_on.is_some() {
        // A gate that could not see the holders must not pass.
        return Err(Error::SourceNotFound(unresolved));
    }
    if let Some(big) = pipeline.too_large.first() {
        return Err(Error::PackageTooLarge {
            package: big.package.clone(),
            need: units::bytes(big.need as i64),
            limit: units::bytes(config.max_package_memory as i64),
            what: if big.reported {
                "it is reported without its source"
            } else {
                "it is not reported"
            },
        });
    }
    if !unreadable.is_empty() && config.fail_on.is_some() {
        return Err(Error::SourceUnreadable(unreadable.len() as u64));
    }
    Ok(if pipeline.failing > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

/// The result cache of a run, unless `--no-cache` or `ESCAPE_EXPLAIN_CACHE=off` turned it off
/// or its directory cannot be used (said with `--verbose`: a run without the cache is slower,
/// not wrong).
fn result_cache(config: &Config) -> Option<Arc<cache::ResultCache>> {
    if !config.cache {
        return None;
    }
    match cache::location().and_then(|dir| cache::ResultCache::open(&dir)) {
        Ok(c) => Some(Arc::new(c)),
        Err(why) => {
            if config.verbose {
                notice(format!("the result cache is not used: {why}\n"));
            }
            None
        }
    }
}

/// `escape-explain cache info|clean`.
pub fn cache_command(action: cli::CacheAction, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match action {
        cli::CacheAction::Info => cache::info(out),
        cli::CacheAction::Clean => cache::clean(out),
    }
    .map_err(Error::Output)?;
    Ok(ExitStatus::Clean)
}

/// What escape-explain.toml declares, resolved against the module's source (and, with a
/// build, the module cache); None when it declares no registry or holder.
fn declared(config: &Config) -> Result<Option<Arc<source::declared::Declarations>>, Error> {
    let s = &config.settings;
    if s.registries.is_empty() && s.bounded.is_empty() {
        return Ok(None);
    }
    // With go on PATH, a dependency's or the standard library's source is found through it,
    // for a saved log as for a build: the same file works either way.
    let go = runner::find_go().ok();
    let module = Module::find(&config.dir);
    let d = source::declared::Declarations::resolve(s, module.as_ref(), go.as_deref())?;
    Ok(Some(Arc::new(d)))
}

/// The `--profile` files, each named in the report by its file name (by its path when two
/// share a name).
fn load_profiles(paths: &[PathBuf]) -> Result<Vec<profile::Profile>, Error> {
    let base = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    let unique = {
        let mut names: Vec<String> = paths.iter().map(base).collect();
        names.sort();
        names.dedup();
        names.len() == paths.len()
    };
    paths
        .iter()
        .map(|p| {
            let name = if unique {
                base(p)
            } else {
                p.display().to_string()
            };
            profile::load(p, &name).map_err(Error::from)
        })
        .collect()
}

/// A baseline from a JSON report saved earlier.
fn load_baseline(path: &std::path::Path) -> Result<select::Baseline, Error> {
    let packages = load_packages(path)?;
    Ok(select::Baseline::from_packages(&packages))
}

/// The packages of a JSON report.
fn load_packages(path: &std::path::Path) -> Result<Vec<render::json::Package>, Error> {
    let bytes = files::read_checked(path, files::MAX_WHOLE_FILE, |head| {
        match head.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') | None => Ok(()),
            Some(_) => Err("it is not a JSON document".into()),
        }
    })
    .map_err(|source| Error::Input {
        path: path.display().to_string(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    render::json::read_document(&text)
        .map(|d| d.packages)
        .map_err(|e| Error::BadReport(path.display().to_string(), e.to_string()))
}

/// `escape-explain diff OLD NEW`: each side a JSON report or a saved log.
pub fn diff(
    old: &std::path::Path,
    new: &std::path::Path,
    config: &Config,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let side = |path: &std::path::Path| -> Result<Vec<render::json::Package>, Error> {
        let head = files::read_checked(path, files::MAX_WHOLE_FILE, files::looks_like_text)
            .map_err(|source| Error::Input {
                path: path.display().to_string(),
                source,
            })?;
        // Read once: a side may be a pipe (`<(cat a.log)`, /dev/stdin) that cannot be read twice.
        if head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
            && !head.starts_with(b"{\"ImportPath\"")
        {
            return render::json::read_document(&String::from_utf8_lossy(&head))
                .map(|d| d.packages)
                .map_err(|e| Error::BadReport(path.display().to_string(), e.to_string()));
        }
        let mut cfg = config.clone();
        cfg.input = Input::Bytes {
            name: path.display().to_string(),
            bytes: std::sync::Arc::new(head),
        };
        cfg.baseline = None;
        cfg.fail_on = None;
        let mut collect = render::Collect::default();
        match run_with(&cfg, &mut collect, &mut io::sink()) {
            Ok(_) | Err(Error::BuildFailed { .. }) => Ok(collect.packages),
            Err(e) => Err(e),
        }
    };
    let d = diff::compare(&side(old)?, &side(new)?);
    match config.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &d).map_err(|e| Error::Output(e.into()))?;
            writeln!(out).map_err(Error::Output)?;
        }
        _ => d.write_text(out).map_err(Error::Output)?,
    }
    Ok(match (config.fail_on, d.worst_new()) {
        (Some(level), Some(worst)) if worst >= level => ExitStatus::Findings,
        _ => ExitStatus::Clean,
    })
}

/// The verdicts a one-line-per-finding format lists.
fn shown(config: &Config) -> Vec<finding::Verdict> {
    config.full.iter().chain(&config.brief).copied().collect()
}

/// `escape-explain explain [CODE] [--list]`.
pub fn explain(code: Option<&str>, list: bool, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match code {
        Some(code) if !list => {
            let rule = rules::RuleId::from_code(code)
                .ok_or_else(|| Error::UnknownCode(code.to_string()))?
                .rule();
            out.write_all(rule.explanation.as_bytes())
                .map_err(Error::Output)?;
        }
        _ => {
            // In code order, as the catalog numbers them.
            let mut all = rules::RULES.to_vec();
            all.sort_by_key(|r| r.id);
            for rule in all {
                let text = rule.explanation;
                writeln!(
                    out,
                    "{}  {:<48}  {}",
                    rule.id,
                    catalog::title(text),
                    catalog::summary(text)
                )
                .map_err(Error::Output)?;
            }
        }
    }
    Ok(ExitStatus::Clean)
}

/// `escape-explain demo [NAME]`: the list, or one demo analysed live with the local `go` (unless
/// `recorded`), else from its recording.
pub fn demo(
    name: Option<&str>,
    recorded: bool,
    config: &Config,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let demos = demo::all();
    let Some(name) = name else {
        writeln!(
            out,
            "Teaching demos (run one with `escape-explain demo NAME`):\n"
        )
        .map_err(Error::Output)?;
        for d in &demos {
            writeln!(out, "  {:<18} {}", d.name, d.description).map_err(Error::Output)?;
        }
        return Ok(ExitStatus::Clean);
    };
    let d = demo::find(name).ok_or_else(|| {
        Error::UnknownDemo(
            name.to_string(),
            demos.iter().map(|d| d.name).collect::<Vec<_>>().join(", "),
        )
    })?;
    let tmp = tempfile::tempdir().map_err(Error::Output)?;
    let dir = tmp.path().join(d.name);
    d.extract(&dir).map_err(Error::Output)?;
    // A cgo demo needs a C compiler as well as go; without one it is shown from its recording.
    let needs_cc = demo_uses_cgo(&dir);
    let no_cc = needs_cc && !c_compiler_available();
    let live = !recorded && runner::find_go().is_ok() && !no_cc;
    let mut config = config.clone();
    config.dir = dir.clone();
    // A demo lives in a temporary directory: its files are named as in samples/NAME/.
    config.shown_from = None;
    // A demo is extracted to a new directory each time: nothing of it would be replayed.
    config.cache = false;
    // A teaching page shows the leaky and the fixed file side by side.
    config.html_pair = Some(("leaky.go".into(), "fixed.go".into()));
    config.html_title = Some(format!("escape-explain demo {}: {}", d.name, d.description));
    // A demo with a recorded heap or goroutine leak profile shows what its program really
    // held, or proved stuck.
    let recorded_profiles: Vec<(&str, &str)> = [
        ("heap.pprof", "heap profile"),
        ("goroutineleak.pprof", "goroutine leak profile"),
    ]
    .into_iter()
    .filter(|(file, _)| config.profiles.is_empty() && dir.join(file).is_file())
    .collect();
    if !recorded_profiles.is_empty() {
        config.profiles = recorded_profiles.iter().map(|(f, _)| dir.join(f)).collect();
    }
    let with_profile: String = recorded_profiles
        .iter()
        .map(|(file, what)| {
            let how = if *file == "heap.pprof" {
                "go test -memprofile"
            } else {
                "pprof.Lookup(\"goroutineleak\")"
            };
            format!("Its {what}, {file}, was recorded from its driver test ({how}).\n")
        })
        .collect();
    if config.only.is_empty() && config.format == Format::Text {
        // A demo teaches: every value in full, heap ones with why they are not a leak.
        config.full = vec![
            finding::Verdict::LeakRisk,
            finding::Verdict::Retained,
            finding::Verdict::Heap,
        ];
        config.brief.retain(|v| *v != finding::Verdict::Heap);
    }
    if live {
        config.input = Input::Build {
            dir: dir.clone(),
            packages: vec!["./...".into()],
            gcflags: cli::DEFAULT_GCFLAGS.into(),
            tags: None,
            tests: false,
        };
        let banner = format!(
            "Demo {}: {}.\nAnalysed live with the local go.\n{with_profile}",
            d.name, d.description
        );
        if config.format == Format::Text {
            writeln!(out, "{banner}").map_err(Error::Output)?;
        } else {
            // Machine formats stay one document; the banner goes to standard error.
            notice(banner);
        }
    } else {
        let version = d
            .recorded_with()
            .ok_or_else(|| Error::UnknownDemo(name.into(), "(no recording)".into()))?;
        config.input = Input::File(dir.join("escape.log"));
        // An explicit --go-version shows how another toolchain would judge the same output
        // (timers: the escape output is the same, the runtime's rules are not).
        if config.go_version.is_none() {
            config.go_version = Some(version.to_string());
        }
        config.origin_label = Some(format!("the recording of samples/{}/", d.name));
        let why = if recorded {
            "as asked"
        } else if no_cc && runner::find_go().is_ok() {
            "cgo needs a C compiler, and none was found"
        } else {
            "`go` is not on PATH"
        };
        let banner = format!(
            "Demo {}: {}.\nAnalysed from its recording, made with {version} ({why}).\n{with_profile}",
            d.name, d.description
        );
        if config.format == Format::Text {
            writeln!(out, "{banner}").map_err(Error::Output)?;
        } else {
            // Machine formats stay one document; the banner goes to standard error.
            notice(banner);
        }
    }
    run(&config, out)
}

/// A demo whose Go files import "C".
fn demo_uses_cgo(dir: &std::path::Path) -> bool {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "go"))
        .any(|e| files::read_regular_text(&e.path()).is_ok_and(|t| t.contains("import \"C\"")))
}

/// A C compiler cgo can use: `$CC`, else cc or gcc or clang on PATH.
fn c_compiler_available() -> bool {
    let cc = std::env::var("CC").ok().filter(|c| !c.trim().is_empty());
    let names: Vec<String> = match cc {
        Some(c) => vec![c.split_whitespace().next().unwrap_or("").to_string()],
        None => vec!["cc".into(), "gcc".into(), "clang".into()],
    };
    let path = std::env::var_os("PATH").unwrap_or_default();
    names.iter().any(|n| {
        let p = std::path::Path::new(n);
        (p.is_absolute() && p.is_file())
            || std::env::split_paths(&path).any(|d| d.join(n).is_file())
    })
}

/// Reads a saved log (a file, a pipe, bytes already read) through a new pipeline.
#[allow(clippy::too_many_arguments)]
fn saved_log<'r>(
    renderer: &'r mut dyn Renderer,
    config: &Config,
    selection: select::Selection,
    profiles: Vec<profile::Profile>,
    reader: &mut Reader,
    out: &mut dyn Write,
    origin: Origin,
    input: impl io::BufRead,
    name: &str,
    declared: Option<Arc<source::declared::Declarations>>,
) -> Result<(RunInfo, Pipeline<'r>, bool), Error> {
    let run = RunInfo {
        origin,
        go_version: config.go_version.clone(),
    };
    let locator = Locator::new(&config.dir, Module::find(&config.dir));
    let mut pipeline = Pipeline::new(
        renderer, locator, config, &run, selection, profiles, declared,
    );
    // The sorted reader hands its sections over when the input has ended, so nothing is
    // rendered before the input is known to be compiler output.
    read_log(input, name, reader, |s| pipeline.section(out, s))?;
    let stats = reader.stats();
    if stats.escape_lines == 0
        && stats.unrecognized_lines > 0
        && !reader.any_unrecognized(is_compile_error)
    {
        return Err(Error::NotALog {
            name: name.to_string(),
        });
    }
    if config.source {
        fit_target(&mut pipeline, reader, config)?;
    }
    pipeline.renderer.begin(out, &run).map_err(Error::Output)?;
    Ok((run, pipeline, true))
}

/// A saved log is read for the target that compiled the files it names: this machine's (or
/// the one given), else the only one that builds them all, said in a warning; with none or
/// several, the user must say.
fn fit_target(pipeline: &mut Pipeline<'_>, reader: &Reader, config: &Config) -> Result<(), Error> {
    use source::target_fit::{TargetFit, fit};
    let mut seen = std::collections::HashSet::new();
    let mut named = Vec::new();
    for (package, printed) in reader.named_files() {
        let package = (!package.is_empty()).then_some(package.as_str());
        let Some(path) = pipeline.locator().find(package, printed) else {
            continue;
        };
        let inside = pipeline
            .locator()
            .module()
            .is_none_or(|m| path.parent().is_some_and(|d| m.contains(d)));
        if !inside || !seen.insert(path.clone()) {
            continue;
        }
        // A file that cannot be read is named in its own warning.
        if let Ok(text) = files::read_regular_text(&path) {
            named.push((printed.clone(), text));
        }
    }
    let target = pipeline.target().clone();
    match fit(&named, &target) {
        TargetFit::Fits => Ok(()),
        TargetFit::Inferred(t, words) if !config.target_given => {
            // The toolchain's experiments (`goexperiment.jsonv2` in Go 1.27's standard
            // library) are taken without a word: the user did not choose them.
            if !source::target_fit::only_experiments(&target, &t) {
                warn(format!(
                    "the log names files only a build with {words} compiles: read for that target (pass --goos, --goarch or --tags to say otherwise)"
                ));
            }
            pipeline.set_target(t);
            Ok(())
        }
        TargetFit::Inferred(..) | TargetFit::Unknown(_) => {
            let left_out: Vec<String> = named
                .iter()
                .filter(|(name, text)| !source::constraint::in_build(name, text, &target))
                .map(|(name, _)| name.clone())
                .collect();
            Err(Error::OtherTarget {
                target: format!(
                    "GOOS={} GOARCH={}{}",
                    target.goos,
                    target.goarch,
                    if target.tags.is_empty() {
                        String::new()
                    } else {
                        format!(" -tags {}", target.tags.join(","))
                    }
                ),
                files: match left_out.as_slice() {
                    [a] => a.clone(),
                    [a, b] => format!("{a} and {b}"),
                    [a, b, rest @ ..] => format!("{a}, {b} and {} more", rest.len()),
                    [] => String::new(),
                },
            })
        }
    }
}

fn read_log(
    input: impl io::BufRead,
    name: &str,
    reader: &mut Reader,
    mut emit: impl FnMut(Section) -> io::Result<()>,
) -> Result<(), Error> {
    // A read error is about the input; a write error (from emit) is about the output.
    let mut write_error = None;
    let mut guarded = |s: Section| {
        emit(s).inspect_err(|e| {
            write_error = Some(io::Error::new(e.kind(), e.to_string()));
        })
    };
    match reader.read(input, &mut guarded) {
        Ok(()) => Ok(()),
        Err(e) => match write_error {
            Some(w) => Err(Error::Output(w)),
            None => Err(Error::Input {
                path: name.to_string(),
                source: e,
            }),
        },
    }
}

/// The compiler's error lines, under their package headers, as go printed them.
/// What `main` prints to standard error after the report (the only place that prints):
/// notices (a demo's banner beside a JSON report) and warnings.
static STDERR: std::sync::Mutex<Vec<(bool, String)>> = std::sync::Mutex::new(Vec::new());

fn to_stderr(warning: bool, message: String) {
    if let Ok(mut m) = STDERR.lock() {
        m.push((warning, message));
    }
}

fn warn(message: String) {
    to_stderr(true, message);
}

fn notice(message: String) {
    to_stderr(false, message);
}

/// The run's words for standard error, in order: (is a warning, text).
pub fn take_stderr() -> Vec<(bool, String)> {
    STDERR
        .lock()
        .map(|mut m| std::mem::take(&mut *m))
        .unwrap_or_default()
}

/// A compiler error line (`./x.go:3:5: undefined: foo`, `too many errors`), as opposed to a line
/// we merely do not understand.
fn is_compile_error(line: &str) -> bool {
    // How the message starts...
    const STARTS: &[&str] = &[
        "undefined: ",
        "syntax error",
        "cannot use ",
        "declared and not used",
        "missing return",
        "not enough arguments",
        "too many arguments",
        "invalid operation",
        "cannot assign to",
        "non-boolean condition",
        "could not import",
        "no required module provides",
    ];
    // ...or what it says about a name it starts with.
    const CONTAINS: &[&str] = &[
        " imported and not used",
        " has no field or method ",
        " redeclared in this block",
        " is not a type",
        "mismatched types ",
    ];
    let l = line.trim();
    if l == "too many errors" {
        return true;
    }
    let msg = match l.split_once(".go:") {
        Some((_, rest)) => rest.split_once(": ").map(|(_, m)| m).unwrap_or(""),
        None => return false,
    };
    STARTS.iter().any(|e| msg.starts_with(e)) || CONTAINS.iter().any(|e| msg.contains(e))
}

fn build_errors(summary: &Summary) -> Vec<String> {
    let mut lines = Vec::new();
    let mut pkg: Option<&str> = None;
    for u in &summary.unrecognized {
        if u.package.as_deref() != pkg {
            pkg = u.package.as_deref();
            if let Some(p) = pkg {
                lines.push(format!("# {p}"));
            }
        }
        lines.push(u.text.clone());
    }
    lines
}

/// A failure of the pipeline, which builds sections from go's kept output and writes the
/// report: one of reading that output back, or of writing.
fn pipeline_error(e: io::Error) -> Error {
    match escape::KeptUnreadable::of(&e) {
        Some(_) => Error::Kept(e),
        None => Error::Output(e),
    }
}

#[cfg(test)]
mod compile_error_tests {
    use super::is_compile_error;

    #[test]
    fn compiler_errors_are_told_from_unknown_lines() {
        for l in [
            "./x.go:3:5: undefined: foo",
            "./x.go:3:5: syntax error: unexpected newline",
            "./x.go:4:2: declared and not used: v",
            "./x.go:3:2: \"fmt\" imported and not used",
            "./x.go:9:4: c.x undefined (type *C has no field or method x)",
            "too many errors",
        ] {
            assert!(is_compile_error(l), "{l}");
        }
        for l in [
            "./x.go:3:5: something the compiler expected to say",
            "./x.go:3:5: x escapes to heap in a new wording",
            "building the module",
        ] {
            assert!(!is_compile_error(l), "{l}");
        }
    }
}
