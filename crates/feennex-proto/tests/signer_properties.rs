//! Properties of the signer: order independence, agreement with a naive
//! reference, and verification that notices any one-character change.

use std::collections::BTreeMap;

use feennex_proto::sign::string_to_sign;
use feennex_proto::{
    SecretKey,
    sign::{sign, verify},
};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// The algorithm exactly as the specification words it, with no cleverness.
fn reference_sign(fields: &BTreeMap<String, String>, secret: &str) -> String {
    let mut text = fields.values().cloned().collect::<Vec<_>>().join(":");
    text.push_str(secret);
    Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

fn field_map() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map("[a-z_]{1,12}", "\\PC{0,20}", 0..80)
}

proptest! {
    #[test]
    fn signature_does_not_depend_on_field_order(
        fields in field_map(),
        secret in "\\PC{1,40}",
        seed in any::<u64>(),
    ) {
        let secret = SecretKey::new(secret);
        let sorted: Vec<(String, String)> = fields.into_iter().collect();
        let mut shuffled = sorted.clone();
        // A deterministic shuffle driven by the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(sign(&sorted, &secret), sign(&shuffled, &secret));
        prop_assert_eq!(string_to_sign(&sorted), string_to_sign(&shuffled));
    }

    #[test]
    fn signature_agrees_with_the_naive_reference(fields in field_map(), secret in "\\PC{0,40}") {
        let expected = reference_sign(&fields, &secret);
        let list: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).rev().collect();
        let signature = sign(&list, &SecretKey::new(secret));
        prop_assert_eq!(signature.as_str(), expected.as_str());
    }

    #[test]
    fn verify_accepts_its_own_signature_and_rejects_any_changed_character(
        fields in field_map(),
        secret in "\\PC{1,40}",
        position in 0usize..64,
        replacement in prop::sample::select(b"0123456789abcdefg ".to_vec()),
    ) {
        let secret = SecretKey::new(secret);
        let list: Vec<(String, String)> = fields.into_iter().collect();
        let signature = sign(&list, &secret).as_str().to_owned();
        prop_assert!(verify(&list, &secret, &signature));

        let mut changed = signature.clone().into_bytes();
        prop_assume!(changed[position] != replacement);
        changed[position] = replacement;
        prop_assert!(!verify(&list, &secret, &String::from_utf8(changed).unwrap()));
    }

    #[test]
    fn verify_rejects_a_changed_value(
        fields in prop::collection::btree_map("[a-z_]{1,12}", "[a-z0-9.]{1,20}", 1..20),
        secret in "\\PC{1,40}",
        which in any::<prop::sample::Index>(),
    ) {
        let secret = SecretKey::new(secret);
        let mut list: Vec<(String, String)> = fields.into_iter().collect();
        let signature = sign(&list, &secret).as_str().to_owned();
        let index = which.index(list.len());
        list[index].1.push('x');
        prop_assert!(!verify(&list, &secret, &signature));
    }
}

proptest! {
    /// Values longer than the signer's stage, and lists that cross it, sign as the
    /// reference does.
    #[test]
    fn long_values_sign_as_the_reference_does(
        fields in prop::collection::btree_map("[a-z_]{1,12}", "[ -~]{100,400}", 0..6),
        secret in "[ -~]{1,300}",
    ) {
        let expected = reference_sign(&fields, &secret);
        let list: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let signature = sign(&list, &SecretKey::new(secret));
        prop_assert_eq!(signature.as_str(), expected.as_str());
    }
}
