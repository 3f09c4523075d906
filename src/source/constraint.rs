//! Go build constraints: whether `go build` would compile a source file for a target, judged
//! from its file-name suffixes and its `//go:build` (or legacy `// +build`) lines, so that
//! evidence in a file left out of the build is not counted.

/// Every GOOS the go command has ever known. File-name suffixes only constrain a file when
/// they name one of these, so the list must never shrink (Go's `internal/syslist.KnownOS`).
pub(crate) const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];

/// The GOOS values that satisfy the `unix` tag (Go's `internal/syslist.UnixOS`). `unix` is
/// deliberately absent from [`KNOWN_OS`]: `file_unix.go` is not constrained by its name.
const UNIX_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "linux",
    "netbsd",
    "openbsd",
    "solaris",
];

/// Every GOARCH the go command has ever known (Go's `internal/syslist.KnownArch`).
pub(crate) const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

/// The go command's limit on `//go:build` expression size; it also bounds our recursion.
const MAX_EXPR_SIZE: usize = 1000;

/// How deeply parentheses may nest. The go command allows more, but no real constraint comes
/// close, and each level costs several stack frames; deeper lines are treated as malformed.
const MAX_EXPR_DEPTH: usize = 64;

/// The go command's limit on operators in one `// +build` line.
const MAX_PLUS_BUILD_OPS: usize = 100;

/// The build target: what `go build` would be asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub goos: String,
    pub goarch: String,
    pub tags: Vec<String>,
    pub cgo: bool,
    /// Go minor version of the toolchain (for go1.N release tags); None = assume all.
    pub go_minor: Option<u32>,
}

impl Target {
    /// GOOS/GOARCH/CGO_ENABLED from the environment when set, else the host
    /// (`std::env::consts` mapped to Go names: macos->darwin, x86_64->amd64, aarch64->arm64,
    /// x86->386, etc.); tags from the given list (comma- or space-separated entries already
    /// split by the caller).
    ///
    /// Without CGO_ENABLED, cgo is on for a native build and off for a cross build, as with
    /// the go command; whether a C compiler is installed is not checked.
    pub fn from_env(tags: &[String], go_minor: Option<u32>) -> Target {
        Target::for_platform(None, None, tags, go_minor)
    }

    /// [`Target::from_env`], with GOOS and GOARCH given (--goos, --goarch) over the
    /// environment's.
    pub fn for_platform(
        goos: Option<&str>,
        goarch: Option<&str>,
        tags: &[String],
        go_minor: Option<u32>,
    ) -> Target {
        let host_os = go_os(std::env::consts::OS);
        let host_arch = go_arch(std::env::consts::ARCH, cfg!(target_endian = "little"));
        let goos = goos
            .map(str::to_string)
            .or_else(|| env_nonempty("GOOS"))
            .unwrap_or_else(|| host_os.to_string());
        let goarch = goarch
            .map(str::to_string)
            .or_else(|| env_nonempty("GOARCH"))
            .unwrap_or_else(|| host_arch.to_string());
        let cgo = match env_nonempty("CGO_ENABLED").as_deref() {
            Some("1") => true,
            Some("0") => false,
            _ => goos == host_os && goarch == host_arch,
        };
        Target {
            goos,
            goarch,
            tags: tags.iter().filter(|t| !t.is_empty()).cloned().collect(),
            cgo,
            go_minor,
        }
    }

    /// Whether a tag is satisfied: goos, goarch, "unix" for unix-like GOOSes (aix android
    /// darwin dragonfly freebsd hurd illumos ios linux netbsd openbsd solaris), "cgo" when
    /// cgo, go1.1..go1.N, each custom tag, and GOOS implications (android implies linux, ios
    /// implies darwin, illumos implies solaris).
    ///
    /// `gc` is satisfied too: it names the compiler the go command uses, and files that say
    /// `//go:build gc` are part of every ordinary build.
    pub fn satisfies(&self, tag: &str) -> bool {
        if tag.is_empty() {
            return false;
        }
        if tag == self.goos || tag == self.goarch || tag == "gc" {
            return true;
        }
        if tag == "cgo" && self.cgo {
            return true;
        }
        if tag == "unix" && UNIX_OS.contains(&self.goos.as_str()) {
            return true;
        }
        let implied = matches!(
            (self.goos.as_str(), tag),
            ("android", "linux") | ("ios", "darwin") | ("illumos", "solaris")
        );
        implied || self.release_tag(tag) || self.tags.iter().any(|t| t == tag)
    }

