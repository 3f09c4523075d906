//! The text of a goroutine profile, as people paste it into issues: `debug=2` (every goroutine
//! with its state and `created by` line, as in a crash; the goroutines a leak collection proved
//! stuck say `(leaked)` after their state) and `debug=1` (stacks with counts, under a
//! `goroutine profile:` or `goroutineleak profile:` header).

use indexmap::IndexMap;

use super::{Frame, Kind, Profile, Sample, Values};

/// Reads either text form; goroutines with the same stack, state and creator are one sample.
/// The text of every stack (debug=2) is a goroutine profile, even when written for the leak
/// profile: it lists every goroutine, the leaked ones marked.
pub fn parse(name: &str, text: &str) -> Result<Profile, String> {
    let head = text.trim_start();
    let (kind, samples) = if head.starts_with("goroutine profile:") {
        (Kind::Goroutine, debug1(text, false)?)
    } else if head.starts_with("goroutineleak profile:") {
        let samples = debug1(text, true)?;
        // The runtime writes the header even when it proved nothing: no goroutine leaked.
        return Ok(Profile {
            name: name.to_string(),
            kind: Kind::GoroutineLeak,
            time_nanos: 0,
            samples,
        });
    } else {
        (Kind::Goroutine, debug2(text)?)
    };
    if samples.is_empty() {
        return Err("a goroutine profile's text with no goroutine in it".into());
    }
    Ok(Profile {
        name: name.to_string(),
        kind,
        time_nanos: 0,
        samples,
    })
}

/// `goroutine 7 [chan send, 2 minutes]:`, then `function(args)` / `\tfile:line +0x1d` pairs,
/// then `created by F in goroutine 1` and its position.
fn debug2(text: &str) -> Result<Vec<Sample>, String> {
    type Key = (Vec<Frame>, Option<Frame>, Option<String>, bool);
    // In the order first seen, so the report follows the profile.
    let mut groups: IndexMap<Key, i64> = IndexMap::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(head) = line.strip_prefix("goroutine ") else {
            continue;
        };
        let state = head
            .split_once('[')
            .and_then(|(_, s)| s.rsplit_once(']'))
            .map(|(s, _)| {
                // `chan send, 2 minutes`, `select (no cases)`: the wait, without how long.
                s.split(", ").next().unwrap_or(s).to_string()
            });
        // `chan send (leaked)`: proven stuck by the collection the leak profile ran.
        let (state, leaked) = match state {
            Some(s) => match s.strip_suffix(" (leaked)") {
                Some(w) => (Some(w.to_string()), true),
                None => (Some(s), false),
            },
            None => (None, false),
        };
        if state.is_none() || !head.trim_end().ends_with(':') {
            return Err(format!("damaged goroutine header `{}`", clip(line)));
        }
        let mut frames = Vec::new();
        let mut created_by = None;
        while let Some(&l) = lines.peek() {
            if l.trim().is_empty() || l.starts_with("goroutine ") {
                break;
            }
            lines.next();
            let l = l.trim_start();
            if l.starts_with("...") {
                // `...additional frames elided...`
                continue;
            }
            let (creator, function) = match l.strip_prefix("created by ") {
                // `created by F in goroutine 1` (Go 1.21 and later), `created by F` before.
                Some(rest) => (true, rest.split(" in goroutine ").next().unwrap_or(rest)),
                None => (false, strip_args(l)),
            };
            // A tab as printed; spaces where a paste turned it into them.
            let position = lines.next_if(|p| p.starts_with(['\t', ' ']));
            let (file, line_no) = position.map(parse_position).unwrap_or_default();
            let frame = Frame {
                function: function.to_string(),
                file,
                line: line_no,
                start_line: 0,
            };
            if creator {
                created_by = Some(frame);
            } else {
                frames.push(frame);
            }
        }
        *groups
            .entry((frames, created_by, state, leaked))
            .or_insert(0) += 1;
    }
    Ok(groups
        .into_iter()
        .map(|((frames, created_by, state, leaked), count)| Sample {
            frames,
            values: Values::Goroutine {
                count,
                created_by,
                state,
                leaked,
            },
        })
        .collect())
}

