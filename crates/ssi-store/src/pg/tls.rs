//! TLS to PostgreSQL through rustls: libpq's `sslmode` and `sslrootcert` connection
//! parameters, read off the URL before tokio-postgres sees it (it knows only `disable`,
//! `prefer` and `require`, and verifies nothing itself).
//!
//! | `sslmode`              | connection | certificate checked                               |
//! |------------------------|------------|---------------------------------------------------|
//! | absent, `disable`      | plain TCP  | —                                                 |
//! | `prefer`               | TLS if the server offers it, else plain | as `require`          |
//! | `require`              | TLS        | nothing (encryption only), unless `sslrootcert` is given: then as `verify-ca` |
//! | `verify-ca`            | TLS        | chains to a trusted root                           |
//! | `verify-full`          | TLS        | chains to a trusted root and names the host        |
//!
//! The trusted roots are the PEM certificates of the file `sslrootcert` names, or, when it
//! is absent or `system`, Mozilla's root certificates (webpki-roots, compiled in).

use crate::error::StoreError;
use percent_encoding::percent_decode_str;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::PathBuf;
use std::sync::Arc;

/// How a connection uses TLS (libpq's `sslmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SslMode {
    /// Plain TCP (also when the URL names no mode).
    Disable,
    /// TLS when the server offers it, plain otherwise.
    Prefer,
    /// TLS or no connection.
    Require,
    /// TLS, the certificate chaining to a trusted root.
    VerifyCa,
    /// TLS, the certificate chaining to a trusted root and naming the host.
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> Result<SslMode, StoreError> {
        Ok(match value {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(StoreError::PostgresTls(format!(
                    "sslmode={other} is not understood: use disable, prefer, require, verify-ca or verify-full"
                )));
            }
        })
    }

    /// What tokio-postgres is told: whether to ask for TLS, and whether to give up without it.
    pub(crate) fn driver_mode(self) -> tokio_postgres::config::SslMode {
        match self {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
                tokio_postgres::config::SslMode::Require
            }
        }
    }
}

/// The TLS parameters of a connection URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TlsParameters {
    /// `sslmode` (plain TCP when absent).
    pub(crate) mode: SslMode,
    /// `sslrootcert`: a PEM file of root certificates; `None` for Mozilla's roots.
    pub(crate) root_certificates: Option<PathBuf>,
}

impl TlsParameters {
    /// A failed first connection, with what to check when TLS refused it (the driver's
    /// words name the failure, not the setting that decides it).
    pub(crate) fn explain(&self, error: StoreError) -> StoreError {
        let StoreError::Postgres(driver) = &error else { return error };
        let text = crate::error::describe_postgres(driver);
        let roots = match &self.root_certificates {
            Some(path) => format!("a root certificate of sslrootcert {}", path.display()),
            None => "one of Mozilla's root certificates (no sslrootcert given)".to_string(),
        };
        let hint = if text.contains("server does not support TLS") {
            "the server does not accept TLS: turn `ssl` on in PostgreSQL, or connect with sslmode=disable"
                .into()
        } else if text.contains("invalid peer certificate") && self.mode == SslMode::VerifyFull {
            format!("sslmode=verify-full: the server's certificate must chain to {roots} and name the host")
        } else if text.contains("invalid peer certificate") {
            format!("sslmode={}: the server's certificate must chain to {roots}", self.mode_name())
        } else {
            return error;
        };
        StoreError::PostgresTls(format!("{text}; {hint}"))
    }

    fn mode_name(&self) -> &'static str {
        match self.mode {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// Takes `sslmode` and `sslrootcert` off a `postgres://` URL's query; returns the URL
/// without them (for tokio-postgres) and what they said. Any other form of connection
/// string (`host=… sslmode=…`) is returned as it is, with `None`: tokio-postgres reads
/// its `sslmode` itself.
pub(crate) fn split_url(url: &str) -> Result<(String, Option<TlsParameters>), StoreError> {
    let mut parameters = TlsParameters { mode: SslMode::Disable, root_certificates: None };
    if !["postgres://", "postgresql://"].iter().any(|scheme| url.starts_with(scheme)) {
        return Ok((url.to_string(), None));
    }
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), Some(parameters)));
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode_str(value).decode_utf8().map_err(|_| {
            StoreError::PostgresTls(format!("the URL's {key} parameter is not UTF-8 once decoded"))
        })?;
        match key {
            "sslmode" => parameters.mode = SslMode::parse(&value)?,
            "sslrootcert" if value == "system" => parameters.root_certificates = None,
            "sslrootcert" => parameters.root_certificates = Some(PathBuf::from(value.as_ref())),
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
    Ok((url, Some(parameters)))
}

