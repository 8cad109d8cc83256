//! Cross-crate integration tests of feennex; the tests live in `tests/`.
