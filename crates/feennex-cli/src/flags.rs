//! Flags that several commands share. A leaf module: it imports no command, so
//! every command can import it without a cycle.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, ValueEnum};
use feennex_proto::prelude::{BaseUrl, ShopId, Timestamp};

/// Where the secret key comes from, for the commands that sign.
#[derive(Debug, Args)]
pub struct SecretArgs {
    /// File holding the secret key (instead of FEENNEX_SECRET_KEY).
    #[arg(long, global = true, value_name = "PATH", help_heading = "Shop")]
    pub secret_file: Option<PathBuf>,
}

/// The shop and its secret, for the commands that sign for a shop.
#[derive(Debug, Args)]
pub struct ShopArgs {
    /// Your shop id.
    #[arg(long, global = true, env = "FEENNEX_SHOP_ID", help_heading = "Shop")]
    pub shop_id: Option<ShopId>,
    #[command(flatten)]
    pub secret: SecretArgs,
}

/// The API to reach, for the commands that call it.
#[derive(Debug, Args)]
pub struct ApiArgs {
    /// API base URL.
    #[arg(
        long,
        global = true,
        env = "FEENNEX_BASE_URL",
        default_value = feennex_proto::request::DEFAULT_BASE_URL,
        help_heading = "Connection"
    )]
    pub base_url: BaseUrl,
    #[command(flatten)]
    pub shop: ShopArgs,
    /// Seconds one attempt may take before it is given up (and, for a payout,
    /// reconciled by its status).
    #[arg(long, global = true, value_name = "SECONDS", help_heading = "Connection")]
    pub timeout: Option<Seconds>,
    /// Allow a plain http:// base URL on another machine: anyone on the path can
    /// then read and alter the requests.
    #[arg(long, global = true, help_heading = "Connection")]
    pub allow_plain_http: bool,
}

/// The base URL of a running sandbox.
#[derive(Debug, Args)]
pub struct SandboxUrlArgs {
    /// The sandbox's base URL, as it printed it.
    #[arg(long, env = "FEENNEX_BASE_URL", default_value = "http://127.0.0.1:8080")]
    pub base_url: BaseUrl,
}

/// Print the exact HTTP request instead of sending it.
#[derive(Debug, Args)]
pub struct DryRun {
    /// Print the exact HTTP request that would be sent, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// How a payout create starts: fresh, or resuming an id of one's own.
#[derive(Debug, Args)]
pub struct ResumeArg {
    /// This shop_payment_id is yours and was created with these details (your own
    /// records say so): look it up first, and take a payout found under it that
    /// matches as this one. Without it, a payout that existed under the id before
    /// this command is reported as unverified (exit 7), never as paid.
    #[arg(long)]
    pub resume: bool,
}

/// The `now` field: the current time unless given.
#[derive(Debug, Args)]
pub struct NowArg {
    /// Time of sending (RFC 3339); defaults to the current time.
    #[arg(long)]
    pub now: Option<Timestamp>,
}

/// How much is logged and how results and errors are printed; every command has these.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Log more on standard error: -v failed attempts, waits, lookups and outcomes;
    /// -vv every attempt; -vvv everything (RUST_LOG, when set, decides instead).
    #[arg(
        short,
        long,
        global = true,
        action = ArgAction::Count,
        conflicts_with = "quiet",
        help_heading = "Logs and errors"
    )]
    pub verbose: u8,
    /// Log nothing but errors.
    #[arg(short, long, global = true, help_heading = "Logs and errors")]
    pub quiet: bool,
    /// How errors are printed on standard error: text, or one JSON object.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = OutputFormat::Text,
        help_heading = "Logs and errors"
    )]
    pub output: OutputFormat,
}

/// How errors are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// `error: ...` and its causes, one per line.
    Text,
    /// One JSON object: code, message, causes, whether the outcome is unknown, exit code.
    Json,
}

/// A `--timeout` in seconds, such as `2` or `0.5`.
#[derive(Debug, Clone, Copy)]
pub struct Seconds(pub Duration);

impl std::str::FromStr for Seconds {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        text.parse::<f64>()
            .ok()
            .filter(|seconds| *seconds > 0.0)
            .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
            .map(Seconds)
            .ok_or_else(|| format!("{text:?} is not a positive number of seconds"))
    }
}
