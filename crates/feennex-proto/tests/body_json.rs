//! Request bodies are valid JSON whose strings read back exactly as given, whatever
//! characters they hold.

use feennex_proto::{
    Merchant, SecretKey,
    prelude::{Currency, ShopId, ShopPaymentId, TransferAmountType, TransferCreate},
};
use proptest::prelude::*;

proptest! {
    #[test]
    fn any_description_and_id_survive_the_body(
        description in "\\PC{0,60}|[\\x00-\\x1f\"\\\\]{0,10}",
        // Any id the type accepts: no outer white space, no control characters.
        id in "\\PC{1,40}".prop_filter("a valid id", |id| ShopPaymentId::new(id.as_str()).is_ok()),
    ) {
        let merchant = Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("s"));
        let create = TransferCreate::builder().amount("1".parse().unwrap()).amount_type(TransferAmountType::ReceiveAmount).payee_account("201234567890".parse().unwrap()).payee_currency(Currency::USD).shop_currency(Currency::USD).shop_payment_id(id.parse().unwrap()).description(description.clone()).build();
        let body = merchant.body(&create);
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        prop_assert_eq!(json["description"].as_str(), Some(description.as_str()));
        prop_assert_eq!(json["shop_payment_id"].as_str(), Some(id.as_str()));
        // The writer agrees with serde_json's own escaping of the same string.
        let expected = serde_json::to_string(&description).unwrap();
        let text = String::from_utf8(body).unwrap();
        prop_assert!(text.contains(&format!("\"description\":{expected}"))
            || description.chars().any(|c| matches!(c, '\u{8}' | '\u{c}')), "{}", text);
    }
}
