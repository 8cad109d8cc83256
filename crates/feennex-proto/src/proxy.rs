//! Which HTTP proxy a client goes through, decided once for both clients.
//!
//! The rule, as curl and most tools read the environment:
//!
//! - an `https://` URL uses `https_proxy`/`HTTPS_PROXY`, else `all_proxy`/`ALL_PROXY`;
//! - an `http://` URL uses `http_proxy`/`HTTP_PROXY`, else `all_proxy`/`ALL_PROXY`;
//! - `no_proxy`/`NO_PROXY` lists hosts reached directly, separated by commas: `*`
//!   (every host), a name (that host and its subdomains; a leading `.` or `*.` is
//!   allowed) or an IP address;
//! - this machine (`localhost`, `127.0.0.0/8`, `::1`) is always reached directly,
//!   as Go's `net/http` does, so a sandbox on loopback works behind any proxy.
//!
//! The proxy is an `http://` proxy (`host:port` alone means that too), with
//! optional `user:password@`. Every request goes through a `CONNECT` tunnel, for
//! `http://` URLs too, so the proxy never sees a request or its signature.

use std::fmt;
use std::net::IpAddr;

/// Why a proxy setting cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyError {
    /// The value is not a proxy URL.
    #[error("{variable}: not a proxy URL such as http://proxy.example:3128")]
    Invalid {
        /// The variable (or setting) that held it.
        variable: String,
    },
    /// The proxy speaks a protocol other than HTTP `CONNECT`.
    #[error("{variable}: only http:// proxies are supported, not {scheme}://")]
    UnsupportedScheme {
        /// The variable (or setting) that held it.
        variable: String,
        /// The scheme given.
        scheme: String,
    },
}

/// One proxy: where it listens and, when given, the credentials to send it.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    host: String,
    port: u16,
    credentials: Option<(String, String)>,
}

impl ProxyUrl {
    /// Parses `http://[user[:password]@]host[:port]` or `host[:port]`; the port
    /// defaults to 80. `variable` names the setting in errors.
    pub fn parse(variable: &str, text: &str) -> Result<Self, ProxyError> {
        let invalid = || ProxyError::Invalid { variable: variable.to_owned() };
        let text = text.trim();
        let rest = match text.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) => {
                return Err(ProxyError::UnsupportedScheme {
                    variable: variable.to_owned(),
                    scheme: scheme.to_ascii_lowercase(),
                });
            }
            None => text,
        };
        let authority = rest.split('/').next().unwrap_or_default();
        let (credentials, host_port) = match authority.rsplit_once('@') {
            Some((user_info, host_port)) => {
                let (user, password) = user_info.split_once(':').unwrap_or((user_info, ""));
                (Some((percent_decode(user), percent_decode(password))), host_port)
            }
            None => (None, authority),
        };
        let (host, port) = split_host_port(host_port).ok_or_else(invalid)?;
        if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '@') {
            return Err(invalid());
        }
        Ok(Self { host: host.to_owned(), port: port.unwrap_or(80), credentials })
    }

    /// The proxy's host name or address (IPv6 without brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://host:port`, without credentials.
    pub fn uri(&self) -> String {
        if self.host.contains(':') {
            format!("http://[{}]:{}", self.host, self.port)
        } else {
            format!("http://{}:{}", self.host, self.port)
        }
    }

    /// The user name and password to give the proxy, when the URL had them.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.credentials.as_ref().map(|(user, password)| (user.as_str(), password.as_str()))
    }

    /// The `Proxy-Authorization` value (`Basic …`), when the URL had credentials.
    pub fn basic_authorization(&self) -> Option<String> {
        let (user, password) = self.credentials()?;
        Some(format!("Basic {}", base64(format!("{user}:{password}").as_bytes())))
    }
}

/// Credentials are never printed.
impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials = if self.credentials.is_some() { "<redacted>@" } else { "" };
        write!(f, "ProxyUrl({credentials}{})", self.uri())
    }
}

/// The proxies of a client and the hosts reached without them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyConfig {
    https: Option<ProxyUrl>,
    http: Option<ProxyUrl>,
    no_proxy: Vec<String>,
}

impl ProxyConfig {
    /// No proxy for any host.
    pub fn none() -> Self {
        Self::default()
    }