    /// `go1.N` for 1 <= N <= the toolchain's minor version, spelled exactly as the go
    /// command spells its release tags (so `go1.020` and `go1.21.3` never match).
    fn release_tag(&self, tag: &str) -> bool {
        let Some(minor) = tag.strip_prefix("go1.") else {
            return false;
        };
        if minor.is_empty() || !minor.bytes().all(|b| b.is_ascii_digit()) || minor.starts_with('0')
        {
            return false;
        }
        match (minor.parse::<u32>(), self.go_minor) {
            (Ok(n), Some(max)) => n <= max,
            (Ok(_), None) => true,
            (Err(_), Some(_)) => false,
            // Too many digits for u32: later than any toolchain, but "assume all" says yes.
            (Err(_), None) => true,
        }
    }
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Rust's `target_os` spelled as a GOOS.
fn go_os(rust_os: &str) -> &str {
    match rust_os {
        "macos" => "darwin",
        "wasi" => "wasip1",
        other => other,
    }
}

/// Rust's `target_arch` spelled as a GOARCH; Go names byte order in the arch, Rust does not.
fn go_arch(rust_arch: &str, little_endian: bool) -> &str {
    match (rust_arch, little_endian) {
        ("x86", _) => "386",
        ("x86_64", _) => "amd64",
        ("aarch64", true) => "arm64",
        ("aarch64", false) => "arm64be",
        ("arm", true) => "arm",
        ("arm", false) => "armbe",
        ("loongarch64", _) => "loong64",
        ("mips", true) => "mipsle",
        ("mips", false) => "mips",
        ("mips64", true) => "mips64le",
        ("mips64", false) => "mips64",
        ("powerpc", _) => "ppc",
        ("powerpc64", true) => "ppc64le",
        ("powerpc64", false) => "ppc64",
        ("riscv32", _) => "riscv",
        ("wasm32", _) | ("wasm64", _) => "wasm",
        (other, _) => other,
    }
}

/// Whether a file with this base name and text is compiled for `target`: its `//go:build`
/// line (or, only when there is none, its `// +build` lines, ANDed across lines, space = OR,
/// comma = AND, `!` = NOT) evaluated, and its file-name suffixes (`_GOOS`, `_GOARCH`,
/// `_GOOS_GOARCH` before `.go`, ignoring a trailing `_test`; only KNOWN GOOS/GOARCH names
/// count, so `file_unix.go` is not constrained by name) matched. Files whose names start with
/// `_` or `.` are excluded. A malformed constraint line means the file is included (never
/// panic; be conservative).
///
/// As with the go command, a file that imports "C" is excluded when cgo is off, and a
/// `// +build` term that is not a valid tag (`// +build !!x`, `// +build a-b`) is never
/// satisfied: Go defines those, so they are not treated as malformed.
pub fn in_build(file_name: &str, text: &str, target: &Target) -> bool {
    let name = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    if name.starts_with('_') || name.starts_with('.') {
        return false;
    }
    if !good_os_arch_file(name, target) {
        return false;
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Ok(header) = scan_header(text) else {
        return true;
    };
    let satisfied = match header.go_build {
        Some(expr) => match parse_go_build(expr) {
            Ok(x) => x.eval(target),
            Err(Malformed) => return true,
        },
        // The go command skips a `// +build` line it cannot parse rather than rejecting the file.
        None => plus_build_lines(&text[..header.plus_build_end])
            .filter_map(|line| parse_plus_build(line).ok())
            .all(|x| x.eval(target)),
    };
    if !satisfied {
        return false;
    }
    target.cgo || !imports_c(text)
}

/// The words a file's constraint is made of: its `//go:build` (or `// +build`) line's tags
/// and its file-name suffixes (`windows` for `x_windows.go`).
pub(crate) fn constraint_words(file_name: &str, text: &str) -> Vec<String> {
    let name = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = name.split('.').next().unwrap_or(name);
    let mut words: Vec<String> = stem
        .split('_')
        .skip(1)
        .filter(|w| KNOWN_OS.contains(w) || KNOWN_ARCH.contains(w))
        .map(str::to_string)
        .collect();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Ok(header) = scan_header(text) {
        let lines: Vec<&str> = match header.go_build {
            Some(expr) => vec![expr],
            None => plus_build_lines(&text[..header.plus_build_end]).collect(),
        };
        for line in lines {
            words.extend(
                line.split(|c: char| !is_tag_char(c))
                    .filter(|w| is_valid_tag(w))
                    .map(str::to_string),
            );
        }
    }
    words.sort();
    words.dedup();
    words
}

/// Go's `goodOSArchFile`: only the last one or two `_`-separated words before the first `.`
/// count, and nothing before the first `_` does (so `linux.go` is unconstrained).
fn good_os_arch_file(name: &str, target: &Target) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let Some(underscore) = stem.find('_') else {
        return true;
    };
    let mut words: Vec<&str> = stem[underscore..].split('_').collect();
    if words.last() == Some(&"test") {
        words.pop();
    }
    let is_os = |w: &str| KNOWN_OS.contains(&w);
    let is_arch = |w: &str| KNOWN_ARCH.contains(&w);
    match words.as_slice() {
        [.., os, arch] if is_os(os) && is_arch(arch) => {
            target.satisfies(os) && target.satisfies(arch)
        }
        [.., last] if is_os(last) || is_arch(last) => target.satisfies(last),
        _ => true,
    }
}

/// A constraint the go command would reject; the caller then keeps the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Malformed;

/// What Go's `parseFileHeader` finds before the package clause.
#[derive(Debug)]
struct Header<'a> {
    /// The expression after `//go:build`, trimmed.
    go_build: Option<&'a str>,
    /// `// +build` lines count only before this offset: just past the last blank line that
    /// precedes the first line that is neither blank nor a `//` comment.
    plus_build_end: usize,
}

