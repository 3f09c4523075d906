//! The only module that starts `go`: finds it, asks it for its version and the package
//! directories, and runs the build whose stderr carries the escape diagnostics. Arguments go to
//! `go` as an argv list, never through a shell; the environment (GOFLAGS, GOOS, GOARCH,
//! CGO_ENABLED, ...) passes through untouched.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Why the go command could not give us diagnostics.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "`go` was not found on PATH; install Go 1.21 or newer (https://go.dev/dl), or pipe a saved log: go build -gcflags=-m=2 ./... 2>&1 | escape-explain"
    )]
    GoNotFound,
    #[error("could not start `go`: {0}")]
    Spawn(std::io::Error),
    /// go's own words, e.g. `go: go.mod file not found in current directory or any parent directory`.
    #[error("{0}")]
    Go(String),
}

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    pub dir: PathBuf,
    pub packages: Vec<String>,
    pub gcflags: String,
    pub tags: Option<String>,
    /// Build test packages (`go test -c`) so _test.go files are analysed too; binaries go to
    /// this directory.
    pub test_binaries: Option<PathBuf>,
    /// Variables set for go over the environment's (GOOS and GOARCH from --goos, --goarch).
    pub env: Vec<(String, String)>,
}

impl BuildRequest {
    /// The argv after `go`.
    pub fn build_args(&self) -> Vec<String> {
        let mut args = match &self.test_binaries {
            // `go test -c -o DIR/` compiles each package with its tests (Go 1.21+ takes several
            // packages when -o is a directory) and prints their diagnostics like go build.
            // `-vet=off`: go test runs vet's checks on the test build (a `t.Fatalf(msg)` fails
            // it under a go.mod of 1.24 or later); vet's opinion of the code is not ours to
            // enforce, and the compiler's diagnostics are what we came for.
            Some(dir) => vec![
                "test".to_string(),
                "-c".to_string(),
                "-vet=off".to_string(),
                "-o".to_string(),
                format!("{}/", dir.display()),
            ],
            None => vec![
                "build".to_string(),
                "-o".to_string(),
                null_device().to_string(),
            ],
        };
        args.push(format!("-gcflags={}", self.gcflags));
        if let Some(tags) = &self.tags {
            args.push(format!("-tags={tags}"));
        }
        // Whatever a pattern looks like, go build reads it as a pattern, never as a flag. (go
        // test passes what follows `--` to the test binary; patterns starting with `-` are
        // refused before they get here.)
        if self.test_binaries.is_none() {
            args.push("--".to_string());
        }
        args.extend(self.packages.iter().cloned());
        args
    }
}

/// How the report names the directory the test binaries go to: a new temporary one on every
/// run, removed afterwards, so the same build is reported the same way each time.
pub const TEST_BINARIES_SHOWN: &str = "<temporary directory>";

impl BuildRequest {
    /// The argv after `go` as the report shows it: [`BuildRequest::build_args`], with the test
    /// binaries' directory written [`TEST_BINARIES_SHOWN`].
    pub fn shown_args(&self) -> Vec<String> {
        BuildRequest {
            test_binaries: self
                .test_binaries
                .as_ref()
                .map(|_| PathBuf::from(TEST_BINARIES_SHOWN)),
            ..self.clone()
        }
        .build_args()
    }
}

fn null_device() -> &'static str {
    if cfg!(windows) { "NUL" } else { "/dev/null" }
}

/// The `go` executable on PATH.
pub fn find_go() -> Result<PathBuf, RunError> {
    let path = std::env::var_os("PATH").ok_or(RunError::GoNotFound)?;
    let names: &[&str] = if cfg!(windows) {
        &["go.exe", "go"]
    } else {
        &["go"]
    };
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
        .ok_or(RunError::GoNotFound)
}

