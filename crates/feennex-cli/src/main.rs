//! The `feennex` command.
#![forbid(unsafe_code)]

mod balance_command;
mod bench_command;
mod bill_command;
mod callback_command;
mod cli;
mod config;
mod demo;
mod dry_run;
mod exit;
mod invoice_command;
mod pay_url_command;
mod payouts;
mod sandbox_command;
mod send;
mod sign_command;
mod transfer_command;
mod urls;
mod withdraw_command;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::exit::Failure;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return exit::clap_failure(&error),
    };
    let mut stdout = std::io::stdout().lock();
    let outcome = match &cli.command {
        Command::Sign(args) => sign_command::run(&cli.global, args, &mut stdout),
        Command::Transfer(command) => transfer_command::run(&cli.global, command, &mut stdout),
        Command::Bill(command) => bill_command::run(&cli.global, command, &mut stdout),
        Command::Invoice(command) => invoice_command::run(&cli.global, command, &mut stdout),
        Command::Withdraw(command) => withdraw_command::run(&cli.global, command, &mut stdout),
        Command::Balance(args) => balance_command::run(&cli.global, args, &mut stdout),
        Command::PayUrl(args) => pay_url_command::run(&cli.global, args, &mut stdout),
        Command::Callback(command) => callback_command::run(&cli.global, command, &mut stdout),
        Command::Payouts(command) => payouts::run(&cli.global, command, &mut stdout),
        Command::Demo(args) => demo::run(args, &mut stdout),
        Command::Sandbox(args) => sandbox_command::run(&cli.global, args, &mut stdout),
        Command::Bench(args) => bench_command::run(&cli.global, args, &mut stdout),
    };
    let _ = stdout.flush();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

/// Writes to standard output, turning a closed pipe into a failure instead of a panic.
fn print(out: &mut dyn Write, text: std::fmt::Arguments<'_>) -> Result<(), Failure> {
    writeln!(out, "{text}")
        .map_err(|error| Failure::Output(format!("cannot write the output: {error}")))
}