fn scan_header(text: &str) -> Result<Header<'_>, Malformed> {
    let mut go_build = None;
    let mut plus_build_end = 0;
    // Once a line that is not blank and not `//` is seen, `// +build` lines no longer count,
    // though `//go:build` still may (after a block comment, say).
    let mut ended = false;
    let mut in_block = false;
    let mut offset = 0;
    'lines: while offset < text.len() {
        let rest = &text[offset..];
        let (raw, next) = match rest.find('\n') {
            Some(i) => (&rest[..i], offset + i + 1),
            None => (rest, text.len()),
        };
        offset = next;
        let line = raw.trim();
        if line.is_empty() && !ended {
            plus_build_end = offset;
            continue;
        }
        if !line.starts_with("//") {
            ended = true;
        }
        if !in_block && let Some(expr) = split_go_build(line) {
            if go_build.is_some() {
                return Err(Malformed);
            }
            go_build = Some(expr);
        }
        let mut line = line;
        while !line.is_empty() {
            if in_block {
                match line.find("*/") {
                    Some(i) => {
                        in_block = false;
                        line = line[i + 2..].trim();
                        continue;
                    }
                    None => continue 'lines,
                }
            }
            if line.starts_with("//") {
                continue 'lines;
            }
            if let Some(after) = line.strip_prefix("/*") {
                in_block = true;
                line = after.trim();
                continue;
            }
            break 'lines;
        }
    }
    Ok(Header {
        go_build,
        plus_build_end,
    })
}

/// The expression of a `//go:build` line, or None when the line is something else
/// (`//go:buildx` is not a constraint; a bare `//go:build` is, with an empty expression).
fn split_go_build(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix("//go:build")?;
    let trimmed = rest.trim();
    if trimmed.len() == rest.len() && !rest.is_empty() {
        return None;
    }
    Some(trimmed)
}

/// The expression of a `// +build` line (the space after `//` is optional).
fn split_plus_build(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("//")?.trim().strip_prefix("+build")?;
    let trimmed = rest.trim();
    if trimmed.len() == rest.len() && !rest.is_empty() {
        return None;
    }
    Some(trimmed)
}

fn plus_build_lines(header: &str) -> impl Iterator<Item = &str> {
    header
        .lines()
        .map(str::trim)
        .filter_map(|line| split_plus_build(line))
}

/// A build-constraint expression.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expr<'a> {
    Tag(&'a str),
    Not(Box<Expr<'a>>),
    And(Box<Expr<'a>>, Box<Expr<'a>>),
    Or(Box<Expr<'a>>, Box<Expr<'a>>),
}

impl Expr<'_> {
    fn eval(&self, target: &Target) -> bool {
        match self {
            Expr::Tag(tag) => target.satisfies(tag),
            Expr::Not(x) => !x.eval(target),
            Expr::And(x, y) => x.eval(target) && y.eval(target),
            Expr::Or(x, y) => x.eval(target) || y.eval(target),
        }
    }
}

