//! `feennex completions SHELL`: the shell's completion script, from the same
//! definition as the parser.

use std::io::Write;

use clap::Args;
use clap_complete::Shell;

use crate::exit::Failure;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, elvish, fish, powershell or zsh.
    pub shell: Shell,
}

/// Prints the script completing `command`, the whole command line.
pub fn run(
    args: &CompletionsArgs,
    mut command: clap::Command,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "feennex", &mut script);
    out.write_all(&script)
        .map_err(|error| Failure::Output(format!("cannot write the output: {error}")))
}
