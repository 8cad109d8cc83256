//! A small client for the tests, written from the spec: raw HTTP/1.1 over a
//! `TcpStream`, bodies signed with `feennex_proto::sign::sign`.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use feennex_proto::SecretKey;
use feennex_sandbox::{DEFAULT_SECRET, DEFAULT_SHOP_ID, Sandbox, SandboxConfig};
use serde_json::Value;

/// The signed fields of every endpoint, from the spec's tables.
pub fn signed_fields(path: &str) -> &'static [&'static str] {
    match path {
        "/transfer/try" => &["amount", "amount_type", "payee_currency", "shop_currency", "shop_id"],
        "/transfer/create" => &[
            "amount",
            "amount_type",
            "payee_account",
            "payee_currency",
            "shop_currency",
            "shop_id",
            "shop_payment_id",
        ],
        "/transfer/shop_payment_status" => &["now", "shop_id", "shop_payment_id"],
        "/bill/create" => {
            &["payer_currency", "shop_amount", "shop_currency", "shop_id", "shop_order_id"]
        }
        "/bill/shop_order_status" => &["now", "shop_id", "shop_order_id"],
        "/invoice/try" | "/invoice/create" => {
            &["amount", "currency", "payway", "shop_id", "shop_order_id"]
        }
        "/withdraw/try" => &["amount", "amount_type", "payway", "shop_currency", "shop_id"],
        "/check_account" => &["account", "amount", "payway", "shop_id"],
        "/withdraw/create" => &[
            "account",
            "amount",
            "amount_type",
            "payway",
            "shop_currency",
            "shop_id",
            "shop_payment_id",
        ],
        "/withdraw/status" => &["now", "shop_id", "withdraw_id"],
        "/withdraw/shop_payment_status" => &["now", "shop_id", "shop_payment_id"],
        "/shop_balance" => &["now", "shop_id"],
        other => panic!("no signed fields known for {other}"),
    }
}

/// A field value: a JSON number token or a JSON string. Both sign as their text
/// here, so number tokens must be in canonical form (`10.5`, not `10.50`).
#[derive(Debug, Clone, Copy)]
pub enum V<'a> {
    N(&'a str),
    S(&'a str),
}

impl V<'_> {
    fn json(self) -> String {
        match self {
            V::N(token) => token.to_owned(),
            V::S(text) => Value::from(text).to_string(),
        }
    }
}

/// What came back from one request.
#[derive(Debug)]
pub enum Reply {
    /// The connection closed before any byte of an answer.
    Closed,
    /// An HTTP answer.
    Http { status: u16, content_type: String, body: Vec<u8> },
}

impl Reply {
    pub fn body_text(&self) -> String {
        match self {
            Reply::Closed => panic!("the connection was closed without an answer"),
            Reply::Http { body, .. } => String::from_utf8_lossy(body).into_owned(),
        }
    }

    pub fn envelope(&self) -> Value {
        match self {
            Reply::Http { status: 200, body, .. } => serde_json::from_slice(body)
                .unwrap_or_else(|e| panic!("not an envelope ({e}): {}", self.body_text())),
            other => panic!("expected an envelope, got {other:?}"),
        }
    }
}

