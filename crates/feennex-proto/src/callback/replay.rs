//! Recognising a callback delivered again.
//!
//! Feennex delivers a callback until it is answered `OK`, so the same payment can
//! arrive twice: after a lost reply, a slow handler, or a replay by someone who
//! captured it (the signature stays valid). A handler must answer `OK` to a repeat
//! too, but must not act on it twice. The durable check belongs with the order
//! itself ("is it already marked paid?"); [`ReplayGuard`] is the in-memory part
//! that surfaces repeats to a single process.

use std::collections::{HashSet, VecDeque};

use super::notification::Notification;

/// What makes two deliveries the same event: the shop, the payment and the status
/// it reached.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveryKey {
    shop_id: Option<u64>,
    payment: String,
    status: String,
}

impl Notification {
    /// The key under which repeats of this callback are recognised: shop id,
    /// `payment_id` (or `shop_order_id` when absent) and `status`.
    pub fn delivery_key(&self) -> DeliveryKey {
        DeliveryKey {
            shop_id: self.shop_id().map(|id| id.get()),
            payment: self
                .payment_id()
                .or_else(|| self.shop_order_id())
                .unwrap_or_default()
                .to_owned(),
            status: self.field("status").unwrap_or_default().to_owned(),
        }
    }
}

/// Whether a verified callback was seen before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackDelivery {
    /// The first delivery of this event: act on it.
    First,
    /// The same event again: answer `OK` and do nothing else.
    Repeat,
}

/// Remembers the last `capacity` callback events of this process.
#[derive(Debug, Clone)]
pub struct ReplayGuard {
    capacity: usize,
    seen: HashSet<DeliveryKey>,
    order: VecDeque<DeliveryKey>,
}

impl ReplayGuard {
    /// A guard that remembers up to `capacity` events (at least one); the oldest
    /// are forgotten first.
    pub fn new(capacity: usize) -> Self {
        Self { capacity: capacity.max(1), seen: HashSet::new(), order: VecDeque::new() }
    }

    /// Records a verified callback and says whether its event was seen before.
    pub fn observe(&mut self, notification: &Notification) -> CallbackDelivery {
        let key = notification.delivery_key();
        if self.seen.contains(&key) {
            return CallbackDelivery::Repeat;
        }
        if self.order.len() == self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.seen.remove(&oldest);
        }
        self.seen.insert(key.clone());
        self.order.push_back(key);
        CallbackDelivery::First
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SecretKey;
    use crate::callback::{CallbackPolicy, SenderCheck, verify_callback_with};
    use crate::sign::sign;

    fn notification(payment_id: &str, status: &str) -> Notification {
        let secret = SecretKey::new("k");
        let fields = [("payment_id", payment_id), ("shop_id", "6"), ("status", status)];
        let signature = sign(&fields, &secret);
        let body = format!("payment_id={payment_id}&shop_id=6&status={status}&sign={signature}");
        verify_callback_with(
            body.as_bytes(),
            "application/x-www-form-urlencoded",
            "127.0.0.1".parse().unwrap(),
            &secret,
            &SenderCheck::CheckedUpstream,
            &CallbackPolicy::permissive(),
        )
        .unwrap()
    }

    #[test]
    fn the_same_event_twice_is_a_repeat_and_a_new_status_is_not() {
        let mut guard = ReplayGuard::new(10);
        assert_eq!(guard.observe(&notification("77", "hold")), CallbackDelivery::First);
        assert_eq!(guard.observe(&notification("77", "hold")), CallbackDelivery::Repeat);
        assert_eq!(guard.observe(&notification("77", "success")), CallbackDelivery::First);
        assert_eq!(guard.observe(&notification("78", "success")), CallbackDelivery::First);
    }

    #[test]
    fn the_oldest_events_are_forgotten_beyond_the_capacity() {
        let mut guard = ReplayGuard::new(2);
        guard.observe(&notification("1", "success"));
        guard.observe(&notification("2", "success"));
        guard.observe(&notification("3", "success"));
        assert_eq!(guard.observe(&notification("3", "success")), CallbackDelivery::Repeat);
        assert_eq!(guard.observe(&notification("1", "success")), CallbackDelivery::First);
    }
}
