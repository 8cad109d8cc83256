//! `feennex transfer try|create|status`.

use std::io::Write;

use clap::{Args, Subcommand};
use feennex_proto::prelude::{
    Amount, Currency, PayeeAccount, ShopPaymentId, TransferAmountType, TransferCreate,
    TransferStatus, TransferTry,
};

use crate::config;
use crate::exit::Failure;
use crate::flags::{ApiArgs, DryRun, NowArg, ResumeArg};
use crate::send::Api;

/// `feennex transfer`: the API flags, then what to do.
#[derive(Debug, Args)]
pub struct TransferArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    #[command(subcommand)]
    pub command: TransferCommand,
}

#[derive(Debug, Subcommand)]
pub enum TransferCommand {
    /// Precalculate a wallet payout (transfer/try).
    Try(TransferTryArgs),
    /// Pay out to a Feennex wallet (transfer/create).
    Create(TransferCreateArgs),
    /// Look a wallet payout up by your id (transfer/shop_payment_status).
    Status(TransferStatusArgs),
}

#[derive(Debug, Args)]
pub struct TransferAmountArgs {
    /// The amount, in plain decimal form (10, 10.5).
    #[arg(long, allow_hyphen_values = true, value_parser = Amount::parse_for_api)]
    pub amount: Amount,
    /// receive_amount (what the wallet gets) or writeoff_amount (what the shop pays).
    #[arg(long, default_value = "receive_amount")]
    pub amount_type: TransferAmountType,
    /// Currency credited to the wallet (ISO 4217: 840 or USD).
    #[arg(long)]
    pub payee_currency: Currency,
    /// Currency debited from the shop (ISO 4217: 840 or USD).
    #[arg(long)]
    pub shop_currency: Currency,
}

#[derive(Debug, Args)]
pub struct TransferTryArgs {
    #[command(flatten)]
    pub amount: TransferAmountArgs,
    #[command(flatten)]
    pub dry_run: DryRun,
}

#[derive(Debug, Args)]
pub struct TransferCreateArgs {
    #[command(flatten)]
    pub amount: TransferAmountArgs,
    /// The wallet: 20 followed by 10 digits, or its e-mail address.
    #[arg(long)]
    pub payee_account: PayeeAccount,
    /// Your id of this payout (1–255 characters, unique for the shop): after an
    /// unknown outcome (exit 4), run the same command again with --resume.
    #[arg(long)]
    pub shop_payment_id: ShopPaymentId,
    /// A note for the payee.
    #[arg(long)]
    pub description: Option<String>,
    #[command(flatten)]
    pub resume: ResumeArg,
    #[command(flatten)]
    pub dry_run: DryRun,
}

#[derive(Debug, Args)]
pub struct TransferStatusArgs {
    /// Your id of the payout.
    #[arg(long)]
    pub shop_payment_id: ShopPaymentId,
    #[command(flatten)]
    pub now: NowArg,
    #[command(flatten)]
    pub dry_run: DryRun,
}

pub fn run(args: &TransferArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let api = Api::from_args(&args.api)?;
    match &args.command {
        TransferCommand::Try(args) => {
            let request = TransferTry::builder()
                .amount(args.amount.amount)
                .amount_type(args.amount.amount_type)
                .payee_currency(args.amount.payee_currency)
                .shop_currency(args.amount.shop_currency)
                .build();
            api.execute(&request, &args.dry_run, out)
        }
        TransferCommand::Create(args) => {
            let mut request = TransferCreate::builder()
                .amount(args.amount.amount)
                .amount_type(args.amount.amount_type)
                .payee_account(args.payee_account.clone())
                .payee_currency(args.amount.payee_currency)
                .shop_currency(args.amount.shop_currency)
                .shop_payment_id(args.shop_payment_id.clone())
                .build();
            request.description = args.description.clone();
            api.payout(request, args.resume.resume, &args.dry_run, out)
        }
        TransferCommand::Status(args) => {
            let request =
                TransferStatus::new(config::now(&args.now)?, args.shop_payment_id.clone());
            api.execute(&request, &args.dry_run, out)
        }
    }
}
