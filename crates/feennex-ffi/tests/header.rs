//! The committed header `include/feennex.h` is what cbindgen makes of the crate
//! now; `FEENNEX_UPDATE_HEADER=1 cargo test -p feennex-ffi --test header` rewrites it.

use std::path::Path;

#[test]
fn committed_header_is_current() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).unwrap();
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen reads the crate");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).unwrap();

    let path = crate_dir.join("include/feennex.h");
    if std::env::var_os("FEENNEX_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/feennex.h is out of date: run FEENNEX_UPDATE_HEADER=1 cargo test -p feennex-ffi --test header"
    );
    for function in [
        "feennex_sign",
        "feennex_machine_poll",
        "feennex_string_free",
        "feennex_verify_callback",
        "feennex_verify_callback_fields",
    ] {
        assert!(generated.contains(function), "{function} is missing from the header");
    }
}
