//! The path from an allocation to its holder, drawn as a row of boxes: the value, the steps
//! the compiler's flow names, the holder, and the release (or that there is none).

use maud::{Markup, html};

use super::Item;

const W: i64 = 150;
const GAP: i64 = 26;
const H: i64 = 44;

/// Shortens a label to fit a box.
fn fit(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

pub(super) fn path(it: &Item) -> Markup {
    let f = &it.finding;
    let Some(h) = &f.holder else {
        return html! {};
    };
    let at = |l: Option<u32>| l.map(|l| format!("line {l}")).unwrap_or_default();
    // Where the value was allocated: a finding placed at the store remembers it.
    let allocated = h
        .kept_at
        .first()
        .map(|(_, l)| *l)
        .or(f.position.as_ref().map(|p| p.line));
    let mut nodes: Vec<(String, String, &str)> =
        vec![(fit(&f.subject, 20), at(allocated), "value")];
    // At most two steps of the flow: the picture is an outline, the list above has them all.
    let mut steps: Vec<&(String, Option<u32>)> = Vec::new();
    for s in &it.steps {
        if s.0 != f.subject && !steps.iter().any(|t| t.0 == s.0) {
            steps.push(s);
        }
    }
    for s in steps.iter().rev().take(2).rev() {
        nodes.push((fit(&s.0, 20), at(s.1), "step"));
    }
    nodes.push((
        fit(&h.name, 20),
        h.added
            .as_ref()
            .map(|s| format!("added, line {}", s.line))
            .unwrap_or_default(),
        "holder",
    ));
    match &h.released {
        Some(r) => nodes.push((
            fit(&r.how, 20),
            r.site
                .as_ref()
                .map(|s| format!("line {}", s.line))
                .unwrap_or_default(),
            "release",
        )),
        None => nodes.push(("no release".into(), String::new(), "none")),
    }
    let width = nodes.len() as i64 * (W + GAP) - GAP + 2;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(width) height=(H + 4) viewBox=(format!("0 0 {width} {}", H + 4)) role="img" aria-label="the path from the value to its holder" {
            @for (i, (label, sub, kind)) in nodes.iter().enumerate() {
                @let x = 1 + i as i64 * (W + GAP);
                @let (fill, stroke) = match *kind {
                    "holder" => ("#fbe7b0", "#b7791f"),
                    "release" => ("#e2f3e4", "#3f8f4f"),
                    "none" => ("#f8d0cc", "#c0392b"),
                    _ => ("#f4f4f4", "#888"),
                };
                rect x=(x) y="2" width=(W) height=(H) rx="6" fill=(fill) stroke=(stroke) {}
                text x=(x + W / 2) y="20" text-anchor="middle" font-family="monospace" font-size="12" { (label) }
                text x=(x + W / 2) y="36" text-anchor="middle" font-family="sans-serif" font-size="11" fill="#555" { (sub) }
                @if i + 1 < nodes.len() {
                    @let (x1, x2, y) = (x + W, x + W + GAP, 2 + H / 2);
                    line x1=(x1) y1=(y) x2=(x2 - 6) y2=(y) stroke="#555" {}
                    // The arrowhead drawn in place: a marker would need an id, and a page has many of these.
                    polygon points=(format!("{},{} {},{} {},{}", x2 - 7, y - 4, x2 - 1, y, x2 - 7, y + 4)) fill="#555" {}
                }
            }
        }
    }
}
