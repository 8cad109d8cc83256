//! The page a bill's or an invoice's `url` points to. It answers GET and POST,
//! whichever method `invoice/create` named, takes whatever fields the shop
//! forwards from `data` (and shows them), and lets the payer pay or decline a
//! waiting payment, which then calls the shop back.

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::response::Response;
use http::StatusCode;

use super::html::{self, escape};
use super::{ACTION_FIELD, Choice, Lang, PayerForm, is_web_url, payer_page_path, redirect};
use crate::app::App;
use crate::ledger::{Payment, PaymentKind};

/// `GET` or `POST /_sandbox/pay/{bill|invoice}/{id}`.
pub(super) async fn page(
    State(app): State<Arc<App>>,
    Path((kind, id)): Path<(String, String)>,
    request: Request,
) -> Response {
    let found = PaymentKind::parse(&kind)
        .zip(id.parse::<u64>().ok())
        .and_then(|(kind, id)| app.ledger().payment(kind, id).cloned());
    let Some(payment) = found else {
        return html::refusal(Lang::En, StatusCode::NOT_FOUND, None, "there is no such payment");
    };
    let lang = Lang::parse(payment.lang).unwrap_or(Lang::En);
    let form = match PayerForm::read(request).await {
        Ok(form) => form,
        Err(message) => return html::refusal(lang, StatusCode::BAD_REQUEST, None, &message),
    };
    match Choice::of(form.action.as_deref()) {
        Ok(None) => show(lang, &payment, &form),
        Ok(Some(choice)) => act(&app, lang, &payment, choice, form.ip),
        Err(message) => html::refusal(lang, StatusCode::BAD_REQUEST, None, &message),
    }
}

fn show(lang: Lang, payment: &Payment, form: &PayerForm) -> Response {
    let words = lang.words();
    let payway = if payment.kind == PaymentKind::Bill { words.wallet } else { &payment.payway };
    let mut rows = vec![
        (words.shop, payment.shop_id.to_string()),
        (words.order, payment.shop_order_id.clone()),
        (words.amount, html::money(payment.shop_amount.0, payment.shop_currency)),
        (words.payway, payway.to_owned()),
        (words.to_pay, html::money(payment.payer_price.0, payment.payer_currency)),
    ];
    if let Some(description) = &payment.description {
        rows.push((words.description, description.clone()));
    }
    rows.push((words.status, payment.kind.status_name(payment.status).to_owned()));
    let title = format!("{} {} {}", words.title, payment.kind.name(), payment.id);
    let actions = if payment.is_waiting() {
        format!(
            r#"<form method="post" action="{path}"><div class="actions"><button class="primary" name="{ACTION_FIELD}" value="pay">{pay}</button><button class="secondary" name="{ACTION_FIELD}" value="decline">{decline}</button></div></form>"#,
            path = payer_page_path(payment.kind, payment.id),
            pay = escape(words.pay),
            decline = escape(words.decline),
        )
    } else {
        String::new()
    };
    let received = if form.fields.is_empty() {
        String::new()
    } else {
        let fields: Vec<(&str, String)> =
            form.fields.iter().map(|(name, value)| (name.as_str(), value.clone())).collect();
        format!(
            r#"<details class="received"><summary>{}</summary>{}</details>"#,
            escape(words.form_received),
            html::details(&fields)
        )
    };
    let body = format!("<h1>{}</h1>{}{actions}{received}", escape(&title), html::details(&rows));
    html::respond(StatusCode::OK, html::document(lang, &title, &body))
}

fn act(
    app: &Arc<App>,
    lang: Lang,
    payment: &Payment,
    choice: Choice,
    payer_ip: Option<String>,
) -> Response {
    let paid = choice == Choice::Pay;
    let payment = match crate::callbacks::finish(app, payment.kind, payment.id, paid, payer_ip) {
        Ok(payment) => payment,
        Err(message) => return html::refusal(lang, StatusCode::CONFLICT, None, &message),
    };
    let back = if paid { &payment.success_url } else { &payment.failed_url };
    match back.as_deref().filter(|url| is_web_url(url)) {
        Some(url) => redirect(url),
        None => html::outcome(lang, paid, &payment.shop_order_id),
    }
}
