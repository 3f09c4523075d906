//! The explanation texts: one markdown file per code beside this file, compiled into the
//! binary by the rule's declaration in [`crate::rules`] (its `explanation`), printed by
//! `escape-explain explain CODE` and used for SARIF rule help. This module reads their parts.
//! Codes are permanent: a retired code is never reused.

/// The headings every explanation has, in this order.
pub const HEADINGS: &[&str] = &["## Example", "## Why", "## Is it a leak?", "## Fix"];

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
    use crate::rules::RULES;

    #[test]
    fn every_code_has_its_text_with_all_headings() {
        for rule in RULES {
            let code = rule.id.as_str();
            let text = rule.explanation;
            assert!(
                text.starts_with(&format!("# {code}: ")),
                "{code} starts with its title"
            );
            assert!(!title(text).is_empty(), "{code} has a title");
            assert!(!summary(text).is_empty(), "{code} has a summary");
            let mut at = 0;
            for h in HEADINGS {
                let i = text[at..]
                    .find(&format!("\n{h}\n"))
                    .unwrap_or_else(|| panic!("{code} lacks `{h}` (in order)"));
                at += i + 1;
            }
            assert!(text.contains("```go"), "{code} has Go examples");
        }
    }

    /// Every page is some rule's explanation, compiled in as it is on disk.
    #[test]
    fn no_text_is_orphaned() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/catalog");
        let mut pages = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let Some(code) = name.strip_suffix(".md") else {
                continue;
            };
            if code == "README" {
                continue;
            }
            let rule = RULES
                .iter()
                .find(|r| r.id.as_str() == code)
                .unwrap_or_else(|| panic!("{name} explains a code no rule declares"));
            assert_eq!(
                rule.explanation,
                std::fs::read_to_string(&path).unwrap(),
                "{code}'s explanation is {name}"
            );
            pages += 1;
        }
        assert_eq!(pages, RULES.len());
    }
}
