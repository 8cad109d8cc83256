//! The command line: one subcommand per job, each with the flags it uses.

use clap::{Parser, Subcommand};

use crate::flags::OutputArgs;

/// Sign, inspect and send Feennex API requests.
///
/// The secret key is read from FEENNEX_SECRET_KEY or from --secret-file, never from a
/// flag value, which other users of the machine could see in the process list.
#[derive(Debug, Parser)]
#[command(
    name = "feennex",
    version,
    after_help = "The connection, shop and log flags go before or after the command: \
                  `feennex --timeout 2 transfer create ...` is `feennex transfer create \
                  --timeout 2 ...`. Each command takes the ones it uses (see its --help)."
)]
pub struct Cli {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the signature of exactly the given fields.
    Sign(crate::sign_command::SignArgs),
    /// Payouts to Feennex wallets.
    Transfer(crate::transfer_command::TransferArgs),
    /// Payments by Feennex wallet holders.
    Bill(crate::bill_command::BillArgs),
    /// Payments through other payment systems.
    Invoice(crate::invoice_command::InvoiceArgs),
    /// Payouts to external payment systems.
    Withdraw(crate::withdraw_command::WithdrawArgs),
    /// The shop's balances (shop_balance).
    Balance(crate::balance_command::BalanceArgs),
    /// Print the hosted pay page's address with its signed fields.
    PayUrl(crate::pay_url_command::PayUrlArgs),
    /// Callbacks Feennex sends about payments.
    #[command(subcommand)]
    Callback(crate::callback_command::CallbackCommand),
    /// Mass payouts from a CSV file, to Feennex wallets or external payment systems.
    Payouts(crate::payouts::PayoutsArgs),
    /// Pay a sample batch against an embedded sandbox with fault injection: no
    /// set-up needed.
    Demo(crate::demo::DemoArgs),
    /// Run a local Feennex sandbox, or drive a running one.
    Sandbox(crate::sandbox_command::SandboxArgs),
    /// Measure this machine: signing, building, parsing, and payouts per second
    /// against a sandbox.
    Bench(crate::bench_command::BenchArgs),
    /// Print a shell's completion script for feennex.
    ///
    /// For bash: `feennex completions bash > ~/.local/share/bash-completion/completions/feennex`.
    Completions(crate::completions::CompletionsArgs),
}
