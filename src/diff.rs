//! `escape-explain diff OLD NEW`: what started escaping, what stopped, and verdicts that changed
//! between two reports (across commits, or across Go versions). Findings are matched by package,
//! function, subject and code, never by line, so an edit above a function changes nothing.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::finding::{FindingKey, Verdict};
use crate::render::json::Package;

/// One finding that differs.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    #[serde(flatten)]
    pub key: FindingKey,
    /// Absent when the finding is new.
    pub old: Option<Verdict>,
    /// Absent when the finding is gone.
    pub new: Option<Verdict>,
    /// Where it is in the new report (or the old one when it is gone).
    pub at: String,
}

/// The differences between two reports.
#[derive(Debug, Default, Serialize)]
pub struct Diff {
    /// On the heap now, on the stack or absent before.
    pub started: Vec<Change>,
    /// On the heap before, on the stack or absent now.
    pub stopped: Vec<Change>,
    /// On the heap in both, with another verdict.
    pub changed: Vec<Change>,
}

fn by_key(packages: &[Package]) -> BTreeMap<FindingKey, Vec<(Verdict, String)>> {
    let mut out: BTreeMap<FindingKey, Vec<(Verdict, String)>> = BTreeMap::new();
    for p in packages {
        let pkg = p.section.package.clone().unwrap_or_default();
        for f in p.findings.iter().filter(|f| f.reported()) {
            let at = f
                .position
                .as_ref()
                .map(|p| p.display_best())
                .unwrap_or_default();
            out.entry(f.key(&pkg)).or_default().push((f.verdict, at));
        }
    }
    for v in out.values_mut() {
        v.sort_by_key(|x| std::cmp::Reverse(x.0));
    }
    out
}

pub fn compare(old: &[Package], new: &[Package]) -> Diff {
    let old = by_key(old);
    let new = by_key(new);
    let mut diff = Diff::default();
    let keys: std::collections::BTreeSet<&FindingKey> = old.keys().chain(new.keys()).collect();
    let empty = Vec::new();
    for key in keys {
        let o = old.get(key).unwrap_or(&empty);
        let n = new.get(key).unwrap_or(&empty);
        for i in 0..o.len().max(n.len()) {
            let (ov, oat) = o.get(i).cloned().unzip();
            let (nv, nat) = n.get(i).cloned().unzip();
            let escaped = |v: Option<Verdict>| v.is_some_and(|v| v > Verdict::Stack);
            let change = Change {
                key: key.clone(),
                old: ov,
                new: nv,
                at: nat.or(oat).unwrap_or_default(),
            };
            match (escaped(ov), escaped(nv)) {
                (false, true) => diff.started.push(change),
                (true, false) => diff.stopped.push(change),
                (true, true) if ov != nv => diff.changed.push(change),
                _ => {}
            }
        }
    }
    diff
}

impl Diff {
    /// The worst verdict that started or got worse.
    pub fn worst_new(&self) -> Option<Verdict> {
        self.started
            .iter()
            .chain(self.changed.iter().filter(|c| c.new > c.old))
            .filter_map(|c| c.new)
            .max()
    }

    pub fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        let name = |v: Option<Verdict>| v.map(Verdict::name).unwrap_or("absent");
        let line = |c: &Change| {
            format!(
                "{} {} in {} ({}): {} at {}",
                c.key.code,
                c.key.package,
                if c.key.function.is_empty() {
                    "?"
                } else {
                    &c.key.function
                },
                "",
                crate::finding::quoted(&c.key.subject),
                c.at
            )
            .replace(" ()", "")
        };
        writeln!(out, "started escaping: {}", self.started.len())?;
        for c in &self.started {
            writeln!(out, "  + {:<9} {}", name(c.new), line(c))?;
        }
        writeln!(out, "stopped escaping: {}", self.stopped.len())?;
        for c in &self.stopped {
            writeln!(out, "  - {:<9} {}", name(c.old), line(c))?;
        }
        writeln!(out, "verdict changed: {}", self.changed.len())?;
        for c in &self.changed {
            writeln!(out, "  ~ {} -> {} {}", name(c.old), name(c.new), line(c))?;
        }
        Ok(())
    }
}
