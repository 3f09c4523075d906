//! The `escape-explain` command: parses flags, runs the library, maps the outcome to an exit
//! status. The only place that prints.

use std::io::{self, Write};
use std::process::ExitCode;

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use escape_explain::cli::{Args, Command, Config};
use escape_explain::output::Output;
use escape_explain::{Error, ExitStatus};

fn main() -> ExitCode {
    escape_explain::interrupt::install();
    bound_malloc_arenas();
    syntax_trees_on_mimalloc();
    let mut args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) if e.use_stderr() => {
            let _ = e.print();
            return ExitCode::from(ExitStatus::Error as u8);
        }
        Err(e) => {
            // --help, --version: what was asked for must really be written.
            let text = e.render().to_string();
            let mut stdout = io::stdout().lock();
            return match stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    let _ = writeln!(io::stderr(), "escape-explain: cannot write: {e}");
                    ExitCode::from(ExitStatus::Error as u8)
                }
            };
        }
    };
    if let Err(why) = args.check_combinations() {
        let _ = writeln!(io::stderr(), "escape-explain: {why}");
        return ExitCode::from(ExitStatus::Error as u8);
    }
    let command = args.command.take();
    // escape-explain.toml speaks about the module's own run: not about a demo, a diff of two
    // saved reports or a code's explanation.
    let settings = match &command {
        None => {
            let dir = args.dir.clone().unwrap_or_else(|| ".".into());
            match escape_explain::settings::Settings::load(args.config.as_deref(), &dir) {
                Ok(s) => s,
                Err(e) => {
                    let _ = writeln!(io::stderr(), "escape-explain: {e}");
                    return ExitCode::from(ExitStatus::Error as u8);
                }
            }
        }
        Some(_) => Default::default(),
    };
    let config = Config::from_args(args, settings);
    let verb = match config.input {
        escape_explain::cli::Input::Build { .. } => "built",
        _ => "read",
    };
    let bar = (command.is_none() && !config.quiet && io::stderr().is_terminal())
        .then(|| progress_line(verb));
    let stdout = io::stdout();
    // `-o FILE`: see escape_explain::output for how the file is written without damage.
    let mut pending: Option<Output> = None;
    let target: Box<dyn Write> = match &config.output {
        Some(path) => match Output::open(path).and_then(|o| {
            let w = o.writer()?;
            pending = Some(o);
            Ok(w)
        }) {
            Ok(f) => Box::new(f),
            Err(e) => {
                let _ = writeln!(
                    io::stderr(),
                    "escape-explain: cannot write {}: {}",
                    path.display(),
                    escape_explain::files::reason(&e)
                );
                return ExitCode::from(ExitStatus::Error as u8);
            }
        },
        None => Box::new(Suspending {
            inner: stdout.lock(),
            bar: bar.clone(),
        }),
    };
    let mut out = io::BufWriter::with_capacity(
        1 << 16,
        ClosedPipe {
            inner: target,
            closed: false,
        },
    );
    let result = match command {
        Some(Command::Explain { code, list }) => {
            escape_explain::explain(code.as_deref(), list, &mut out)
        }
        Some(Command::Diff { old, new }) => escape_explain::diff(&old, &new, &config, &mut out),
        Some(Command::Demo { name, recorded }) => {
            escape_explain::demo(name.as_deref(), recorded, &config, &mut out)
        }
        Some(Command::Cache { action }) => escape_explain::cache_command(action, &mut out),
        None => escape_explain::run(&config, &mut out),
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    for (warning, text) in escape_explain::take_stderr() {
        let _ = if warning {
            writeln!(io::stderr(), "escape-explain: warning: {text}")
        } else {
            write!(io::stderr(), "{text}")
        };
    }
    // A report that could not be written (a full disk) is a failure, whatever it found.
    let result = match (result, out.flush()) {
        (Ok(_), Err(e)) => Err(Error::Output(e)),
        (r, _) => r,
    };
    drop(out);
    // The report is complete when the run succeeded, or when the build failed: then it covers
    // the packages that compiled, as on standard output.
    let written = match (&result, pending) {
        (Ok(_) | Err(Error::BuildFailed { .. }), Some(o)) => {
            let target = o.target().to_path_buf();
            Some(o.commit().map(|_| target))
        }
        _ => None,
    };
    let result = match (result, written) {
        (Ok(_), Some(Err(e))) => Err(Error::Output(e)),
        (Err(Error::BuildFailed { errors }), Some(written)) => Err(Error::BuildFailedWritten {
            errors,
            report: written.map_err(|e| e.to_string()),
        }),
        (r, _) => r,
    };
    match result {
        Ok(status) => ExitCode::from(status as u8),
        Err(e) => {
            let stderr = io::stderr();
            let mut err = stderr.lock();
            if let Error::BuildFailed { errors } | Error::BuildFailedWritten { errors, .. } = &e {
                for line in errors {
                    let _ = writeln!(err, "{line}");
                }
            }
            let _ = writeln!(err, "escape-explain: {e}");
            ExitCode::from(ExitStatus::Error as u8)
        }
    }
}