/// `go env GOVERSION` (e.g. `go1.27.3`).
pub fn go_version(go: &Path, dir: &Path) -> Option<String> {
    let out = Command::new(go)
        .args(["env", "GOVERSION"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !v.is_empty()).then_some(v)
}

/// The settings that decide which files go builds and where packages are, as `go env -json`
/// gives them for `req` (its directory and GOOS/GOARCH), whether from the environment, go's
/// own env file or a default. Not all of them: GOGCCFLAGS names a temporary directory, new
/// on each run, and working it out runs the C compiler.
pub const GO_ENV: &[&str] = &[
    "GOVERSION",
    "GOROOT",
    "GOPATH",
    "GOMODCACHE",
    "GOMOD",
    "GOWORK",
    "GOFLAGS",
    "GOOS",
    "GOARCH",
    "GOHOSTOS",
    "GOHOSTARCH",
    "CGO_ENABLED",
    "GOEXPERIMENT",
    "GO111MODULE",
    "GOTOOLCHAIN",
    "GOENV",
    "GOFIPS140",
    "GOAMD64",
    "GOARM",
    "GOARM64",
    "GO386",
    "GOMIPS",
    "GOMIPS64",
    "GOPPC64",
    "GORISCV64",
    "GOWASM",
    "GOPROXY",
    "GONOPROXY",
    "GOPRIVATE",
    "GONOSUMDB",
    "GOINSECURE",
    "GOSUMDB",
    "GOVCS",
    "GOAUTH",
];

/// [`GO_ENV`] as `go env -json` prints it.
pub fn go_env(go: &Path, req: &BuildRequest) -> Option<String> {
    let out = Command::new(go)
        .envs(req.env.iter().map(|(k, v)| (k, v)))
        .args(["env", "-json"])
        .args(GO_ENV)
        .current_dir(&req.dir)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let json = String::from_utf8(out.stdout).ok()?;
    out.status.success().then_some(json)
}

/// A package as `go list` sees it for this build (GOOS, GOARCH, tags).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListedPackage {
    pub import_path: String,
    pub dir: PathBuf,
    /// The files go compiles: GoFiles and CgoFiles.
    pub files: Vec<String>,
    /// TestGoFiles and XTestGoFiles.
    pub test_files: Vec<String>,
}

/// `go list` of the requested packages: import path, directory and the files in the build of
/// each. Fails with go's own message when the directory is not in a module or a pattern
/// matches nothing.
pub fn list_packages(go: &Path, req: &BuildRequest) -> Result<Vec<ListedPackage>, RunError> {
    let mut cmd = Command::new(go);
    cmd.envs(req.env.iter().map(|(k, v)| (k, v)));
    cmd.args([
        "list",
        "-f",
        "{{.ImportPath}}\t{{.Dir}}\t{{join .GoFiles \",\"}},{{join .CgoFiles \",\"}}\t{{join .TestGoFiles \",\"}},{{join .XTestGoFiles \",\"}}",
    ]);
    if let Some(tags) = &req.tags {
        cmd.arg(format!("-tags={tags}"));
    }
    let out = cmd
        .arg("--")
        .args(&req.packages)
        .current_dir(&req.dir)
        .stdin(Stdio::null())
        .output()
        .map_err(RunError::Spawn)?;
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if !out.status.success() {
        let why = if stderr.is_empty() {
            format!(
                "`go list` exited with {} and printed nothing",
                out.status
                    .code()
                    .map(|c| format!("status {c}"))
                    .unwrap_or_else(|| "a signal".into())
            )
        } else {
            first_lines(&stderr)
        };
        return Err(RunError::Go(why));
    }
    let names = |s: Option<&str>| -> Vec<String> {
        s.unwrap_or("")
            .split(',')
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect()
    };
    let list: Vec<ListedPackage> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut it = l.split('\t');
            let import_path = it.next()?.to_string();
            let dir = PathBuf::from(it.next()?);
            Some(ListedPackage {
                import_path,
                dir,
                files: names(it.next()),
                test_files: names(it.next()),
            })
        })
        .collect();
    if list.is_empty() {
        let why = if stderr.is_empty() {
            format!("no Go packages match {}", req.packages.join(" "))
        } else {
            first_lines(&stderr)
        };
        return Err(RunError::Go(why));
    }
    Ok(list)
}

fn first_lines(s: &str) -> String {
    s.lines().take(3).collect::<Vec<_>>().join("; ")
}

/// A `go build` started and not yet read: go compiles while `go list` answers, and what it
/// prints waits in the pipe. Dropped unread (the listing failed), it is stopped.
pub struct Build {
    child: Option<std::process::Child>,
}

/// Starts `go build` (or `go test -c`) for `req`.
pub fn start_build(go: &Path, req: &BuildRequest) -> Result<Build, RunError> {
    let child = Command::new(go)
        .envs(req.env.iter().map(|(k, v)| (k, v)))
        .args(req.build_args())
        .current_dir(&req.dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(RunError::Spawn)?;
    crate::interrupt::signal_child(child.id());
    if let Some(stderr) = &child.stderr {
        widen_pipe(stderr);
    }
    Ok(Build { child: Some(child) })
}

/// How many bytes of go's output the pipe holds: a build of many packages prints tens of
/// megabytes, and with the default 64 KiB go and the reader take turns, waking each other
/// a thousand times. Linux allows an unprivileged process up to 1 MiB
/// (`/proc/sys/fs/pipe-max-size`).
#[cfg(target_os = "linux")]
const PIPE_BYTES: libc::c_int = 1 << 20;

/// Lets the pipe hold [`PIPE_BYTES`] where the system allows it; else it stays as it is.
fn widen_pipe(pipe: &std::process::ChildStderr) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: F_SETPIPE_SZ takes an int and touches nothing but the pipe's capacity; the
        // descriptor is the child's stderr, open for as long as `pipe` is.
        let _ = unsafe { libc::fcntl(pipe.as_raw_fd(), libc::F_SETPIPE_SZ, PIPE_BYTES) };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = pipe;
}

