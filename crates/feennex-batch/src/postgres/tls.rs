//! TLS to PostgreSQL through rustls (ring), with libpq's `sslmode` and
//! `sslrootcert`: `disable` (plain), `prefer` (TLS when the server offers it),
//! `require` (TLS, the certificate not checked unless `sslrootcert` is given),
//! `verify-ca` (a certificate signed by a trusted root), `verify-full` (that, and
//! made out to the host). Trusted roots are the CA file `sslrootcert` names, or
//! the system's (`sslrootcert=system`, or none given).

use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::Socket;
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};

use crate::store::StoreError;

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// The TLS settings of a store URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TlsSettings {
    pub(super) mode: SslMode,
    /// The CA file; `None` for the system's roots.
    pub(super) root_cert: Option<PathBuf>,
}

/// Takes `sslmode` and `sslrootcert` out of a store URL (a `postgres://` URL or a
/// key=value string), which the driver does not read in full, and gives the rest.
pub(super) fn split_settings(url: &str) -> Result<(String, TlsSettings), StoreError> {
    let mut mode = None;
    let mut root_cert = None;
    let mut take = |key: &str, value: String| match key {
        "sslmode" => {
            mode = Some(value);
            true
        }
        "sslrootcert" => {
            root_cert = Some(value);
            true
        }
        _ => false,
    };
    let rest = if let Some((base, query)) = url
        .split_once('?')
        .filter(|_| url.starts_with("postgres://") || url.starts_with("postgresql://"))
    {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| {
                let (key, value) = form_urlencoded::parse(pair.as_bytes())
                    .next()
                    .map(|(key, value)| (key.into_owned(), value.into_owned()))
                    .unwrap_or_default();
                !take(&key, value)
            })
            .collect();
        if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) }
    } else if url.contains("://") {
        url.to_owned()
    } else {
        let kept: Vec<&str> = url
            .split_whitespace()
            .filter(|pair| match pair.split_once('=') {
                Some((key, value)) => !take(key.trim(), value.trim_matches('\'').to_owned()),
                None => true,
            })
            .collect();
        kept.join(" ")
    };
    let mode = match mode.as_deref() {
        None | Some("prefer") => SslMode::Prefer,
        Some("disable") => SslMode::Disable,
        Some("require") => SslMode::Require,
        Some("verify-ca") => SslMode::VerifyCa,
        Some("verify-full") => SslMode::VerifyFull,
        Some(_) => {
            return Err(StoreError::Database(
                "the store URL's sslmode is not one of disable, prefer, require, verify-ca, verify-full".into(),
            ));
        }
    };
    let root_cert = root_cert.filter(|path| path != "system").map(PathBuf::from);
    Ok((rest, TlsSettings { mode, root_cert }))
}

/// Makes TLS connections as the settings say.
#[derive(Debug, Clone)]
pub(super) struct MakeRustls {
    config: Arc<ClientConfig>,
}

impl MakeRustls {
    /// The connector for `settings` (not for `disable`, which needs none).
    pub(super) fn new(settings: &TlsSettings) -> Result<Self, StoreError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(tls_error)?;
        let check_chain = matches!(settings.mode, SslMode::VerifyCa | SslMode::VerifyFull)
            || settings.root_cert.is_some();
        let config = if !check_chain {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(EncryptOnly(provider)))
                .with_no_client_auth()
        } else {
            let roots = Arc::new(roots(settings)?);
            if settings.mode == SslMode::VerifyFull {
                builder.with_root_certificates(roots).with_no_client_auth()
            } else {
                let chain = WebPkiServerVerifier::builder_with_provider(roots, provider)
                    .build()
                    .map_err(|error| StoreError::Database(format!("TLS: {error}")))?;
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(AnyName(chain)))
                    .with_no_client_auth()
            }
        };
        Ok(Self { config: Arc::new(config) })
    }
}

fn tls_error(error: rustls::Error) -> StoreError {
    StoreError::Database(format!("TLS: {error}"))
}

