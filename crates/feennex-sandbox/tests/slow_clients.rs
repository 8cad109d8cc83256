//! Slow clients on a real socket: connections that never send, that trickle
//! their headers, or that stall in their body are closed by the sandbox after its
//! read timeouts, while a normal client is served throughout.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

use feennex_sandbox::{ReadTimeouts, Sandbox, SandboxConfig};

/// How long the test waits for the sandbox to close a connection before calling
/// it held: far beyond the timeouts, so a loaded machine does not fail the test.
const PATIENCE: Duration = Duration::from_secs(20);

fn sandbox() -> Sandbox {
    let timeouts = ReadTimeouts::new(Duration::from_millis(500), Duration::from_millis(500));
    let config = SandboxConfig::default().with_read_timeouts(timeouts);
    Sandbox::spawn(([127, 0, 0, 1], 0).into(), config).unwrap()
}

/// A normal request: the balances, answered 200 with JSON.
fn served(addr: SocketAddr) -> bool {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(stream, "GET /_sandbox/balances HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).is_ok()
        && answer.starts_with("HTTP/1.1 200")
        && answer.contains("\"currency\"")
}

/// Writes `head`, then one byte of `trickle` every 100 ms until the server
/// closes the connection or the bytes run out. Gives the stream to read from.
fn slow_client(
    addr: SocketAddr,
    head: String,
    trickle: &'static [u8],
) -> (TcpStream, JoinHandle<()>) {
    let stream = TcpStream::connect(addr).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let thread = std::thread::spawn(move || {
        if writer.write_all(head.as_bytes()).is_err() {
            return;
        }
        for byte in trickle.iter().cycle().take(400) {
            std::thread::sleep(Duration::from_millis(100));
            if writer.write_all(std::slice::from_ref(byte)).is_err() {
                return;
            }
        }
    });
    (stream, thread)
}

/// Whether the server closed the connection (end of stream or reset) without
/// sending an answer.
fn closed_without_answer(mut stream: TcpStream) -> Result<(), String> {
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut buffer = [0u8; 256];
    match stream.read(&mut buffer) {
        Ok(0) => Ok(()),
        Ok(n) => Err(format!("answered: {:?}", String::from_utf8_lossy(&buffer[..n]))),
        Err(error) if error.kind() == ErrorKind::ConnectionReset => Ok(()),
        Err(error) => Err(format!("still held after {PATIENCE:?}: {error}")),
    }
}

#[test]
fn slow_connections_are_closed_while_a_normal_client_is_served() {
    let sandbox = sandbox();
    let addr = sandbox.local_addr();
    let host = format!("Host: {addr}\r\n");
    let mut clients = Vec::new();
    for _ in 0..20 {
        // Connects and sends nothing.
        clients.push(slow_client(addr, String::new(), b""));
        // Sends its request line, then a header a byte at a time, forever.
        clients.push(slow_client(addr, "POST /shop_balance HTTP/1.1\r\n".to_owned(), b"X-Slow: a"));
        // Sends its headers, then a body of 100 bytes a byte at a time.
        let head = format!(
            "POST /shop_balance HTTP/1.1\r\n{host}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        );
        clients.push(slow_client(addr, head, b"{"));
    }
    assert!(served(addr), "a normal client was not served while 60 slow ones were connected");

    for (index, (stream, thread)) in clients.into_iter().enumerate() {
        closed_without_answer(stream).unwrap_or_else(|why| panic!("slow client {index}: {why}"));
        thread.join().unwrap();
    }
    assert!(served(addr), "the sandbox stopped serving after closing slow clients");
}

#[test]
fn a_request_sent_within_the_timeouts_is_answered() {
    let sandbox = sandbox();
    let addr = sandbox.local_addr();
    // Headers and body each in two parts, with a pause shorter than the timeouts.
    let body = r#"{"now":"2024-04-12T06:18:34.719Z","shop_id":1,"sign":"x"}"#;
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(stream, "POST /shop_balance HTTP/1.1\r\nHost: {addr}\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    write!(
        stream,
        "Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    stream.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // The signature is wrong: the API's error 10, so the body was read whole.
    assert!(answer.contains(r#""error_code":10"#), "{answer}");
}
