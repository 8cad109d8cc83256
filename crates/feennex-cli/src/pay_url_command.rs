//! `feennex pay-url`: the address of the hosted pay page, with its signed fields
//! as query parameters. Nothing is sent.

use std::io::Write;

use clap::Args;
use feennex_proto::pay_page::{DEFAULT_PAY_PAGE_HOST, PayPage, PayPageLang};
use feennex_proto::prelude::{Amount, BaseUrl, Currency, Payway, ShopOrderId};

use crate::config;
use crate::exit::Failure;
use crate::flags::ShopArgs;
use crate::urls::UrlArgs;

#[derive(Debug, Args)]
pub struct PayUrlArgs {
    #[command(flatten)]
    pub shop: ShopArgs,
    /// The amount to pay, in plain decimal form.
    #[arg(long, allow_hyphen_values = true, value_parser = Amount::parse_for_api)]
    pub amount: Amount,
    /// The currency of --amount (ISO 4217: 840 or USD).
    #[arg(long)]
    pub currency: Currency,
    /// Your id of the order.
    #[arg(long)]
    pub shop_order_id: ShopOrderId,
    /// What is paid for, shown to the payer.
    #[arg(long)]
    pub description: Option<String>,
    /// A payment system chosen in advance.
    #[arg(long)]
    pub payway: Option<Payway>,
    /// The payer's account, when known.
    #[arg(long)]
    pub payer_account: Option<String>,
    #[command(flatten)]
    pub urls: UrlArgs,
    /// The page's language: en or ru.
    #[arg(long, default_value = "en")]
    pub lang: PayPageLang,
    /// Where the hosted pay page lives.
    #[arg(long, env = "FEENNEX_PAY_HOST", default_value = DEFAULT_PAY_PAGE_HOST)]
    pub pay_host: BaseUrl,
}

pub fn run(args: &PayUrlArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let merchant = config::shop(&args.shop)?;
    let mut page = PayPage::new(args.amount, args.currency, args.shop_order_id.clone())
        .urls(args.urls.to_urls());
    page.description = args.description.clone();
    page.payway = args.payway.clone();
    page.payer_account = args.payer_account.clone();
    let form = merchant.pay_page(&page, args.lang, &args.pay_host);
    crate::output::print(out, format_args!("{}", form.url_with_query()))
}
