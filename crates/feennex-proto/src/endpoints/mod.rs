//! One type per API operation. Each writes its fields (signed ones in the server's
//! order) and names the typed data of its answer.

mod transfer;

pub use transfer::{
    AccountFieldInfo, LocalizedText, TransferCreate, TransferCreated, TransferPayout,
    TransferQuote, TransferStatus, TransferTry,
};
