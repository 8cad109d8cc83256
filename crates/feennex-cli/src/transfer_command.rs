//! `feennex transfer try|create|status`.

use std::io::Write;

use feennex_proto::{Endpoint, Merchant, TransferCreate, TransferStatus, TransferTry};

use crate::cli::{DryRun, GlobalArgs, TransferCommand};
use crate::config;
use crate::exit::Failure;

pub fn run(
    global: &GlobalArgs,
    command: &TransferCommand,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let merchant = config::merchant(global)?;
    match command {
        TransferCommand::Try(args) => {
            let request = TransferTry {
                amount: args.amount.amount,
                amount_type: args.amount.amount_type,
                payee_currency: args.amount.payee_currency,
                shop_currency: args.amount.shop_currency,
            };
            execute(&merchant, &request, &args.dry_run, out)
        }
        TransferCommand::Create(args) => {
            let request = TransferCreate {
                amount: args.amount.amount,
                amount_type: args.amount.amount_type,
                payee_account: args.payee_account.clone(),
                payee_currency: args.amount.payee_currency,
                shop_currency: args.amount.shop_currency,
                shop_payment_id: args.shop_payment_id.clone(),
                description: args.description.clone(),
            };
            execute(&merchant, &request, &args.dry_run, out)
        }
        TransferCommand::Status(args) => {
            let request = TransferStatus {
                now: config::now(&args.now)?,
                shop_payment_id: args.shop_payment_id.clone(),
            };
            execute(&merchant, &request, &args.dry_run, out)
        }
    }
}

/// Prints the request on a dry run; sending arrives with the transports. Every API
/// command goes through here.
pub(crate) fn execute<E: Endpoint>(
    merchant: &Merchant,
    request: &E,
    dry_run: &DryRun,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let http_request =
        merchant.build(request).map_err(|error| Failure::Input(error.to_string()))?;
    if dry_run.dry_run {
        return crate::dry_run::print_request(out, &http_request);
    }
    Err(Failure::Input(format!("{}: this build can only print requests; add --dry-run", E::PATH)))
}
