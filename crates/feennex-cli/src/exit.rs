//! Exit codes, and how a failure is printed: as text with its causes, or as JSON.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use crate::flags::OutputFormat;

/// Exit code: a payout under the id exists but differs from the one asked (for a
/// batch: some rows conflict).
pub const EXIT_CONFLICT: u8 = 6;
/// Exit code: a payout under the id matches the one asked, but nothing shows it
/// was made for it (for a batch: some rows unverified).
pub const EXIT_UNVERIFIED: u8 = 7;

/// Why a command failed; each kind has its own exit code.
#[derive(Debug)]
pub enum Failure {
    /// Bad usage or input (exit 2): the message names the field.
    Input(String),
    /// Standard output could not be written (exit 1).
    Output(String),
    /// A call to the API failed: Feennex answered with an error (exit 3), the
    /// input was refused before sending (exit 2), no usable answer came (exit 4),
    /// a payout under the id differs from the one asked (exit 6), or matches it
    /// without proof that it was made for it (exit 7).
    Call(feennex_proto::Error),
    /// No usable answer, outside a call of the API (exit 4).
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
    /// The message, without its causes and the exit code.
    pub fn message(&self) -> String {
        match self {
            Failure::Call(error) => error.to_string(),
            Failure::Input(message)
            | Failure::Output(message)
            | Failure::Transport(message)
            | Failure::Unfinished(_, message)
            | Failure::Sandbox(message)
            | Failure::Rejected(message) => message.clone(),
        }
    }

    /// The exit code of this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Input(_) => 2,
            Failure::Output(_) | Failure::Rejected(_) | Failure::Sandbox(_) => 1,
            Failure::Call(feennex_proto::Error::InvalidInput { .. }) => 2,
            Failure::Call(feennex_proto::Error::Api(_)) => 3,
            Failure::Call(feennex_proto::Error::Conflict(_)) => EXIT_CONFLICT,
            Failure::Call(feennex_proto::Error::Unverified(_)) => EXIT_UNVERIFIED,
            Failure::Call(_) | Failure::Transport(_) => 4,
            Failure::Unfinished(code, _) => *code,
        }
    }

    /// The kind of failure as a word, for scripts.
    fn kind(&self) -> &'static str {
        match self {
            Failure::Input(_) | Failure::Call(feennex_proto::Error::InvalidInput { .. }) => "input",
            Failure::Output(_) => "output",
            Failure::Call(feennex_proto::Error::Api(_)) => "api",
            Failure::Call(feennex_proto::Error::Conflict(_)) => "conflict",
            Failure::Call(feennex_proto::Error::Unverified(_)) => "unverified",
            Failure::Call(_) | Failure::Transport(_) => "transport",
            Failure::Unfinished(..) => "unfinished",
            Failure::Rejected(_) => "rejected",
            Failure::Sandbox(_) => "sandbox",
        }
    }

    /// Prints the failure on standard error in the chosen format and gives the exit code.
    pub fn report(self, format: OutputFormat) -> ExitCode {
        let code = self.exit_code();
        let text = match format {
            OutputFormat::Text => self.to_text(),
            OutputFormat::Json => self.to_json(),
        };
        // Standard error may be a closed pipe too: the exit code still tells.
        let _ = writeln!(std::io::stderr(), "{text}");
        ExitCode::from(code)
    }

    /// `error: MESSAGE` and then one `  caused by: CAUSE` line per cause.
    pub fn to_text(&self) -> String {
        let mut text = format!("error: {}", self.message());
        for cause in self.causes() {
            text.push_str("\n  caused by: ");
            text.push_str(&cause);
        }
        text
    }

    /// One JSON object on one line.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Report<'a> {
            error: Body<'a>,
        }
        #[derive(Serialize)]
        struct Body<'a> {
            kind: &'a str,
            /// Feennex's error code, when it answered with one.
            code: Option<i64>,
            message: String,
            causes: Vec<String>,
            outcome_unknown: bool,
            exit_code: u8,
        }
        let (code, outcome_unknown) = match self {
            Failure::Call(error) => {
                (error.api_code().map(|code| code.code()), error.is_outcome_unknown())
            }
            Failure::Unfinished(4, _) => (None, true),
            _ => (None, false),
        };
        let report = Report {
            error: Body {
                kind: self.kind(),
                code,
                message: self.message(),
                causes: self.causes(),
                outcome_unknown,
                exit_code: self.exit_code(),
            },
        };
        serde_json::to_string(&report).unwrap_or_else(|_| {
            format!(
                "{{\"error\":{{\"message\":\"unprintable\",\"exit_code\":{}}}}}",
                self.exit_code()
            )
        })
    }

    /// The causes below the message, each once: a cause whose text the line above
    /// already shows is skipped, its own cause is not.
    fn causes(&self) -> Vec<String> {
        let Failure::Call(error) = self else {
            return Vec::new();
        };
        cause_chain(error)
    }
}

impl From<feennex_proto::Error> for Failure {
    fn from(error: feennex_proto::Error) -> Self {
        Failure::Call(error)
    }
}

/// The texts of an error's sources, skipping any that the text above already contains.
pub fn cause_chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut shown = error.to_string();
    let mut causes = Vec::new();
    let mut next = error.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !text.is_empty() && !shown.contains(&text) {
            causes.push(text.clone());
            shown = text;
        }
        next = cause.source();
    }
    causes
}

/// Reports a command-line parsing error in clap's own layout (usage line and
/// suggestions included): help and version go to standard output with exit 0,
/// usage errors to standard error with exit 2.
pub fn clap_failure(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let _ = error.print();
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => ExitCode::SUCCESS,
        _ => ExitCode::from(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|layer| layer as _)
        }
    }

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated_but_its_own_cause_is_shown() {
        let refused = Layer("Connection refused (os error 111)", None);
        let connect = Layer("cannot connect", Some(Box::new(refused)));
        let top = Layer("the request was not sent: cannot connect", Some(Box::new(connect)));
        assert_eq!(cause_chain(&top), ["Connection refused (os error 111)"]);
    }

    #[test]
    fn json_errors_carry_kind_code_message_and_exit_code() {
        let json: serde_json::Value =
            serde_json::from_str(&Failure::Input("--amount: bad".into()).to_json()).unwrap();
        assert_eq!(json["error"]["kind"], "input");
        assert_eq!(json["error"]["exit_code"], 2);
        assert_eq!(json["error"]["message"], "--amount: bad");
        assert_eq!(json["error"]["outcome_unknown"], false);
        assert!(json["error"]["code"].is_null());
    }
}