/// `goroutine profile: total 25` (`goroutineleak profile: total 25`, every goroutine of which
/// is `leaked`), then `8 @ 0x43a6b6 0x46f0e5` and `#\t0x46f0e4\tF+0x164\tfile:line`. The
/// header's total is the sum of the counts: a file whose stacks add up to another number was
/// cut short or edited.
fn debug1(text: &str, leaked: bool) -> Result<Vec<Sample>, String> {
    let header = text.trim_start().lines().next().unwrap_or("");
    let total: i64 = header
        .rsplit_once("total ")
        .and_then(|(_, n)| n.trim().parse().ok())
        .ok_or_else(|| format!("damaged header `{}`", clip(header)))?;
    let mut samples: Vec<Sample> = Vec::new();
    for line in text.trim_start().lines().skip(1) {
        if let Some((count, _)) = line.split_once(" @ ") {
            let count = count
                .trim()
                .parse::<u32>()
                .map_err(|_| format!("damaged stack header `{}`", clip(line)))?
                .into();
            samples.push(Sample {
                frames: Vec::new(),
                values: Values::Goroutine {
                    count,
                    created_by: None,
                    state: None,
                    leaked,
                },
            });
        } else if let Some(rest) = line.strip_prefix('#') {
            // `#\t0x46f0e4\ttime.Sleep+0x164\t\t\truntime/time.go:368`, `#\t0x46f0e4` (a frame
            // the runtime cannot name), `# labels: {...}`; spaces where a paste lost the tabs.
            if rest.trim_start().starts_with("labels:") {
                continue;
            }
            let parts: Vec<&str> = if rest.contains('\t') {
                rest.split('\t').filter(|p| !p.trim().is_empty()).collect()
            } else {
                rest.split_whitespace().collect()
            };
            let damaged = || format!("damaged frame line `{}`", clip(line));
            let Some(s) = samples.last_mut() else {
                return Err(damaged());
            };
            match parts.as_slice() {
                [_pc] => continue,
                [_pc, function, position] => {
                    let function = function.rsplit_once("+0x").map_or(*function, |(f, _)| f);
                    let (file, line_no) = parse_position(position);
                    if line_no == 0 {
                        return Err(damaged());
                    }
                    s.frames.push(Frame {
                        function: function.to_string(),
                        file,
                        line: line_no,
                        start_line: 0,
                    });
                }
                _ => return Err(damaged()),
            }
        } else if !line.trim().is_empty() {
            return Err(format!(
                "damaged: a line that is no part of a stack: `{}`",
                clip(line)
            ));
        }
    }
    if samples.iter().any(|s| s.frames.is_empty()) {
        return Err("damaged: a stack with no frame".into());
    }
    for s in &mut samples {
        if let Values::Goroutine { state, .. } = &mut s.values {
            *state = super::wait_of(&s.frames);
        }
    }
    let counted: i64 = samples
        .iter()
        .map(|s| match s.values {
            Values::Goroutine { count, .. } => count,
            Values::Heap(_) => 0,
        })
        .sum();
    if counted != total {
        return Err(format!(
            "damaged: its header says {total} goroutines, its stacks count {counted}"
        ));
    }
    Ok(samples)
}

/// `example.com/m.(*T).Run(0xc000, {0x1, 0x2})` -> `example.com/m.(*T).Run`.
fn strip_args(line: &str) -> &str {
    let l = line.trim_end();
    match (l.ends_with(')'), l.rfind('(')) {
        (true, Some(i)) if i > 0 => &l[..i],
        _ => l,
    }
}

/// `\t/src/m/x.go:12 +0x1d` -> (`/src/m/x.go`, 12).
fn parse_position(p: &str) -> (String, u32) {
    let p = p.trim();
    let p = p.rsplit_once(" +0x").map_or(p, |(p, _)| p);
    match p.rsplit_once(':') {
        Some((file, line)) => match line.parse() {
            Ok(n) => (file.to_string(), n),
            Err(_) => (p.to_string(), 0),
        },
        None => (p.to_string(), 0),
    }
}

