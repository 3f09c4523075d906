//! Stack for the walks that recurse over Go syntax.
//!
//! A walk over a syntax tree recurses once per level of nesting, and generated code nests
//! without limit: a 10,000-term concatenation is a 10,000-deep chain of binary expressions, and
//! closures, composite literals and `else if` chains nest as deep. A stack overflow ends the
//! process (no `catch_unwind` stops it), and no fixed stack is large enough for every input, nor
//! can a large one always be reserved (`ulimit -v`). So each recursive step that can nest
//! without bound runs under [`deep`], which moves the rest of the recursion to a new stack
//! segment on the heap when the thread's stack runs low (as rustc's `ensure_sufficient_stack`
//! does): the depth a walk can reach is bounded by memory, on any thread.

/// Stack that must be left when a recursive step starts: more than any one step, with the
/// calls it makes that do not recurse, uses (unoptimized builds take the most).
const RED_ZONE: usize = 256 * 1024;

/// The size of each segment added when the red zone is reached: large enough that a deep walk
/// maps few of them.
const SEGMENT: usize = 4 * 1024 * 1024;

/// Runs `f`, on a new stack segment when less than [`RED_ZONE`] of the current one is left.
/// Wrap each recursive call over syntax (or over what is built from it) in this; the check
/// costs a few instructions.
#[inline]
pub fn deep<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}

#[cfg(test)]
mod tests {
    use super::deep;

    /// Counts down `n` levels, each with a frame that would exhaust a default thread stack
    /// (2 MiB) well before the end.
    fn down(n: u32) -> u32 {
        let frame = std::hint::black_box([0u8; 1024]);
        if n == 0 {
            return u32::from(frame[0]);
        }
        deep(|| down(n - 1)) + 1
    }

    #[test]
    fn recursion_deeper_than_the_thread_s_stack_completes() {
        let levels = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| down(100_000))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(levels, 100_000);
    }
}
