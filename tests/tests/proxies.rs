//! Both clients go through the HTTP proxy the environment's rule names, by a
//! `CONNECT` tunnel, and reach this machine directly. The proxy is a small one on
//! loopback that records what it was asked and leads every tunnel to a sandbox,
//! so the clients are given a host name that resolves nowhere.

use std::process::Command;

use feennex_proto::proxy::ProxyConfig;
use feennex_proto::transport::Delivery;
use feennex_proto::{
    Error, Merchant, SecretKey,
    prelude::{ClientOptions, ShopBalance, ShopId, Timestamp},
};
use feennex_sandbox::{DEFAULT_SECRET, DEFAULT_SHOP_ID, Sandbox, SandboxConfig};
use feennex_tests::{ConnectProxy, FAR_HOST, TlsFront, client_config};

fn sandbox() -> Sandbox {
    Sandbox::spawn(([127, 0, 0, 1], 0).into(), SandboxConfig::default()).unwrap()
}

/// The sandbox under a name only the proxy knows how to reach.
fn far_url(sandbox: &Sandbox) -> String {
    format!("http://feennex.test:{}", sandbox.local_addr().port())
}

fn merchant(base_url: &str) -> Merchant {
    Merchant::new(ShopId::new(DEFAULT_SHOP_ID).unwrap(), SecretKey::new(DEFAULT_SECRET))
        .with_base_url(base_url.parse().unwrap())
}

fn balance() -> ShopBalance {
    ShopBalance::new(Timestamp::try_from(std::time::SystemTime::now()).unwrap())
}

