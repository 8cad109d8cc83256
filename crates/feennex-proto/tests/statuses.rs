//! Every documented status number, its finality, and unknown numbers.

use feennex_proto::prelude::{BillStatus, InvoiceStatus, WithdrawStatus};

#[test]
fn withdraw_errors_4_and_9_are_not_final() {
    assert_eq!(WithdrawStatus::from_code(4), WithdrawStatus::PsProcessingError);
    assert_eq!(WithdrawStatus::from_code(9), WithdrawStatus::PsNetworkError);
    assert!(!WithdrawStatus::PsProcessingError.is_final());
    assert!(!WithdrawStatus::PsNetworkError.is_final());
}

#[test]
fn exactly_the_documented_statuses_are_final() {
    let final_codes =
        |is_final: &dyn Fn(i64) -> bool| (0..=14).filter(|&c| is_final(c)).collect::<Vec<_>>();
    assert_eq!(final_codes(&|c| WithdrawStatus::from_code(c).is_final()), [5, 6, 8]);
    assert_eq!(final_codes(&|c| BillStatus::from_code(c).is_final()), [2, 3, 4]);
    assert_eq!(final_codes(&|c| InvoiceStatus::from_code(c).is_final()), [4, 6, 7, 9, 12]);
}

#[test]
fn documented_numbers_round_trip_and_others_are_unknown() {
    for code in 1..=9 {
        let status = WithdrawStatus::from_code(code);
        assert_ne!(status, WithdrawStatus::Unknown(code));
        assert_eq!(status.code(), code);
    }
    for code in 1..=12 {
        assert_ne!(InvoiceStatus::from_code(code), InvoiceStatus::Unknown(code));
        assert_eq!(InvoiceStatus::from_code(code).code(), code);
    }
    for code in 1..=4 {
        assert_ne!(BillStatus::from_code(code), BillStatus::Unknown(code));
        assert_eq!(BillStatus::from_code(code).code(), code);
    }
    assert_eq!(WithdrawStatus::from_code(10), WithdrawStatus::Unknown(10));
    assert_eq!(InvoiceStatus::from_code(0), InvoiceStatus::Unknown(0));
    assert_eq!(BillStatus::from_code(-1).code(), -1);
    assert_eq!(InvoiceStatus::Recalculated.name(), "Recalculated");
    assert_eq!(WithdrawStatus::Success.to_string(), "5 (Success)");
}

#[test]
fn statuses_deserialize_from_numbers_and_numeric_strings_only() {
    let parse = |json: &str| serde_json::from_str::<WithdrawStatus>(json);
    assert_eq!(parse("5").unwrap(), WithdrawStatus::Success);
    assert_eq!(parse(r#""9""#).unwrap(), WithdrawStatus::PsNetworkError);
    assert_eq!(parse("77").unwrap(), WithdrawStatus::Unknown(77));
    assert!(parse(r#""success""#).is_err());
    assert!(parse("null").is_err());
    assert!(parse("5.5").is_err());
}
