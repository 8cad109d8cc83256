//! `feennex invoice try|create`: payments through other payment systems.

use std::io::Write;

use clap::{Args, Subcommand};
use feennex_proto::{
    endpoints::AddOnFields,
    prelude::{Amount, Currency, InvoiceCreate, InvoiceTry, Payway, ShopOrderId},
};

use crate::exit::Failure;
use crate::flags::{ApiArgs, DryRun};
use crate::send::Api;
use crate::urls::UrlArgs;

#[derive(Debug, Subcommand)]
pub enum InvoiceCommand {
    /// Precalculate a payment and list the fields the payer must give (invoice/try).
    Try(InvoiceTryArgs),
    /// Create a payment (invoice/create).
    Create(InvoiceCreateArgs),
}

#[derive(Debug, Args)]
pub struct InvoiceFields {
    /// The amount to pay, in plain decimal form.
    #[arg(long, allow_hyphen_values = true, value_parser = Amount::parse_for_api)]
    pub amount: Amount,
    /// The currency of --amount (ISO 4217: 840 or USD).
    #[arg(long)]
    pub currency: Currency,
    /// The payment system, such as card_usd.
    #[arg(long)]
    pub payway: Payway,
    /// Your id of the order.
    #[arg(long)]
    pub shop_order_id: ShopOrderId,
}

impl InvoiceFields {
    fn to_request(&self) -> InvoiceTry {
        InvoiceTry::new(self.amount, self.currency, self.payway.clone(), self.shop_order_id.clone())
    }
}

#[derive(Debug, Args)]
pub struct InvoiceTryArgs {
    #[command(flatten)]
    pub invoice: InvoiceFields,
    #[command(flatten)]
    pub dry_run: DryRun,
}

#[derive(Debug, Args)]
pub struct InvoiceCreateArgs {
    #[command(flatten)]
    pub invoice: InvoiceFields,
    /// An add-on field the payment system asks for, as KEY=VALUE (repeatable).
    #[arg(long = "extra", value_name = "KEY=VALUE", value_parser = parse_extra)]
    pub extra: Vec<(String, String)>,
    /// What is paid for, shown to the payer.
    #[arg(long)]
    pub description: Option<String>,
    #[command(flatten)]
    pub urls: UrlArgs,
    #[command(flatten)]
    pub dry_run: DryRun,
}

/// Splits `KEY=VALUE` at the first `=`.
fn parse_extra(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some(("", _)) => Err("the key is empty".to_owned()),
        Some((key, value)) => Ok((key.to_owned(), value.to_owned())),
        None => Err("expected KEY=VALUE".to_owned()),
    }
}

/// `feennex invoice`: the API flags, then what to do.
#[derive(Debug, Args)]
pub struct InvoiceArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    #[command(subcommand)]
    pub command: InvoiceCommand,
}

pub fn run(args: &InvoiceArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let api = Api::from_args(&args.api)?;
    match &args.command {
        InvoiceCommand::Try(args) => api.execute(&args.invoice.to_request(), &args.dry_run, out),
        InvoiceCommand::Create(args) => {
            let mut add_ons = AddOnFields::new();
            for (key, value) in &args.extra {
                add_ons
                    .insert(key.as_str(), value.as_str())
                    .map_err(|error| Failure::Input(format!("--extra: {error}")))?;
            }
            let mut request = InvoiceCreate::new(args.invoice.to_request())
                .add_ons(add_ons)
                .urls(args.urls.to_urls());
            request.description = args.description.clone();
            api.execute(&request, &args.dry_run, out)
        }
    }
}
