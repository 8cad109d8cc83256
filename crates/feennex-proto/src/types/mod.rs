//! The values that make up requests: each validated once, when it is made.

mod account;
mod amount;
mod amount_type;
mod currency;
mod ids;
mod payway;
mod timestamp;

pub use account::{PayeeAccount, PayeeAccountError};
pub use amount::{Amount, AmountError};
pub use amount_type::{TransferAmountType, UnknownAmountType, WithdrawAmountType};
pub use currency::{Currency, CurrencyError};
pub use ids::{IdError, ShopId, ShopOrderId, ShopPaymentId};
pub use payway::{Payway, TextFieldError, WithdrawAccount};
pub use timestamp::{Timestamp, TimestampError};