/// The trusted roots: the CA file's certificates, or the system's.
fn roots(settings: &TlsSettings) -> Result<RootCertStore, StoreError> {
    let mut roots = RootCertStore::empty();
    match &settings.root_cert {
        Some(path) => {
            let unreadable = |error: &dyn std::fmt::Display| {
                StoreError::Database(format!("sslrootcert {}: {error}", path.display()))
            };
            let certificates = CertificateDer::pem_file_iter(path)
                .map_err(|error| unreadable(&error))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|error| unreadable(&error))?;
            for certificate in certificates {
                roots.add(certificate).map_err(|error| unreadable(&error))?;
            }
        }
        None => {
            roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        }
    }
    if roots.is_empty() {
        return Err(StoreError::Database(
            "TLS: no trusted root certificate (give one with sslrootcert)".into(),
        ));
    }
    Ok(roots)
}

/// `prefer` and `require` without a CA: the connection is encrypted, the server's
/// certificate is not checked (libpq's meaning); its handshake signatures are.
#[derive(Debug)]
struct EncryptOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain must lead to a trusted root; the name it was made out
/// to is not compared with the host.
#[derive(Debug)]
struct AnyName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // The name is checked after the chain: this error means the chain held.
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

impl MakeTlsConnect<Socket> for MakeRustls {
    type Stream = RustlsStream;
    type TlsConnect = RustlsConnect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> Result<RustlsConnect, io::Error> {
        let name = ServerName::try_from(domain.to_owned())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "not a host name"))?;
        Ok(RustlsConnect { config: self.config.clone(), name })
    }
}

/// One TLS handshake to come.
#[derive(Debug)]
pub(super) struct RustlsConnect {
    config: Arc<ClientConfig>,
    name: ServerName<'static>,
}

impl TlsConnect<Socket> for RustlsConnect {
    type Stream = RustlsStream;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<RustlsStream>> + Send>>;

    fn connect(self, stream: Socket) -> Self::Future {
        let connector = tokio_rustls::TlsConnector::from(self.config);
        Box::pin(async move { Ok(RustlsStream(connector.connect(self.name, stream).await?)) })
    }
}

/// A TLS connection to the database.
#[derive(Debug)]
pub(super) struct RustlsStream(tokio_rustls::client::TlsStream<Socket>);

impl TlsStream for RustlsStream {
    fn channel_binding(&self) -> ChannelBinding {
        ChannelBinding::none()
    }
}

impl AsyncRead for RustlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for RustlsStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(url: &str) -> (String, TlsSettings) {
        split_settings(url).unwrap()
    }

    #[test]
    fn sslmode_and_sslrootcert_are_taken_out_of_urls_and_key_value_strings() {
        let (rest, settings) = split(
            "postgres://u:p@db:5432/pay?sslmode=verify-full&sslrootcert=%2Fca%20dir%2Fca.pem&application_name=x",
        );
        assert_eq!(rest, "postgres://u:p@db:5432/pay?application_name=x");
        assert_eq!(settings.mode, SslMode::VerifyFull);
        assert_eq!(settings.root_cert, Some(PathBuf::from("/ca dir/ca.pem")));

        let (rest, settings) = split("host=db user=u sslmode=verify-ca sslrootcert='/ca.pem'");
        assert_eq!(rest, "host=db user=u");
        assert_eq!(
            (settings.mode, settings.root_cert),
            (SslMode::VerifyCa, Some("/ca.pem".into()))
        );

        let (rest, settings) = split("postgresql://db/pay?sslmode=require&sslrootcert=system");
        assert_eq!(rest, "postgresql://db/pay");
        assert_eq!((settings.mode, settings.root_cert), (SslMode::Require, None));

        let (rest, settings) = split("postgres://db/pay");
        assert_eq!((rest.as_str(), settings.mode), ("postgres://db/pay", SslMode::Prefer));
        assert_eq!(split("host=db sslmode=disable").1.mode, SslMode::Disable);
    }

    #[test]
    fn an_unknown_sslmode_is_refused_without_the_url() {
        let error = split_settings("postgres://u:s3cret@db/pay?sslmode=allow").unwrap_err();
        let text = format!("{error} {error:?}");
        assert!(text.contains("verify-full") && !text.contains("s3cret"), "{text}");
    }

    #[test]
    fn a_ca_file_that_cannot_be_read_is_named() {
        let settings =
            TlsSettings { mode: SslMode::VerifyFull, root_cert: Some("/no/such/ca.pem".into()) };
        let error = MakeRustls::new(&settings).unwrap_err();
        assert!(error.to_string().contains("/no/such/ca.pem"), "{error}");
    }
}
