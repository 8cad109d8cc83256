//! The signature vectors published for the engine behind Feennex.

use feennex_proto::sign::string_to_sign;
use feennex_proto::{
    SecretKey,
    sign::{sign, verify},
};
use serde_json::Value;

const COPY: &str = include_str!("data/published_vectors.json");

/// One published vector: fields, secret, string-to-sign and signature.
type Vector = (Vec<(String, String)>, String, String, String);

fn vectors(text: &str) -> Vec<Vector> {
    let root: Value = serde_json::from_str(text).unwrap();
    let text_of = |value: &Value| value.as_str().unwrap().to_owned();
    root["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|vector| {
            let fields = vector["fields"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(name, value)| (name.clone(), text_of(value)))
                .collect();
            (
                fields,
                text_of(&vector["secret"]),
                text_of(&vector["string_to_sign"]),
                text_of(&vector["sign"]),
            )
        })
        .collect()
}

#[test]
fn every_published_vector_signs_and_verifies() {
    let all = vectors(COPY);
    assert_eq!(all.len(), 8);
    for (fields, secret, expected_text, expected_sign) in all {
        let secret = SecretKey::new(secret);
        assert_eq!(string_to_sign(&fields), expected_text);
        assert_eq!(sign(&fields, &secret).as_str(), expected_sign);
        assert!(verify(&fields, &secret, &expected_sign));
    }
}

#[test]
fn published_vectors_sign_the_same_in_reverse_field_order() {
    for (mut fields, secret, _, expected_sign) in vectors(COPY) {
        fields.reverse();
        assert_eq!(sign(&fields, &SecretKey::new(secret)).as_str(), expected_sign);
    }
}

/// The committed copy must not drift from the specification beside the project.
#[test]
fn committed_copy_matches_the_specification_when_it_is_present() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/spec/vectors.json");
    match std::fs::read_to_string(spec) {
        Ok(text) => assert_eq!(vectors(&text), vectors(COPY)),
        Err(_) => assert!(
            std::env::var_os("CI").is_none(),
            "CI must run with the specification at {spec}"
        ),
    }
}