    /// The proxies named by this process's environment (see the module docs).
    pub fn from_env() -> Result<Self, ProxyError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The proxies named by `lookup`, which reads a variable such as `HTTPS_PROXY`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ProxyError> {
        let first = |names: &[&'static str]| {
            names.iter().find_map(|name| {
                lookup(name).filter(|value| !value.trim().is_empty()).map(|value| (*name, value))
            })
        };
        let parse = |found: Option<(&'static str, String)>| {
            found.map(|(name, value)| ProxyUrl::parse(name, &value)).transpose()
        };
        let all = ["all_proxy", "ALL_PROXY"];
        let https = parse(first(&["https_proxy", "HTTPS_PROXY"]).or_else(|| first(&all)))?;
        let http = parse(first(&["http_proxy", "HTTP_PROXY"]).or_else(|| first(&all)))?;
        let no_proxy = first(&["no_proxy", "NO_PROXY"])
            .map(|(_, list)| {
                list.split(',')
                    .map(|entry| entry.trim().trim_start_matches("*.").trim_start_matches('.'))
                    .filter(|entry| !entry.is_empty())
                    .map(str::to_ascii_lowercase)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self { https, http, no_proxy })
    }

    /// The same settings with this proxy for `https://` URLs.
    pub fn with_https(mut self, proxy: ProxyUrl) -> Self {
        self.https = Some(proxy);
        self
    }

    /// The same settings with this proxy for `http://` URLs.
    pub fn with_http(mut self, proxy: ProxyUrl) -> Self {
        self.http = Some(proxy);
        self
    }

    /// The proxy to reach `url` (`scheme://host[:port]…`) through, or `None` for
    /// a direct connection.
    pub fn proxy_for(&self, url: &str) -> Option<&ProxyUrl> {
        let uri: http::Uri = url.parse().ok()?;
        let host = uri.host()?.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        if is_this_machine(&host) || self.bypasses(&host) {
            return None;
        }
        match uri.scheme_str() {
            Some("https") => self.https.as_ref(),
            Some("http") => self.http.as_ref(),
            _ => None,
        }
    }

    fn bypasses(&self, host: &str) -> bool {
        self.no_proxy.iter().any(|entry| {
            entry == "*"
                || entry == host
                || (host.len() > entry.len()
                    && host.ends_with(entry.as_str())
                    && host.as_bytes()[host.len() - entry.len() - 1] == b'.')
        })
    }
}

fn is_this_machine(host: &str) -> bool {
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_host_port(text: &str) -> Option<(&str, Option<u16>)> {
    if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port.parse().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        return Some((host, port));
    }
    match text.rsplit_once(':') {
        Some((host, port)) => Some((host, Some(port.parse().ok()?))),
        None => Some((text, None)),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| {
            bytes.get(at).and_then(|b| (*b as char).to_digit(16)).map(|digit| digit as u8)
        };
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push(high << 4 | low);
                index += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Standard base64 with padding, for `Proxy-Authorization: Basic`.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let triple =
            chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for position in 0..4 {
            if position <= chunk.len() {
                out.push(ALPHABET[(triple >> (18 - 6 * position) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> ProxyConfig {
        ProxyConfig::from_lookup(|name| {
            vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
        })
        .unwrap()
    }

    fn via(config: &ProxyConfig, url: &str) -> Option<String> {
        config.proxy_for(url).map(ProxyUrl::uri)
    }

    #[test]
    fn each_scheme_uses_its_variable_then_all_proxy() {
        let both =
            config(&[("HTTPS_PROXY", "http://s.proxy:3128"), ("http_proxy", "h.proxy:8080")]);
        assert_eq!(via(&both, "https://core.feennex.com"), Some("http://s.proxy:3128".into()));
        assert_eq!(via(&both, "http://core.feennex.com"), Some("http://h.proxy:8080".into()));
        let all = config(&[("ALL_PROXY", "http://a.proxy")]);
        assert_eq!(via(&all, "https://core.feennex.com/x"), Some("http://a.proxy:80".into()));
        let only_http = config(&[("HTTP_PROXY", "http://h.proxy:1")]);
        assert_eq!(via(&only_http, "https://core.feennex.com"), None);
        assert_eq!(via(&config(&[("HTTPS_PROXY", "")]), "https://core.feennex.com"), None);
    }

    #[test]
    fn no_proxy_and_this_machine_go_direct() {
        let proxied = config(&[
            ("HTTPS_PROXY", "http://p:1"),
            ("HTTP_PROXY", "http://p:1"),
            ("NO_PROXY", " .internal.example, feennex.com ,10.0.0.7"),
        ]);
        for direct in [
            "https://api.internal.example",
            "https://feennex.com",
            "https://core.feennex.com",
            "https://10.0.0.7:8443",
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:80",
        ] {
            assert_eq!(via(&proxied, direct), None, "{direct}");
        }
        for through in ["https://notfeennex.com", "https://internal.example.org", "http://10.0.0.8"]
        {
            assert_eq!(via(&proxied, through), Some("http://p:1".into()), "{through}");
        }
        let everything = config(&[("HTTPS_PROXY", "http://p:1"), ("no_proxy", "*")]);
        assert_eq!(via(&everything, "https://core.feennex.com"), None);
    }

    #[test]
    fn proxy_urls_parse_with_credentials_that_never_print() {
        let proxy = ProxyUrl::parse("HTTPS_PROXY", "http://us%40er:p%3Ass@[::2]:3128/").unwrap();
        assert_eq!((proxy.host(), proxy.port()), ("::2", 3128));
        assert_eq!(proxy.credentials(), Some(("us@er", "p:ss")));
        assert_eq!(proxy.uri(), "http://[::2]:3128");
        let debug = format!("{proxy:?}");
        assert!(!debug.contains("p:ss") && !debug.contains("us@er"), "{debug}");
        let aladdin = ProxyUrl::parse("x", "http://Aladdin:open%20sesame@p").unwrap();
        assert_eq!(aladdin.basic_authorization().unwrap(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }

    #[test]
    fn unusable_proxy_settings_are_errors_naming_the_variable() {
        let socks = ProxyConfig::from_lookup(|name| {
            (name == "HTTPS_PROXY").then(|| "socks5://p:1080".to_owned())
        });
        assert_eq!(
            socks.unwrap_err(),
            ProxyError::UnsupportedScheme {
                variable: "HTTPS_PROXY".into(),
                scheme: "socks5".into()
            }
        );
        for bad in ["http://", "http://p:notaport", "http://[::1", "p q:1"] {
            assert!(ProxyUrl::parse("HTTP_PROXY", bad).is_err(), "{bad}");
        }
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
    }
}
