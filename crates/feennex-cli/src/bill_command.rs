//! `feennex bill create|status`: payments by Feennex wallet holders.

use std::io::Write;

use clap::{Args, Subcommand};
use feennex_proto::prelude::{Amount, BillCreate, BillShopOrderStatus, Currency, ShopOrderId};

use crate::config;
use crate::exit::Failure;
use crate::flags::{ApiArgs, DryRun, NowArg};
use crate::send::Api;
use crate::urls::UrlArgs;

#[derive(Debug, Subcommand)]
pub enum BillCommand {
    /// Ask a Feennex wallet holder to pay an order (bill/create).
    Create(BillCreateArgs),
    /// A bill's status by your order id (bill/shop_order_status).
    Status(BillStatusArgs),
}

#[derive(Debug, Args)]
pub struct BillCreateArgs {
    /// The currency the payer pays in (ISO 4217: 840 or USD).
    #[arg(long)]
    pub payer_currency: Currency,
    /// The amount you ask for, in plain decimal form.
    #[arg(long, allow_hyphen_values = true, value_parser = Amount::parse_for_api)]
    pub shop_amount: Amount,
    /// The currency of --shop-amount (ISO 4217: 840 or USD).
    #[arg(long)]
    pub shop_currency: Currency,
    /// Your id of the order.
    #[arg(long)]
    pub shop_order_id: ShopOrderId,
    /// What is paid for, shown to the payer.
    #[arg(long)]
    pub description: Option<String>,
    /// The payer's wallet, when known.
    #[arg(long)]
    pub payer_account: Option<String>,
    #[command(flatten)]
    pub urls: UrlArgs,
    #[command(flatten)]
    pub dry_run: DryRun,
}

#[derive(Debug, Args)]
pub struct BillStatusArgs {
    /// Your id of the order.
    #[arg(long)]
    pub shop_order_id: ShopOrderId,
    #[command(flatten)]
    pub now: NowArg,
    #[command(flatten)]
    pub dry_run: DryRun,
}

/// `feennex bill`: the API flags, then what to do.
#[derive(Debug, Args)]
pub struct BillArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    #[command(subcommand)]
    pub command: BillCommand,
}

pub fn run(args: &BillArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let api = Api::from_args(&args.api)?;
    match &args.command {
        BillCommand::Create(args) => {
            let mut request = BillCreate::builder()
                .payer_currency(args.payer_currency)
                .shop_amount(args.shop_amount)
                .shop_currency(args.shop_currency)
                .shop_order_id(args.shop_order_id.clone())
                .urls(args.urls.to_urls())
                .build();
            request.description = args.description.clone();
            request.payer_account = args.payer_account.clone();
            api.execute(&request, &args.dry_run, out)
        }
        BillCommand::Status(args) => {
            let request =
                BillShopOrderStatus::new(config::now(&args.now)?, args.shop_order_id.clone());
            api.execute(&request, &args.dry_run, out)
        }
    }
}
