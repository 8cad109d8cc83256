//! The `feennex` command.
#![forbid(unsafe_code)]

mod balance_command;
mod bench_command;
mod bill_command;
mod callback_command;
mod cli;
mod completions;
mod config;
mod demo;
mod dry_run;
mod exit;
mod flags;
mod global_flags;
mod invoice_command;
mod logging;
mod output;
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

use crate::cli::Command;

fn main() -> ExitCode {
    let cli = match global_flags::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(error) => return exit::clap_failure(&error),
    };
    logging::install(&cli.output);
    let mut stdout = output::ClosedPipeIsQuiet::new(std::io::stdout().lock());
    let outcome = match &cli.command {
        Command::Sign(args) => sign_command::run(args, &mut stdout),
        Command::Transfer(args) => transfer_command::run(args, &mut stdout),
        Command::Bill(args) => bill_command::run(args, &mut stdout),
        Command::Invoice(args) => invoice_command::run(args, &mut stdout),
        Command::Withdraw(args) => withdraw_command::run(args, &mut stdout),
        Command::Balance(args) => balance_command::run(args, &mut stdout),
        Command::PayUrl(args) => pay_url_command::run(args, &mut stdout),
        Command::Callback(command) => callback_command::run(command, &mut stdout),
        Command::Payouts(args) => payouts::run(args, &mut stdout),
        Command::Demo(args) => demo::run(args, &mut stdout),
        Command::Sandbox(args) => sandbox_command::run(args, &mut stdout),
        Command::Completions(args) => completions::run(args, global_flags::command(), &mut stdout),
        Command::Bench(args) => bench_command::run(args, &mut stdout),
    };
    let _ = stdout.flush();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(cli.output.output),
    }
}