/// A line quoted in an error: short, and with no control character.
fn clip(line: &str) -> String {
    line.chars().filter(|c| !c.is_control()).take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEBUG2: &str = "goroutine 5 [sleep]:
time.Sleep(0x34630b8a000)
\truntime/time.go:368 +0x165
example.com/p.StartWorkers.func1()
\t/home/u/p/workers.go:10 +0x1d
created by example.com/p.StartWorkers in goroutine 18
\t/home/u/p/workers.go:8 +0x25

goroutine 6 [sleep, 3 minutes]:
time.Sleep(0x34630b8a000)
\truntime/time.go:368 +0x165
example.com/p.StartWorkers.func1()
\t/home/u/p/workers.go:10 +0x1d
created by example.com/p.StartWorkers in goroutine 18
\t/home/u/p/workers.go:8 +0x25
";

    #[test]
    fn debug2_groups_goroutines_by_stack_state_and_creator() {
        let p = parse("g.txt", DEBUG2).unwrap();
        assert_eq!(p.samples.len(), 1);
        let s = &p.samples[0];
        assert_eq!(s.frames[1].function, "example.com/p.StartWorkers.func1");
        assert_eq!(s.frames[1].line, 10);
        let Values::Goroutine {
            count,
            created_by,
            state,
            leaked,
        } = &s.values
        else {
            panic!("not goroutines")
        };
        assert_eq!(*count, 2);
        assert_eq!(state.as_deref(), Some("sleep"));
        assert!(!leaked);
        let c = created_by.as_ref().unwrap();
        assert_eq!(
            (c.function.as_str(), c.file.as_str(), c.line),
            ("example.com/p.StartWorkers", "/home/u/p/workers.go", 8)
        );
    }

    #[test]
    fn debug1_reads_counts() {
        let text = "goroutine profile: total 9\n8 @ 0x43a6b6 0x46f0e5\n#\t0x46f0e4\ttime.Sleep+0x164\t\t\truntime/time.go:368\n#\t0x4a2f3c\texample.com/p.StartWorkers.func1+0x1c\t/home/u/p/workers.go:10\n\n1 @ 0x1\n#\t0x1\tmain.main+0x1\t/home/u/p/main.go:3\n";
        let p = parse("g.txt", text).unwrap();
        assert_eq!(p.samples.len(), 2);
        assert_eq!(
            p.samples[0].frames[1].function,
            "example.com/p.StartWorkers.func1"
        );
        assert_eq!(p.samples[0].frames[1].line, 10);
        assert!(matches!(
            p.samples[0].values,
            Values::Goroutine { count: 8, .. }
        ));
    }

    #[test]
    fn a_pasted_crash_with_spaces_for_tabs_reads() {
        let pasted = format!("panic: boom\n\n{}", DEBUG2.replace('\t', "        "));
        let p = crate::profile::parse("crash.txt", pasted.as_bytes()).unwrap();
        assert_eq!(p.samples.len(), 1);
        assert_eq!(p.samples[0].frames[1].file, "/home/u/p/workers.go");
        assert_eq!(p.samples[0].frames[1].line, 10);
    }

    /// The text of every stack written after a leak collection: the stuck ones say `(leaked)`
    /// after their wait, and are told apart from the others of the same stack.
    #[test]
    fn debug2_marks_the_goroutines_a_leak_collection_proved_stuck() {
        let text = "goroutine 33 [chan send (leaked)]:\nexample.com/p.First.func1({0x1?, 0x0?})\n\texample.com/p/w.go:22 +0x4e\ncreated by example.com/p.First in goroutine 6\n\texample.com/p/w.go:21 +0x51\n\ngoroutine 34 [chan send]:\nexample.com/p.First.func1({0x1?, 0x0?})\n\texample.com/p/w.go:22 +0x4e\ncreated by example.com/p.First in goroutine 6\n\texample.com/p/w.go:21 +0x51\n";
        let p = parse("leak.txt", text).unwrap();
        assert_eq!(p.kind, Kind::Goroutine);
        let flags: Vec<(bool, Option<&str>)> = p
            .samples
            .iter()
            .map(|s| match &s.values {
                Values::Goroutine { leaked, state, .. } => (*leaked, state.as_deref()),
                Values::Heap(_) => panic!("not goroutines"),
            })
            .collect();
        assert_eq!(
            flags,
            [(true, Some("chan send")), (false, Some("chan send"))]
        );
    }

    #[test]
    fn a_debug1_leak_profile_is_a_leak_profile_and_its_total_must_add_up() {
        let text = "goroutineleak profile: total 5\n5 @ 0x1 0x2\n#\t0x2\tsync.(*Mutex).Lock+0x1f\t\tsync/mutex.go:46\n#\t0x3\texample.com/p.Stuck.func1+0x1e\texample.com/p/l.go:30\n";
        let p = parse("leak.txt", text).unwrap();
        assert_eq!(p.kind, Kind::GoroutineLeak);
        assert!(matches!(
            &p.samples[0].values,
            Values::Goroutine { count: 5, leaked: true, state: Some(s), .. } if s == "sync.Mutex.Lock"
        ));
        let none = parse("leak.txt", "goroutineleak profile: total 0\n").unwrap();
        assert!(none.samples.is_empty());
        let cut = parse("leak.txt", &text.replace("total 5", "total 7")).unwrap_err();
        assert!(
            cut.contains("says 7 goroutines, its stacks count 5"),
            "{cut}"
        );
        assert!(parse("leak.txt", "goroutineleak profile: all\n").is_err());
        // A frame cut short, a stray line, a stack with no frame: damaged, not skipped.
        for damaged in [
            "goroutineleak profile: total 15\n15 @ 0x1\n#\t0x5\texample.com/p.First.fu\n",
            "goroutineleak profile: total 15\n15 @ 0x1\n#\t0x5\tp.F+0x1\tp/f.go:3\nnot a stack\n",
            "goroutineleak profile: total 15\n15 @ 0x1\n\n",
        ] {
            assert!(parse("leak.txt", damaged).is_err(), "{damaged}");
        }
    }

    #[test]
    fn a_damaged_header_is_an_error() {
        assert!(parse("g.txt", "goroutine 5 sleep\n").is_err());
        assert!(parse("g.txt", "goroutine profile: total 0\n").is_err());
    }
}
