//! The sandbox's books: balances, payouts, payments and delivered callbacks.
//!
//! The whole ledger sits behind one mutex, and every operation that checks and then
//! changes money (uniqueness, balance, debit) runs inside one lock, so identical
//! requests racing each other cannot both win and no update is lost.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use feennex_proto::prelude::{Currency, Decimal, ErrorCode};
use serde::Serialize;

use crate::config::WithdrawalPace;
use crate::money::{Money, python_text};
use crate::reply::ApiFailure;

/// Money of one shop in one currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Balance {
    pub(crate) available: Money,
    pub(crate) frozen: Money,
    pub(crate) hold: Money,
}

impl Default for Money {
    fn default() -> Self {
        Money(Decimal::ZERO)
    }
}

/// A wallet payout that was applied.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Transfer {
    pub(crate) id: u64,
    pub(crate) shop_id: u64,
    pub(crate) shop_payment_id: String,
    pub(crate) payee_account: String,
    pub(crate) payee_amount: Money,
    pub(crate) payee_currency: Currency,
    pub(crate) write_off_amount: Money,
    pub(crate) shop_currency: Currency,
    pub(crate) description: Option<String>,
}

/// Withdrawal statuses (spec section 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WithdrawStatus {
    New = 1,
    PsProcessing = 3,
    PsProcessingError = 4,
    Success = 5,
    Rejected = 6,
    PsNetworkError = 9,
}

impl WithdrawStatus {
    pub(crate) fn code(self) -> u8 {
        self as u8
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            WithdrawStatus::New => "New",
            WithdrawStatus::PsProcessing => "PsProcessing",
            WithdrawStatus::PsProcessingError => "PsProcessingError",
            WithdrawStatus::Success => "Success",
            WithdrawStatus::Rejected => "Rejected",
            WithdrawStatus::PsNetworkError => "PsNetworkError",
        }
    }

    /// The route a withdrawal to this account takes (see [`WithdrawalPace`]).
    pub(crate) fn route_for(account: &str) -> &'static [WithdrawStatus] {
        use WithdrawStatus::*;
        if account.ends_with("0000") {
            &[New, PsProcessing, Rejected]
        } else if account.ends_with("0004") {
            &[New, PsProcessing, PsProcessingError, PsProcessing, Success]
        } else if account.ends_with("0009") {
            &[New, PsProcessing, PsNetworkError, PsProcessing, Success]
        } else {
            &[New, PsProcessing, Success]
        }
    }
}

/// A payout to an external system.
#[derive(Debug, Clone)]
pub(crate) struct Withdrawal {
    pub(crate) id: u64,
    pub(crate) shop_id: u64,
    pub(crate) shop_payment_id: String,
    pub(crate) account: String,
    pub(crate) payway: String,
    pub(crate) payee_receive: Decimal,
    pub(crate) ps_currency: Currency,
    pub(crate) shop_write_off: Decimal,
    pub(crate) shop_currency: Currency,
    route: &'static [WithdrawStatus],
    step: usize,
    created: Instant,
    status_requests: usize,
}

impl Withdrawal {
    pub(crate) fn status(&self) -> WithdrawStatus {
        self.route[self.step]
    }

    fn is_final(&self) -> bool {
        self.step + 1 == self.route.len()
    }
}

/// A withdrawal as introspection and status calls show it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct WithdrawalView {
    pub(crate) id: u64,
    pub(crate) shop_id: u64,
    pub(crate) shop_payment_id: String,
    pub(crate) account: String,
    pub(crate) payway: String,
    pub(crate) payee_receive: Money,
    pub(crate) ps_currency: Currency,
    pub(crate) shop_write_off: Money,
    pub(crate) shop_currency: Currency,
    pub(crate) status: u8,
    pub(crate) status_name: &'static str,
}

impl From<&Withdrawal> for WithdrawalView {
    fn from(w: &Withdrawal) -> Self {
        Self {
            id: w.id,
            shop_id: w.shop_id,
            shop_payment_id: w.shop_payment_id.clone(),
            account: w.account.clone(),
            payway: w.payway.clone(),
            payee_receive: Money(w.payee_receive),
            ps_currency: w.ps_currency,
            shop_write_off: Money(w.shop_write_off),
            shop_currency: w.shop_currency,
            status: w.status().code(),
            status_name: w.status().name(),
        }
    }
}

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
    pub(crate) extra: BTreeMap<String, String>,
    pub(crate) created: String,
    pub(crate) processed: Option<String>,
    pub(crate) status: u8,
}

