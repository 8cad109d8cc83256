//! The hosted pay page: its address and its signed fields.

use feennex_proto::pay_page::{DEFAULT_PAY_PAGE_HOST, PayPage, PayPageLang};
use feennex_proto::{
    Merchant, SecretKey,
    prelude::{BaseUrl, Currency, PaymentUrls, ShopId},
};
use sha2::{Digest, Sha256};

fn page() -> PayPage {
    PayPage::new("10.00".parse().unwrap(), Currency::RUB, "101".parse().unwrap())
        .description("Заказ #101 & co".to_owned())
        .payway("card_rub".parse().unwrap())
        .urls(PaymentUrls::default().success_url("https://shop.test/ok?order=101".to_owned()))
}

fn merchant() -> Merchant {
    Merchant::new(ShopId::new(5).unwrap(), SecretKey::new("SecretKey01"))
}

#[test]
fn the_form_carries_the_published_vectors_signature() {
    let host = BaseUrl::new(DEFAULT_PAY_PAGE_HOST).unwrap();
    let form = merchant().pay_page(&page(), PayPageLang::En, &host);
    assert_eq!(form.action, "https://pay.feennex.com/en/pay");
    let expected: String = Sha256::digest("10:643:5:101SecretKey01")
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let names: Vec<&str> = form.fields.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        [
            "amount",
            "currency",
            "shop_id",
            "shop_order_id",
            "sign",
            "description",
            "payway",
            "success_url"
        ]
    );
    assert_eq!(form.field("amount"), Some("10"));
    assert_eq!(form.field("currency"), Some("643"));
    assert_eq!(form.field("shop_id"), Some("5"));
    assert_eq!(form.field("sign"), Some(expected.as_str()));
}

#[test]
fn the_url_uses_the_language_and_host_and_percent_encodes_every_field() {
    let host = BaseUrl::new("http://127.0.0.1:8080/").unwrap();
    let form = merchant().pay_page(&page(), PayPageLang::Ru, &host);
    let url = form.url_with_query();
    let (address, query) = url.split_once('?').unwrap();
    assert_eq!(address, "http://127.0.0.1:8080/ru/pay");
    assert!(query.starts_with("amount=10&currency=643&shop_id=5&shop_order_id=101&sign="));
    assert!(query.contains("&description=%D0%97%D0%B0%D0%BA%D0%B0%D0%B7+%23101+%26+co&"));
    assert!(query.ends_with("&success_url=https%3A%2F%2Fshop.test%2Fok%3Forder%3D101"));
    assert!(!query.contains("payer_account"));
    let decoded: Vec<(String, String)> = form_pairs(query);
    let expected: Vec<(String, String)> =
        form.fields.iter().map(|(name, value)| ((*name).to_owned(), value.clone())).collect();
    assert_eq!(decoded, expected);
}

/// Decodes a query string with the rules browsers use.
fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            (decode(name), decode(value))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn languages_parse_from_their_path_segment() {
    assert_eq!("ru".parse::<PayPageLang>().unwrap(), PayPageLang::Ru);
    assert_eq!("en".parse::<PayPageLang>().unwrap(), PayPageLang::En);
    assert!("de".parse::<PayPageLang>().is_err());
    assert!("EN".parse::<PayPageLang>().is_err());
}
