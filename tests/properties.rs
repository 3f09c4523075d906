//! Property tests of the reader: arbitrary bytes, mutated real recordings and truncations never
//! panic, and every line read is accounted for (blank, header, tool, escape output or not
//! understood). 1,000 cases per property by default; ESCAPE_EXPLAIN_PROPTEST_CASES=100000
//! runs the long mode.

use escape_explain::escape::{InputStats, Reader};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("ESCAPE_EXPLAIN_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

/// What the reader counted; `None` when it refused the input as binary, which it may do only
/// for input with a NUL byte or a damaged gzip stream (input that starts with gzip's magic).
fn read(bytes: &[u8]) -> Option<InputStats> {
    let mut reader = Reader::new();
    let mut sections = 0usize;
    if let Err(e) = reader.read(bytes, &mut |_| {
        sections += 1;
        Ok(())
    }) {
        assert!(
            bytes.contains(&0) || bytes.starts_with(&[0x1F, 0x8B]),
            "{e}"
        );
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
        return None;
    }
    let (stats, _) = reader
        .finish(&mut |_| {
            sections += 1;
            Ok(())
        })
        .unwrap();
    Some(stats)
}

fn accounted(s: &Option<InputStats>) -> Result<(), TestCaseError> {
    let Some(s) = s else {
        return Ok(());
    };
    prop_assert_eq!(
        s.lines,
        s.blank_lines + s.headers + s.tool_lines + s.escape_lines + s.unrecognized_lines,
        "{:?}",
        s
    );
    Ok(())
}

/// The recordings the mutations start from: every module's -m=2 log of one version.
fn recordings() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go1.27");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if let Ok(b) = std::fs::read(e.path().join("m2-l.txt"))
            && !b.is_empty()
        {
            out.push(b);
        }
    }
    out.sort();
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    DeleteLine(usize),
    DuplicateLine(usize),
    Truncate(usize),
    Insert(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::Truncate),
        (
            any::<usize>(),
            prop::collection::vec(
                prop_oneof![
                    Just(b'\n'),
                    Just(b'\r'),
                    Just(b':'),
                    Just(0x1b),
                    Just(b'{'),
                    any::<u8>()
                ],
                0..40
            )
        )
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
    ]
}

fn apply(mut log: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        if log.is_empty() {
            break;
        }
        let n = log.len();
        match m {
            Mutation::Flip(i, b) => log[i % n] = *b,
            Mutation::Truncate(i) => log.truncate(i % n),
            Mutation::Insert(i, v) => {
                let at = i % n;
                log.splice(at..at, v.iter().copied());
            }
            Mutation::DeleteLine(i) | Mutation::DuplicateLine(i) => {
                let lines: Vec<&[u8]> = log.split_inclusive(|&b| b == b'\n').collect();
                let k = i % lines.len();
                let mut out: Vec<u8> = Vec::with_capacity(log.len());
                for (j, l) in lines.iter().enumerate() {
                    if j == k && matches!(m, Mutation::DeleteLine(_)) {
                        continue;
                    }
                    out.extend_from_slice(l);
                    if j == k && matches!(m, Mutation::DuplicateLine(_)) {
                        out.extend_from_slice(l);
                    }
                }
                log = out;
            }
        }
    }
    log
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_bytes_never_panic_and_every_line_counts(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        accounted(&read(&bytes))?;
    }

    #[test]
    fn mutated_recordings_never_panic_and_every_line_counts(
        which in any::<usize>(),
        muts in prop::collection::vec(mutation(), 1..8),
    ) {
        let logs = recordings();
        let log = apply(logs[which % logs.len()].clone(), &muts);
        accounted(&read(&log))?;
    }
}

/// The demo's recorded heap profile, decompressed: a real protobuf to mutate.
fn real_profile() -> Vec<u8> {
    use std::io::Read;
    let gz = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/map-cache/heap.pprof"
    ))
    .unwrap();
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// A profile is read or refused with a reason; no byte sequence panics.
    #[test]
    fn any_bytes_are_a_profile_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = escape_explain::profile::parse("p", &bytes);
        let _ = escape_explain::profile::parse("p", &gzip(&bytes));
    }

    #[test]
    fn a_mutated_real_profile_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = real_profile();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let _ = escape_explain::profile::parse("p", &bytes);
        let end = cut.index(bytes.len());
        let _ = escape_explain::profile::parse("p", &bytes[..end]);
        let gz = gzip(&bytes);
        let _ = escape_explain::profile::parse("p", &gz[..cut.index(gz.len())]);
    }

    #[test]
    fn any_goroutine_text_never_panics(text in "goroutine [0-9 a-z\\[\\]:,()./\\n\\t+x]{0,400}") {
        let _ = escape_explain::profile::parse("p", text.as_bytes());
        let _ = escape_explain::profile::parse("p", format!("goroutine profile: total 1\n{text}").as_bytes());
    }
}

#[test]
fn the_real_profile_reads() {
    let p = escape_explain::profile::parse("heap.pprof", &gzip(&real_profile())).unwrap();
    assert_eq!(p.kind, escape_explain::profile::Kind::Heap);
    assert!(!p.samples.is_empty());
}
