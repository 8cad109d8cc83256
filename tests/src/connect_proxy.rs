//! A small HTTP `CONNECT` proxy on loopback that records every tunnel it opens and
//! sends each one to the same server, whatever host the client asked for: so a
//! client can be given a name that resolves nowhere and still reach a sandbox.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One `CONNECT` the proxy received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tunnelled {
    /// The request line, such as `CONNECT feennex.test:8080 HTTP/1.1`.
    pub request_line: String,
    /// The `Proxy-Authorization` header, when one was sent.
    pub authorization: Option<String>,
}

/// The proxy: it runs until the test process ends.
#[derive(Debug)]
pub struct ConnectProxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Tunnelled>>>,
}

/// Where the proxy's tunnels lead.
#[derive(Debug, Clone, Copy)]
enum Upstream {
    /// Every tunnel to this server.
    To(SocketAddr),
    /// No tunnel: every `CONNECT` is answered 407 (credentials required).
    Refused,
}

impl ConnectProxy {
    /// Starts a proxy on a free loopback port whose tunnels all lead to `server`.
    pub fn start(server: SocketAddr) -> Self {
        Self::serve(Upstream::To(server))
    }

    /// Starts a proxy that refuses every tunnel with 407.
    pub fn refusing() -> Self {
        Self::serve(Upstream::Refused)
    }

    fn serve(upstream: Upstream) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let record = record.clone();
                std::thread::spawn(move || {
                    let _ = tunnel(client, upstream, &record);
                });
            }
        });
        Self { addr, seen }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every `CONNECT` received so far.
    pub fn tunnels(&self) -> Vec<Tunnelled> {
        self.seen.lock().unwrap().clone()
    }
}

/// Reads the `CONNECT` head, opens the tunnel to `server` and copies both ways.
fn tunnel(
    client: TcpStream,
    upstream: Upstream,
    record: &Mutex<Vec<Tunnelled>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("proxy-authorization")
        {
            authorization = Some(value.trim().to_owned());
        }
    }
    let request_line = request_line.trim_end().to_owned();
    let is_connect = request_line.starts_with("CONNECT ");
    record.lock().unwrap().push(Tunnelled { request_line, authorization });
    let mut client_writer = client.try_clone()?;
    let server = match upstream {
        _ if !is_connect => {
            client_writer
                .write_all(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")?;
            return Ok(());
        }
        Upstream::Refused => {
            client_writer.write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n",
            )?;
            return Ok(());
        }
        Upstream::To(server) => server,
    };
    let upstream = TcpStream::connect(server)?;
    client_writer.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    // Bytes the client sent after the head are already in the reader's buffer.
    let buffered = reader.buffer().to_vec();
    let mut upstream_writer = upstream.try_clone()?;
    upstream_writer.write_all(&buffered)?;
    let mut from_upstream = upstream.try_clone()?;
    let down = std::thread::spawn(move || {
        let _ = std::io::copy(&mut from_upstream, &mut client_writer);
        let _ = client_writer.shutdown(Shutdown::Write);
    });
    let mut rest = reader.into_inner();
    let mut chunk = [0u8; 8192];
    loop {
        let read = rest.read(&mut chunk)?;
        if read == 0 {
            break;
        }
        upstream_writer.write_all(&chunk[..read])?;
    }
    let _ = upstream_writer.shutdown(Shutdown::Write);
    let _ = down.join();
    Ok(())
}
