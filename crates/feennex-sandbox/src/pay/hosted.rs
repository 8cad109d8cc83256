//! The hosted pay page, `/{en,ru}/pay`: the engine's own checkout, reached by a
//! GET link or a POST form built from the shop's signed fields (as
//! `Merchant::pay_page` and `feennex pay-url` build them).
//!
//! The fields are read like an API request (the same checks, the same
//! `string_to_sign` over the received text), so a bad form shows the error the
//! API would give, and nothing is paid. The payer sees the order and the ways to
//! pay it, and presses Pay or Decline; the page posts every field back with the
//! choice, and they are checked again before anything is recorded.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::response::Response;
use feennex_proto::prelude::{Currency, Decimal, ErrorCode};
use http::StatusCode;

use super::html::{self, escape};
use super::{ACTION_FIELD, Choice, Lang, PayerForm, is_web_url, redirect};
use crate::api::bill::{self, WALLET_PAYWAY};
use crate::api::invoice;
use crate::app::App;
use crate::ledger::{Payment, PaymentKind};
use crate::money::Money;
use crate::reply::ApiFailure;
use crate::request::{Call, MAX_ID_LEN};

/// The signed fields of the pay form, from the spec's table.
const SIGNED: &[&str] = &["amount", "currency", "shop_id", "shop_order_id"];

/// `GET` or `POST /{lang}/pay`.
pub(super) async fn page(
    State(app): State<Arc<App>>,
    Path(lang): Path<String>,
    request: Request,
) -> Response {
    let Some(lang) = Lang::parse(&lang) else {
        return html::refusal(
            Lang::En,
            StatusCode::NOT_FOUND,
            None,
            "the pay page is /en/pay or /ru/pay",
        );
    };
    let form = match PayerForm::read(request).await {
        Ok(form) => form,
        Err(message) => return html::refusal(lang, StatusCode::BAD_REQUEST, None, &message),
    };
    let choice = match Choice::of(form.action.as_deref()) {
        Ok(choice) => choice,
        Err(message) => return html::refusal(lang, StatusCode::BAD_REQUEST, None, &message),
    };
    let order = match Order::check(&app, &form.fields) {
        Ok(order) => order,
        Err(failure) => return refused(lang, &failure),
    };
    match choice {
        None => show(&app, lang, &order, &form.fields),
        Some(choice) => act(&app, lang, &order, choice, form.ip),
    }
}

/// The API's error as a page: 409 when the order already has a payment.
fn refused(lang: Lang, failure: &ApiFailure) -> Response {
    let status = if failure.code == ErrorCode::OperationNotUnique {
        StatusCode::CONFLICT
    } else {
        StatusCode::BAD_REQUEST
    };
    html::refusal(lang, status, Some(failure.code.code()), &failure.message)
}

/// A shop's order, as its signed form states it.
#[derive(Debug)]
struct Order {
    shop_id: u64,
    amount: Decimal,
    currency: Currency,
    shop_order_id: String,
    description: Option<String>,
    payway: Option<String>,
    payer_account: Option<String>,
    success_url: Option<String>,
    failed_url: Option<String>,
    callback_url: Option<String>,
    /// The payer's `email` and `phone` when the form gives them (passed on in
    /// the callback, as for invoices).
    contacts: BTreeMap<String, String>,
}

