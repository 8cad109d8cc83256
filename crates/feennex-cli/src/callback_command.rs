//! `feennex callback verify`: checks a received callback body from standard input.

use std::io::{Read, Write};
use std::net::IpAddr;

use clap::{Args, Subcommand};
use feennex_proto::callback::{
    CallbackPolicy, ConfirmError, FieldRuleError, IpRange, Notification, SenderCheck,
    verify_callback_with,
};

use crate::config;
use crate::exit::Failure;
use crate::flags::ApiArgs;
use crate::send::{Api, failure, runtime};

/// Most bytes of a callback body read from standard input (1 MiB); a longer body
/// is refused without being kept.
pub const MAX_CALLBACK_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Subcommand)]
pub enum CallbackCommand {
    /// Verify a callback read from standard input; print its fields as JSON.
    Verify(CallbackVerifyArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("senders").required(true).args(["allow_ip", "sender_checked_upstream"])))]
pub struct CallbackVerifyArgs {
    /// The key, and for --confirm the API and the shop.
    #[command(flatten)]
    pub api: ApiArgs,
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
    /// Accept one more field name besides the documented callback fields
    /// (repeatable, or comma-separated), such as an add-on field of a payway.
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub allow_field: Vec<String>,
    /// Check the signature only, not which fields the callback has. A re-split
    /// callback passes this: use it with --confirm.
    #[arg(long, conflicts_with = "allow_field")]
    pub permissive: bool,
    /// Then ask the API for the bill of the callback's shop_order_id (needs
    /// --base-url and --shop-id) and refuse the callback unless its shop_id is
    /// --shop-id exactly and payment id, amount, currency and status agree.
    #[arg(long)]
    pub confirm: bool,
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
    let fields = policy(args)?;
    let secret = config::secret(&args.api.shop.secret)?;
    let senders = if args.sender_checked_upstream {
        SenderCheck::CheckedUpstream
    } else {
        SenderCheck::AllowList(args.allow_ip.clone())
    };
    let api = if args.confirm { Some(Api::from_args(&args.api)?) } else { None };
    let body = read_body(input)?;
    let notification =
        verify_callback_with(&body, &args.content_type, args.remote_ip, &secret, &senders, &fields)
            .map_err(|rejection| Failure::Rejected(format!("callback rejected: {rejection}")))?;
    if let Some(api) = api {
        confirm(&api, &notification)?;
    }
    let json =
        serde_json::to_string(&notification).map_err(|error| Failure::Output(error.to_string()))?;
    crate::output::print(out, format_args!("{json}"))
}

/// The field policy of `--allow-field` and `--permissive`, by the core's rule.
fn policy(args: &CallbackVerifyArgs) -> Result<CallbackPolicy, Failure> {
    CallbackPolicy::from_rule(&args.allow_field, args.permissive).map_err(|error| {
        let flag = match error {
            FieldRuleError::AllowedAndPermissive => "--permissive",
            _ => "--allow-field",
        };
        Failure::Input(format!("invalid {flag}: {error}"))
    })
}

/// Reads standard input up to [`MAX_CALLBACK_BYTES`]; more is an input error.
fn read_body(input: &mut dyn Read) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    input.take(MAX_CALLBACK_BYTES + 1).read_to_end(&mut body).map_err(|error| {
        Failure::Input(format!("cannot read the body from standard input: {error}"))
    })?;
    if body.len() as u64 > MAX_CALLBACK_BYTES {
        return Err(Failure::Input(format!(
            "the callback body on standard input is longer than {MAX_CALLBACK_BYTES} bytes"
        )));
    }
    Ok(body)
}

/// Asks the API for the order's bill and compares it with the callback.
fn confirm(api: &Api, notification: &Notification) -> Result<(), Failure> {
    let runtime = runtime()?;
    let client = {
        let _inside = runtime.enter();
        api.client()?
    };
    match runtime.block_on(client.confirm_callback(notification)) {
        Ok(_) => Ok(()),
        Err(ConfirmError::Mismatch(mismatch)) => Err(Failure::Rejected(format!(
            "callback rejected: it disagrees with the API on {mismatch}"
        ))),
        Err(ConfirmError::Lookup(error)) => Err(failure(error)),
        Err(other) => Err(Failure::Transport(other.to_string())),
    }
}
