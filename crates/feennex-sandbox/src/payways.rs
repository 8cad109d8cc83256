//! Payment systems (payways): how payouts to them and payments through them work,
//! and the catalogue of the ones the sandbox knows by name.
//!
//! A shop is offered [`InvoicePayway::defaults`] and [`WithdrawPayway::defaults`]
//! unless told otherwise; [`catalogue`](InvoicePayway::catalogue) adds the
//! engine's other well-known payways, each with the `data` shape its provider's
//! form has, so that shops written for them can be exercised.

use std::collections::BTreeMap;

use feennex_proto::prelude::{Currency, Decimal};

/// What an account of a payway must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccountFormat {
    /// A bank card number: 13 to 19 digits.
    Card,
    /// A phone number: an optional `+` and 10 to 15 digits.
    Phone,
    /// An e-mail address.
    Email,
    /// A Payeer account: `P` and 7 to 12 digits.
    PayeerWallet,
    /// A Perfect Money account: `U` and 7 to 12 digits.
    PerfectMoneyWallet,
}

impl AccountFormat {
    /// Whether the account has this format.
    pub fn accepts(self, account: &str) -> bool {
        let digits = |text: &str, range: std::ops::RangeInclusive<usize>| {
            range.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
        };
        let wallet = |prefix: char| account.strip_prefix(prefix).is_some_and(|d| digits(d, 7..=12));
        match self {
            AccountFormat::Card => digits(account, 13..=19),
            AccountFormat::Phone => digits(account.strip_prefix('+').unwrap_or(account), 10..=15),
            AccountFormat::Email => account.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !account.contains(char::is_whitespace)
                    && !domain.contains('@')
            }),
            AccountFormat::PayeerWallet => wallet('P'),
            AccountFormat::PerfectMoneyWallet => wallet('U'),
        }
    }

    /// The documented pattern, as `account_info_config` shows it.
    pub fn regex(self) -> &'static str {
        match self {
            AccountFormat::Card => r"^\d{13,19}$",
            AccountFormat::Phone => r"^\+?\d{10,15}$",
            AccountFormat::Email => r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
            AccountFormat::PayeerWallet => r"^P\d{7,12}$",
            AccountFormat::PerfectMoneyWallet => r"^U\d{7,12}$",
        }
    }

    /// An example account.
    pub fn example(self) -> &'static str {
        match self {
            AccountFormat::Card => "4111111111111111",
            AccountFormat::Phone => "+79001234567",
            AccountFormat::Email => "payee@example.com",
            AccountFormat::PayeerWallet => "P1000000001",
            AccountFormat::PerfectMoneyWallet => "U1000000001",
        }
    }
}

/// A payout method of `withdraw/*`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WithdrawPayway {
    /// The alias sent as `payway`.
    pub alias: String,
    /// The currency the payee receives (`ps_currency`).
    pub currency: Currency,
    /// Fee in percent, paid by the shop on top of what the payee receives.
    pub fee_percent: Decimal,
    /// Smallest amount the payee may receive (error 4 below it).
    pub min: Decimal,
    /// Largest amount the payee may receive (error 5 above it).
    pub max: Decimal,
    /// Format of the `account`.
    pub account: AccountFormat,
}

impl WithdrawPayway {
    fn new(
        alias: &str,
        currency: Currency,
        fee_percent: Decimal,
        limits: (i64, i64),
        account: AccountFormat,
    ) -> Self {
        Self {
            alias: alias.to_owned(),
            currency,
            fee_percent,
            min: Decimal::from(limits.0),
            max: Decimal::from(limits.1),
            account,
        }
    }

    /// `card_usd` (840, 2 %, 10 to 10 000), `card_eur` (978, 2 %, 10 to 10 000),
    /// `card_rub` (643, 1.5 %, 100 to 600 000), `qiwi_rub` (643, 2.5 %, 10 to 15 000,
    /// phone numbers).
    pub fn defaults() -> Vec<Self> {
        use AccountFormat::{Card, Phone};
        vec![
            Self::new("card_usd", Currency::USD, Decimal::new(2, 0), (10, 10_000), Card),
            Self::new("card_eur", Currency::EUR, Decimal::new(2, 0), (10, 10_000), Card),
            Self::new("card_rub", Currency::RUB, Decimal::new(15, 1), (100, 600_000), Card),
            Self::new("qiwi_rub", Currency::RUB, Decimal::new(25, 1), (10, 15_000), Phone),
        ]
    }