impl Payment {
    pub(crate) fn waiting_status(kind: PaymentKind) -> u8 {
        kind.codes().0
    }
}

/// One attempt to deliver a callback.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CallbackAttempt {
    pub(crate) kind: PaymentKind,
    pub(crate) payment_id: u64,
    pub(crate) url: String,
    pub(crate) attempt: u32,
    pub(crate) http_status: Option<u16>,
    pub(crate) error: Option<String>,
    pub(crate) delivered: bool,
    pub(crate) fields: BTreeMap<String, String>,
}

/// Everything that changes while the sandbox runs.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    balances: BTreeMap<(u64, Currency), Balance>,
    transfers: Vec<Transfer>,
    transfer_ids: HashMap<(u64, String), usize>,
    withdrawals: Vec<Withdrawal>,
    withdrawal_ids: HashMap<(u64, String), usize>,
    payments: Vec<Payment>,
    payment_ids: HashMap<(PaymentKind, u64, String), usize>,
    pub(crate) callbacks: Vec<CallbackAttempt>,
}

/// First id of each kind of record, so that ids of different kinds do not look alike.
const FIRST_TRANSFER_ID: u64 = 1001;
const FIRST_WITHDRAWAL_ID: u64 = 5001;
const FIRST_PAYMENT_ID: u64 = 9001;

fn not_unique(what: &str, id: &str, shop_id: u64) -> ApiFailure {
    ApiFailure::new(
        ErrorCode::OperationNotUnique,
        format!("{what} '{id}' is not unique for shop(id={shop_id})"),
    )
}

impl Ledger {
    pub(crate) fn new(shops: &[crate::config::ShopConfig]) -> Self {
        let mut ledger = Ledger::default();
        for shop in shops {
            for (currency, amount) in &shop.balances {
                ledger.balances.insert(
                    (shop.id, *currency),
                    Balance { available: Money(*amount), ..Balance::default() },
                );
            }
        }
        ledger
    }

    fn balance(&mut self, shop_id: u64, currency: Currency) -> &mut Balance {
        self.balances.entry((shop_id, currency)).or_default()
    }

    /// Takes `amount` from the available balance, or refuses with error 9.
    fn debit(
        &mut self,
        shop_id: u64,
        currency: Currency,
        amount: Decimal,
    ) -> Result<(), ApiFailure> {
        let available = self.available(shop_id, currency);
        if available < amount {
            return Err(ApiFailure::new(
                ErrorCode::InsufficientBalance,
                format!(
                    "Insufficient balance(currency={currency}): shop_write_off={}, balance={}",
                    python_text(amount),
                    python_text(available)
                ),
            ));
        }
        self.balance(shop_id, currency).available.0 -= amount;
        Ok(())
    }

    pub(crate) fn available(&self, shop_id: u64, currency: Currency) -> Decimal {
        self.balances.get(&(shop_id, currency)).map_or(Decimal::ZERO, |b| b.available.0)
    }

    /// Applies a wallet payout: unique id, enough money, debit; all or nothing.
    pub(crate) fn create_transfer(
        &mut self,
        mut transfer: Transfer,
    ) -> Result<(Transfer, Decimal), ApiFailure> {
        let key = (transfer.shop_id, transfer.shop_payment_id.clone());
        if self.transfer_ids.contains_key(&key) {
            return Err(not_unique("Shop_payment_id", &key.1, key.0));
        }
        self.debit(transfer.shop_id, transfer.shop_currency, transfer.write_off_amount.0)?;
        transfer.id = FIRST_TRANSFER_ID + self.transfers.len() as u64;
        self.transfer_ids.insert(key, self.transfers.len());
        self.transfers.push(transfer.clone());
        let balance = self.available(transfer.shop_id, transfer.shop_currency);
        Ok((transfer, balance))
    }

    pub(crate) fn find_transfer(&self, shop_id: u64, shop_payment_id: &str) -> Option<&Transfer> {
        let index = self.transfer_ids.get(&(shop_id, shop_payment_id.to_owned()))?;
        self.transfers.get(*index)
    }

    pub(crate) fn transfers(&self) -> &[Transfer] {
        &self.transfers
    }