impl Order {
    /// Reads and checks the form's fields the way the API reads a request:
    /// values, shop, signature, and URLs a browser may be sent to.
    fn check(app: &App, fields: &BTreeMap<String, String>) -> Result<Self, ApiFailure> {
        let object: serde_json::Map<String, serde_json::Value> =
            fields.iter().map(|(name, value)| (name.clone(), value.as_str().into())).collect();
        let body = serde_json::Value::Object(object).to_string();
        let mut call = Call::parse(body.as_bytes())?;
        let amount = call.amount("amount");
        let currency = call.currency("currency");
        let shop_order_id = call.text("shop_order_id", MAX_ID_LEN);
        let mut optional = |name| call.optional_text(name);
        let description = optional("description");
        let payway = optional("payway");
        let payer_account = optional("payer_account");
        let success_url = optional("success_url");
        let failed_url = optional("failed_url");
        let callback_url = optional("callback_url");
        let contacts = ["email", "phone"]
            .into_iter()
            .filter_map(|name| Some((name.to_owned(), optional(name)?)))
            .collect();
        let shop_id = call.authenticate(&app.secrets, SIGNED)?;
        let urls = [
            ("success_url", &success_url),
            ("failed_url", &failed_url),
            ("callback_url", &callback_url),
        ];
        if let Some((name, _)) =
            urls.iter().find(|(_, url)| url.as_deref().is_some_and(|url| !is_web_url(url)))
        {
            return Err(ApiFailure::new(
                ErrorCode::IncorrectRequestParam,
                format!("Incorrect values for parameters: {name}=\"not an http or https URL\""),
            ));
        }
        Ok(Self {
            shop_id,
            amount,
            currency,
            shop_order_id,
            description,
            payway,
            payer_account,
            success_url,
            failed_url,
            callback_url,
            contacts,
        })
    }

    /// The payment this order already has, as an error 6.
    fn already_paid(&self, app: &App) -> Option<ApiFailure> {
        let ledger = app.ledger();
        let payment = ledger.order_payment(self.shop_id, &self.shop_order_id)?;
        Some(ApiFailure::new(
            ErrorCode::OperationNotUnique,
            format!(
                "Order {} of shop {} already has a payment: {} {} ({})",
                self.shop_order_id,
                self.shop_id,
                payment.kind.name(),
                payment.id,
                payment.kind.status_name(payment.status)
            ),
        ))
    }
}

/// One way to pay an order, and what the payer pays that way.
#[derive(Debug)]
struct Way {
    alias: String,
    kind: PaymentKind,
    price: Decimal,
    currency: Currency,
}

impl Way {
    /// Paying `order` through `alias`: the wallet (a bill) or one of the shop's
    /// payment payways (an invoice), with its fee, rate and limits.
    fn of(app: &App, order: &Order, alias: &str) -> Result<Self, ApiFailure> {
        if alias == WALLET_PAYWAY {
            let split = bill::price(app, order.amount, order.currency, order.currency)?;
            return Ok(Way {
                alias: alias.to_owned(),
                kind: PaymentKind::Bill,
                price: split.write_off,
                currency: order.currency,
            });
        }
        let (_, payway, split) =
            invoice::price(app, order.shop_id, alias, order.amount, order.currency)?;
        Ok(Way {
            alias: alias.to_owned(),
            kind: PaymentKind::Invoice,
            price: split.write_off,
            currency: payway.currency,
        })
    }

    /// Every way the payer may choose: the one the shop chose, or the wallet and
    /// each of the shop's payways that can take the amount.
    fn choices(app: &App, order: &Order) -> Result<Vec<Self>, ApiFailure> {
        if let Some(alias) = &order.payway {
            return Ok(vec![Self::of(app, order, alias)?]);
        }
        let aliases: Vec<String> = std::iter::once(WALLET_PAYWAY.to_owned())
            .chain(app.invoice_payways_of(order.shop_id).map(|payway| payway.alias.clone()))
            .collect();
        let mut first_failure = None;
        let mut ways = Vec::new();
        for alias in aliases {
            match Self::of(app, order, &alias) {
                Ok(way) => ways.push(way),
                Err(failure) => {
                    first_failure.get_or_insert(failure);
                }
            }
        }
        match first_failure {
            Some(failure) if ways.is_empty() => Err(failure),
            _ => Ok(ways),
        }
    }

    fn label(&self, lang: Lang) -> String {
        let name = if self.alias == WALLET_PAYWAY { lang.words().wallet } else { &self.alias };
        format!("{name} — {}", html::money(self.price, self.currency))
    }
}