/// The tag a `// +build` term means when it is not a valid tag: one nothing satisfies
/// (unless asked for by name, as with the go command).
const NEVER: &str = "ignore";

fn parse_plus_build(text: &str) -> Result<Expr<'_>, Malformed> {
    let mut ops = 0;
    let mut any = None;
    for clause in text.split_whitespace() {
        let mut all = None;
        for lit in clause.split(',') {
            all = Some(join(&mut ops, all, plus_build_term(lit), Expr::And)?);
        }
        if let Some(all) = all {
            any = Some(join(&mut ops, any, all, Expr::Or)?);
        }
    }
    Ok(any.unwrap_or(Expr::Tag(NEVER)))
}

/// `prev OP next`, or `next` alone when there is no `prev`, counting operators so an
/// oversized line is rejected as the go command rejects it.
fn join<'a>(
    ops: &mut usize,
    prev: Option<Expr<'a>>,
    next: Expr<'a>,
    op: fn(Box<Expr<'a>>, Box<Expr<'a>>) -> Expr<'a>,
) -> Result<Expr<'a>, Malformed> {
    let Some(prev) = prev else {
        return Ok(next);
    };
    *ops += 1;
    if *ops > MAX_PLUS_BUILD_OPS {
        return Err(Malformed);
    }
    Ok(op(Box::new(prev), Box::new(next)))
}

/// One comma-separated term of a `// +build` line: a tag, optionally negated once.
fn plus_build_term(lit: &str) -> Expr<'_> {
    if lit.starts_with("!!") || lit == "!" {
        return Expr::Tag(NEVER);
    }
    let (negated, name) = match lit.strip_prefix('!') {
        Some(name) => (true, name),
        None => (false, lit),
    };
    let tag = Expr::Tag(if is_valid_tag(name) { name } else { NEVER });
    if negated {
        Expr::Not(Box::new(tag))
    } else {
        tag
    }
}

fn is_tag_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.' || (!c.is_ascii() && c.is_alphanumeric())
}

fn is_valid_tag(word: &str) -> bool {
    !word.is_empty() && word.chars().all(is_tag_char)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Tag(&'a str),
    Not,
    And,
    Or,
    Open,
    Close,
    End,
}

/// Recursive descent over `||` (loosest), `&&`, unary `!`, and parentheses, following
/// `go/build/constraint`: `!!x` is an error there, so it is here.
struct ExprParser<'a> {
    text: &'a str,
    pos: usize,
    tok: Token<'a>,
    size: usize,
    depth: usize,
}

fn parse_go_build(text: &str) -> Result<Expr<'_>, Malformed> {
    let mut p = ExprParser {
        text,
        pos: 0,
        tok: Token::End,
        size: 0,
        depth: 0,
    };
    let x = p.or()?;
    if p.tok != Token::End {
        return Err(Malformed);
    }
    Ok(x)
}

impl<'a> ExprParser<'a> {
    fn or(&mut self) -> Result<Expr<'a>, Malformed> {
        let mut x = self.and()?;
        while self.tok == Token::Or {
            x = Expr::Or(Box::new(x), Box::new(self.and()?));
        }
        Ok(x)
    }

    fn and(&mut self) -> Result<Expr<'a>, Malformed> {
        let mut x = self.not()?;
        while self.tok == Token::And {
            x = Expr::And(Box::new(x), Box::new(self.not()?));
        }
        Ok(x)
    }

    fn not(&mut self) -> Result<Expr<'a>, Malformed> {
        self.size += 1;
        if self.size > MAX_EXPR_SIZE {
            return Err(Malformed);
        }
        self.lex()?;
        if self.tok == Token::Not {
            self.lex()?;
            if self.tok == Token::Not {
                return Err(Malformed);
            }
            return Ok(Expr::Not(Box::new(self.atom()?)));
        }
        self.atom()
    }

    /// Expects its first token already lexed.
    fn atom(&mut self) -> Result<Expr<'a>, Malformed> {
        match self.tok {
            Token::Open => {
                self.depth += 1;
                if self.depth > MAX_EXPR_DEPTH {
                    return Err(Malformed);
                }
                let x = self.or()?;
                self.depth -= 1;
                if self.tok != Token::Close {
                    return Err(Malformed);
                }
                self.lex()?;
                Ok(x)
            }
            Token::Tag(tag) => {
                self.lex()?;
                Ok(Expr::Tag(tag))
            }
            _ => Err(Malformed),
        }
    }

    fn lex(&mut self) -> Result<(), Malformed> {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() && matches!(bytes[self.pos], b' ' | b'\t') {
            self.pos += 1;
        }
        let Some(&b) = bytes.get(self.pos) else {
            self.tok = Token::End;
            return Ok(());
        };
        let single = match b {
            b'(' => Some(Token::Open),
            b')' => Some(Token::Close),
            b'!' => Some(Token::Not),
            _ => None,
        };
        if let Some(tok) = single {
            self.pos += 1;
            self.tok = tok;
            return Ok(());
        }
        if b == b'&' || b == b'|' {
            if bytes.get(self.pos + 1) != Some(&b) {
                return Err(Malformed);
            }
            self.pos += 2;
            self.tok = if b == b'&' { Token::And } else { Token::Or };
            return Ok(());
        }
        let rest = &self.text[self.pos..];
        let len = rest
            .char_indices()
            .find(|&(_, c)| !is_tag_char(c))
            .map_or(rest.len(), |(i, _)| i);
        if len == 0 {
            return Err(Malformed);
        }
        self.tok = Token::Tag(&rest[..len]);
        self.pos += len;
        Ok(())
    }
}

