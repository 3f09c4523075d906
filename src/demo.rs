//! The teaching demos: the Go modules of `samples/`, each with its recorded compiler output,
//! compiled into the binary so `escape-explain demo NAME` works on a machine without Go.

use std::path::Path;

use include_dir::{Dir, include_dir};

static SAMPLES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/samples");

/// A demo: its name, its one-line description, the files of its module.
pub struct Demo {
    pub name: &'static str,
    pub description: String,
    dir: &'static Dir<'static>,
}

/// Every demo, by name.
pub fn all() -> Vec<Demo> {
    let mut out: Vec<Demo> = SAMPLES
        .dirs()
        .filter(|d| d.get_file(d.path().join("go.mod")).is_some())
        .map(|d| Demo {
            name: d.path().file_name().and_then(|n| n.to_str()).unwrap_or(""),
            description: d
                .get_file(d.path().join("README.md"))
                .and_then(|f| f.contents_utf8())
                .map(describe)
                .unwrap_or_default(),
            dir: d,
        })
        .collect();
    out.sort_by_key(|d| d.name);
    out
}

pub fn find(name: &str) -> Option<Demo> {
    all().into_iter().find(|d| d.name == name)
}

impl Demo {
    /// Writes the module (and its recording) into `dest`.
    pub fn extract(&self, dest: &Path) -> std::io::Result<()> {
        for f in all_files(self.dir) {
            let rel = f.path().strip_prefix(self.dir.path()).unwrap_or(f.path());
            let target = dest.join(rel);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(target, f.contents())?;
        }
        Ok(())
    }

    /// The Go version that made the recording (`escape.log`, extracted with the module), if
    /// the demo has one.
    pub fn recorded_with(&self) -> Option<&'static str> {
        self.dir.get_file(self.dir.path().join("escape.log"))?;
        let version = self
            .dir
            .get_file(self.dir.path().join("GOVERSION"))
            .and_then(|f| f.contents_utf8())
            .unwrap_or("")
            .trim();
        Some(version)
    }
}

fn all_files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut out: Vec<_> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(all_files(d));
    }
    out
}

/// The first sentence of a README after its title.
fn describe(readme: &str) -> String {
    readme
        .lines()
        .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .split(". ")
        .next()
        .unwrap_or("")
        .trim_end_matches('.')
        .to_string()
}