impl Drop for Build {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
            crate::interrupt::forget_child(child.id());
        }
    }
}

/// How much of go's output is read at once: as much as its pipe holds on Linux.
const READ_BYTES: usize = 1 << 20;

/// Hands each line of `input` (without its line ending, LF or CRLF) to `on_line`; the last one
/// too when the input does not end with a line break.
fn read_lines(
    input: &mut impl Read,
    on_line: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // Lines are handed over where they lie in the buffer, split by a vectorized search:
    // go prints tens of megabytes for a large build, and this thread must keep up.
    let mut buf = vec![0u8; READ_BYTES];
    // The line in progress starts at `start`; the bytes read end at `end`.
    let (mut start, mut end) = (0, 0);
    loop {
        if end == buf.len() {
            if start > 0 {
                buf.copy_within(start..end, 0);
                end -= start;
                start = 0;
            } else {
                // One line longer than the buffer.
                buf.resize(buf.len() * 2, 0);
            }
        }
        let n = match input.read(&mut buf[end..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let mut from = end;
        end += n;
        while let Some(at) = memchr::memchr(b'\n', &buf[from..end]) {
            let line_end = from + at;
            on_line(without_cr(&buf[start..line_end]))?;
            start = line_end + 1;
            from = start;
        }
        if start == end {
            (start, end) = (0, 0);
        }
    }
    // The last line, when the input does not end with a line break.
    if start < end {
        on_line(without_cr(&buf[start..end]))?;
    }
    Ok(())
}

/// A line without the carriage return of a CRLF line end.
fn without_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

impl Build {
    /// Hands each stderr line (without its line ending) to `on_line` until go exits. Returns
    /// whether the build succeeded.
    pub fn read(
        mut self,
        on_line: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
    ) -> Result<bool, RunError> {
        let mut child = self.child.take().expect("a build is read once");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let result = read_lines(&mut stderr, on_line);
        if result.is_err() {
            let _ = child.kill();
        }
        let status = child.wait();
        crate::interrupt::forget_child(child.id());
        let status = status.map_err(RunError::Spawn)?;
        result.map_err(RunError::Spawn)?;
        Ok(status.success())
    }
}

#[cfg(test)]
mod read_tests {
    use std::io::{self, Read};

    /// Gives its bytes a few at a time, with an interruption before each read.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
        interrupt: bool,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn lines(input: &[u8], step: usize) -> Vec<Vec<u8>> {
        let mut got = Vec::new();
        let mut trickle = Trickle {
            bytes: input,
            step,
            interrupt: false,
        };
        super::read_lines(&mut trickle, &mut |l| {
            got.push(l.to_vec());
            Ok(())
        })
        .unwrap();
        got
    }

    #[test]
    fn each_line_is_handed_over_without_its_ending_however_the_bytes_arrive() {
        // Lines longer than the buffer, and more lines than it holds before and after them.
        let long = "x".repeat(2 * super::READ_BYTES + 5);
        let many: Vec<String> = (0..200_000).map(|i| i.to_string()).collect();
        let many = many.join("\n");
        let input = format!("a\nb\r\n\n\rc\r\r\n{many}\n{long}\n{many}\nlast");
        let mut want: Vec<Vec<u8>> = ["a", "b", "", "\rc\r"]
            .iter()
            .map(|l| l.as_bytes().to_vec())
            .collect();
        for part in [&many, &long, &many, "last"] {
            want.extend(part.split('\n').map(|l| l.as_bytes().to_vec()));
        }
        for step in [1, 3, 7, 4096, 1 << 16, 1 << 20] {
            assert_eq!(lines(input.as_bytes(), step), want, "{step} bytes a read");
        }
        assert_eq!(
            lines(b"a\n", 1),
            [b"a".to_vec()],
            "no empty line after the last break"
        );
        assert!(lines(b"", 1).is_empty());
    }

    #[test]
    fn a_line_refused_stops_the_reading() {
        let mut seen = 0;
        let mut input: &[u8] = b"a\nb\nc\n";
        let e = super::read_lines(&mut input, &mut |_| {
            seen += 1;
            Err(io::Error::other("full"))
        });
        assert!(e.is_err());
        assert_eq!(seen, 1);
    }
}