    /// Applies a withdrawal: unique id, enough money, and the write-off moves from
    /// available to frozen until the withdrawal is final.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn create_withdrawal(
        &mut self,
        shop_id: u64,
        shop_payment_id: String,
        account: String,
        payway: String,
        payee_receive: Decimal,
        ps_currency: Currency,
        shop_write_off: Decimal,
        shop_currency: Currency,
    ) -> Result<(WithdrawalView, Decimal), ApiFailure> {
        let key = (shop_id, shop_payment_id.clone());
        if self.withdrawal_ids.contains_key(&key) {
            return Err(not_unique("Shop_payment_id", &shop_payment_id, shop_id));
        }
        self.debit(shop_id, shop_currency, shop_write_off)?;
        self.balance(shop_id, shop_currency).frozen.0 += shop_write_off;
        let withdrawal = Withdrawal {
            id: FIRST_WITHDRAWAL_ID + self.withdrawals.len() as u64,
            shop_id,
            route: WithdrawStatus::route_for(&account),
            shop_payment_id,
            account,
            payway,
            payee_receive,
            ps_currency,
            shop_write_off,
            shop_currency,
            step: 0,
            created: Instant::now(),
            status_requests: 0,
        };
        self.withdrawal_ids.insert(key, self.withdrawals.len());
        let view = WithdrawalView::from(&withdrawal);
        self.withdrawals.push(withdrawal);
        Ok((view, self.available(shop_id, shop_currency)))
    }

    /// Moves every withdrawal forward to where the pace says it is by now, settling
    /// the frozen money of those that became final.
    pub(crate) fn advance_withdrawals(&mut self, pace: WithdrawalPace, now: Instant) {
        let WithdrawalPace::Timed(step) = pace else { return };
        for index in 0..self.withdrawals.len() {
            let elapsed = now.saturating_duration_since(self.withdrawals[index].created);
            let steps = steps_after(elapsed, step);
            self.move_withdrawal_to(index, steps);
        }
    }

    /// Looks a withdrawal up for a status call, moving it one step first when the
    /// pace is one step per status request.
    pub(crate) fn withdrawal_status(
        &mut self,
        pace: WithdrawalPace,
        shop_id: u64,
        by: WithdrawalKey<'_>,
    ) -> Result<WithdrawalView, ApiFailure> {
        self.advance_withdrawals(pace, Instant::now());
        let index = match by {
            WithdrawalKey::Id(id) => self
                .withdrawals
                .iter()
                .position(|w| w.id == id && w.shop_id == shop_id)
                .ok_or_else(|| {
                    ApiFailure::new(
                        ErrorCode::OperationNotFound,
                        format!("Withdraw (id={id}) wasn't found"),
                    )
                })?,
            WithdrawalKey::ShopPaymentId(spid) => {
                *self.withdrawal_ids.get(&(shop_id, spid.to_owned())).ok_or_else(|| {
                    ApiFailure::new(
                        ErrorCode::OperationNotFound,
                        format!("Withdraw (shop_payment_id={spid}) wasn't found"),
                    )
                })?
            }
        };
        if pace == WithdrawalPace::PerStatusRequest {
            let requests = self.withdrawals[index].status_requests + 1;
            self.withdrawals[index].status_requests = requests;
            self.move_withdrawal_to(index, requests);
        }
        Ok(WithdrawalView::from(&self.withdrawals[index]))
    }

    fn move_withdrawal_to(&mut self, index: usize, steps: usize) {
        let withdrawal = &mut self.withdrawals[index];
        if withdrawal.is_final() {
            return;
        }
        withdrawal.step = steps.min(withdrawal.route.len() - 1);
        if !withdrawal.is_final() {
            return;
        }
        let (shop_id, currency, amount) =
            (withdrawal.shop_id, withdrawal.shop_currency, withdrawal.shop_write_off);
        let rejected = withdrawal.status() == WithdrawStatus::Rejected;
        let balance = self.balance(shop_id, currency);
        balance.frozen.0 -= amount;
        if rejected {
            balance.available.0 += amount;
        }
    }

    pub(crate) fn withdrawals(&self) -> Vec<WithdrawalView> {
        self.withdrawals.iter().map(WithdrawalView::from).collect()
    }

    /// Balances of one shop (or of all shops), by currency.
    pub(crate) fn balances(&self, shop_id: Option<u64>) -> Vec<(u64, Currency, Balance)> {
        self.balances
            .iter()
            .filter(|((shop, _), _)| shop_id.is_none_or(|wanted| *shop == wanted))
            .map(|((shop, currency), balance)| (*shop, *currency, *balance))
            .collect()
    }

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

    pub(crate) fn find_payment(
        &self,
        kind: PaymentKind,
        shop_id: u64,
        shop_order_id: &str,
    ) -> Option<&Payment> {
        let index = self.payment_ids.get(&(kind, shop_id, shop_order_id.to_owned()))?;
        self.payments.get(*index)
    }

    pub(crate) fn payments(&self) -> &[Payment] {
        &self.payments
    }

    /// Makes a waiting payment paid (crediting the shop) or rejected.
    pub(crate) fn finish_payment(
        &mut self,
        kind: PaymentKind,
        id: u64,
        paid: bool,
        processed: String,
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
        let payment = payment.clone();
        if paid {
            self.balance(payment.shop_id, payment.shop_currency).available.0 +=
                payment.shop_refund.0;
        }
        Ok(payment)
    }
}

