//! `feennex withdraw try|check-account|create|status`: payouts to external systems.

use std::io::Write;

use clap::{Args, Subcommand};
use feennex_proto::prelude::{
    AccountDetails, Amount, CheckAccount, Currency, Payway, ShopPaymentId, WithdrawAccount,
    WithdrawAmountType, WithdrawCreate, WithdrawShopPaymentStatus, WithdrawStatusById, WithdrawTry,
};

use crate::config;
use crate::exit::Failure;
use crate::flags::{ApiArgs, DryRun, NowArg, ResumeArg};
use crate::send::Api;

#[derive(Debug, Subcommand)]
pub enum WithdrawCommand {
    /// Precalculate a payout (withdraw/try).
    Try(WithdrawTryArgs),
    /// Ask whether an account can receive (check_account).
    CheckAccount(CheckAccountArgs),
    /// Pay out to an external payment system (withdraw/create).
    Create(WithdrawCreateArgs),
    /// A payout's status by Feennex's id or yours (withdraw/status,
    /// withdraw/shop_payment_status).
    Status(WithdrawStatusArgs),
}

#[derive(Debug, Args)]
pub struct WithdrawTryArgs {
    /// The amount, in plain decimal form.
    #[arg(long, allow_hyphen_values = true, value_parser = Amount::parse_for_api)]
    pub amount: Amount,
    /// ps_amount (what the payee receives) or shop_amount (what the shop pays).
    #[arg(long)]
    pub amount_type: WithdrawAmountType,
    /// The payment system, such as card_rub.
    #[arg(long)]
    pub payway: Payway,
    /// The currency debited from the shop (ISO 4217: 840 or USD).
    #[arg(long)]
    pub shop_currency: Currency,
    #[command(flatten)]
    pub dry_run: DryRun,
}

#[derive(Debug, Args)]
pub struct CheckAccountArgs {
    /// The payee's account in the payment system.
    #[arg(long)]
    pub account: WithdrawAccount,
    /// The amount that would be paid out.
    #[arg(long, allow_hyphen_values = true, value_parser = Amount::parse_for_api)]
    pub amount: Amount,
    /// The payment system.
    #[arg(long)]
    pub payway: Payway,
    /// Payment-system specific details, as a JSON object.
    #[arg(long, value_name = "JSON", value_parser = parse_object)]
    pub account_details: Option<AccountDetails>,
    #[command(flatten)]
    pub dry_run: DryRun,
}

#[derive(Debug, Args)]
pub struct WithdrawCreateArgs {
    /// The payee's account in the payment system.
    #[arg(long)]
    pub account: WithdrawAccount,
    /// The amount, in plain decimal form.
    #[arg(long, allow_hyphen_values = true, value_parser = Amount::parse_for_api)]
    pub amount: Amount,
    /// ps_amount (what the payee receives) or shop_amount (what the shop pays).
    #[arg(long)]
    pub amount_type: WithdrawAmountType,
    /// The payment system.
    #[arg(long)]
    pub payway: Payway,
    /// The currency debited from the shop (ISO 4217: 840 or USD).
    #[arg(long)]
    pub shop_currency: Currency,
    /// Your id of this payout (1–255 characters, unique for the shop): after an
    /// unknown outcome (exit 4), run the same command again with --resume.
    #[arg(long)]
    pub shop_payment_id: ShopPaymentId,
    /// Payment-system specific details, as a JSON object.
    #[arg(long, value_name = "JSON", value_parser = parse_object)]
    pub account_details: Option<AccountDetails>,
    #[command(flatten)]
    pub resume: ResumeArg,
    #[command(flatten)]
    pub dry_run: DryRun,
}

/// Which payout to look up: exactly one of the two ids.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct WithdrawLookup {
    /// Feennex's id of the payout.
    #[arg(long, allow_hyphen_values = true)]
    pub withdraw_id: Option<u64>,
    /// Your id of the payout.
    #[arg(long)]
    pub shop_payment_id: Option<ShopPaymentId>,
}

#[derive(Debug, Args)]
pub struct WithdrawStatusArgs {
    #[command(flatten)]
    pub lookup: WithdrawLookup,
    #[command(flatten)]
    pub now: NowArg,
    #[command(flatten)]
    pub dry_run: DryRun,
}

/// A JSON object and nothing else.
fn parse_object(text: &str) -> Result<AccountDetails, String> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(object)) => Ok(object),
        Ok(_) => Err("expected a JSON object such as {\"name\":\"value\"}".to_owned()),
        Err(error) => Err(format!("not JSON: {error}")),
    }
}

/// `feennex withdraw`: the API flags, then what to do.
#[derive(Debug, Args)]
pub struct WithdrawArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    #[command(subcommand)]
    pub command: WithdrawCommand,
}

pub fn run(args: &WithdrawArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let api = Api::from_args(&args.api)?;
    match &args.command {
        WithdrawCommand::Try(args) => {
            let request = WithdrawTry::new(
                args.amount,
                args.amount_type,
                args.payway.clone(),
                args.shop_currency,
            );
            api.execute(&request, &args.dry_run, out)
        }
        WithdrawCommand::CheckAccount(args) => {
            let mut request =
                CheckAccount::new(args.account.clone(), args.amount, args.payway.clone());
            request.account_details = args.account_details.clone();
            api.execute(&request, &args.dry_run, out)
        }
        WithdrawCommand::Create(args) => {
            let mut request = WithdrawCreate::new(
                args.account.clone(),
                args.amount,
                args.amount_type,
                args.payway.clone(),
                args.shop_currency,
                args.shop_payment_id.clone(),
            );
            request.account_details = args.account_details.clone();
            api.payout(request, args.resume.resume, &args.dry_run, out)
        }
        WithdrawCommand::Status(args) => {
            let now = config::now(&args.now)?;
            match (args.lookup.withdraw_id, &args.lookup.shop_payment_id) {
                (Some(withdraw_id), _) => {
                    let request = WithdrawStatusById::new(now, withdraw_id);
                    api.execute(&request, &args.dry_run, out)
                }
                (None, Some(shop_payment_id)) => {
                    let request = WithdrawShopPaymentStatus::new(now, shop_payment_id.clone());
                    api.execute(&request, &args.dry_run, out)
                }
                (None, None) => {
                    Err(Failure::Input("give --withdraw-id or --shop-payment-id".to_owned()))
                }
            }
        }
    }
}
