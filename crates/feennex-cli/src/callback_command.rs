//! `feennex callback verify`: checks a received callback body from standard input.

use std::io::{Read, Write};
use std::net::IpAddr;

use clap::{Args, Subcommand};
use feennex_proto::{IpRange, SenderCheck, verify_callback};

use crate::config;
use crate::exit::Failure;
use crate::flags::SecretArgs;

#[derive(Debug, Subcommand)]
pub enum CallbackCommand {
    /// Verify a callback read from standard input; print its fields as JSON.
    Verify(CallbackVerifyArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("senders").required(true).args(["allow_ip", "sender_checked_upstream"])))]
pub struct CallbackVerifyArgs {
    #[command(flatten)]
    pub secret: SecretArgs,
    /// The address the callback came from.
    #[arg(long, value_name = "IP")]
    pub remote_ip: IpAddr,
    /// An address, CIDR block or FIRST-LAST range allowed to send callbacks
    /// (repeatable, or comma-separated).
    #[arg(long, value_name = "IP", value_delimiter = ',')]
    pub allow_ip: Vec<IpRange>,
    /// Skip the address check: a proxy in front already refused other senders.
    #[arg(long, conflicts_with = "allow_ip")]
    pub sender_checked_upstream: bool,
    /// The Content-Type header received, such as application/x-www-form-urlencoded.
    #[arg(long, value_name = "TYPE")]
    pub content_type: String,
}

pub fn run(command: &CallbackCommand, out: &mut dyn Write) -> Result<(), Failure> {
    match command {
        CallbackCommand::Verify(args) => verify(args, &mut std::io::stdin().lock(), out),
    }
}

fn verify(
    args: &CallbackVerifyArgs,
    input: &mut dyn Read,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let secret = config::secret(&args.secret)?;
    let senders = if args.sender_checked_upstream {
        SenderCheck::CheckedUpstream
    } else {
        SenderCheck::AllowList(args.allow_ip.clone())
    };
    let mut body = Vec::new();
    input.read_to_end(&mut body).map_err(|error| {
        Failure::Input(format!("cannot read the body from standard input: {error}"))
    })?;
    let notification =
        verify_callback(&body, &args.content_type, args.remote_ip, &secret, &senders)
            .map_err(|rejection| Failure::Rejected(format!("callback rejected: {rejection}")))?;
    let json =
        serde_json::to_string(&notification).map_err(|error| Failure::Output(error.to_string()))?;
    crate::output::print(out, format_args!("{json}"))
}