/// The rustls configuration for `parameters` (not called for plain TCP).
pub(crate) fn client_config(parameters: &TlsParameters) -> Result<rustls::ClientConfig, StoreError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::PostgresTls(e.to_string()))?;
    let checks_chain = matches!(parameters.mode, SslMode::VerifyCa | SslMode::VerifyFull)
        || parameters.root_certificates.is_some();
    let chain = if checks_chain {
        let roots = Arc::new(trusted_roots(parameters)?);
        let chain = WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
            .build()
            .map_err(|e| StoreError::PostgresTls(format!("cannot check certificates: {e}")))?;
        Some(chain)
    } else {
        None
    };
    let verifier = Arc::new(LibpqVerifier {
        chain,
        check_name: parameters.mode == SslMode::VerifyFull,
        algorithms: provider.signature_verification_algorithms,
    });
    Ok(builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth())
}

/// The roots a certificate must chain to.
fn trusted_roots(parameters: &TlsParameters) -> Result<RootCertStore, StoreError> {
    let Some(path) = &parameters.root_certificates else {
        return Ok(RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() });
    };
    let unreadable =
        |what: String| StoreError::PostgresTls(format!("sslrootcert {}: {what}", path.display()));
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|e| unreadable(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| unreadable(format!("not PEM certificates ({e})")))?;
    let mut roots = RootCertStore::empty();
    let (added, _ignored) = roots.add_parsable_certificates(certificates);
    if added == 0 {
        return Err(unreadable("holds no usable certificate".into()));
    }
    Ok(roots)
}

impl super::PgStore {
    /// Whether this store's connections are encrypted: PostgreSQL's own view
    /// (`pg_stat_ssl`) of the connection asking.
    pub fn connection_encrypted(&self) -> Result<bool, StoreError> {
        self.block_on(async {
            let client = self.client().await?;
            let row =
                client.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).await?;
            Ok(row.try_get(0)?)
        })
    }
}

/// Checks a server's certificate as the `sslmode` says. Every mode checks the handshake's
/// signatures (the traffic is encrypted to the certificate's key either way).
#[derive(Debug)]
struct LibpqVerifier {
    /// The roots the chain must lead to; `None` for `require` and `prefer` without
    /// `sslrootcert` (encryption only: whoever the certificate names is accepted, as
    /// libpq accepts it; `verify-full` is what protects against an impostor).
    chain: Option<Arc<WebPkiServerVerifier>>,
    /// Whether the certificate must name the host (`verify-full`); `verify-ca` checks
    /// the chain only.
    check_name: bool,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for LibpqVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else { return Ok(ServerCertVerified::assertion()) };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            // webpki checks the name after the chain: only the name differed.
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tls_parameters_are_taken_off_the_url_and_the_rest_is_kept() {
        let (url, parameters) = split_url(
            "postgres://ssi:pw@db.example:5432/ssi?connect_timeout=5&sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&application_name=ssi",
        )
        .unwrap();
        let parameters = parameters.unwrap();
        assert_eq!(url, "postgres://ssi:pw@db.example:5432/ssi?connect_timeout=5&application_name=ssi");
        assert_eq!(parameters.mode, SslMode::VerifyFull);
        assert_eq!(parameters.root_certificates, Some(PathBuf::from("/etc/ca.pem")));
    }

    #[test]
    fn no_sslmode_is_plain_tcp_and_system_means_the_compiled_in_roots() {
        let (url, parameters) = split_url("postgres://ssi@db/ssi").unwrap();
        assert_eq!((url.as_str(), parameters.unwrap().mode), ("postgres://ssi@db/ssi", SslMode::Disable));
        let (url, parameters) =
            split_url("postgresql://ssi@db/ssi?sslmode=require&sslrootcert=system").unwrap();
        let parameters = parameters.unwrap();
        assert_eq!(url, "postgresql://ssi@db/ssi");
        assert_eq!((parameters.mode, parameters.root_certificates), (SslMode::Require, None));
        assert_eq!(parameters.mode.driver_mode(), tokio_postgres::config::SslMode::Require);
    }

    #[test]
    fn a_key_value_string_is_left_to_the_driver() {
        let text = "host=db user=ssi sslmode=require";
        assert_eq!(split_url(text).unwrap(), (text.to_string(), None));
    }

    #[test]
    fn an_unknown_sslmode_is_refused_naming_the_ones_understood() {
        let error = split_url("postgres://ssi:secret@db/ssi?sslmode=allow").unwrap_err().to_string();
        assert!(error.contains("sslmode=allow is not understood"), "{error}");
        assert!(error.contains("verify-full"), "{error}");
        assert!(!error.contains("secret"), "{error}");
    }

    #[test]
    fn a_missing_root_certificate_file_is_named() {
        let parameters = TlsParameters {
            mode: SslMode::VerifyFull,
            root_certificates: Some("/nonexistent/ca.pem".into()),
        };
        let error = client_config(&parameters).unwrap_err().to_string();
        assert!(error.contains("sslrootcert /nonexistent/ca.pem"), "{error}");
    }
}
