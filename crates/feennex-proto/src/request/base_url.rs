//! The API's base URL, parsed once.

use std::fmt;

use super::DEFAULT_BASE_URL;

/// The base URL of the API: `http` or `https`, without a trailing slash.
///
/// Parsed once: each request's URI is made from the parsed scheme and authority
/// and only its path is checked.
#[derive(Clone)]
pub struct BaseUrl {
    text: String,
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
    /// The path below the host, without a trailing slash (often empty).
    path: String,
}

/// Why a text is not a usable base URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an http:// or https:// URL without query or fragment")]
pub struct BaseUrlError(String);

impl BaseUrl {
    /// Checks and normalises a base URL.
    pub fn new(url: &str) -> Result<Self, BaseUrlError> {
        let error = || BaseUrlError(url.chars().take(100).collect());
        let trimmed = url.trim_end_matches('/');
        let uri: http::Uri = trimmed.parse().map_err(|_| error())?;
        let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
        let plain = uri.query().is_none() && !trimmed.contains('#');
        if !scheme_ok || uri.host().is_none_or(str::is_empty) || !plain {
            return Err(error());
        }
        let parts = uri.into_parts();
        let (Some(scheme), Some(authority)) = (parts.scheme, parts.authority) else {
            return Err(error());
        };
        let path = parts.path_and_query.map(|p| p.path().trim_end_matches('/').to_owned());
        Ok(Self { text: trimmed.to_owned(), scheme, authority, path: path.unwrap_or_default() })
    }

    /// The URL of an endpoint path, as text.
    pub fn join(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.text.len() + 1 + path.len());
        url.push_str(&self.text);
        url.push('/');
        url.push_str(path);
        url
    }

    /// The URI of an endpoint path.
    pub fn uri(&self, path: &str) -> Result<http::Uri, http::Error> {
        let mut full_path = String::with_capacity(self.path.len() + 1 + path.len());
        full_path.push_str(&self.path);
        full_path.push('/');
        full_path.push_str(path);
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(http::uri::PathAndQuery::try_from(full_path)?);
        Ok(http::Uri::from_parts(parts)?)
    }

    /// The URL's text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for BaseUrl {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for BaseUrl {}

impl std::hash::Hash for BaseUrl {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl Default for BaseUrl {
    fn default() -> Self {
        Self::new(DEFAULT_BASE_URL)
            .unwrap_or_else(|_| unreachable!("the default base URL is valid"))
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({:?})", self.text)
    }
}

impl std::str::FromStr for BaseUrl {
    type Err = BaseUrlError;

    fn from_str(url: &str) -> Result<Self, BaseUrlError> {
        Self::new(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_http_or_https_without_trailing_slash() {
        assert_eq!(
            BaseUrl::new("http://127.0.0.1:8080/").unwrap().join("a/b"),
            "http://127.0.0.1:8080/a/b"
        );
        assert_eq!(
            BaseUrl::new("https://x.test/api").unwrap().join("shop_balance"),
            "https://x.test/api/shop_balance"
        );
        let uri =
            |base: &str, path: &str| BaseUrl::new(base).unwrap().uri(path).unwrap().to_string();
        assert_eq!(uri("https://x.test/api/", "a/b"), "https://x.test/api/a/b");
        assert_eq!(uri("http://[::1]:8080", "c"), "http://[::1]:8080/c");
        assert_eq!(uri("http://127.0.0.1:9", "transfer/try"), "http://127.0.0.1:9/transfer/try");
        for bad in
            ["ftp://x.test", "x.test", "", "https://", "https://x.test/?a=1", "https://x.test/#f"]
        {
            assert!(BaseUrl::new(bad).is_err(), "{bad}");
        }
    }
}
