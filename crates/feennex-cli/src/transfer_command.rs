//! `feennex transfer try|create|status`.

use std::io::Write;

use feennex_proto::{TransferCreate, TransferStatus, TransferTry};

use crate::cli::{GlobalArgs, TransferCommand};
use crate::config;
use crate::exit::Failure;
use crate::send::Api;

pub fn run(
    global: &GlobalArgs,
    command: &TransferCommand,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let api = Api::from_args(global)?;
    match command {
        TransferCommand::Try(args) => {
            let request = TransferTry {
                amount: args.amount.amount,
                amount_type: args.amount.amount_type,
                payee_currency: args.amount.payee_currency,
                shop_currency: args.amount.shop_currency,
            };
            api.execute(&request, &args.dry_run, out)
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
            api.payout(request, &args.dry_run, out)
        }
        TransferCommand::Status(args) => {
            let request = TransferStatus {
                now: config::now(&args.now)?,
                shop_payment_id: args.shop_payment_id.clone(),
            };
            api.execute(&request, &args.dry_run, out)
        }
    }
}