/// Standard output that a reader may close (`| head -1`): once closed, writes are dropped and
/// the run goes on, so the exit status still says what was found (`--fail-on`).
/// A progress line on standard error: hidden for the first second (a short run shows
/// nothing), then the packages built and explained so far.
fn progress_line(verb: &'static str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        bar.set_style(style);
    }
    escape_explain::progress::install(Box::new(Line {
        bar: bar.clone(),
        verb,
        start: Instant::now(),
        delay: std::env::var("ESCAPE_EXPLAIN_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Duration::from_millis)
            .unwrap_or(Duration::from_secs(1)),
        shown: AtomicBool::new(false),
    }));
    bar
}

struct Line {
    bar: ProgressBar,
    /// `built` (go is building) or `read` (a saved log).
    verb: &'static str,
    start: Instant,
    /// One second; `ESCAPE_EXPLAIN_PROGRESS_DELAY_MS` changes it (tests show it at once).
    delay: Duration,
    shown: AtomicBool,
}

impl escape_explain::progress::Progress for Line {
    fn update(&self, built: u64, explained: u64, package: &str) {
        if !self.shown.load(Ordering::Relaxed) {
            if self.start.elapsed() < self.delay {
                return;
            }
            self.shown.store(true, Ordering::Relaxed);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
        // The package name comes from the log: no control character reaches the terminal.
        let package: String = package
            .chars()
            .filter(|&c| !escape_explain::printable::is_control(c))
            .collect();
        self.bar.set_message(format!(
            "{built} packages {}, {explained} explained  {package}",
            self.verb
        ));
    }
}

/// Standard output that clears the progress line while the report is written to it, so the
/// two never mix on one terminal.
struct Suspending<W> {
    inner: W,
    bar: Option<ProgressBar>,
}

impl<W: Write> Write for Suspending<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &self.bar {
            Some(bar) => bar.suspend(|| self.inner.write(buf)),
            None => self.inner.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

struct ClosedPipe<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> Write for ClosedPipe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// tree-sitter allocates and frees every node of every syntax tree through the C allocator,
/// millions per run on a large module; mimalloc's per-thread free lists make that about 12%
/// of the standard library's run cheaper, for about 20 MB more at the peak. Only the trees:
/// the rest of the program keeps glibc, whose two arenas hold the peak down.
fn syntax_trees_on_mimalloc() {
    // SAFETY: tree-sitter has allocated nothing yet (this runs first, before any parser
    // exists), so no memory is ever freed by an allocator other than the one that gave it.
    unsafe {
        tree_sitter::set_allocator(
            Some(tree_malloc),
            Some(tree_calloc),
            Some(tree_realloc),
            Some(libmimalloc_sys::mi_free),
        );
    }
}

// tree-sitter does not check for NULL: like its own allocator, these end the process with a
// message when memory runs out, rather than let it crash.
unsafe extern "C" fn tree_malloc(size: usize) -> *mut std::ffi::c_void {
    // SAFETY: a plain allocation; any size is accepted.
    let p = unsafe { libmimalloc_sys::mi_malloc(size) };
    allocated(p, size)
}

unsafe extern "C" fn tree_calloc(count: usize, size: usize) -> *mut std::ffi::c_void {
    // SAFETY: as above; mimalloc checks count * size for overflow.
    let p = unsafe { libmimalloc_sys::mi_calloc(count, size) };
    allocated(p, count.saturating_mul(size))
}

unsafe extern "C" fn tree_realloc(
    ptr: *mut std::ffi::c_void,
    size: usize,
) -> *mut std::ffi::c_void {
    // SAFETY: tree-sitter only passes pointers these functions returned.
    let p = unsafe { libmimalloc_sys::mi_realloc(ptr, size) };
    allocated(p, size)
}

fn allocated(p: *mut std::ffi::c_void, size: usize) -> *mut std::ffi::c_void {
    if p.is_null() && size > 0 {
        eprintln!("escape-explain: out of memory parsing Go source ({size} bytes asked for)");
        std::process::abort();
    }
    p
}

/// Packages are analysed on several threads, and glibc gives each thread its own arena, which
/// keeps what the thread freed: on the standard library that held the peak at 300 MB for a
/// heap that never exceeds 120 MB. Two arenas keep it near the heap, for the same speed.
fn bound_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable of the C allocator; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