/// Sends one HTTP/1.1 request and reads the whole answer (the connection is closed
/// after it).
pub fn http(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    if let Err(error) = stream.read_to_end(&mut raw) {
        assert!(
            raw.is_empty() && error.kind() == std::io::ErrorKind::ConnectionReset,
            "read failed after {} bytes: {error}",
            raw.len()
        );
    }
    if raw.is_empty() {
        return Reply::Closed;
    }
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Reply {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("no end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status: u16 = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let mut content_type = String::new();
    let mut chunked = false;
    for line in lines {
        let (name, value) = line.split_once(':').unwrap();
        match name.to_ascii_lowercase().as_str() {
            "content-type" => content_type = value.trim().to_owned(),
            "transfer-encoding" => chunked = value.trim().eq_ignore_ascii_case("chunked"),
            _ => {}
        }
    }
    if chunked {
        body = dechunk(&body);
    }
    Reply::Http { status, content_type, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 4 + size..];
    }
}

/// A shop talking to a sandbox.
#[derive(Debug, Clone)]
pub struct Shop {
    pub addr: SocketAddr,
    pub shop_id: u64,
    pub secret: SecretKey,
}

impl Shop {
    pub fn default_of(sandbox: &Sandbox) -> Self {
        Shop {
            addr: sandbox.local_addr(),
            shop_id: DEFAULT_SHOP_ID,
            secret: SecretKey::new(DEFAULT_SECRET),
        }
    }

    /// The JSON body of a request: the given fields, `shop_id` as a number, and
    /// `sign` over the endpoint's signed fields.
    pub fn body(&self, path: &str, fields: &[(&str, V<'_>)]) -> String {
        let shop_id = self.shop_id.to_string();
        let mut all: Vec<(&str, V<'_>)> = fields.to_vec();
        if !all.iter().any(|(name, _)| *name == "shop_id") {
            all.push(("shop_id", V::N(&shop_id)));
        }
        let signed: Vec<(&str, &str)> = signed_fields(path)
            .iter()
            .map(|name| {
                let value = all.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
                let text = match value {
                    Some(V::N(token)) => token,
                    Some(V::S(text)) => text,
                    None => "",
                };
                (*name, text)
            })
            .collect();
        let sign = feennex_proto::sign::sign(&signed, &self.secret);
        let mut object = serde_json::Map::new();
        for (name, value) in &all {
            object.insert((*name).to_owned(), serde_json::from_str(&value.json()).unwrap());
        }
        object.insert("sign".to_owned(), Value::from(sign.to_string()));
        Value::Object(object).to_string()
    }

    pub fn send(&self, path: &str, fields: &[(&str, V<'_>)]) -> Reply {
        http(self.addr, "POST", path, self.body(path, fields).as_bytes())
    }

    /// Calls an endpoint and gives the envelope.
    pub fn call(&self, path: &str, fields: &[(&str, V<'_>)]) -> Value {
        self.send(path, fields).envelope()
    }

    /// Calls an endpoint that must succeed and gives `data`.
    pub fn ok(&self, path: &str, fields: &[(&str, V<'_>)]) -> Value {
        let envelope = self.call(path, fields);
        assert_eq!(envelope["error_code"], 0, "{path}: {envelope}");
        assert_eq!(envelope["result"], true);
        envelope["data"].clone()
    }

    /// Calls an endpoint that must fail with `code` and gives the message.
    pub fn fails(&self, path: &str, fields: &[(&str, V<'_>)], code: i64) -> String {
        let envelope = self.call(path, fields);
        assert_eq!(envelope["error_code"], code, "{path}: {envelope}");
        assert_eq!(envelope["result"], false);
        assert_eq!(envelope["data"], Value::Null);
        envelope["message"].as_str().unwrap().to_owned()
    }

    pub fn transfer_create(&self, amount: &str, spid: &str) -> Reply {
        self.send(
            "/transfer/create",
            &[
                ("amount", V::N(amount)),
                ("amount_type", V::S("receive_amount")),
                ("payee_account", V::S("201234567890")),
                ("payee_currency", V::N("840")),
                ("shop_currency", V::N("840")),
                ("shop_payment_id", V::S(spid)),
            ],
        )
    }

    pub fn transfer_status(&self, spid: &str) -> Value {
        self.call(
            "/transfer/shop_payment_status",
            &[("now", V::S("2026-01-01T00:00:00.000Z")), ("shop_payment_id", V::S(spid))],
        )
    }
}

/// GET of a sandbox-only route, as JSON.
pub fn introspect(addr: SocketAddr, path: &str) -> Value {
    match http(addr, "GET", path, b"") {
        Reply::Http { status: 200, body, .. } => serde_json::from_slice(&body).unwrap(),
        other => panic!("{path}: {other:?}"),
    }
}

/// POST of a sandbox-only route, as status and JSON.
pub fn admin_post(addr: SocketAddr, path: &str, body: &str) -> (u16, Value) {
    match http(addr, "POST", path, body.as_bytes()) {
        Reply::Http { status, body, .. } => (status, serde_json::from_slice(&body).unwrap()),
        Reply::Closed => panic!("{path}: closed"),
    }
}

/// The available balance of a shop in a currency, from `/_sandbox/balances`, as text.
pub fn available(addr: SocketAddr, shop_id: u64, currency: u64) -> rust_decimal::Decimal {
    balance_field(addr, shop_id, currency, "available")
}

pub fn balance_field(
    addr: SocketAddr,
    shop_id: u64,
    currency: u64,
    field: &str,
) -> rust_decimal::Decimal {
    let balances = introspect(addr, "/_sandbox/balances");
    let entry = balances
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["shop_id"] == shop_id && b["currency"] == currency)
        .unwrap_or_else(|| panic!("no balance for {shop_id}/{currency}: {balances}"));
    decimal(&entry[field])
}

/// An amount from a JSON number or string, exactly.
pub fn decimal(value: &Value) -> rust_decimal::Decimal {
    let text = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    text.parse().unwrap_or_else(|_| panic!("not an amount: {value}"))
}

pub fn spawn_default() -> Sandbox {
    Sandbox::spawn(([127, 0, 0, 1], 0).into(), SandboxConfig::default()).unwrap()
}

pub fn spawn(config: SandboxConfig) -> Sandbox {
    Sandbox::spawn(([127, 0, 0, 1], 0).into(), config).unwrap()
}