/// Whether the file's imports include "C". The go command leaves such files out when cgo is
/// off. Anything this small scanner does not follow ends the scan with the answer so far,
/// which errs toward keeping the file.
fn imports_c(text: &str) -> bool {
    let mut lx = GoLexer { text, pos: 0 };
    if lx.next() != Some(GoToken::Ident("package")) {
        return false;
    }
    if !matches!(lx.next(), Some(GoToken::Ident(_))) {
        return false;
    }
    let mut tok = lx.next();
    if tok == Some(GoToken::Punct(';')) {
        tok = lx.next();
    }
    while tok == Some(GoToken::Ident("import")) {
        match lx.next() {
            Some(GoToken::Punct('(')) => loop {
                let first = lx.next();
                match import_spec(&mut lx, first) {
                    Spec::Path("C") => return true,
                    Spec::Path(_) => {}
                    Spec::Close => break,
                    Spec::Stop => return false,
                }
            },
            first => match import_spec(&mut lx, first) {
                Spec::Path("C") => return true,
                Spec::Path(_) => {}
                Spec::Close | Spec::Stop => return false,
            },
        }
        tok = lx.next();
        if tok == Some(GoToken::Punct(';')) {
            tok = lx.next();
        }
    }
    false
}

enum Spec<'a> {
    Path(&'a str),
    Close,
    Stop,
}