/// How a status call names a withdrawal.
#[derive(Debug, Clone, Copy)]
pub(crate) enum WithdrawalKey<'a> {
    Id(u64),
    ShopPaymentId(&'a str),
}

/// Steps taken after `elapsed` at one step per `step` (all of them when `step` is zero).
fn steps_after(elapsed: Duration, step: Duration) -> usize {
    if step.is_zero() {
        return usize::MAX;
    }
    usize::try_from(elapsed.as_nanos() / step.as_nanos()).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ShopConfig;
    use feennex_proto::SecretKey;

    fn ledger() -> Ledger {
        let shop = ShopConfig::new(1, SecretKey::new("s"))
            .with_balances(BTreeMap::from([(Currency::USD, Decimal::ONE_HUNDRED)]));
        Ledger::new(&[shop])
    }

    fn withdraw(ledger: &mut Ledger, spid: &str, account: &str) -> WithdrawalView {
        let ten = Decimal::TEN;
        let (view, _) = ledger
            .create_withdrawal(
                1,
                spid.into(),
                account.into(),
                "card_usd".into(),
                ten,
                Currency::USD,
                ten,
                Currency::USD,
            )
            .unwrap();
        view
    }

    #[test]
    fn rejected_withdrawal_returns_the_frozen_money() {
        let mut ledger = ledger();
        withdraw(&mut ledger, "w1", "4111111111110000");
        let balance = ledger.balances(Some(1))[0].2;
        assert_eq!((balance.available.0, balance.frozen.0), (Decimal::from(90), Decimal::TEN));
        let pace = WithdrawalPace::PerStatusRequest;
        let statuses: Vec<u8> = (0..3)
            .map(|_| {
                ledger
                    .withdrawal_status(pace, 1, WithdrawalKey::ShopPaymentId("w1"))
                    .unwrap()
                    .status
            })
            .collect();
        assert_eq!(statuses, [3, 6, 6]);
        let balance = ledger.balances(Some(1))[0].2;
        assert_eq!((balance.available.0, balance.frozen.0), (Decimal::ONE_HUNDRED, Decimal::ZERO));
    }

    #[test]
    fn successful_withdrawal_lets_the_frozen_money_leave() {
        let mut ledger = ledger();
        let view = withdraw(&mut ledger, "w1", "4111111111110009");
        let pace = WithdrawalPace::PerStatusRequest;
        let statuses: Vec<u8> = (0..5)
            .map(|_| ledger.withdrawal_status(pace, 1, WithdrawalKey::Id(view.id)).unwrap().status)
            .collect();
        assert_eq!(statuses, [3, 9, 3, 5, 5]);
        let balance = ledger.balances(Some(1))[0].2;
        assert_eq!((balance.available.0, balance.frozen.0), (Decimal::from(90), Decimal::ZERO));
    }

    #[test]
    fn timed_pace_with_zero_step_is_final_at_once() {
        let mut ledger = ledger();
        withdraw(&mut ledger, "w1", "4111111111111111");
        ledger.advance_withdrawals(WithdrawalPace::Timed(Duration::ZERO), Instant::now());
        assert_eq!(ledger.withdrawals()[0].status, 5);
        assert_eq!(steps_after(Duration::from_millis(2500), Duration::from_secs(1)), 2);
    }

    #[test]
    fn a_debit_beyond_the_balance_changes_nothing() {
        let mut ledger = ledger();
        let failure = ledger.debit(1, Currency::USD, Decimal::from(500)).unwrap_err();
        assert_eq!(failure.code, ErrorCode::InsufficientBalance);
        assert_eq!(
            failure.message,
            "Insufficient balance(currency=840): shop_write_off=500.0, balance=100.0"
        );
        assert_eq!(ledger.available(1, Currency::USD), Decimal::ONE_HUNDRED);
        let failure = ledger.debit(1, Currency::KZT, Decimal::ONE).unwrap_err();
        assert!(failure.message.ends_with("balance=0.0"), "{}", failure.message);
        assert_eq!(ledger.balances(Some(1)).len(), 1, "no empty balance appears");
    }
}
