//! `--format html`: the page's contract (`data-file`, `data-line`, `data-verdict` on every
//! source line), that nothing from the log or the source becomes markup, snapshots of two demos
//! and a fixture module, and (with Chromium) what a real browser renders.

use std::process::{Command, Stdio};

use scraper::{Html, Selector};

mod common;
use common::{assert_success, offline, root};

fn page(args: &[&str]) -> String {
    let out = offline()
        .args(args)
        .args(["--format", "html"])
        .output()
        .expect("escape-explain runs");
    assert_success(&out, &format!("{args:?}: "));
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

/// The pages the snapshots and the browser test look at: (name, arguments).
pub fn pages() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("demo-map-cache", vec!["demo", "map-cache"]),
        ("demo-subslice", vec!["demo", "subslice"]),
        (
            "fixture-profiles",
            vec![
                "--input",
                "tests/fixtures/go1.27/profiles/m2-l.txt",
                "-C",
                "tests/go/profiles",
                "--profile",
                "tests/fixtures/go1.27/profiles/profiles/heap-2.pprof",
                "--profile",
                "tests/fixtures/go1.27/profiles/profiles/goroutine.txt",
            ],
        ),
    ]
}

#[test]
fn snapshots_of_two_demos_and_a_fixture_module() {
    for (name, args) in pages() {
        insta::assert_snapshot!(format!("html-{name}"), page(&args));
    }
}

#[test]
fn every_source_line_carries_its_file_and_line_and_marked_lines_their_verdict() {
    let html = page(&["demo", "map-cache"]);
    let doc = Html::parse_document(&html);
    let lines = select(&doc, "[data-line]");
    let leaky = std::fs::read_to_string(root().join("samples/map-cache/leaky.go")).unwrap();
    let leaky_lines = select(&doc, "[data-file=\"leaky.go\"][data-line]");
    assert_eq!(leaky_lines.len(), leaky.lines().count());
    assert!(lines.len() > leaky_lines.len());
    let line19 = select(&doc, "[data-file=\"leaky.go\"][data-line=\"19\"]");
    assert_eq!(line19[0].value().attr("data-verdict"), Some("leak-risk"));
    // The findings are in the markup, beside the line: no script needed to read them.
    let panel: String = line19[0].text().collect();
    assert!(
        panel.contains("are kept in a package-level map `entries`"),
        "{panel}"
    );
    assert!(panel.contains("live in heap.pprof"), "{panel}");
    let fixed23 = select(&doc, "[data-file=\"fixed.go\"][data-line=\"23\"]");
    assert_eq!(fixed23[0].value().attr("data-verdict"), Some("retained"));
    let plain = select(&doc, "[data-file=\"leaky.go\"][data-line=\"1\"]");
    assert_eq!(plain[0].value().attr("data-verdict"), None);
    // The leaky and the fixed file side by side.
    assert_eq!(select(&doc, ".pair > section.file").len(), 2);
    // The code links to its explanation, embedded.
    assert_eq!(select(&doc, "article#code-EE0201").len(), 1);
}

/// Strings and comments carrying `</script>`, `<img onerror=...>` and `<!--`, and the
/// compiler's quotes of them, show as text: every element and attribute of the page is one the
/// renderer writes, and the source's text is there, whole.
#[test]
fn nothing_from_the_source_or_the_log_becomes_markup() {
    for version in ["go1.21", "go1.27"] {
        let log = format!("tests/fixtures/{version}/markup/m2-l.txt");
        let html = page(&["--input", &log, "-C", "tests/go/markup", "--all"]);
        let doc = Html::parse_document(&html);
        const ELEMENTS: &[&str] = &[
            "html",
            "head",
            "meta",
            "title",
            "style",
            "body",
            "header",
            "h1",
            "h2",
            "h3",
            "h4",
            "p",
            "code",
            "pre",
            "ul",
            "ol",
            "li",
            "a",
            "table",
            "tbody",
            "tr",
            "th",
            "td",
            "nav",
            "select",
            "option",
            "main",
            "section",
            "div",
            "details",
            "summary",
            "span",
            "i",
            "strong",
            "em",
            "dl",
            "dt",
            "dd",
            "svg",
            "rect",
            "text",
            "line",
            "polygon",
            "footer",
            "script",
            "article",
            "blockquote",
            "hr",
            "br",
        ];
        const ATTRIBUTES: &[&str] = &[
            "lang",
            "charset",
            "http-equiv",
            "content",
            "name",
            "class",
            "id",
            "href",
            "data-file",
            "data-line",
            "data-verdict",
            "title",
            "style",
            "hidden",
            "aria-label",
            "value",
            "selected",
            "xmlns",
            "width",
            "height",
            "viewBox",
            "role",
            "x",
            "y",
            "rx",
            "fill",
            "stroke",
            "text-anchor",
            "font-family",
            "font-size",
            "x1",
            "y1",
            "x2",
            "y2",
            "points",
            "aria-hidden",
        ];
        for e in doc
            .root_element()
            .descendants()
            .filter_map(scraper::ElementRef::wrap)
        {
            let name = e.value().name();
            assert!(
                ELEMENTS.contains(&name),
                "{version}: element <{name}> on the page"
            );
            for (attr, value) in e.value().attrs() {
                assert!(
                    ATTRIBUTES.contains(&attr),
                    "{version}: attribute {attr}={value:?} on <{name}>"
                );
                if attr == "href" {
                    assert!(
                        value.starts_with('#'),
                        "{version}: a link out of the page: {value}"
                    );
                }
            }
        }
        assert_eq!(select(&doc, "script").len(), 1, "{version}");
        let line11: String = select(&doc, "[data-file=\"markup.go\"][data-line=\"11\"] .code")[0]
            .text()
            .collect();
        assert_eq!(
            line11,
            "\tv := \"</script><img src=x onerror=alert(2)>\" + k + \"<!--\""
        );
        let comment: String = select(&doc, "[data-file=\"markup.go\"][data-line=\"3\"] .code")[0]
            .text()
            .collect();
        assert!(
            comment.contains("</script><script>alert(\"comment\")</script> <!--"),
            "{comment}"
        );
        // The compiler's quote of the expression, in a finding's title, is text too.
        let titles: String = select(&doc, ".panel h3")
            .iter()
            .flat_map(|h| h.text())
            .collect();
        assert!(titles.contains("onerror=alert(2)"), "{version}: {titles}");
    }
}

