//! Starting, addressing and stopping a sandbox, in and out of a tokio runtime.

mod common;

use std::net::TcpStream;

use common::{Shop, V, spawn_default};
use feennex_proto::SecretKey;
use feennex_sandbox::{Sandbox, SandboxConfig, ShopConfig, StartError};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_serves_inside_the_callers_runtime() {
    let sandbox =
        Sandbox::start(([127, 0, 0, 1], 0).into(), SandboxConfig::default()).await.unwrap();
    assert_eq!(sandbox.base_url(), format!("http://{}", sandbox.local_addr()));
    let shop = Shop::default_of(&sandbox);
    let data = tokio::task::spawn_blocking(move || {
        shop.ok("/shop_balance", &[("now", V::S("2026-01-01T00:00:00.000Z"))])
    })
    .await
    .unwrap();
    assert_eq!(data["balances"].as_array().unwrap().len(), 3);
    sandbox.shutdown();
}

#[test]
fn shutdown_of_a_spawned_sandbox_closes_its_port() {
    let sandbox = spawn_default();
    let addr = sandbox.local_addr();
    assert!(TcpStream::connect(addr).is_ok());
    sandbox.shutdown();
    assert!(TcpStream::connect(addr).is_err());
}

#[test]
fn an_unspecified_address_is_reached_through_loopback() {
    let sandbox = Sandbox::spawn(([0, 0, 0, 0], 0).into(), SandboxConfig::default()).unwrap();
    assert_eq!(sandbox.base_url(), format!("http://127.0.0.1:{}", sandbox.local_addr().port()));
}

#[test]
fn a_busy_port_and_a_bad_configuration_are_start_errors() {
    let first = spawn_default();
    let busy = Sandbox::spawn(first.local_addr(), SandboxConfig::default()).unwrap_err();
    assert!(matches!(busy, StartError::Bind { .. }), "{busy}");
    let twice =
        vec![ShopConfig::new(3, SecretKey::new("a")), ShopConfig::new(3, SecretKey::new("b"))];
    let error =
        Sandbox::spawn(([127, 0, 0, 1], 0).into(), SandboxConfig::default().with_shops(twice))
            .unwrap_err();
    assert_eq!(error.to_string(), "invalid sandbox configuration: shop 3 is configured twice");
    let empty = vec![ShopConfig::new(4, SecretKey::new(""))];
    assert!(
        Sandbox::spawn(([127, 0, 0, 1], 0).into(), SandboxConfig::default().with_shops(empty))
            .is_err()
    );
}

#[test]
fn several_shops_keep_separate_books_and_secrets() {
    let shops = vec![
        ShopConfig::new(10, SecretKey::new("ten-secret")),
        ShopConfig::new(20, SecretKey::new("twenty-secret")),
    ];
    let sandbox =
        Sandbox::spawn(([127, 0, 0, 1], 0).into(), SandboxConfig::default().with_shops(shops))
            .unwrap();
    let ten =
        Shop { addr: sandbox.local_addr(), shop_id: 10, secret: SecretKey::new("ten-secret") };
    let twenty =
        Shop { addr: sandbox.local_addr(), shop_id: 20, secret: SecretKey::new("twenty-secret") };
    assert_eq!(ten.transfer_create("1", "same-id").envelope()["error_code"], 0);
    assert_eq!(twenty.transfer_create("1", "same-id").envelope()["error_code"], 0);
    let impostor = Shop { secret: SecretKey::new("ten-secret"), ..twenty.clone() };
    assert_eq!(impostor.transfer_create("1", "other").envelope()["error_code"], 10);
    assert_eq!(
        common::available(sandbox.local_addr(), 10, 840),
        common::available(sandbox.local_addr(), 20, 840)
    );
}
