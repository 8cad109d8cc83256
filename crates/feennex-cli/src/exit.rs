//! Exit codes and the one-line messages that go with them.

use std::process::ExitCode;

/// Why a command failed; each kind has its own exit code.
#[derive(Debug)]
pub enum Failure {
    /// Bad usage or input (exit 2): the message names the field.
    Input(String),
    /// Standard output could not be written (exit 1).
    Output(String),
    /// Feennex answered with an error (exit 3): its code and message.
    Api(String),
    /// No usable answer: the network failed, or the answer could not be read (exit 4).
    Transport(String),
    /// A batch ended without paying every row (its own exit code).
    Unfinished(u8, String),
    /// The input was read and refused, such as a callback that fails verification
    /// (exit 1).
    Rejected(String),
    /// The sandbox could not start or be reached (exit 1).
    Sandbox(String),
}

impl Failure {
    /// The message, without the exit code.
    pub fn message(&self) -> &str {
        match self {
            Failure::Input(message)
            | Failure::Output(message)
            | Failure::Api(message)
            | Failure::Transport(message)
            | Failure::Unfinished(_, message)
            | Failure::Sandbox(message)
            | Failure::Rejected(message) => message,
        }
    }

    /// Prints the message on standard error and gives the exit code.
    pub fn report(self) -> ExitCode {
        let code = match &self {
            Failure::Input(_) => 2,
            Failure::Output(_) | Failure::Rejected(_) | Failure::Sandbox(_) => 1,
            Failure::Api(_) => 3,
            Failure::Transport(_) => 4,
            Failure::Unfinished(code, _) => *code,
        };
        eprintln!("error: {}", self.message());
        ExitCode::from(code)
    }
}

/// Reports a command-line parsing error: help and version go to standard output
/// with exit 0; real errors become one line on standard error with exit 2.
pub fn clap_failure(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let rendered = error.render().to_string();
    let line: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with("Usage:") && !line.starts_with("For more information"))
        .filter(|line| !line.is_empty())
        .collect();
    let line = line.join(" ");
    eprintln!("{}", line.trim_end_matches(':'));
    ExitCode::from(2)
}