/// The DOM Chromium renders for a page, and the URLs the page asked for (from its network
/// log: requests whose initiator is the page, not the browser's own background requests).
fn render(chromium: &str, file: &std::path::Path, dir: &std::path::Path) -> (String, Vec<String>) {
    render_url(chromium, &format!("file://{}", file.display()), file, dir)
}

fn render_url(
    chromium: &str,
    url: &str,
    file: &std::path::Path,
    dir: &std::path::Path,
) -> (String, Vec<String>) {
    let netlog = file.with_extension("netlog.json");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            &format!("--user-data-dir={}", dir.join("profile").display()),
            &format!("--log-net-log={}", netlog.display()),
            "--dump-dom",
            url,
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_success(&out, "");
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&netlog).unwrap()).unwrap();
    let start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].clone();
    let asked = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == start && e["params"]["initiator"] != "not an origin")
        .filter_map(|e| Some(e["params"]["url"].as_str()?.to_string()))
        .collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), asked)
}

/// Renders each page in Chromium (`chromium --headless --dump-dom`), when it is installed
/// (`.ci/run` installs it; with CI=true its absence fails the test): the expected lines carry
/// their verdict, a leak line's findings contain its title, and the network log of the page
/// shows no request beyond the page itself. Writes docs/see-it.png from the first demo when
/// ESCAPE_EXPLAIN_SCREENSHOT is set.
#[test]
fn a_real_browser_renders_the_pages() {
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: chromium is required for the browser test"
        );
        eprintln!("a_real_browser_renders_the_pages: skipped (no chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // The check itself: a page that loads an image and a script from elsewhere is caught.
    let bad = dir.path().join("bad.html");
    std::fs::write(
        &bad,
        "<html><body><img src=\"http://example.invalid/x.png\"><script src=\"https://example.invalid/a.js\"></script></body></html>",
    )
    .unwrap();
    let (_, asked) = render(chromium, &bad, dir.path());
    assert_eq!(asked.len(), 2, "{asked:?}");
    for (name, args) in pages() {
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, page(&args)).unwrap();
        let (dom, asked) = render(chromium, &file, dir.path());
        assert!(asked.is_empty(), "{name}: the page asked for {asked:?}");
        let dom = Html::parse_document(&dom);
        let marked = select(&dom, "[data-verdict]");
        assert!(
            !marked.is_empty(),
            "{name}: no marked line in the rendered page"
        );
        let leak = select(&dom, "[data-verdict=\"leak-risk\"]");
        assert!(!leak.is_empty(), "{name}: no leak-risk line");
        let text: String = leak[0].text().collect();
        let title: String = select(&dom, "[data-verdict=\"leak-risk\"] .panel h3")[0]
            .text()
            .collect();
        assert!(
            text.contains(&title) && title.contains("kept"),
            "{name}: {title}"
        );
        // The script ran: the picker is shown.
        assert!(
            select(&dom, "select#pick")[0]
                .value()
                .attr("hidden")
                .is_none(),
            "{name}"
        );
    }
    // A click on a marked line opens its findings; a link to a line opens it too.
    let html = page(&pages()[0].1);
    let clicked = dir.path().join("clicked.html");
    std::fs::write(
        &clicked,
        html.replace(
            "</body>",
            "<script>document.querySelector('[data-verdict=\"leak-risk\"] > summary').click();</script></body>",
        ),
    )
    .unwrap();
    let (dom, _) = render(chromium, &clicked, dir.path());
    let dom = Html::parse_document(&dom);
    let leak = select(&dom, "details[data-verdict=\"leak-risk\"]");
    assert!(
        leak[0].value().attr("open").is_some(),
        "a click opens the line"
    );
    let id = leak[0].value().attr("id").unwrap().to_string();
    let linked = dir.path().join("linked.html");
    std::fs::write(&linked, &html).unwrap();
    let (dom, _) = render_url(
        chromium,
        &format!("file://{}#{id}", linked.display()),
        &linked,
        dir.path(),
    );
    let dom = Html::parse_document(&dom);
    let target = select(&dom, &format!("details#{id}"));
    assert!(
        target[0].value().attr("open").is_some(),
        "a link to the line opens it"
    );
    if std::env::var_os("ESCAPE_EXPLAIN_SCREENSHOT").is_some() {
        let file = dir.path().join("demo-map-cache.html");
        let png = root().join("docs/see-it.png");
        let out = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=1280,1300",
                &format!("--user-data-dir={}", dir.path().join("profile").display()),
                &format!("--screenshot={}", png.display()),
                &format!("file://{}", file.display()),
            ])
            .output()
            .unwrap();
        assert_success(&out, "");
    }
}

