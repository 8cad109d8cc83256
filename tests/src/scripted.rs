//! A tiny HTTP/1.1 server on loopback that answers what a test scripts: for
//! answers the sandbox cannot give (error 8, huge bodies, silence).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use feennex_proto::Merchant;

use crate::clients::{Setup, TestClient};

/// One request the server read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The path, such as `/transfer/shop_payment_status`.
    pub path: String,
    /// The body.
    pub body: String,
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answers this status and body; the connection stays open.
    Answer(u16, String),
    /// Answers `302 Found` pointing at this location.
    Redirect(String),
    /// Never answers; keeps the connection until the client gives up on it.
    Silence,
    /// Answers 200 with a `Content-Length` of this many bytes and sends them.
    Declared(usize),
    /// Answers 200 with a chunked body that never ends.
    Endless,
    /// Answers this status and these bytes, which need not be text.
    Bytes(u16, Vec<u8>),
    /// Answers 200 with these bytes, one at a time with this pause between them.
    Drip(Vec<u8>, std::time::Duration),
}

/// A success envelope around `data`.
pub fn envelope_ok(data: serde_json::Value) -> String {
    serde_json::json!({ "data": data, "error_code": 0, "message": "Ok", "result": true })
        .to_string()
}

/// An error envelope.
pub fn envelope_error(code: i64, message: &str) -> String {
    serde_json::json!({ "data": null, "error_code": code, "message": message, "result": false })
        .to_string()
}

type Script = dyn Fn(usize, &Recorded) -> Reply + Send + Sync;

/// The server: every request is recorded, then answered as the script says. The
/// script gets the request's number (from 0, across connections) and the request.
pub struct ScriptedServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for ScriptedServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptedServer").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl ScriptedServer {
    /// Starts serving on a free loopback port.
    pub fn start(script: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let script: Arc<Script> = Arc::new(script);
        let (seen, stopped) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (seen, script) = (seen.clone(), script.clone());
                std::thread::spawn(move || serve(stream, &seen, &*script));
            }
        });
        Self { addr, requests, stop }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request read so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// The paths of every request read so far, in order.
    pub fn paths(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.path).collect()
    }

    /// The sandbox's default shop, pointed at this server.
    pub fn merchant(&self) -> Merchant {
        crate::sandbox::merchant_at(&self.base_url())
    }

    /// A client of type `C` pointed at this server.
    pub fn client<C: TestClient>(&self, setup: Setup) -> C {
        C::build(self.merchant(), setup)
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// Serves requests of one connection until the client closes it.
fn serve(stream: TcpStream, seen: &Mutex<Vec<Recorded>>, script: &Script) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader) {
        let number = {
            let mut seen = seen.lock().unwrap();
            seen.push(request.clone());
            seen.len() - 1
        };
        let written = match script(number, &request) {
            Reply::Answer(status, body) => write!(
                writer,
                "HTTP/1.1 {status} Scripted\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            ),
            Reply::Redirect(location) => write!(
                writer,
                "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
            ),
            Reply::Silence => {
                // Reads until the client closes the connection.
                let _ = std::io::copy(&mut reader, &mut std::io::sink());
                return;
            }
            Reply::Declared(length) => write!(
                writer,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
            )
            .and_then(|()| std::io::copy(&mut std::io::repeat(b' ').take(length as u64), &mut writer))
            .map(drop),
            Reply::Endless => endless(&mut writer),
            Reply::Bytes(status, body) => write!(
                writer,
                "HTTP/1.1 {status} Scripted\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\n\r\n",
                body.len()
            )
            .and_then(|()| writer.write_all(&body)),
            Reply::Drip(body, pause) => drip(&mut writer, &body, pause),
        };
        if written.is_err() {
            return;
        }
    }
}

/// A chunked body of spaces that ends only when the client stops reading.
fn endless(writer: &mut TcpStream) -> std::io::Result<()> {
    writer.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    )?;
    let chunk = format!("4000\r\n{}\r\n", " ".repeat(0x4000));
    loop {
        writer.write_all(chunk.as_bytes())?;
    }
}

/// Sends a declared body one byte at a time.
fn drip(writer: &mut TcpStream, body: &[u8], pause: std::time::Duration) -> std::io::Result<()> {
    write!(
        writer,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )?;
    for byte in body {
        writer.write_all(&[*byte])?;
        writer.flush()?;
        std::thread::sleep(pause);
    }
    Ok(())
}

/// Reads one request: the request line, headers, and a body of `Content-Length`.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Recorded> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|read| *read > 0)?;
    let path = line.split_whitespace().nth(1)?.to_owned();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok().filter(|read| *read > 0)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':').unwrap_or((header, ""));
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded { path, body: String::from_utf8_lossy(&body).into_owned() })
}