/// One import spec (`[name | . | _] "path"`), starting at `first`; also eats the `;` that may
/// follow it inside a parenthesized group.
fn import_spec<'a>(lx: &mut GoLexer<'a>, first: Option<GoToken<'a>>) -> Spec<'a> {
    let mut tok = first;
    while tok == Some(GoToken::Punct(';')) {
        tok = lx.next();
    }
    if tok == Some(GoToken::Punct(')')) {
        return Spec::Close;
    }
    if matches!(tok, Some(GoToken::Ident(_)) | Some(GoToken::Punct('.'))) {
        tok = lx.next();
    }
    match tok {
        Some(GoToken::Str(path)) => Spec::Path(path),
        _ => Spec::Stop,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GoToken<'a> {
    Ident(&'a str),
    /// A string literal's body between its quotes, escapes left as written.
    Str(&'a str),
    Punct(char),
}

/// Just enough of Go's lexer to read a package clause and import declarations.
struct GoLexer<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> GoLexer<'a> {
    /// The next token, or None at the end or on anything unterminated.
    fn next(&mut self) -> Option<GoToken<'a>> {
        loop {
            let rest = &self.text[self.pos..];
            let trimmed = rest.trim_start();
            self.pos += rest.len() - trimmed.len();
            if trimmed.starts_with("//") {
                self.pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else if let Some(body) = trimmed.strip_prefix("/*") {
                self.pos += 2 + body.find("*/")? + 2;
            } else {
                break;
            }
        }
        let rest = &self.text[self.pos..];
        let c = rest.chars().next()?;
        if c == '_' || c.is_alphabetic() {
            let len = rest
                .char_indices()
                .find(|&(_, c)| !(c == '_' || c.is_alphanumeric()))
                .map_or(rest.len(), |(i, _)| i);
            self.pos += len;
            return Some(GoToken::Ident(&rest[..len]));
        }
        if c == '`' {
            let len = rest[1..].find('`')?;
            self.pos += len + 2;
            return Some(GoToken::Str(&rest[1..1 + len]));
        }
        if c == '"' {
            let bytes = rest.as_bytes();
            let mut i = 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'\n' => return None,
                    b'"' => {
                        self.pos += i + 1;
                        return Some(GoToken::Str(&rest[1..i]));
                    }
                    _ => i += 1,
                }
            }
            return None;
        }
        self.pos += c.len_utf8();
        Some(GoToken::Punct(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(goos: &str, goarch: &str) -> Target {
        Target {
            goos: goos.to_string(),
            goarch: goarch.to_string(),
            tags: Vec::new(),
            cgo: true,
            go_minor: Some(24),
        }
    }

    fn linux() -> Target {
        target("linux", "amd64")
    }

    fn with_go_build(line: &str) -> String {
        format!("// Copyright notice.\n\n{line}\n\npackage p\n\nfunc F() {{}}\n")
    }

    fn builds(line: &str, t: &Target) -> bool {
        in_build("x.go", &with_go_build(line), t)
    }

    const PLAIN: &str = "package p\n";

    #[test]
    fn os_suffix_constrains_by_name() {
        assert!(!in_build("x_windows.go", PLAIN, &linux()));
        assert!(in_build("x_windows.go", PLAIN, &target("windows", "amd64")));
        assert!(in_build("x_linux.go", PLAIN, &linux()));
    }

    #[test]
    fn os_arch_suffix_needs_both() {
        assert!(in_build("x_linux_amd64.go", PLAIN, &linux()));
        assert!(!in_build("x_linux_arm64.go", PLAIN, &linux()));
        assert!(!in_build("x_darwin_amd64.go", PLAIN, &linux()));
        assert!(in_build("x_amd64.go", PLAIN, &linux()));
        assert!(!in_build("x_arm64.go", PLAIN, &linux()));
    }

    #[test]
    fn unknown_suffix_does_not_constrain() {
        assert!(in_build("x_unix.go", PLAIN, &linux()));
        assert!(in_build("x_unix.go", PLAIN, &target("windows", "amd64")));
        assert!(in_build("x_helper.go", PLAIN, &linux()));
        // Only the last word (or the last two) counts.
        assert!(in_build("x_windows_helper.go", PLAIN, &linux()));
    }

    #[test]
    fn test_suffix_is_skipped() {
        assert!(in_build("x_test.go", PLAIN, &linux()));
        assert!(!in_build("x_windows_test.go", PLAIN, &linux()));
        assert!(in_build("x_linux_test.go", PLAIN, &linux()));
        assert!(!in_build("x_linux_arm64_test.go", PLAIN, &linux()));
    }

    #[test]
    fn name_without_prefix_is_not_constrained() {
        assert!(in_build("windows.go", PLAIN, &linux()));
        assert!(in_build("windows_test.go", PLAIN, &linux()));
    }

    #[test]
    fn name_is_cut_at_first_dot() {
        assert!(!in_build("x_windows.pb.go", PLAIN, &linux()));
    }

    #[test]
    fn goos_implications_apply_to_names() {
        assert!(in_build("x_linux.go", PLAIN, &target("android", "arm64")));
        assert!(in_build("x_darwin.go", PLAIN, &target("ios", "arm64")));
        assert!(in_build("x_solaris.go", PLAIN, &target("illumos", "amd64")));
        assert!(!in_build("x_android.go", PLAIN, &linux()));
    }

    #[test]
    fn hidden_and_underscore_files_are_excluded() {
        assert!(!in_build("_hidden.go", PLAIN, &linux()));
        assert!(!in_build(".hidden.go", PLAIN, &linux()));
        assert!(!in_build("dir/_hidden.go", PLAIN, &linux()));
    }

    #[test]
    fn custom_tag_needs_to_be_given() {
        assert!(!builds("//go:build integration", &linux()));
        let mut t = linux();
        t.tags.push("integration".to_string());
        assert!(builds("//go:build integration", &t));
    }

    #[test]
    fn negation() {
        assert!(builds("//go:build !windows", &linux()));
        assert!(!builds("//go:build !windows", &target("windows", "amd64")));
        assert!(builds("//go:build !(windows || plan9)", &linux()));
    }

    #[test]
    fn and_or_parentheses() {
        let line = "//go:build linux && (amd64 || arm64)";
        assert!(builds(line, &linux()));
        assert!(builds(line, &target("linux", "arm64")));
        assert!(!builds(line, &target("linux", "386")));
        assert!(!builds(line, &target("darwin", "arm64")));
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let line = "//go:build windows && 386 || linux";
        assert!(builds(line, &linux()));
        assert!(builds(line, &target("windows", "386")));
        assert!(!builds(line, &target("windows", "amd64")));
    }

    #[test]
    fn unix_tag() {
        assert!(builds("//go:build unix", &linux()));
        assert!(builds("//go:build unix", &target("darwin", "arm64")));
        assert!(builds("//go:build unix", &target("illumos", "amd64")));
        assert!(!builds("//go:build unix", &target("windows", "amd64")));
        assert!(!builds("//go:build unix", &target("plan9", "amd64")));
        assert!(!builds("//go:build unix", &target("js", "wasm")));
    }

    #[test]
    fn release_tags() {
        let mut t = linux();
        t.go_minor = Some(20);
        assert!(!builds("//go:build go1.21", &t));
        assert!(builds("//go:build go1.20", &t));
        assert!(builds("//go:build go1.1", &t));
        assert!(builds("//go:build !go1.21", &t));
        t.go_minor = Some(27);
        assert!(builds("//go:build go1.21", &t));
        t.go_minor = None;
        assert!(builds("//go:build go1.99", &t));
        assert!(!builds("//go:build go1.21.3", &t));
        assert!(!builds("//go:build go1.021", &t));
        assert!(!builds("//go:build go1.0", &t));
    }

    #[test]
    fn cgo_tag() {
        let mut t = linux();
        assert!(builds("//go:build cgo", &t));
        t.cgo = false;
        assert!(!builds("//go:build cgo", &t));
        assert!(builds("//go:build !cgo", &t));
    }

    #[test]
    fn ignore_is_never_satisfied() {
        assert!(!builds("//go:build ignore", &linux()));
        assert!(!builds("// +build ignore", &linux()));
    }

    #[test]
    fn gc_compiler_tag() {
        assert!(builds("//go:build gc", &linux()));
        assert!(!builds("//go:build gccgo", &linux()));
    }

    #[test]
    fn legacy_plus_build() {
        let line = "// +build linux,amd64 darwin";
        assert!(builds(line, &linux()));
        assert!(!builds(line, &target("linux", "arm64")));
        assert!(builds(line, &target("darwin", "arm64")));
        assert!(!builds(line, &target("windows", "amd64")));
        assert!(builds("//+build linux", &linux()));
        assert!(builds("// +build !windows", &linux()));
    }

    #[test]
    fn legacy_lines_are_anded() {
        let text = "// +build linux darwin\n// +build arm64\n\npackage p\n";
        assert!(!in_build("x.go", text, &linux()));
        assert!(in_build("x.go", text, &target("linux", "arm64")));
    }

    #[test]
    fn legacy_needs_blank_line_before_package() {
        // Without the blank line it is the package's doc comment, not a constraint.
        let text = "// +build windows\npackage p\n";
        assert!(in_build("x.go", text, &linux()));
    }

    #[test]
    fn legacy_invalid_terms_are_never_satisfied() {
        assert!(!builds("// +build !!linux", &linux()));
        assert!(!builds("// +build lin-ux", &linux()));
        assert!(builds("// +build lin-ux linux", &linux()));
        assert!(!builds("// +build", &linux()));
    }

    #[test]
    fn go_build_wins_over_plus_build() {
        let text = "//go:build linux\n// +build windows\n\npackage p\n";
        assert!(in_build("x.go", text, &linux()));
        let text = "//go:build windows\n// +build linux\n\npackage p\n";
        assert!(!in_build("x.go", text, &linux()));
    }

    #[test]
    fn go_build_after_package_clause_is_ignored() {
        let text = "package p\n\n//go:build windows\n\nfunc F() {}\n";
        assert!(in_build("x.go", text, &linux()));
        let text = "package p\n\n// +build windows\n\nfunc F() {}\n";
        assert!(in_build("x.go", text, &linux()));
    }

    #[test]
    fn go_build_needs_no_blank_line() {
        let text = "//go:build windows\npackage p\n";
        assert!(!in_build("x.go", text, &linux()));
    }

    #[test]
    fn go_build_after_block_comment_counts() {
        let text = "/* Copyright\n   notice. */\n\n//go:build windows\n\npackage p\n";
        assert!(!in_build("x.go", text, &linux()));
    }

    #[test]
    fn go_build_inside_block_comment_does_not_count() {
        let text = "/*\n//go:build windows\n*/\n\npackage p\n";
        assert!(in_build("x.go", text, &linux()));
    }

    #[test]
    fn similar_directives_are_not_constraints() {
        assert!(builds("//go:buildwindows", &linux()));
        assert!(builds("// go:build windows", &linux()));
        assert!(builds("// +buildwindows", &linux()));
    }

    #[test]
    fn malformed_lines_keep_the_file() {
        for line in [
            "//go:build linux &&",
            "//go:build (windows",
            "//go:build windows)",
            "//go:build windows & 386",
            "//go:build windows | plan9",
            "//go:build !!windows",
            "//go:build windows plan9",
            "//go:build windows // trailing",
            "//go:build",
            "//go:build -windows",
        ] {
            assert!(builds(line, &linux()), "{line}");
        }
        let two = "//go:build windows\n//go:build plan9\n\npackage p\n";
        assert!(in_build("x.go", two, &linux()));
    }

    #[test]
    fn huge_expressions_do_not_overflow() {
        let deep = format!("//go:build {}windows{}", "(".repeat(5000), ")".repeat(5000));
        assert!(builds(&deep, &linux()));
        let nested = format!("//go:build {}windows{}", "(".repeat(10), ")".repeat(10));
        assert!(!builds(&nested, &linux()));
        // Just under the go command's size limit: evaluated, not rejected.
        let longest = format!("//go:build linux{}", " && linux".repeat(998));
        assert!(builds(&longest, &linux()));
        assert!(!builds(&format!("{longest} && windows"), &linux()));
        let long = format!("//go:build windows{}", " && windows".repeat(5000));
        assert!(builds(&long, &linux()));
        let legacy = format!("// +build {}", "windows ".repeat(500));
        assert!(builds(&legacy, &linux()));
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{feff}//go:build windows\r\n\r\npackage p\r\n";
        assert!(!in_build("x.go", text, &linux()));
        let text = "// +build windows\r\n\r\npackage p\r\n";
        assert!(!in_build("x.go", text, &linux()));
    }

    #[test]
    fn unicode_tags_are_tags() {
        let mut t = linux();
        t.tags.push("größe".to_string());
        assert!(builds("//go:build größe", &t));
    }

    #[test]
    fn cgo_files_need_cgo() {
        let text = "package p\n\n/*\n#include <stdio.h>\n*/\nimport \"C\"\n\nfunc F() {}\n";
        let mut t = linux();
        assert!(in_build("x.go", text, &t));
        t.cgo = false;
        assert!(!in_build("x.go", text, &t));
        let grouped = "package p // x\n\nimport (\n\t\"fmt\"\n\tc \"C\"\n)\n";
        assert!(!in_build("x.go", grouped, &t));
        let other =
            "package p\n\nimport (\n\t\"fmt\"; _ \"embed\"\n)\nimport . `os`\n\nvar C = 1\n";
        assert!(in_build("x.go", other, &t));
        let late = "package p\n\nimport \"fmt\"\n\nfunc F() { _ = \"C\" }\n";
        assert!(in_build("x.go", late, &t));
    }

    #[test]
    fn host_names_map_to_go_names() {
        assert_eq!(go_os("macos"), "darwin");
        assert_eq!(go_os("linux"), "linux");
        assert_eq!(go_arch("x86_64", true), "amd64");
        assert_eq!(go_arch("aarch64", true), "arm64");
        assert_eq!(go_arch("x86", true), "386");
        assert_eq!(go_arch("powerpc64", true), "ppc64le");
        assert_eq!(go_arch("powerpc64", false), "ppc64");
        assert_eq!(go_arch("riscv64", true), "riscv64");
    }

    #[test]
    fn from_env_keeps_given_tags() {
        let tags = vec!["integration".to_string(), String::new()];
        let t = Target::from_env(&tags, Some(22));
        assert_eq!(t.tags, vec!["integration".to_string()]);
        assert_eq!(t.go_minor, Some(22));
        assert!(!t.goos.is_empty() && !t.goarch.is_empty());
    }
}
