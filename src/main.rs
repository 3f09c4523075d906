//! The `escape-explain` command: parses flags, runs the library, maps the outcome to an exit
//! status. The only place that prints.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use escape_explain::cli::{Args, Command, Config};
use escape_explain::{Error, ExitStatus};

fn main() -> ExitCode {
    bound_malloc_arenas();
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
    let config = Config::from_args(args);
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(
        1 << 16,
        ClosedPipe {
            inner: stdout.lock(),
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
        None => escape_explain::run(&config, &mut out),
    };
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
    match result {
        Ok(status) => ExitCode::from(status as u8),
        Err(e) => {
            let stderr = io::stderr();
            let mut err = stderr.lock();
            if let Error::BuildFailed { errors } = &e {
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
