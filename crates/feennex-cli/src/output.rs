//! Writing results on standard output.

use std::io::Write;

use crate::exit::Failure;

/// Writes one line, turning a closed pipe into a failure instead of a panic.
pub fn print(out: &mut dyn Write, text: std::fmt::Arguments<'_>) -> Result<(), Failure> {
    writeln!(out, "{text}")
        .map_err(|error| Failure::Output(format!("cannot write the output: {error}")))
}
