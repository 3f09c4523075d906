//! EE0003: a zero-size value. The compiler says `token{} escapes to heap` (passed as `any`,
//! sent on a `chan any`), but a value whose type has size zero is never allocated: the runtime
//! points it at `runtime.zerobase`. What is zero-size is the source model's
//! ([`PackageIndex::zero_size`]); this is the question `Context::finding` asks of an
//! "escapes to heap" subject, beside the constants (EE0002).

use crate::source::PackageIndex;

/// The finding's words: why nothing is allocated.
pub const WHY: &str = "its type has size zero: the compiler reports the conversion to an interface (or the `&`) as an escape, and the runtime points every zero-size value at the same address, `runtime.zerobase`: nothing is allocated";

/// Whether the subject of an "escapes to heap" diagnostic (`token{}`, `struct {}{}`,
/// `&token{}`, `new(token)`) is a value of a zero-size type: `struct{}`, `[0]T`, or a type the
/// package declares of size zero. Without the package's source only the literal forms count.
pub fn is_zero_size(index: Option<&PackageIndex>, subject: &str) -> bool {
    match index {
        Some(ix) => ix.is_zero_size_value(subject),
        None => crate::source::index::zero_size::is_zero_size_value(&Default::default(), subject),
    }
}

#[cfg(test)]
mod tests {
    use super::is_zero_size;
    use crate::source::PackageIndex;

    fn index(src: &str) -> PackageIndex {
        PackageIndex::of_source(src)
    }

    #[test]
    fn zero_size_subjects_with_and_without_the_source() {
        let ix = index("package p\n\ntype token struct{}\n\ntype sized struct{ n int }\n");
        assert!(is_zero_size(Some(&ix), "token{}"));
        assert!(is_zero_size(Some(&ix), "&token{}"));
        assert!(is_zero_size(Some(&ix), "struct {}{}"));
        assert!(!is_zero_size(Some(&ix), "sized{...}"));
        assert!(!is_zero_size(Some(&ix), "n"));
        // Without the source, a package type is unknown; `struct {}{}` is still zero-size.
        assert!(is_zero_size(None, "struct {}{}"));
        assert!(!is_zero_size(None, "token{}"));
    }
}