fn proxies(vars: &[(&'static str, String)]) -> ProxyConfig {
    ProxyConfig::from_lookup(|name| {
        vars.iter().find(|(var, _)| *var == name).map(|(_, value)| value.clone())
    })
    .unwrap()
}

/// Plain HTTP to another host must be allowed for the far name.
fn options() -> ClientOptions {
    ClientOptions::default().allow_plain_http(true)
}

#[test]
fn both_clients_tunnel_through_the_proxy_with_its_credentials() {
    let sandbox = sandbox();
    let proxy = ConnectProxy::start(sandbox.local_addr());
    let with_user = proxy.url().replace("http://", "http://payouts:s%3Acret@");
    let config = proxies(&[("HTTP_PROXY", with_user)]);
    let url = far_url(&sandbox);

    let blocking = feennex_blocking::Client::builder(merchant(&url))
        .options(options())
        .proxy(config.clone())
        .build()
        .unwrap();
    let balances = blocking.call(&balance()).unwrap();
    assert!(!balances.balances.is_empty());
    let after_blocking = proxy.tunnels();

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let hyper = runtime.block_on(async {
        let client = feennex_hyper::Client::builder(merchant(&url))
            .options(options())
            .proxy(config)
            .build()
            .unwrap();
        client.call(&balance()).await
    });
    assert_eq!(hyper.unwrap(), balances);

    let expected = format!("CONNECT feennex.test:{} HTTP/1.1", sandbox.local_addr().port());
    assert!(!after_blocking.is_empty(), "the blocking client did not use the proxy");
    let all = proxy.tunnels();
    assert!(all.len() > after_blocking.len(), "the async client did not use the proxy");
    for tunnel in &all {
        assert_eq!(tunnel.request_line, expected);
        // payouts:s:cret in base64.
        assert_eq!(tunnel.authorization.as_deref(), Some("Basic cGF5b3V0czpzOmNyZXQ="));
    }
}

#[test]
fn both_clients_speak_https_through_the_tunnel_to_the_far_name() {
    let sandbox = sandbox();
    let front = TlsFront::start(sandbox.base_url());
    let proxy = ConnectProxy::start(front.local_addr());
    let config = proxies(&[("HTTPS_PROXY", proxy.url())]);
    let url = format!("https://{FAR_HOST}:{}", front.local_addr().port());

    let blocking = feennex_blocking::Client::builder(merchant(&url))
        .root_certificates(vec![front.certificate()])
        .proxy(config.clone())
        .build()
        .unwrap();
    let through_blocking = blocking.call(&balance()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let through_hyper = runtime.block_on(async {
        let client = feennex_hyper::Client::builder(merchant(&url))
            .tls_config(client_config(vec![front.certificate()]))
            .proxy(config)
            .build()
            .unwrap();
        client.call(&balance()).await.unwrap()
    });
    assert_eq!(through_blocking, through_hyper);
    let expected = format!("CONNECT {FAR_HOST}:{} HTTP/1.1", front.local_addr().port());
    let tunnels = proxy.tunnels();
    assert!(tunnels.len() >= 2, "{tunnels:?}");
    assert!(tunnels.iter().all(|tunnel| tunnel.request_line == expected), "{tunnels:?}");
    assert!(front.handshakes() >= 2, "the TLS went end to end, through the tunnel");
}

#[test]
fn this_machine_is_reached_directly_whatever_the_proxy_settings() {
    let sandbox = sandbox();
    let proxy = ConnectProxy::start(sandbox.local_addr());
    let config = proxies(&[("HTTP_PROXY", proxy.url()), ("HTTPS_PROXY", proxy.url())]);
    let blocking = feennex_blocking::Client::builder(merchant(sandbox.base_url()))
        .proxy(config.clone())
        .build()
        .unwrap();
    blocking.call(&balance()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let client = feennex_hyper::Client::builder(merchant(sandbox.base_url()))
            .proxy(config)
            .build()
            .unwrap();
        client.call(&balance()).await.unwrap();
    });
    assert_eq!(proxy.tunnels(), []);
}

#[test]
fn a_tunnel_the_proxy_refuses_means_the_request_was_not_sent_for_both_clients() {
    let sandbox = sandbox();
    let proxy = ConnectProxy::refusing();
    let config = proxies(&[("HTTP_PROXY", proxy.url())]);
    let url = far_url(&sandbox);
    let fast = options().retry_policy(
        feennex_proto::exchange::RetryPolicy::default()
            .with_max_attempts(1)
            .with_attempt_timeout(std::time::Duration::from_secs(5)),
    );
    let blocking = feennex_blocking::Client::builder(merchant(&url))
        .options(fast.clone())
        .proxy(config.clone())
        .build()
        .unwrap();
    let blocking_error = blocking.call(&balance()).unwrap_err();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let hyper_error = runtime
        .block_on(async {
            let client = feennex_hyper::Client::builder(merchant(&url))
                .options(fast)
                .proxy(config)
                .build()
                .unwrap();
            client.call(&balance()).await
        })
        .unwrap_err();
    for error in [&blocking_error, &hyper_error] {
        match error {
            Error::Transport { delivery, .. } => {
                assert_eq!(*delivery, Delivery::NotSent, "{error}")
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(proxy.tunnels().len() >= 2, "{:?}", proxy.tunnels());
}

#[test]
fn an_unusable_proxy_setting_is_a_build_error_naming_the_variable() {
    let config = ProxyConfig::from_lookup(|name| {
        (name == "HTTPS_PROXY").then(|| "socks5://127.0.0.1:1080".to_owned())
    });
    let error = config.unwrap_err().to_string();
    assert!(error.contains("HTTPS_PROXY") && error.contains("socks5"), "{error}");
}

/// The `feennex` binary of this workspace (cargo builds it for the CLI's tests,
/// but not when only this package is tested).
fn feennex_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(std::path::Path::parent).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut build = Command::new(cargo);
    build.args(["build", "--quiet", "-p", "feennex-cli", "--bin", "feennex"]);
    if profile_dir.ends_with("release") {
        build.arg("--release");
    }
    let output = build.current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    profile_dir.join(format!("feennex{}", std::env::consts::EXE_SUFFIX))
}

#[test]
fn the_cli_honours_http_proxy_from_the_environment_past_other_no_proxy_hosts() {
    let sandbox = sandbox();
    let proxy = ConnectProxy::start(sandbox.local_addr());
    let binary = feennex_binary();
    let url = far_url(&sandbox);
    let run = |no_proxy: &str| {
        Command::new(&binary)
            .args(["balance", "--base-url", &url, "--allow-plain-http", "--timeout", "5"])
            .env_clear()
            .env("FEENNEX_SHOP_ID", DEFAULT_SHOP_ID.to_string())
            .env("FEENNEX_SECRET_KEY", DEFAULT_SECRET)
            .env("HTTP_PROXY", proxy.url())
            .env("NO_PROXY", no_proxy)
            .output()
            .unwrap()
    };
    let output = run("other.example");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("\"balances\""));
    let port = sandbox.local_addr().port();
    assert_eq!(proxy.tunnels()[0].request_line, format!("CONNECT feennex.test:{port} HTTP/1.1"));
    assert_eq!(proxy.tunnels()[0].authorization, None);
}
