//! Payments a payer makes to a shop (bills and invoices), and the attempts to
//! deliver their callbacks.

use std::collections::BTreeMap;

use feennex_proto::prelude::{Currency, ErrorCode};
use serde::Serialize;

use super::{FIRST_PAYMENT_ID, Ledger, not_unique};
use crate::money::Money;
use crate::reply::ApiFailure;

/// The two kinds of payments a payer makes to a shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentKind {
    /// A payment by a Feennex wallet holder (`bill/create`).
    Bill,
    /// A payment through another payment system (`invoice/create`).
    Invoice,
}

impl PaymentKind {
    /// The kind named `bill` or `invoice`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "bill" => Some(PaymentKind::Bill),
            "invoice" => Some(PaymentKind::Invoice),
            _ => None,
        }
    }

    /// `bill` or `invoice`, as in the sandbox-only routes.
    pub fn name(self) -> &'static str {
        match self {
            PaymentKind::Bill => "bill",
            PaymentKind::Invoice => "invoice",
        }
    }

    /// The status code of a waiting, paid and rejected payment (spec section 8).
    fn codes(self) -> (u8, u8, u8) {
        match self {
            PaymentKind::Bill => (1, 2, 3),
            PaymentKind::Invoice => (2, 4, 6),
        }
    }

    /// The spec's name of one of this kind's statuses.
    pub(crate) fn status_name(self, status: u8) -> &'static str {
        match (self, status) {
            (PaymentKind::Bill, 1) => "Waiting",
            (PaymentKind::Bill, 2) => "Paid",
            (PaymentKind::Bill, 3) => "Canceled",
            (PaymentKind::Bill, 4) => "Expired",
            (PaymentKind::Invoice, 1) => "Created",
            (PaymentKind::Invoice, 2) => "Waiting",
            (PaymentKind::Invoice, 4) => "Success",
            (PaymentKind::Invoice, 6) => "PsRejected",
            _ => "Unknown",
        }
    }
}

/// A payment a payer is asked to make.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Payment {
    pub(crate) kind: PaymentKind,
    pub(crate) id: u64,
    pub(crate) shop_id: u64,
    pub(crate) shop_order_id: String,
    pub(crate) shop_amount: Money,
    pub(crate) shop_currency: Currency,
    pub(crate) shop_refund: Money,
    pub(crate) payer_price: Money,
    pub(crate) payer_currency: Currency,
    pub(crate) payway: String,
    pub(crate) payer_account: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) callback_url: Option<String>,
    pub(crate) success_url: Option<String>,
    pub(crate) failed_url: Option<String>,
    /// The language of the payer's pages and of the callback's `lang`.
    pub(crate) lang: &'static str,
    /// The address of the payer's browser, when the payer was seen.
    pub(crate) payer_ip: Option<String>,
    pub(crate) extra: BTreeMap<String, String>,
    pub(crate) created: String,
    pub(crate) processed: Option<String>,
    pub(crate) status: u8,
}

impl Payment {
    pub(crate) fn waiting_status(kind: PaymentKind) -> u8 {
        kind.codes().0
    }

    /// Whether the payer may still pay or decline it.
    pub(crate) fn is_waiting(&self) -> bool {
        self.status == Self::waiting_status(self.kind)
    }

    /// Whether it ended paid.
    pub(crate) fn is_paid(&self) -> bool {
        self.status == self.kind.codes().1
    }
}

/// One attempt to deliver a callback.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CallbackAttempt {
    pub(crate) kind: PaymentKind,
    pub(crate) payment_id: u64,
    pub(crate) url: String,
    /// Which delivery of the payment's callback: 1 the first, 2 the first resend, ...
    pub(crate) delivery: u32,
    pub(crate) attempt: u32,
    /// When the attempt started (RFC 3339).
    pub(crate) sent_at: String,
    /// How long it took, in milliseconds.
    pub(crate) elapsed_ms: u64,
    pub(crate) http_status: Option<u16>,
    /// The start of the shop's answer.
    pub(crate) answer: Option<String>,
    pub(crate) error: Option<String>,
    pub(crate) delivered: bool,
    pub(crate) fields: BTreeMap<String, String>,
}

