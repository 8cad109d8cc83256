//! One type per API operation. Each writes its fields (signed ones in the server's
//! order) and names the typed data of its answer.

mod balance;
mod bill;
mod invoice;
mod transfer;
mod withdraw;

pub use balance::{Balance, ShopBalance, ShopBalances};
pub use bill::{Bill, BillCreate, BillShopOrderStatus, BillState, PaymentUrls};
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
