//! The pprof protobuf form (`profile.proto`, generated at build time from `proto/`): heap,
//! goroutine and goroutine leak profiles as `runtime/pprof` writes them, told apart by their
//! sample types (`goroutine/count`, `goroutineleak/count`), never by the file's name.

use std::collections::HashMap;

use prost::Message;

use super::{Frame, HeapValues, Kind, Profile, Sample, Values};

/// The messages of `proto/profile.proto`.
#[allow(clippy::all, clippy::pedantic)]
mod messages {
    include!(concat!(env!("OUT_DIR"), "/perftools.profiles.rs"));
}

/// Decodes a profile, or says what the bytes are instead.
pub fn decode(name: &str, bytes: &[u8]) -> Result<Profile, String> {
    let p = messages::Profile::decode(bytes)
        .map_err(|e| format!("not a pprof profile, nor the text of a goroutine profile ({e})"))?;
    let string = |i: i64| -> Result<&str, String> {
        usize::try_from(i)
            .ok()
            .and_then(|i| p.string_table.get(i))
            .map(String::as_str)
            .ok_or_else(|| format!("damaged: string {i} is not in its string table"))
    };
    if p.sample_type.is_empty() || p.string_table.first().is_none_or(|s| !s.is_empty()) {
        return Err("not a pprof profile, nor the text of a goroutine profile".into());
    }
    let types: Vec<(&str, &str)> = p
        .sample_type
        .iter()
        .map(|t| Ok((string(t.r#type)?, string(t.unit)?)))
        .collect::<Result<_, String>>()?;
    let index = |name: &str| types.iter().position(|(t, _)| *t == name);
    let kind = if let (Some(objects), Some(space)) = (index("inuse_objects"), index("inuse_space"))
    {
        (
            Kind::Heap,
            [
                index("alloc_objects"),
                index("alloc_space"),
                Some(objects),
                Some(space),
            ],
        )
    } else if types.len() == 1 && types[0].0 == "goroutine" {
        (Kind::Goroutine, [Some(0), None, None, None])
    } else if types.len() == 1 && types[0].0 == "goroutineleak" {
        (Kind::GoroutineLeak, [Some(0), None, None, None])
    } else {
        let what = match types.iter().map(|(t, _)| *t).collect::<Vec<_>>().as_slice() {
            [.., "cpu"] => "a CPU profile".to_string(),
            ["contentions", "delay"] => "a mutex or block profile".to_string(),
            ["alloc_objects", "alloc_space"] => {
                "an allocation profile without in-use values".to_string()
            }
            other => format!("a profile of {}", other.join(", ")),
        };
        return Err(format!(
            "{what}; escape-explain reads heap profiles (debug/pprof/heap, go test -memprofile), goroutine profiles (debug/pprof/goroutine) and goroutine leak profiles (debug/pprof/goroutineleak)"
        ));
    };
    let functions: HashMap<u64, (&str, &str, u32)> = p
        .function
        .iter()
        .map(|f| {
            Ok((
                f.id,
                (
                    string(f.name)?,
                    string(f.filename)?,
                    u32::try_from(f.start_line).unwrap_or(0),
                ),
            ))
        })
        .collect::<Result<_, String>>()?;
    let locations: HashMap<u64, &messages::Location> =
        p.location.iter().map(|l| (l.id, l)).collect();
    let mut samples = Vec::with_capacity(p.sample.len());
    for s in &p.sample {
        let mut frames = Vec::new();
        for id in &s.location_id {
            let loc = locations
                .get(id)
                .ok_or_else(|| format!("damaged: a sample names location {id}, which it lacks"))?;
            // Innermost first: a location's lines are its inlined calls, callee before caller.
            for line in &loc.line {
                let (function, file, start_line) =
                    functions.get(&line.function_id).copied().ok_or_else(|| {
                        format!(
                            "damaged: a location names function {}, which it lacks",
                            line.function_id
                        )
                    })?;
                frames.push(Frame {
                    function: function.to_string(),
                    file: file.to_string(),
                    line: u32::try_from(line.line).unwrap_or(0),
                    start_line,
                });
            }
        }
        let value = |i: Option<usize>| -> Result<i64, String> {
            match i {
                None => Ok(0),
                Some(i) => match s.value.get(i).copied() {
                    None => Err("damaged: a sample has fewer values than types".to_string()),
                    // Counts and sizes: a negative one is no measurement.
                    Some(v) if v < 0 => Err(format!("damaged: a sample has the value {v}")),
                    Some(v) => Ok(v),
                },
            }
        };
        let [ao, ab, io, ib] = kind.1;
        let values = match kind.0 {
            Kind::Heap => Values::Heap(HeapValues {
                alloc_objects: value(ao)?,
                alloc_bytes: value(ab)?,
                inuse_objects: value(io)?,
                inuse_bytes: value(ib)?,
            }),
            Kind::Goroutine | Kind::GoroutineLeak => Values::Goroutine {
                count: value(ao)?,
                created_by: None,
                state: super::wait_of(&frames),
                leaked: kind.0 == Kind::GoroutineLeak,
            },
        };
        samples.push(Sample { frames, values });
    }
    Ok(Profile {
        name: name.to_string(),
        kind: kind.0,
        time_nanos: p.time_nanos,
        samples,
    })
}