/// A log piped in makes the same page as the same log read from a file.
#[test]
fn a_piped_log_makes_the_same_page() {
    let log = root().join("tests/fixtures/go1.27/profiles/m2-l.txt");
    let out = offline()
        .args([
            "--input",
            "-",
            "-C",
            "tests/go/profiles",
            "--format",
            "html",
        ])
        .stdin(std::fs::File::open(&log).unwrap())
        .output()
        .unwrap();
    assert_success(&out, "");
    let piped = String::from_utf8(out.stdout).unwrap();
    let read = page(&[
        "--input",
        "tests/fixtures/go1.27/profiles/m2-l.txt",
        "-C",
        "tests/go/profiles",
    ]);
    // Only where the log came from differs.
    let strip = |s: &str| {
        s.replace("standard input", "")
            .replace("tests/fixtures/go1.27/profiles/m2-l.txt", "")
    };
    assert_eq!(strip(&piped), strip(&read));
    assert!(piped.contains(r#"data-verdict="leak-risk""#));
}

/// What a profile brings to the page (its file name, in titles) is text too.
#[test]
fn a_profile_named_with_markup_shows_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let hostile = tmp.path().join("<img src=x onerror=alert(9)>.pprof");
    std::fs::copy(
        root().join("tests/fixtures/go1.27/profiles/profiles/heap-2.pprof"),
        &hostile,
    )
    .unwrap();
    let html = page(&[
        "--input",
        "tests/fixtures/go1.27/profiles/m2-l.txt",
        "-C",
        "tests/go/profiles",
        "--profile",
        hostile.to_str().unwrap(),
    ]);
    let doc = Html::parse_document(&html);
    assert!(select(&doc, "img").is_empty());
    let titles: String = select(&doc, ".panel h3")
        .iter()
        .flat_map(|h| h.text())
        .collect();
    assert!(
        titles.contains("live in <img src=x onerror=alert(9)>.pprof"),
        "{titles}"
    );
}

/// A finding at a line the file no longer has (the source changed since the log was saved)
/// is listed apart, never dropped.
#[test]
fn findings_past_the_end_of_a_changed_file_are_listed_apart() {
    let tmp = tempfile::tempdir().unwrap();
    for f in [
        "go.mod",
        "grow.go",
        "lru.go",
        "pin.go",
        "workers.go",
        "doc.go",
    ] {
        std::fs::copy(root().join("tests/go/profiles").join(f), tmp.path().join(f)).unwrap();
    }
    let grow = std::fs::read_to_string(tmp.path().join("grow.go")).unwrap();
    let short: Vec<&str> = grow.lines().take(12).collect();
    std::fs::write(tmp.path().join("grow.go"), short.join("\n")).unwrap();
    let log = root().join("tests/fixtures/go1.27/profiles/m2-l.txt");
    let html = page(&[
        "--input",
        log.to_str().unwrap(),
        "-C",
        tmp.path().to_str().unwrap(),
    ]);
    let doc = Html::parse_document(&html);
    let apart: String = select(&doc, "section.elsewhere")
        .iter()
        .flat_map(|e| e.text())
        .collect();
    assert!(apart.contains("`&Session{...}` is on the heap"), "{apart}");
}
