//! EE0207: a sub-slice (`buf[a:b]`) kept by a long-lived holder. A slice header points into its
//! backing array, so keeping 8 bytes of a 1 MB buffer keeps the whole megabyte alive for as long
//! as the holder keeps the sub-slice.

use crate::source::index::Effect;

/// The value added is written as a slice expression of the value being classified (`value`
/// is the flow's source variable or the parameter).
pub fn applies(add: &Effect, value: Option<&str>) -> bool {
    // Guard: only the slice expression written at the store counts; a `slice` step elsewhere in
    // the flow is usually `arr[:]` of a small local array. And only for the sliced value: the
    // key stored beside it (`m[name] = body[:8]`) pins nothing.
    match (&add.pin, value) {
        (Some(pin), Some(v)) => pin.of == v || v.rsplit('.').next() == Some(pin.of.as_str()),
        _ => false,
    }
}
