//! escape-explain reads the Go compiler's escape-analysis output (from `go build` or a saved
//! log) and explains it.
//!
//! The data flows one way: [`runner`] or a log -> [`escape`] (what the compiler said) ->
//! [`source`] (which files it means) -> [`render`] (what we print). [`run`] wires them up.

pub mod classify;
pub mod cli;
pub mod escape;
pub mod finding;
pub mod render;
pub mod report;
pub mod runner;
pub mod source;

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::PathBuf;
use std::sync::Arc;

use cli::{Config, Format, Input};
use escape::{Reader, Section};
use render::Renderer;
use report::{Origin, RunInfo, Summary, Totals};
use runner::{BuildRequest, RunError};
use source::{Locator, Module, PackageIndex};

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
    /// Writing the report failed (a closed pipe, a full disk).
    #[error("cannot write the report: {0}")]
    Output(#[source] io::Error),
}

/// Runs escape-explain with a resolved configuration, writing the report to `out`.
pub fn run(config: &Config, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let mut renderer: Box<dyn Renderer> = match config.format {
        Format::Text => Box::new(render::text::TextRenderer::new(
            config.verbose,
            config.color,
        )),
        Format::Json => Box::new(render::json::JsonRenderer::default()),
    };
    let mut reader = Reader::new();
    let mut totals = Totals::default();

    let (run, mut locator, build_ok) = match &config.input {
        Input::Build {
            dir,
            packages,
            gcflags,
            tags,
        } => {
            let go = runner::find_go()?;
            let req = BuildRequest {
                dir: dir.clone(),
                packages: packages.clone(),
                gcflags: gcflags.clone(),
                tags: tags.clone(),
            };
            let listed = runner::list_packages(&go, &req)?;
            let mut locator = Locator::new(dir, Module::find(dir));
            locator.add_package_dirs(listed);
            let run = RunInfo {
                origin: Origin::Build {
                    args: req.build_args(),
                    dir: dir.display().to_string(),
                },
                go_version: config
                    .go_version
                    .clone()
                    .or_else(|| runner::go_version(&go, dir)),
            };
            renderer.begin(out, &run).map_err(Error::Output)?;
            let mut emit = emitter(
                &mut *renderer,
                &mut *out,
                &mut locator,
                &mut totals,
                config.source,
            );
            let ok = runner::build(&go, &req, &mut |line| reader.feed_bytes(line, &mut emit))
                .map_err(|e| match e {
                    RunError::Spawn(io) if io.kind() != io::ErrorKind::NotFound => {
                        Error::Output(io)
                    }
                    other => Error::Run(other),
                })?;
            drop(emit);
            (run, locator, ok)
        }
        Input::File(path) => {
            let file = File::open(path).map_err(|source| Error::Input {
                path: path.display().to_string(),
                source,
            })?;
            let run = RunInfo {
                origin: Origin::File {
                    path: path.display().to_string(),
                },
                go_version: config.go_version.clone(),
            };
            let mut locator = Locator::new(&config.dir, Module::find(&config.dir));
            renderer.begin(out, &run).map_err(Error::Output)?;
            read_log(
                BufReader::with_capacity(1 << 16, file),
                &path.display().to_string(),
                &mut reader,
                emitter(
                    &mut *renderer,
                    out,
                    &mut locator,
                    &mut totals,
                    config.source,
                ),
            )?;
            (run, locator, true)
        }
        Input::Stdin => {
            let run = RunInfo {
                origin: Origin::Stdin,
                go_version: config.go_version.clone(),
            };
            let mut locator = Locator::new(&config.dir, Module::find(&config.dir));
            renderer.begin(out, &run).map_err(Error::Output)?;
            let stdin = io::stdin();
            read_log(
                BufReader::with_capacity(1 << 16, stdin.lock()),
                "standard input",
                &mut reader,
                emitter(
                    &mut *renderer,
                    out,
                    &mut locator,
                    &mut totals,
                    config.source,
                ),
            )?;
            (run, locator, true)
        }
    };

    let mut emit = emitter(
        &mut *renderer,
        &mut *out,
        &mut locator,
        &mut totals,
        config.source,
    );
    let (input, unrecognized) = reader.finish(&mut emit).map_err(Error::Output)?;
    drop(emit);
    let summary = Summary {
        totals,
        input,
        unrecognized,
        build_failed: !build_ok,
    };
    renderer
        .end(out, &run, &summary)
        .and_then(|_| out.flush())
        .map_err(Error::Output)?;
    if !build_ok {
        return Err(Error::BuildFailed {
            errors: build_errors(&summary),
        });
    }
    Ok(ExitStatus::Clean)
}

/// Resolves a finished section's paths, indexes its package's source once, classifies it,
/// counts it and renders it.
fn emitter<'a>(
    renderer: &'a mut dyn Renderer,
    out: &'a mut dyn Write,
    locator: &'a mut Locator,
    totals: &'a mut Totals,
    source: bool,
) -> impl FnMut(Section) -> io::Result<()> + 'a {
    let mut indexes: HashMap<(PathBuf, bool), Arc<PackageIndex>> = HashMap::new();
    move |mut section: Section| {
        locator.resolve_section(&mut section);
        let dir = if source {
            locator.section_dir(&section)
        } else {
            None
        };
        let index = dir.map(|dir| {
            // A test variant compiles the _test.go files too.
            let tests = section.variant.as_deref().is_some_and(|v| v != "vet");
            // A package's output comes in one section (twice with a test variant): keep only a
            // few indexes, so memory follows one package, not the whole build.
            if indexes.len() >= 4 && !indexes.contains_key(&(dir.clone(), tests)) {
                indexes.clear();
            }
            indexes
                .entry((dir.clone(), tests))
                .or_insert_with(|| Arc::new(PackageIndex::build(&dir, tests)))
                .clone()
        });
        let root = locator.module().map(|m| m.root.clone());
        let findings = classify::classify(&section, index.as_deref(), root.as_deref());
        totals.add(&section, &findings);
        renderer.section(out, &section, &findings)
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