impl Ledger {
    /// Records a new payment, unique per kind and `shop_order_id`.
    pub(crate) fn create_payment(&mut self, mut payment: Payment) -> Result<Payment, ApiFailure> {
        let key = (payment.kind, payment.shop_id, payment.shop_order_id.clone());
        if self.payment_ids.contains_key(&key) {
            return Err(not_unique("Shop_order_id", &key.2, key.1));
        }
        payment.id = FIRST_PAYMENT_ID + self.payments.len() as u64;
        payment.status = Payment::waiting_status(payment.kind);
        self.payment_ids.insert(key, self.payments.len());
        self.payments.push(payment.clone());
        Ok(payment)
    }

    /// Records a payment the payer has just paid or declined on the hosted pay
    /// page: created and finished at once, or not at all. An order has one such
    /// payment, whichever kind (error 6 for a second one).
    pub(crate) fn create_finished_payment(
        &mut self,
        payment: Payment,
        paid: bool,
        processed: String,
    ) -> Result<Payment, ApiFailure> {
        if let Some(existing) = self.order_payment(payment.shop_id, &payment.shop_order_id) {
            return Err(not_unique("Shop_order_id", &existing.shop_order_id, existing.shop_id));
        }
        let payer_ip = payment.payer_ip.clone();
        let created = self.create_payment(payment)?;
        self.finish_payment(created.kind, created.id, paid, processed, payer_ip)
            .map_err(|message| ApiFailure::new(ErrorCode::OperationIsProcessing, message))
    }

    /// The payment of either kind made for an order.
    pub(crate) fn order_payment(&self, shop_id: u64, shop_order_id: &str) -> Option<&Payment> {
        [PaymentKind::Bill, PaymentKind::Invoice]
            .into_iter()
            .find_map(|kind| self.find_payment(kind, shop_id, shop_order_id))
    }

    pub(crate) fn find_payment(
        &self,
        kind: PaymentKind,
        shop_id: u64,
        shop_order_id: &str,
    ) -> Option<&Payment> {
        let index = self.payment_ids.get(&(kind, shop_id, shop_order_id.to_owned()))?;
        self.payments.get(*index)
    }

    /// The payment of this kind with this id.
    pub(crate) fn payment(&self, kind: PaymentKind, id: u64) -> Option<&Payment> {
        self.payments.iter().find(|payment| payment.kind == kind && payment.id == id)
    }

    pub(crate) fn payments(&self) -> &[Payment] {
        &self.payments
    }

    /// Makes a waiting payment paid (crediting the shop) or rejected, noting the
    /// payer's address when the payer was seen.
    pub(crate) fn finish_payment(
        &mut self,
        kind: PaymentKind,
        id: u64,
        paid: bool,
        processed: String,
        payer_ip: Option<String>,
    ) -> Result<Payment, String> {
        let payment = self
            .payments
            .iter_mut()
            .find(|p| p.kind == kind && p.id == id)
            .ok_or_else(|| format!("no {} with id {id}", kind.name()))?;
        let (waiting, success, rejected) = kind.codes();
        if payment.status != waiting {
            return Err(format!(
                "{} {id} is already final (status {})",
                kind.name(),
                payment.status
            ));
        }
        payment.status = if paid { success } else { rejected };
        payment.processed = Some(processed);
        if payer_ip.is_some() {
            payment.payer_ip = payer_ip;
        }
        let payment = payment.clone();
        if paid {
            self.balance(payment.shop_id, payment.shop_currency).available.0 +=
                payment.shop_refund.0;
        }
        Ok(payment)
    }

    /// Numbers a new delivery of a payment's callback (1 for the first).
    pub(crate) fn next_delivery(&mut self, kind: PaymentKind, id: u64) -> u32 {
        let count = self.deliveries.entry((kind, id)).or_default();
        *count += 1;
        *count
    }
}
