//! Any bytes verified as a callback, form or JSON, end in a notification or a
//! typed rejection.
#![no_main]

use feennex_proto::{SecretKey, SenderCheck, verify_callback};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let secret = SecretKey::new("fuzz");
    let sender = std::net::IpAddr::from([87, 98, 145, 206]);
    for content_type in ["application/x-www-form-urlencoded", "application/json"] {
        let _ = verify_callback(data, content_type, sender, &secret, &SenderCheck::CheckedUpstream);
    }
});
