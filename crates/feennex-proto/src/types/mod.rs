//! The values that make up requests: each validated once, when it is made.

mod account;
mod amount;
mod amount_limits;
mod amount_type;
mod currency;
mod ids;
mod payway;
mod text;
mod timestamp;

pub use crate::status::{BillStatus, InvoiceStatus, WithdrawStatus};
pub use account::{PayeeAccount, PayeeAccountError};
pub use amount::{Amount, AmountError};
pub use amount_limits::{AMOUNT_LIMIT, MAX_AMOUNT_DECIMALS};
pub use amount_type::{TransferAmountType, UnknownAmountType, WithdrawAmountType};
pub use currency::{Currency, CurrencyError};
pub use ids::{IdError, ShopId, ShopOrderId, ShopPaymentId};
pub use payway::{Payway, WithdrawAccount};
pub use text::TextFieldError;
pub use timestamp::{Timestamp, TimestampError};
