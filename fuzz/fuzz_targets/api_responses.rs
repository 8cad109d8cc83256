//! Any bytes parsed as any payment, payout or balance answer end in a value or a
//! typed error.
#![no_main]

use feennex_proto::{
    BillCreate, BillShopOrderStatus, CheckAccount, InvoiceCreate, InvoiceTry, ShopBalance,
    WithdrawCreate, WithdrawShopPaymentStatus, WithdrawStatusById, WithdrawTry,
    http::StatusCode, parse_response,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_response::<BillCreate>(StatusCode::OK, data);
    let _ = parse_response::<BillShopOrderStatus>(StatusCode::OK, data);
    let _ = parse_response::<InvoiceTry>(StatusCode::OK, data);
    let _ = parse_response::<InvoiceCreate>(StatusCode::OK, data);
    let _ = parse_response::<WithdrawTry>(StatusCode::OK, data);
    let _ = parse_response::<CheckAccount>(StatusCode::OK, data);
    let _ = parse_response::<WithdrawCreate>(StatusCode::BAD_REQUEST, data);
    let _ = parse_response::<WithdrawStatusById>(StatusCode::OK, data);
    let _ = parse_response::<WithdrawShopPaymentStatus>(StatusCode::OK, data);
    let _ = parse_response::<ShopBalance>(StatusCode::OK, data);
});
