//! The checks of the feennex fuzz targets, in [`checks`]; the stable replay test
//! of the corpus includes the same file.
#![forbid(unsafe_code)]

pub mod checks;
