//! The payer pages' HTML: one layout, the words in both languages, and escaping.
//! Every text that came from a request or a shop goes through [`escape`].

use axum::response::{IntoResponse, Response};
use feennex_proto::prelude::{Currency, Decimal};
use http::{StatusCode, header};

use super::Lang;

/// The words of the payer pages in one language.
#[derive(Debug)]
pub(super) struct Words {
    pub(super) title: &'static str,
    pub(super) shop: &'static str,
    pub(super) order: &'static str,
    pub(super) amount: &'static str,
    pub(super) description: &'static str,
    pub(super) payway: &'static str,
    pub(super) choose_payway: &'static str,
    pub(super) to_pay: &'static str,
    pub(super) status: &'static str,
    pub(super) wallet: &'static str,
    pub(super) pay: &'static str,
    pub(super) decline: &'static str,
    pub(super) paid: &'static str,
    pub(super) declined: &'static str,
    pub(super) paid_text: &'static str,
    pub(super) declined_text: &'static str,
    pub(super) refused: &'static str,
    pub(super) form_received: &'static str,
}

const ENGLISH: Words = Words {
    title: "Payment",
    shop: "Shop",
    order: "Order",
    amount: "Amount",
    description: "Description",
    payway: "Pay with",
    choose_payway: "Choose how to pay",
    to_pay: "To pay",
    status: "Status",
    wallet: "Feennex wallet",
    pay: "Pay",
    decline: "Decline",
    paid: "Payment complete",
    declined: "Payment declined",
    paid_text: "The payment is made and the shop is being told.",
    declined_text: "Nothing was paid; the shop is being told.",
    refused: "The payment cannot be made",
    form_received: "Fields the shop sent",
};

const RUSSIAN: Words = Words {
    title: "Оплата",
    shop: "Магазин",
    order: "Заказ",
    amount: "Сумма",
    description: "Описание",
    payway: "Способ оплаты",
    choose_payway: "Выберите способ оплаты",
    to_pay: "К оплате",
    status: "Статус",
    wallet: "Кошелёк Feennex",
    pay: "Оплатить",
    decline: "Отказаться",
    paid: "Платёж выполнен",
    declined: "Платёж отклонён",
    paid_text: "Платёж выполнен, магазин получает уведомление.",
    declined_text: "Ничего не оплачено, магазин получает уведомление.",
    refused: "Платёж невозможен",
    form_received: "Поля, присланные магазином",
};

impl Lang {
    pub(super) fn words(self) -> &'static Words {
        match self {
            Lang::En => &ENGLISH,
            Lang::Ru => &RUSSIAN,
        }
    }
}

/// Text made safe to put in HTML, between tags or in a quoted attribute.
pub(super) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// An amount for people: two decimals and the currency's letters (`10.50 RUB`).
pub(super) fn money(amount: Decimal, currency: Currency) -> String {
    let letters = currency.alpha().map_or_else(|| currency.to_string(), str::to_owned);
    format!("{amount:.2} {letters}")
}

/// A hidden form field.
pub(super) fn hidden(name: &str, value: &str) -> String {
    format!(r#"<input type="hidden" name="{}" value="{}">"#, escape(name), escape(value))
}

/// Labels and values as a definition list; values are escaped here.
pub(super) fn details(rows: &[(&str, String)]) -> String {
    let items: String = rows
        .iter()
        .map(|(label, value)| format!("<dt>{}</dt><dd>{}</dd>", escape(label), escape(value)))
        .collect();
    format!(r#"<dl class="details">{items}</dl>"#)
}

/// A whole page: `body` is HTML already escaped.
pub(super) fn document(lang: Lang, title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Feennex sandbox</title>
<link rel="stylesheet" href="/_sandbox/assets/sandbox.css">
</head>
<body class="payer">
<main class="card">
<p class="brand">Feennex <span class="badge">sandbox</span></p>
{body}
</main>
</body>
</html>
"#,
        lang = lang.code(),
        title = escape(title),
    )
}

/// An HTML answer that browsers must not keep.
pub(super) fn respond(status: StatusCode, page: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
        page,
    )
        .into_response()
}

/// The page that says why nothing was paid.
pub(super) fn refusal(
    lang: Lang,
    status: StatusCode,
    code: Option<i64>,
    message: &str,
) -> Response {
    let words = lang.words();
    let code =
        code.map(|code| format!(r#"<p class="code">error_code {code}</p>"#)).unwrap_or_default();
    let body = format!(
        r#"<h1 class="refused">{}</h1><p class="message" role="alert">{}</p>{code}"#,
        escape(words.refused),
        escape(message)
    );
    respond(status, document(lang, words.refused, &body))
}

/// The page shown after the payer's choice when the shop gave no URL to return to.
pub(super) fn outcome(lang: Lang, paid: bool, order: &str) -> Response {
    let words = lang.words();
    let (title, text) =
        if paid { (words.paid, words.paid_text) } else { (words.declined, words.declined_text) };
    let body = format!(
        r#"<h1 class="{class}">{title}</h1><p>{text}</p>{details}"#,
        class = if paid { "paid" } else { "declined" },
        title = escape(title),
        text = escape(text),
        details = details(&[(words.order, order.to_owned())]),
    );
    respond(StatusCode::OK, document(lang, title, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_values_is_shown_as_text() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            hidden("n\"", "<v>"),
            r#"<input type="hidden" name="n&quot;" value="&lt;v&gt;">"#
        );
        assert!(details(&[("Order", "<b>".to_owned())]).contains("<dd>&lt;b&gt;</dd>"));
    }
}
