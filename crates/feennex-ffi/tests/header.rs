//! The committed headers are what cbindgen makes of the crate now:
//! `include/feennex.h` for C, and the PHP package's `include/feennex_ffi.h`, the
//! same declarations without preprocessor lines or comments, for PHP's FFI.
//! `FEENNEX_UPDATE_HEADER=1 cargo test -p feennex-ffi --test header` rewrites them.

use std::path::Path;

fn generated(config: &str) -> String {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join(config)).unwrap();
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen reads the crate");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    String::from_utf8(generated).unwrap()
}

fn check_committed(config: &str, header: &str) -> String {
    let generated = generated(config);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(header);
    if std::env::var_os("FEENNEX_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{header} is out of date: run FEENNEX_UPDATE_HEADER=1 cargo test -p feennex-ffi --test header"
    );
    generated
}

const FUNCTIONS: [&str; 8] = [
    "feennex_sign",
    "feennex_machine_poll",
    "feennex_string_free",
    "feennex_verify_callback",
    "feennex_verify_callback_fields",
    "feennex_merchant_verify_callback",
    "feennex_merchant_new_with_options",
    "feennex_pay_page",
];

#[test]
fn committed_c_header_is_current() {
    let header = check_committed("cbindgen.toml", "include/feennex.h");
    for function in FUNCTIONS {
        assert!(header.contains(function), "{function} is missing from the header");
    }
}

#[test]
fn committed_php_header_is_current_and_has_no_preprocessor_line_or_comment() {
    let header = check_committed("cbindgen-php.toml", "../feennex-php/include/feennex_ffi.h");
    for function in FUNCTIONS {
        assert!(header.contains(function), "{function} is missing from the PHP header");
    }
    for line in header.lines() {
        let line = line.trim_start();
        assert!(
            !line.starts_with('#') && !line.starts_with("//") && !line.starts_with("/*"),
            "{line}"
        );
    }
}
