//! Driving the core with an HTTP stack of your own: here a few lines of HTTP/1.1
//! over `std::net::TcpStream`, plain HTTP only (the sandbox on this machine).
//!
//! The core decides everything; this file only moves bytes and keeps time. It pays
//! one wallet payout exactly once against `FEENNEX_BASE_URL`, `FEENNEX_SHOP_ID` and
//! `FEENNEX_SECRET_KEY`:
//!
//! ```sh
//! cargo run -p feennex-proto --example own_http_stack
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::{Duration, Instant, SystemTime};

use feennex_proto::exchange::{Exchange, Step};
use feennex_proto::transport::{BlockingTransport, Request, Response};
use feennex_proto::{
    Error, Merchant, SecretKey, Session, http,
    prelude::{
        ClientOptions, Currency, ShopPaymentId, Timestamp, TransferAmountType, TransferCreate,
    },
};

/// One connection per request; `Connection: close` marks the end of the answer.
struct TinyHttp;

impl BlockingTransport for TinyHttp {
    type Error = std::io::Error;

    /// Each read and write waits at most until the deadline; an answer that still
    /// comes later is read by the core as a timeout anyway.
    fn send(&self, request: Request, deadline: Instant) -> Result<Response, std::io::Error> {
        let uri = request.uri();
        let host = uri.authority().map(|a| a.as_str()).unwrap_or_default();
        let mut stream = TcpStream::connect(host)?;
        let left = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1));
        stream.set_read_timeout(Some(left))?;
        stream.set_write_timeout(Some(left))?;
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n",
            request.method(),
            uri.path()
        );
        for (name, value) in request.headers() {
            head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap_or_default()));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(request.body())?;

        let mut reader = BufReader::new(stream);
        let mut status_line = String::new();
        reader.read_line(&mut status_line)?;
        let status: u16 =
            status_line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 || line == "\r\n" {
                break;
            }
        }
        let mut body = Vec::new();
        reader.take(1 << 20).read_to_end(&mut body)?;
        http::Response::builder().status(status).body(body).map_err(std::io::Error::other)
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = setting("FEENNEX_BASE_URL")?;
    let shop_id = setting("FEENNEX_SHOP_ID")?;
    let secret = SecretKey::new(setting::<String>("FEENNEX_SECRET_KEY")?);
    let merchant = Merchant::new(shop_id, secret).with_base_url(base_url);

    let id = ShopPaymentId::new(format!("own-stack-{}", Timestamp::try_from(SystemTime::now())?))?;
    let create = TransferCreate::builder()
        .amount("3".parse()?)
        .amount_type(TransferAmountType::ReceiveAmount)
        .payee_account("201234567890".parse()?)
        .payee_currency(Currency::USD)
        .shop_currency(Currency::USD)
        .shop_payment_id(id)
        .build();
    let session = Session::new(merchant, ClientOptions::default())?;
    let mut payout = session.payout(create)?.machine;

    // The run loop: the core says what to do, this loop does it.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let outcome = loop {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        match payout.poll(Instant::now(), SystemTime::now(), seed) {
            Step::Send { request, deadline, .. } => {
                let answer = TinyHttp.send(request, deadline).map_err(Error::transport);
                payout.receive(Instant::now(), answer);
            }
            Step::Wait(duration) => std::thread::sleep(duration),
            Step::Done(outcome) => break outcome?,
        }
    };
    println!(
        "paid once: payout {} for {} after {} create(s) and {} status check(s)",
        outcome.summary.id, outcome.summary.write_off, outcome.creates_sent, outcome.status_checks
    );
    Ok(())
}

/// A setting from the environment, parsed; an error names the variable.
fn setting<T: FromStr>(name: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    let text = std::env::var(name).map_err(|_| {
        format!("{name} is not set: this example needs FEENNEX_BASE_URL, FEENNEX_SHOP_ID and FEENNEX_SECRET_KEY")
    })?;
    text.parse().map_err(|error| format!("{name}: {error}"))
}
