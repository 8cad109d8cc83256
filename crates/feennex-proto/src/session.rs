//! A merchant with its options: the one place that makes the machine of every call.
//!
//! A client holds a [`Session`] and a transport. Each of its methods asks the
//! session for a [`Prepared`] machine and hands it to its driver, so everything but
//! the driver loop itself is the same for async and blocking clients, and for any
//! stack of your own.

use std::sync::Arc;
use std::time::SystemTime;

use crate::adoption::Ownership;
use crate::call_log::{CallLabel, CallOutcome};
use crate::callback::{
    CallbackPolicy, CallbackRejection, ConfirmError, Confirmation, Notification, SenderCheck,
};
use crate::endpoints::{BillShopOrderStatus, Endpoint, SingleCall};
use crate::error::Error;
use crate::exchange::{Call, ExactlyOncePayout, Exchange, IdempotentCreate, Start};
pub use crate::options::{ClientOptions, PlainHttpRefused};
use crate::request::Merchant;

/// The shop and the options every call of a client shares. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Session {
    shared: Arc<(Merchant, ClientOptions)>,
}

/// A client cannot be built as configured.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Plain HTTP to another machine was not allowed.
    #[error(transparent)]
    PlainHttp(#[from] PlainHttpRefused),
    /// A proxy setting (such as `HTTPS_PROXY`) cannot be used.
    #[error(transparent)]
    Proxy(#[from] crate::proxy::ProxyError),
    /// The transport could not be set up (its TLS configuration, say).
    #[error("cannot set up the transport")]
    Transport(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Session {
    /// A session for `merchant`; plain HTTP to another machine is refused unless the
    /// options allow it.
    pub fn new(merchant: Merchant, options: ClientOptions) -> Result<Self, BuildError> {
        options.check_base_url(merchant.base_url())?;
        Ok(Self { shared: Arc::new((merchant, options)) })
    }

    /// The shop this session signs for.
    pub fn merchant(&self) -> &Merchant {
        &self.shared.0
    }

    /// Timeouts, retries, limits and identity.
    pub fn options(&self) -> &ClientOptions {
        &self.shared.1
    }

    /// One call, retried as its endpoint allows (see [`Call`]). Payout creates are
    /// not [`SingleCall`]s: they go through [`Session::payout`].
    pub fn call<E: SingleCall>(&self, endpoint: &E) -> Result<Prepared<Call<E>>, Error> {
        let machine = Call::new(self.merchant(), endpoint, self.options().retry)?;
        Ok(self.prepared(machine, E::PATH, endpoint.shop_payment_id()))
    }

    /// A payout made exactly once (see [`ExactlyOncePayout`]). A payout found
    /// under its id that existed before this call is not taken as its own: the
    /// call ends with [`Error::Unverified`] (or [`Error::Conflict`] when it
    /// differs).
    pub fn payout<C: IdempotentCreate>(
        &self,
        create: C,
    ) -> Result<Prepared<ExactlyOncePayout<C>>, Error> {
        self.payout_from(create, Start::Create(Ownership::Unproven))
    }

    /// A payout whose earlier attempt ended without a known outcome: looked up
    /// first, created only after "not found". Resuming says "this id is mine,
    /// created with these details": a payout found under it that matches every
    /// fact its answer carries is adopted (see [`ExactlyOncePayout::resume`]).
    pub fn resume_payout<C: IdempotentCreate>(
        &self,
        create: C,
    ) -> Result<Prepared<ExactlyOncePayout<C>>, Error> {
        self.payout_from(create, Start::LookUp(Ownership::CallerResume))
    }

    /// A payout started as `start` says, with the caller's proof of ownership (a
    /// batch's recorded intent or content-committing id).
    pub fn payout_from<C: IdempotentCreate>(
        &self,
        create: C,
        start: Start,
    ) -> Result<Prepared<ExactlyOncePayout<C>>, Error> {
        let id = create.payment_id().clone();
        let options = self.options();
        let machine = ExactlyOncePayout::start(
            self.merchant(),
            create,
            options.retry,
            options.payout_limits,
            start,
        )?;
        Ok(self.prepared(machine, C::PATH, Some(&id)))
    }

    /// Verifies a callback with this shop's key (see
    /// [`verify_callback_with`](crate::callback::verify_callback_with)), so that
    /// whoever holds the session never needs the key again.
    pub fn verify_callback(
        &self,
        body: &[u8],
        content_type: &str,
        sender: std::net::IpAddr,
        senders: &SenderCheck,
        policy: &CallbackPolicy,
    ) -> Result<Notification, CallbackRejection> {
        crate::callback::verify_callback_with(
            body,
            content_type,
            sender,
            self.merchant().secret(),
            senders,
            policy,
        )
    }

    /// Trust, then verify: the lookup of the bill of a callback's order, stamped
    /// with `wall`, and the comparison of its answer with the callback (see
    /// [`Notification::confirm`]).
    pub fn confirm_callback(
        &self,
        notification: &Notification,
        wall: SystemTime,
    ) -> Result<Prepared<Confirmation>, ConfirmError> {
        let lookup = notification.confirmation_lookup(wall)?;
        let call = Call::new(self.merchant(), &lookup, self.options().retry)
            .map_err(ConfirmError::Lookup)?;
        let shop_id = self.merchant().shop_id();
        let machine = Confirmation::new(call, shop_id, notification.clone());
        Ok(self.prepared(machine, BillShopOrderStatus::PATH, None))
    }

    fn prepared<X>(
        &self,
        machine: X,
        endpoint: &'static str,
        shop_payment_id: Option<&crate::types::ShopPaymentId>,
    ) -> Prepared<X> {
        Prepared {
            machine,
            label: CallLabel {
                endpoint,
                shop_id: self.merchant().shop_id().get(),
                shop_payment_id: shop_payment_id.map(|id| id.as_str().to_owned()),
            },
        }
    }
}

/// What runs a prepared machine to its end on an async runtime: a client's driver
/// over its transport (`feennex_hyper::HyperTransport` is one). A library that pays
/// on its caller's behalf, such as a batch, takes one, so that it runs over any
/// HTTP stack.
pub trait AsyncDriver: Send + Sync + 'static {
    /// Runs `prepared` to its end, polling, sending, receiving and sleeping as its
    /// machine says (the run loop of the crate's docs).
    fn drive<X>(&self, prepared: Prepared<X>) -> impl Future<Output = X::Output> + Send
    where
        X: Exchange + Send,
        X::Output: CallOutcome + Send;
}

/// A machine ready for a driver, with what its log span shows.
#[derive(Debug)]
#[non_exhaustive]
pub struct Prepared<X> {
    /// The machine to run.
    pub machine: X,
    /// What the call is, for logs.
    pub label: CallLabel,
}
