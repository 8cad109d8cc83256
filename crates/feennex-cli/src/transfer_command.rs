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
            let request = TransferTry::new(
                args.amount.amount,
                args.amount.amount_type,
                args.amount.payee_currency,
                args.amount.shop_currency,
            );
            api.execute(&request, &args.dry_run, out)
        }
        TransferCommand::Create(args) => {
            let mut request = TransferCreate::new(
                args.amount.amount,
                args.amount.amount_type,
                args.payee_account.clone(),
                args.amount.payee_currency,
                args.amount.shop_currency,
                args.shop_payment_id.clone(),
            );
            request.description = args.description.clone();
            api.payout(request, &args.dry_run, out)
        }
        TransferCommand::Status(args) => {
            let request =
                TransferStatus::new(config::now(&args.now)?, args.shop_payment_id.clone());
            api.execute(&request, &args.dry_run, out)
        }
    }
}