    /// The defaults and `payeer_rub` (643, 1 %, 10 to 500 000, Payeer accounts),
    /// `advcash_rub` (643, 1.5 %, 10 to 500 000, e-mail addresses),
    /// `perfectmoney_usd` (840, 1.99 %, 1 to 10 000, Perfect Money accounts).
    pub fn catalogue() -> Vec<Self> {
        use AccountFormat::{Email, PayeerWallet, PerfectMoneyWallet};
        let mut all = Self::defaults();
        all.extend([
            Self::new("payeer_rub", Currency::RUB, Decimal::ONE, (10, 500_000), PayeerWallet),
            Self::new("advcash_rub", Currency::RUB, Decimal::new(15, 1), (10, 500_000), Email),
            Self::new(
                "perfectmoney_usd",
                Currency::USD,
                Decimal::new(199, 2),
                (1, 10_000),
                PerfectMoneyWallet,
            ),
        ]);
        all
    }
}

/// How the payer of an invoice is sent on, as `invoice/create` answers it: the
/// `method` and the shape of `data` that the provider's form has. The `url` is
/// always the sandbox's own payer page, which takes any of these forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvoiceForm {
    /// `data` is `invoice_id` and `lang`, sent with `POST`.
    Post,
    /// `data` is `invoice_id` and `lang`, sent with `GET`.
    Get,
    /// Payeer's merchant page: `GET` with `lang`, `m_curorderid`, `m_historyid`,
    /// `m_historytm` and `referer` (the shape of the engine's published example).
    Payeer,
    /// Advcash's checkout form: `POST` with `ac_account_email`, `ac_sci_name`,
    /// `ac_amount`, `ac_currency`, `ac_order_id` and `ac_comments`.
    Advcash,
    /// Perfect Money's form: `POST` with `PAYEE_ACCOUNT`, `PAYEE_NAME`,
    /// `PAYMENT_AMOUNT`, `PAYMENT_UNITS` and `PAYMENT_ID`.
    PerfectMoney,
    /// A host-to-host payway: `data` holds only a `session_id`, and the shop's
    /// server carries on (the method says `POST`).
    HostToHost,
    /// Paid outside the engine (a bank transfer): method `OFFLINE`, `data` holds
    /// the `invoice_id` and the `reference` the payer quotes.
    Offline,
}

/// What an invoice's form is filled from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InvoiceFacts<'a> {
    pub(crate) id: u64,
    pub(crate) payer_price: &'a str,
    pub(crate) currency: Currency,
    pub(crate) shop_order_id: &'a str,
    pub(crate) description: Option<&'a str>,
    pub(crate) lang: &'a str,
    pub(crate) url: &'a str,
    pub(crate) unix_time: i64,
}

impl InvoiceForm {
    /// The method `invoice/create` names.
    pub fn method(self) -> &'static str {
        match self {
            InvoiceForm::Get | InvoiceForm::Payeer => "GET",
            InvoiceForm::Offline => "OFFLINE",
            InvoiceForm::Post
            | InvoiceForm::Advcash
            | InvoiceForm::PerfectMoney
            | InvoiceForm::HostToHost => "POST",
        }
    }

    /// The `data` of `invoice/create`.
    pub(crate) fn data(self, invoice: &InvoiceFacts<'_>) -> BTreeMap<&'static str, String> {
        let id = invoice.id.to_string();
        let letters =
            invoice.currency.alpha().map_or_else(|| invoice.currency.to_string(), str::to_owned);
        let fields: Vec<(&'static str, String)> = match self {
            InvoiceForm::Post | InvoiceForm::Get => {
                vec![("invoice_id", id), ("lang", invoice.lang.to_owned())]
            }
            InvoiceForm::Payeer => {
                let history = (invoice.id + 800_000_000).to_string();
                let time = invoice.unix_time.to_string();
                let referer = format!(
                    "{}?m_historyid={history}&m_historytm={time}&m_curorderid={id}&lang={}",
                    invoice.url, invoice.lang
                );
                vec![
                    ("lang", invoice.lang.to_owned()),
                    ("m_curorderid", id),
                    ("m_historyid", history),
                    ("m_historytm", time),
                    ("referer", referer),
                ]
            }
            InvoiceForm::Advcash => vec![
                ("ac_account_email", "merchant@sandbox.feennex.test".to_owned()),
                ("ac_amount", invoice.payer_price.to_owned()),
                ("ac_comments", invoice.description.unwrap_or(invoice.shop_order_id).to_owned()),
                ("ac_currency", letters),
                ("ac_order_id", id),
                ("ac_sci_name", "feennex-sandbox".to_owned()),
            ],
            InvoiceForm::PerfectMoney => vec![
                ("PAYEE_ACCOUNT", "U1000000001".to_owned()),
                ("PAYEE_NAME", "Feennex sandbox".to_owned()),
                ("PAYMENT_AMOUNT", invoice.payer_price.to_owned()),
                ("PAYMENT_ID", id),
                ("PAYMENT_UNITS", letters),
            ],
            InvoiceForm::HostToHost => vec![("session_id", format!("sandbox-session-{id}"))],
            InvoiceForm::Offline => {
                vec![("reference", format!("FNX-{id}")), ("invoice_id", id)]
            }
        };
        fields.into_iter().collect()
    }
}

