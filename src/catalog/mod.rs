//! The explanation texts: one markdown file per code beside this file, compiled into the
//! binary, printed by `escape-explain explain CODE` and used for SARIF rule help. Codes are
//! permanent: a retired code is never reused.

/// The headings every explanation has, in this order.
pub const HEADINGS: &[&str] = &["## Example", "## Why", "## Is it a leak?", "## Fix"];

macro_rules! catalog {
    ($($code:literal),* $(,)?) => {
        &[$(($code, include_str!(concat!($code, ".md")))),*]
    };
}

/// (code, markdown) for every code.
pub const ENTRIES: &[(&str, &str)] = catalog!(
    "EE0001", "EE0002", "EE0101", "EE0102", "EE0103", "EE0104", "EE0105", "EE0106", "EE0107",
    "EE0201", "EE0202", "EE0203", "EE0204", "EE0205", "EE0206", "EE0207", "EE0301", "EE0302",
    "EE0303", "EE0304", "EE0305", "EE0306", "EE0307", "EE0308", "EE0309", "EE0901", "EE0902",
);

/// The markdown of a code (case-insensitive).
pub fn text(code: &str) -> Option<&'static str> {
    ENTRIES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code.trim()))
        .map(|(_, t)| *t)
}

/// The one-line summary: the first paragraph after the title, joined into one line.
pub fn summary(markdown: &str) -> String {
    markdown
        .lines()
        .skip(1)
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The title after `# CODE: `.
pub fn title(markdown: &str) -> &str {
    markdown
        .lines()
        .next()
        .and_then(|l| l.split_once(": "))
        .map(|(_, t)| t.trim())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::RULES;

    #[test]
    fn every_code_has_its_text_with_all_headings() {
        for rule in RULES {
            let text = text(rule.code).unwrap_or_else(|| panic!("{} has no text", rule.code));
            assert!(
                text.starts_with(&format!("# {}: ", rule.code)),
                "{} starts with its title",
                rule.code
            );
            assert!(!summary(text).is_empty(), "{} has a summary", rule.code);
            let mut at = 0;
            for h in HEADINGS {
                let i = text[at..]
                    .find(&format!("\n{h}\n"))
                    .unwrap_or_else(|| panic!("{} lacks `{h}` (in order)", rule.code));
                at += i + 1;
            }
            assert!(text.contains("```go"), "{} has Go examples", rule.code);
        }
    }

    #[test]
    fn no_text_is_orphaned() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/catalog");
        for e in std::fs::read_dir(dir).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            let Some(code) = name.strip_suffix(".md") else {
                continue;
            };
            if code == "README" {
                continue;
            }
            assert!(
                RULES.iter().any(|r| r.code == code),
                "{name} explains a code no rule emits"
            );
            assert!(
                ENTRIES.iter().any(|(c, _)| *c == code),
                "{name} is not compiled in"
            );
        }
        assert_eq!(ENTRIES.len(), RULES.len());
    }
}
