//! Both clients speak HTTPS: a payout through a local TLS server with a
//! self-signed certificate that the client was told to trust, and a refusal,
//! before anything is sent, of a server whose certificate is not trusted.

use feennex_proto::exchange::PayoutRecord;
use feennex_proto::transport::Delivery;
use feennex_proto::{
    Error,
    prelude::{Currency, TransferAmountType, TransferTry},
};
use feennex_tests::{
    Setup, TestClient, TestSandbox, TlsFront, amount, both_clients, decimal, merchant_at,
    self_signed, transfer_create, transfer_status,
};

fn payout_over_https_trusting_a_self_signed_certificate<C: TestClient>() {
    let sandbox = TestSandbox::start();
    let front = TlsFront::start(sandbox.base_url());
    assert!(front.base_url().starts_with("https://127.0.0.1:"));
    let setup = Setup::default().trusting(vec![front.certificate()]);
    let client = C::build(merchant_at(&front.base_url()), setup);

    let quote = client
        .call(
            &TransferTry::builder()
                .amount(amount("1.11"))
                .amount_type(TransferAmountType::ReceiveAmount)
                .payee_currency(Currency::EUR)
                .shop_currency(Currency::USD)
                .build(),
        )
        .unwrap();
    assert_eq!(quote.write_off_amount, decimal("1.19"));
    let outcome = client.payout(transfer_create("over-tls")).unwrap();
    assert!(matches!(outcome.record, PayoutRecord::Created(_)), "{outcome:?}");
    let found = client.call(&transfer_status("over-tls")).unwrap();
    assert_eq!(found.id, outcome.summary.id);
    assert!(front.handshakes() >= 1);

    let ledger = sandbox.ledger();
    assert_eq!(ledger.the_transfer("over-tls").id, outcome.summary.id);
    ledger.assert_payouts_exactly(&["over-tls"], &[]);
}

fn assert_refused_before_sending(error: &Error) {
    assert!(
        matches!(error, Error::Transport { delivery: Delivery::NotSent, .. }),
        "expected a connection failure, got {error:?}"
    );
}

fn server_with_an_untrusted_certificate_is_refused_before_sending<C: TestClient>() {
    let sandbox = TestSandbox::start();
    let front = TlsFront::start(sandbox.base_url());
    let merchant = merchant_at(&front.base_url());
    let bundled_roots = C::build(merchant.clone(), Setup::default());
    let (other_certificate, _) = self_signed();
    let wrong_root = C::build(merchant, Setup::default().trusting(vec![other_certificate]));

    for client in [bundled_roots, wrong_root] {
        assert_refused_before_sending(&client.call(&transfer_status("never")).unwrap_err());
        // A payout that never left is a plain failure, not an unknown outcome.
        assert_refused_before_sending(&client.payout(transfer_create("never")).unwrap_err());
    }
    assert_eq!(front.handshakes(), 0);
    sandbox.ledger().assert_payouts_exactly(&[], &[]);
}

both_clients!(
    payout_over_https_trusting_a_self_signed_certificate,
    server_with_an_untrusted_certificate_is_refused_before_sending,
);
