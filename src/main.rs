//! The `escape-explain` command: parses flags, runs the library, maps the outcome to an exit
//! status. The only place that prints.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

// The parse allocates millions of small strings on large logs; mimalloc halves that cost.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use escape_explain::cli::{Args, Command, Config};
use escape_explain::{Error, ExitStatus};

fn main() -> ExitCode {
    let mut args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() {
                ExitStatus::Error as u8
            } else {
                0
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let command = args.command.take();
    let config = Config::from_args(args);
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
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
    let _ = out.flush();
    match result {
        Ok(status) => ExitCode::from(status as u8),
        // Someone closed the pipe we write to (`| head`): that is not an error.
        Err(Error::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
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