/// A payment method of `invoice/*`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct InvoicePayway {
    /// The alias sent as `payway`.
    pub alias: String,
    /// The currency the payer pays in (`ps_currency`).
    pub currency: Currency,
    /// Fee in percent the payer pays on top of the shop's amount.
    pub fee_percent: Decimal,
    /// Smallest amount of a payment, in `currency` (error 4 below it).
    pub min: Decimal,
    /// Largest amount of a payment, in `currency` (error 5 above it).
    pub max: Decimal,
    /// Extra fields the payer must give in `invoice/create` (`email`, `phone`).
    pub add_ons: Vec<String>,
    /// How the payer is sent on: the method and the shape of `data`.
    pub form: InvoiceForm,
}

impl InvoicePayway {
    fn new(
        alias: &str,
        currency: Currency,
        fee_percent: Decimal,
        limits: (i64, i64),
        add_ons: &[&str],
        form: InvoiceForm,
    ) -> Self {
        Self {
            alias: alias.to_owned(),
            currency,
            fee_percent,
            min: Decimal::from(limits.0),
            max: Decimal::from(limits.1),
            add_ons: add_ons.iter().map(|name| (*name).to_owned()).collect(),
            form,
        }
    }

    /// `card_rub` (643, 3 %, 100 to 100 000, POST), `card_usd` (840, 3.5 %, 1 to
    /// 5 000, POST, asks `email`), `qiwi_rub` (643, 4 %, 10 to 15 000, GET, asks
    /// `phone`).
    pub fn defaults() -> Vec<Self> {
        use InvoiceForm::{Get, Post};
        vec![
            Self::new("card_rub", Currency::RUB, Decimal::new(3, 0), (100, 100_000), &[], Post),
            Self::new("card_usd", Currency::USD, Decimal::new(35, 1), (1, 5_000), &["email"], Post),
            Self::new("qiwi_rub", Currency::RUB, Decimal::new(4, 0), (10, 15_000), &["phone"], Get),
        ]
    }

    /// The defaults and `payeer_rub` (643, 2.5 %, 10 to 500 000, [`InvoiceForm::Payeer`]),
    /// `advcash_rub` (643, 2 %, 10 to 500 000, [`InvoiceForm::Advcash`]),
    /// `perfectmoney_usd` (840, 2.5 %, 1 to 10 000, [`InvoiceForm::PerfectMoney`]),
    /// `sbp_rub` (643, 0.7 %, 10 to 1 000 000, [`InvoiceForm::HostToHost`]) and
    /// `bank_transfer_rub` (643, no fee, 1 000 to 10 000 000, [`InvoiceForm::Offline`]).
    pub fn catalogue() -> Vec<Self> {
        use InvoiceForm::{Advcash, HostToHost, Offline, Payeer, PerfectMoney};
        let rub = Currency::RUB;
        let mut all = Self::defaults();
        all.extend([
            Self::new("payeer_rub", rub, Decimal::new(25, 1), (10, 500_000), &[], Payeer),
            Self::new("advcash_rub", rub, Decimal::new(2, 0), (10, 500_000), &[], Advcash),
            Self::new(
                "perfectmoney_usd",
                Currency::USD,
                Decimal::new(25, 1),
                (1, 10_000),
                &[],
                PerfectMoney,
            ),
            Self::new("sbp_rub", rub, Decimal::new(7, 1), (10, 1_000_000), &[], HostToHost),
            Self::new("bank_transfer_rub", rub, Decimal::ZERO, (1_000, 10_000_000), &[], Offline),
        ]);
        all
    }
}

/// Why payways could not be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaywayError {
    /// The name is in neither catalogue.
    #[error("unknown payway {name:?}; the sandbox knows {known}")]
    Unknown {
        /// The name given.
        name: String,
        /// Every name the catalogues hold, by name.
        known: String,
    },
    /// Payways were chosen for a shop that is not configured.
    #[error("payways are chosen for shop {0}, which is not configured")]
    NoSuchShop(u64),
}

