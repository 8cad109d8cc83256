//! The sandbox's own routes called from a blocking test, for sandboxes that run
//! in another process as well as in this one.

/// One of the introspection routes of the sandbox at `base_url`, as JSON text (for
/// tests that run the sandbox in another process).
pub fn introspect(base_url: &str, what: &str) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(feennex_sandbox::introspect(base_url, what)).unwrap()
}

/// Completes (`paid`) or rejects a waiting payment of the sandbox at `base_url`.
pub fn finish_payment(base_url: &str, kind: feennex_sandbox::PaymentKind, id: u64, paid: bool) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(feennex_sandbox::finish_payment(base_url, kind, id, paid)).unwrap();
}
