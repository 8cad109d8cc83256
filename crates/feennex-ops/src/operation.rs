//! The API's operations by name: building their signed requests, reading their
//! answers, and making the machines that send them.

use feennex_proto::endpoints::{
    AddOnFields, BillCreate, BillShopOrderStatus, CheckAccount, Endpoint, InvoiceCreate,
    InvoiceTry, PaymentUrls, ShopBalance, SingleCall, TransferCreate, TransferStatus, TransferTry,
    WithExtraFields, WithdrawCreate, WithdrawShopPaymentStatus, WithdrawStatusById, WithdrawTry,
};
use feennex_proto::exchange::IdempotentCreate;
use feennex_proto::http;
use feennex_proto::{Merchant, Session};
use serde::Serialize;
use serde_json::Value;

use crate::failure::Failure;
use crate::machine::Machine;
use crate::params::Params;
use crate::view::RequestView;

/// One API operation, named by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// `transfer/try`
    TransferTry,
    /// `transfer/create` (a payout: made exactly once by [`Operation::machine`])
    TransferCreate,
    /// `transfer/shop_payment_status`
    TransferStatus,
    /// `bill/create`
    BillCreate,
    /// `bill/shop_order_status`
    BillStatus,
    /// `invoice/try`
    InvoiceTry,
    /// `invoice/create`
    InvoiceCreate,
    /// `withdraw/try`
    WithdrawTry,
    /// `check_account`
    CheckAccount,
    /// `withdraw/create` (a payout: made exactly once by [`Operation::machine`])
    WithdrawCreate,
    /// `withdraw/status`
    WithdrawStatus,
    /// `withdraw/shop_payment_status`
    WithdrawShopPaymentStatus,
    /// `shop_balance`
    ShopBalance,
}