/// The catalogue entries named `names`, for payments and for payouts; a name may
/// be in one catalogue or both, and must be in one.
pub(crate) fn payways_named<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Result<(Vec<InvoicePayway>, Vec<WithdrawPayway>), PaywayError> {
    let (invoices, withdrawals) = (InvoicePayway::catalogue(), WithdrawPayway::catalogue());
    let (mut chosen_invoices, mut chosen_withdrawals) = (Vec::new(), Vec::new());
    for name in names {
        let invoice = invoices.iter().find(|payway| payway.alias == name);
        let withdrawal = withdrawals.iter().find(|payway| payway.alias == name);
        if invoice.is_none() && withdrawal.is_none() {
            let mut known: Vec<&str> = invoices.iter().map(|p| p.alias.as_str()).collect();
            known.extend(withdrawals.iter().map(|p| p.alias.as_str()));
            known.sort_unstable();
            known.dedup();
            return Err(PaywayError::Unknown {
                name: name.chars().take(64).collect(),
                known: known.join(", "),
            });
        }
        if let Some(payway) =
            invoice.filter(|p| !chosen_invoices.iter().any(|c: &InvoicePayway| c.alias == p.alias))
        {
            chosen_invoices.push(payway.clone());
        }
        if let Some(payway) = withdrawal
            .filter(|p| !chosen_withdrawals.iter().any(|c: &WithdrawPayway| c.alias == p.alias))
        {
            chosen_withdrawals.push(payway.clone());
        }
    }
    Ok((chosen_invoices, chosen_withdrawals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_formats_accept_their_own_examples_only() {
        let formats = [
            AccountFormat::Card,
            AccountFormat::Phone,
            AccountFormat::Email,
            AccountFormat::PayeerWallet,
            AccountFormat::PerfectMoneyWallet,
        ];
        for format in formats {
            for other in formats {
                let accepted = format.accepts(other.example());
                // A phone number without its + is 11 digits, not a card; only a
                // format's own example passes it.
                assert_eq!(accepted, format == other, "{format:?} on {other:?}");
            }
        }
        for bad in ["P123", "U12345678901234", "a@b", "@b.c", "a b@c.d", "a@b.c@d"] {
            assert!(formats.iter().all(|f| !f.accepts(bad)), "{bad}");
        }
    }

    #[test]
    fn names_pick_catalogue_entries_once_and_unknown_names_are_refused() {
        let (invoices, withdrawals) =
            payways_named(["payeer_rub", "card_eur", "payeer_rub", "sbp_rub"]).unwrap();
        let aliases = |list: Vec<&String>| list.into_iter().cloned().collect::<Vec<_>>();
        assert_eq!(aliases(invoices.iter().map(|p| &p.alias).collect()), ["payeer_rub", "sbp_rub"]);
        assert_eq!(
            aliases(withdrawals.iter().map(|p| &p.alias).collect()),
            ["payeer_rub", "card_eur"]
        );
        let error = payways_named(["card_rub", "mystery_rub"]).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("unknown payway \"mystery_rub\"; the sandbox knows advcash_rub,"),
            "{error}"
        );
    }

    #[test]
    fn each_form_has_its_method_and_its_providers_fields() {
        let facts = InvoiceFacts {
            id: 9003,
            payer_price: "103.00",
            currency: Currency::RUB,
            shop_order_id: "o-1",
            description: None,
            lang: "ru",
            url: "http://127.0.0.1:1/_sandbox/pay/invoice/9003",
            unix_time: 1_700_000_000,
        };
        let payeer = InvoiceForm::Payeer.data(&facts);
        assert_eq!(InvoiceForm::Payeer.method(), "GET");
        assert_eq!(payeer["m_curorderid"], "9003");
        assert_eq!(payeer["m_historytm"], "1700000000");
        assert!(
            payeer["referer"]
                .starts_with("http://127.0.0.1:1/_sandbox/pay/invoice/9003?m_historyid=")
        );
        let advcash = InvoiceForm::Advcash.data(&facts);
        assert_eq!(
            (advcash["ac_amount"].as_str(), advcash["ac_currency"].as_str()),
            ("103.00", "RUB")
        );
        assert_eq!(advcash["ac_comments"], "o-1");
        let h2h = InvoiceForm::HostToHost.data(&facts);
        assert_eq!(h2h.keys().copied().collect::<Vec<_>>(), ["session_id"]);
        assert_eq!(InvoiceForm::Offline.method(), "OFFLINE");
        assert_eq!(InvoiceForm::Post.data(&facts)["lang"], "ru");
    }
}
