//! Benchmarks of the feennex crates; the benches live in `benches/`.