/// What to do with an operation once its endpoint is made.
trait Visitor {
    type Out;
    fn single<E>(self, endpoint: E) -> Self::Out
    where
        E: SingleCall + Send + 'static,
        E::Output: Serialize + Send + 'static;
    fn payout<C>(self, create: C) -> Self::Out
    where
        C: IdempotentCreate + Send + 'static,
        C::Output: Serialize + Send + 'static,
        <C::Lookup as Endpoint>::Output: Serialize + Send + 'static;
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 13] = [
        Operation::TransferTry,
        Operation::TransferCreate,
        Operation::TransferStatus,
        Operation::BillCreate,
        Operation::BillStatus,
        Operation::InvoiceTry,
        Operation::InvoiceCreate,
        Operation::WithdrawTry,
        Operation::CheckAccount,
        Operation::WithdrawCreate,
        Operation::WithdrawStatus,
        Operation::WithdrawShopPaymentStatus,
        Operation::ShopBalance,
    ];

    /// The operation of an API path such as `transfer/try`.
    pub fn from_name(name: &str) -> Result<Self, Failure> {
        Self::ALL.into_iter().find(|operation| operation.name() == name).ok_or_else(|| {
            Failure::invalid("operation", format!("no operation is named {:?}", truncate(name)))
        })
    }

    /// The API path, such as `transfer/try`.
    pub fn name(self) -> &'static str {
        match self {
            Operation::TransferTry => TransferTry::PATH,
            Operation::TransferCreate => TransferCreate::PATH,
            Operation::TransferStatus => TransferStatus::PATH,
            Operation::BillCreate => BillCreate::PATH,
            Operation::BillStatus => BillShopOrderStatus::PATH,
            Operation::InvoiceTry => InvoiceTry::PATH,
            Operation::InvoiceCreate => InvoiceCreate::PATH,
            Operation::WithdrawTry => WithdrawTry::PATH,
            Operation::CheckAccount => CheckAccount::PATH,
            Operation::WithdrawCreate => WithdrawCreate::PATH,
            Operation::WithdrawStatus => WithdrawStatusById::PATH,
            Operation::WithdrawShopPaymentStatus => WithdrawShopPaymentStatus::PATH,
            Operation::ShopBalance => ShopBalance::PATH,
        }
    }

    /// Whether this is a payout create, sent only through the exactly-once machine.
    pub fn is_payout(self) -> bool {
        matches!(self, Operation::TransferCreate | Operation::WithdrawCreate)
    }

    /// The signed request of this operation with these parameters.
    pub fn build(self, merchant: &Merchant, params: &Value) -> Result<RequestView, Failure> {
        struct Build<'a>(&'a Merchant);
        impl Visitor for Build<'_> {
            type Out = Result<RequestView, Failure>;
            fn single<E: SingleCall>(self, endpoint: E) -> Self::Out {
                Ok(RequestView::of(&self.0.build(&endpoint)?))
            }
            fn payout<C: IdempotentCreate>(self, create: C) -> Self::Out {
                Ok(RequestView::of(&self.0.build(&create)?))
            }
        }
        self.visit(params, Build(merchant))?
    }

    /// The string-to-sign of this operation (without the secret), for diagnostics.
    pub fn string_to_sign(self, merchant: &Merchant, params: &Value) -> Result<String, Failure> {
        struct Text<'a>(&'a Merchant);
        impl Visitor for Text<'_> {
            type Out = String;
            fn single<E: SingleCall>(self, endpoint: E) -> String {
                self.0.string_to_sign(&endpoint)
            }
            fn payout<C: IdempotentCreate>(self, create: C) -> String {
                self.0.string_to_sign(&create)
            }
        }
        self.visit(params, Text(merchant))
    }

    /// The machine that sends this operation: exactly once for the payout creates
    /// (looked up first when `resume`), with the core's retries for the others.
    pub fn machine(
        self,
        session: &Session,
        params: &Value,
        resume: bool,
    ) -> Result<Machine, Failure> {
        struct Make<'a>(&'a Session, bool);
        impl Visitor for Make<'_> {
            type Out = Result<Machine, Failure>;
            fn single<E>(self, endpoint: E) -> Self::Out
            where
                E: SingleCall + Send + 'static,
                E::Output: Serialize + Send + 'static,
            {
                Ok(Machine::new(self.0.call(&endpoint)?.machine))
            }
            fn payout<C>(self, create: C) -> Self::Out
            where
                C: IdempotentCreate + Send + 'static,
                C::Output: Serialize + Send + 'static,
                <C::Lookup as Endpoint>::Output: Serialize + Send + 'static,
            {
                let prepared =
                    if self.1 { self.0.resume_payout(create)? } else { self.0.payout(create)? };
                Ok(Machine::new(prepared.machine))
            }
        }
        self.visit(params, Make(session, resume))?
    }

    /// The machine of one call of an operation that is not a payout create.
    pub fn call(self, session: &Session, params: &Value) -> Result<Machine, Failure> {
        if self.is_payout() {
            return Err(Failure::invalid(
                "operation",
                format!("{} is a payout: make it exactly once with payout", self.name()),
            ));
        }
        self.machine(session, params, false)
    }

    /// The machine of a payout create, made exactly once (looked up first when
    /// `resume`).
    pub fn payout(
        self,
        session: &Session,
        params: &Value,
        resume: bool,
    ) -> Result<Machine, Failure> {
        if !self.is_payout() {
            return Err(Failure::invalid(
                "operation",
                format!("{} is not a payout: use transfer/create or withdraw/create", self.name()),
            ));
        }
        self.machine(session, params, resume)
    }

    /// Reads an answer of this operation into its typed data, as JSON with amounts
    /// as exact decimal strings.
    pub fn parse(self, status: u16, body: &[u8]) -> Result<Value, Failure> {
        fn read<E: Endpoint>(status: http::StatusCode, body: &[u8]) -> Result<Value, Failure>
        where
            E::Output: Serialize,
        {
            let output = feennex_proto::response::parse_response::<E>(status, body)?;
            crate::view::to_json(&output)
        }
        let status = http::StatusCode::from_u16(status)
            .map_err(|_| Failure::invalid("status", format!("{status} is not an HTTP status")))?;
        match self {
            Operation::TransferTry => read::<TransferTry>(status, body),
            Operation::TransferCreate => read::<TransferCreate>(status, body),
            Operation::TransferStatus => read::<TransferStatus>(status, body),
            Operation::BillCreate => read::<BillCreate>(status, body),
            Operation::BillStatus => read::<BillShopOrderStatus>(status, body),
            Operation::InvoiceTry => read::<InvoiceTry>(status, body),
            Operation::InvoiceCreate => read::<InvoiceCreate>(status, body),
            Operation::WithdrawTry => read::<WithdrawTry>(status, body),
            Operation::CheckAccount => read::<CheckAccount>(status, body),
            Operation::WithdrawCreate => read::<WithdrawCreate>(status, body),
            Operation::WithdrawStatus => read::<WithdrawStatusById>(status, body),
            Operation::WithdrawShopPaymentStatus => read::<WithdrawShopPaymentStatus>(status, body),
            Operation::ShopBalance => read::<ShopBalance>(status, body),
        }
    }

    /// Makes the endpoint from the parameters and hands it to `visitor`.
    fn visit<V: Visitor>(self, params: &Value, visitor: V) -> Result<V::Out, Failure> {
        let p = Params::new(params)?;
        let what = self.name();
        // Every parameter is read before the endpoint is handed on, so that one
        // no operation reads is refused by name and nothing is built.
        macro_rules! single {
            ($endpoint:expr) => {{
                let endpoint = $endpoint;
                let extra = p.extra_fields(what)?;
                p.finish(what)?;
                let endpoint = WithExtraFields::new(endpoint, extra)
                    .map_err(|error| Failure::invalid("extra_fields", error))?;
                visitor.single(endpoint)
            }};
        }
        macro_rules! payout {
            ($endpoint:expr) => {{
                let endpoint = $endpoint;
                p.finish(what)?;
                visitor.payout(endpoint)
            }};
        }
        Ok(match self {
            Operation::TransferTry => single!(
                TransferTry::builder()
                    .amount(p.amount("amount")?)
                    .amount_type(p.parse("amount_type")?)
                    .payee_currency(p.parse("payee_currency")?)
                    .shop_currency(p.parse("shop_currency")?)
                    .build()
            ),
            Operation::TransferCreate => {
                let create = TransferCreate::builder()
                    .amount(p.amount("amount")?)
                    .amount_type(p.parse("amount_type")?)
                    .payee_account(p.parse("payee_account")?)
                    .payee_currency(p.parse("payee_currency")?)
                    .shop_currency(p.parse("shop_currency")?)
                    .shop_payment_id(p.parse("shop_payment_id")?)
                    .maybe_description(p.text("description")?)
                    .build();
                payout!(create)
            }
            Operation::TransferStatus => {
                single!(TransferStatus::new(p.now()?, p.parse("shop_payment_id")?))
            }
            Operation::BillCreate => {
                let bill = BillCreate::builder()
                    .payer_currency(p.parse("payer_currency")?)
                    .shop_amount(p.amount("shop_amount")?)
                    .shop_currency(p.parse("shop_currency")?)
                    .shop_order_id(p.parse("shop_order_id")?)
                    .urls(urls(&p)?)
                    .maybe_description(p.text("description")?)
                    .maybe_payer_account(p.text("payer_account")?)
                    .build();
                single!(bill)
            }
            Operation::BillStatus => {
                single!(BillShopOrderStatus::new(p.now()?, p.parse("shop_order_id")?))
            }
            Operation::InvoiceTry => single!(invoice_try(&p)?),
            Operation::InvoiceCreate => {
                let mut invoice = InvoiceCreate::new(invoice_try(&p)?).urls(urls(&p)?);
                if let Some(fields) = p.text_map("add_ons")? {
                    let add_ons = AddOnFields::try_from(fields)
                        .map_err(|error| Failure::invalid("add_ons", error))?;
                    invoice = invoice.add_ons(add_ons);
                }
                if let Some(description) = p.text("description")? {
                    invoice = invoice.description(description);
                }
                single!(invoice)
            }
            Operation::WithdrawTry => single!(WithdrawTry::new(
                p.amount("amount")?,
                p.parse("amount_type")?,
                p.parse("payway")?,
                p.parse("shop_currency")?,
            )),
            Operation::CheckAccount => {
                let mut check =
                    CheckAccount::new(p.parse("account")?, p.amount("amount")?, p.parse("payway")?);
                if let Some(details) = p.account_details()? {
                    check = check.account_details(details);
                }
                single!(check)
            }
            Operation::WithdrawCreate => {
                let mut create = WithdrawCreate::new(
                    p.parse("account")?,
                    p.amount("amount")?,
                    p.parse("amount_type")?,
                    p.parse("payway")?,
                    p.parse("shop_currency")?,
                    p.parse("shop_payment_id")?,
                );
                if let Some(details) = p.account_details()? {
                    create = create.account_details(details);
                }
                payout!(create)
            }
            Operation::WithdrawStatus => {
                single!(WithdrawStatusById::new(p.now()?, p.parse("withdraw_id")?))
            }
            Operation::WithdrawShopPaymentStatus => {
                single!(WithdrawShopPaymentStatus::new(p.now()?, p.parse("shop_payment_id")?))
            }
            Operation::ShopBalance => single!(ShopBalance::new(p.now()?)),
        })
    }
}

fn invoice_try(p: &Params<'_>) -> Result<InvoiceTry, Failure> {
    Ok(InvoiceTry::new(
        p.amount("amount")?,
        p.parse("currency")?,
        p.parse("payway")?,
        p.parse("shop_order_id")?,
    ))
}

fn urls(p: &Params<'_>) -> Result<PaymentUrls, Failure> {
    let mut urls = PaymentUrls::default();
    if let Some(url) = p.text("success_url")? {
        urls = urls.success_url(url);
    }
    if let Some(url) = p.text("failed_url")? {
        urls = urls.failed_url(url);
    }
    if let Some(url) = p.text("callback_url")? {
        urls = urls.callback_url(url);
    }
    Ok(urls)
}

/// At most 64 characters of a caller's text, for error messages.
fn truncate(text: &str) -> String {
    text.chars().take(64).collect()
}
