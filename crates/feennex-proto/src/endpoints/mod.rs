//! One type per API operation. Each writes its fields (signed ones in the server's
//! order) and names the typed data of its answer.
//!
//! Request types are made with `new` and their required fields; optional fields
//! have setters, so a field the API adds later is not a breaking change.

mod balance;
mod bill;
mod extra;
mod invoice;
mod transfer;
mod withdraw;

pub use balance::{Balance, ShopBalance, ShopBalances};
pub use bill::{Bill, BillCreate, BillShopOrderStatus, BillState, PaymentUrls};
pub use extra::{ExtraFieldError, WithExtraFields};
pub use invoice::{
    AddOnFieldError, AddOnFields, FormMethod, InvoiceCreate, InvoiceCreated, InvoiceQuote,
    InvoiceTry,
};
pub use transfer::{
    AccountFieldInfo, LocalizedText, TransferCreate, TransferCreated, TransferPayout,
    TransferQuote, TransferStatus, TransferTry,
};
pub use withdraw::{
    AccountCheck, AccountDetails, CheckAccount, WithdrawCreate, WithdrawQuote,
    WithdrawShopPaymentStatus, WithdrawStatusById, WithdrawTry, Withdrawal,
};

pub use crate::request::{BodyWriter, Endpoint, SingleCall};

/// Every operation answered by one call; the payout creates (`TransferCreate`,
/// `WithdrawCreate`) are not here: they are made exactly once by a payout machine.
macro_rules! single_calls {
    ($($endpoint:ty),* $(,)?) => { $(impl SingleCall for $endpoint {})* };
}

single_calls!(
    TransferTry,
    TransferStatus,
    BillCreate,
    BillShopOrderStatus,
    InvoiceTry,
    InvoiceCreate,
    WithdrawTry,
    CheckAccount,
    WithdrawStatusById,
    WithdrawShopPaymentStatus,
    ShopBalance,
);