/// The page with the order and the ways to pay it.
fn show(app: &App, lang: Lang, order: &Order, fields: &BTreeMap<String, String>) -> Response {
    if let Some(failure) = order.already_paid(app) {
        return refused(lang, &failure);
    }
    let ways = match Way::choices(app, order) {
        Ok(ways) => ways,
        Err(failure) => return refused(lang, &failure),
    };
    let words = lang.words();
    let mut rows = vec![
        (words.shop, order.shop_id.to_string()),
        (words.order, order.shop_order_id.clone()),
        (words.amount, html::money(order.amount, order.currency)),
    ];
    if let Some(description) = &order.description {
        rows.push((words.description, description.clone()));
    }
    let chosen = order.payway.is_some();
    let kept: String = fields
        .iter()
        .filter(|(name, _)| chosen || name.as_str() != "payway")
        .map(|(name, value)| html::hidden(name, value))
        .collect();
    let choice = if let [way] = ways.as_slice()
        && chosen
    {
        html::details(&[(words.payway, way.label(lang))])
    } else {
        let options: String = ways
            .iter()
            .enumerate()
            .map(|(index, way)| {
                format!(
                    r#"<label class="way"><input type="radio" name="payway" value="{}"{}> {}</label>"#,
                    escape(&way.alias),
                    if index == 0 { " checked" } else { "" },
                    escape(&way.label(lang)),
                )
            })
            .collect();
        format!(
            r#"<fieldset class="ways"><legend>{}</legend>{options}</fieldset>"#,
            escape(words.choose_payway)
        )
    };
    let body = format!(
        r#"<h1>{title}</h1>{details}<form method="post" action="/{lang}/pay">{kept}{choice}<div class="actions"><button class="primary" name="{ACTION_FIELD}" value="pay">{pay}</button><button class="secondary" name="{ACTION_FIELD}" value="decline">{decline}</button></div></form>"#,
        title = escape(words.title),
        details = html::details(&rows),
        lang = lang.code(),
        pay = escape(words.pay),
        decline = escape(words.decline),
    );
    html::respond(StatusCode::OK, html::document(lang, words.title, &body))
}

/// Records the payer's choice as a finished payment, starts its callback, and
/// sends the payer back to the shop.
fn act(
    app: &Arc<App>,
    lang: Lang,
    order: &Order,
    choice: Choice,
    payer_ip: Option<String>,
) -> Response {
    let Some(alias) = &order.payway else {
        return html::refusal(lang, StatusCode::BAD_REQUEST, None, "no payway was chosen");
    };
    let way = match Way::of(app, order, alias) {
        Ok(way) => way,
        Err(failure) => return refused(lang, &failure),
    };
    let paid = choice == Choice::Pay;
    let created = match way.kind {
        PaymentKind::Bill => crate::api::now_rfc1123(),
        PaymentKind::Invoice => crate::api::now_iso(),
    };
    let payment = Payment {
        kind: way.kind,
        id: 0,
        shop_id: order.shop_id,
        shop_order_id: order.shop_order_id.clone(),
        shop_amount: Money(order.amount),
        shop_currency: order.currency,
        shop_refund: Money(order.amount),
        payer_price: Money(way.price),
        payer_currency: way.currency,
        payway: way.alias,
        payer_account: order.payer_account.clone(),
        description: order.description.clone(),
        callback_url: order.callback_url.clone(),
        success_url: order.success_url.clone(),
        failed_url: order.failed_url.clone(),
        lang: lang.code(),
        payer_ip,
        extra: order.contacts.clone(),
        created,
        processed: None,
        status: 0,
    };
    let finished = app.ledger().create_finished_payment(payment, paid, crate::api::now_iso());
    let payment = match finished {
        Ok(payment) => payment,
        Err(failure) => return refused(lang, &failure),
    };
    crate::callbacks::spawn_delivery(app.clone(), &payment);
    let back = if paid { &payment.success_url } else { &payment.failed_url };
    match back {
        Some(url) => redirect(url),
        None => html::outcome(lang, paid, &payment.shop_order_id),
    }
}
