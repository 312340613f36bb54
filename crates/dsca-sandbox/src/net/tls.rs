//! TLS interception: a CA made fresh for each run (its certificate is what clients in
//! the sandbox trust), a leaf certificate minted per server name on first use, and the
//! handshake that lets the sink read the HTTP requests inside.

use super::conn::{ConnectionContext, Metered, serve_raw};
use super::{NetError, http, lock};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::Acceptor;
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::io::{Read, Write};
use std::net::IpAddr;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// Certificates are valid from a day before the run (clock skew) to a week after (and
/// past the clock of the time-bomb pass, see [`CertificateAuthority::generate_for`]).
const VALID_BEFORE: Duration = Duration::days(1);
const VALID_AFTER: Duration = Duration::days(7);
/// Handshake records read before giving up on a ClientHello.
const MAX_HELLO_READS: usize = 64;

/// The run's certificate authority. Its private key never leaves the supervisor.
pub struct CertificateAuthority {
    /// How long after now the certificates it issues stay valid.
    valid_after: Duration,
    params: CertificateParams,
    key: KeyPair,
    certificate_pem: String,
    certificate_der: CertificateDer<'static>,
}

impl std::fmt::Debug for CertificateAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateAuthority")
            .finish_non_exhaustive()
    }
}

fn random_serial() -> Result<SerialNumber, NetError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| NetError::Certificate(e.to_string()))?;
    // Positive, and never with a leading zero byte that DER would strip.
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    Ok(SerialNumber::from_slice(&bytes))
}

fn certificate_error(error: rcgen::Error) -> NetError {
    NetError::Certificate(error.to_string())
}

impl CertificateAuthority {
    /// A new CA with a fresh ECDSA P-256 key.
    pub fn generate() -> Result<Self, NetError> {
        Self::generate_for(0)
    }

    /// A new CA whose certificates are still valid to a package whose clock runs
    /// `clock_ahead_days` ahead (the time-bomb pass): an expired certificate would make
    /// every HTTPS request of that pass fail before the sink saw it.
    pub fn generate_for(clock_ahead_days: u32) -> Result<Self, NetError> {
        let valid_after = VALID_AFTER + Duration::days(i64::from(clock_ahead_days));
        let key = KeyPair::generate().map_err(certificate_error)?;
        let now = OffsetDateTime::now_utc();
        let mut params = CertificateParams::default();
        let mut name = DistinguishedName::new();
        name.push(DnType::CommonName, "dsca sandbox CA");
        name.push(DnType::OrganizationName, "dsca");
        params.distinguished_name = name;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.not_before = now - VALID_BEFORE;
        params.not_after = now + valid_after;
        params.serial_number = Some(random_serial()?);
        let certificate = params.self_signed(&key).map_err(certificate_error)?;
        Ok(CertificateAuthority {
            valid_after,
            certificate_pem: certificate.pem(),
            certificate_der: certificate.der().clone(),
            params,
            key,
        })
    }

    /// The CA certificate, for the sandbox's trust store (NODE_EXTRA_CA_CERTS, ...).
    pub fn certificate_pem(&self) -> String {
        self.certificate_pem.clone()
    }

    /// A leaf certificate for `name` (a host name or an IP address), with the CA's
    /// certificate after it, and its key.
    fn issue(
        &self,
        name: &str,
    ) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), NetError> {
        let key = KeyPair::generate().map_err(certificate_error)?;
        let now = OffsetDateTime::now_utc();
        let mut params = CertificateParams::default();
        let mut distinguished = DistinguishedName::new();
        distinguished.push(DnType::CommonName, name);
        params.distinguished_name = distinguished;
        params.subject_alt_names = vec![match name.parse::<IpAddr>() {
            Ok(address) => SanType::IpAddress(address),
            Err(_) => SanType::DnsName(name.try_into().map_err(certificate_error)?),
        }];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        params.not_before = now - VALID_BEFORE;
        params.not_after = now + self.valid_after;
        params.serial_number = Some(random_serial()?);
        let issuer = Issuer::from_params(&self.params, &self.key);
        let certificate = params.signed_by(&key, &issuer).map_err(certificate_error)?;
        let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        Ok((
            vec![certificate.der().clone(), self.certificate_der.clone()],
            private,
        ))
    }

    /// A rustls server configuration presenting a certificate for `name`.
    fn server_config(&self, name: &str) -> Result<ServerConfig, NetError> {
        let (chain, key) = self.issue(name)?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| NetError::Certificate(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| NetError::Certificate(e.to_string()))?;
        // Only HTTP/1.1 is understood; clients offering h2 as well pick it.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}

/// The configuration for `name`, minted once and cached (up to the limit).
fn config_for(context: &ConnectionContext<'_>, name: &str) -> Option<Arc<ServerConfig>> {
    let shared = context.shared;
    if let Some(config) = lock(&shared.certificates).get(name) {
        return Some(config.clone());
    }
    let config = Arc::new(shared.ca.server_config(name).ok()?);
    let mut cache = lock(&shared.certificates);
    if cache.len() < shared.config.limits.max_certificates {
        cache.insert(name.to_string(), config.clone());
    }
    Some(config)
}

/// Reads the ClientHello (first from `start`, the bytes already read), records the
/// server name, completes the handshake as that server and serves HTTP inside.
pub(crate) fn serve(context: &ConnectionContext<'_>, stream: &mut Metered, start: Vec<u8>) {
    context.update(|c| c.kind = "tls".to_string());
    let mut acceptor = Acceptor::default();
    let mut pending: &[u8] = &start;
    let mut accepted = None;
    for _ in 0..MAX_HELLO_READS {
        let read = if pending.is_empty() {
            acceptor.read_tls(stream)
        } else {
            acceptor.read_tls(&mut pending)
        };
        match read {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        match acceptor.accept() {
            Ok(Some(hello)) => {
                accepted = Some(hello);
                break;
            }
            Ok(None) => {}
            Err((_, mut alert)) => {
                let _ = alert.write_all(stream);
                return;
            }
        }
    }
    let Some(accepted) = accepted else {
        return;
    };
    let sni = accepted
        .client_hello()
        .server_name()
        .map(|name| name.trim_end_matches('.').to_ascii_lowercase());
    if let Some(sni) = &sni {
        let sni = sni.clone();
        context.update(|c| c.sni = Some(sni));
    }
    // Without a server name the client connected to an address: certify that.
    let certified = sni
        .clone()
        .unwrap_or_else(|| context.destination.ip().to_string());
    let Some(config) = config_for(context, &certified) else {
        return;
    };
    let connection = match accepted.into_connection(config) {
        Ok(connection) => connection,
        Err((_, mut alert)) => {
            let _ = alert.write_all(stream);
            return;
        }
    };
    let mut tls = StreamOwned::new(connection, stream);
    // The handshake counts against the first request's time.
    if complete_handshake(&mut tls).is_err() {
        return;
    }
    let host = sni.unwrap_or(certified);
    // The decrypted stream is served as HTTP when it looks like it, else recorded raw.
    let mut first = [0u8; 1];
    match tls.read(&mut first) {
        Ok(1) if first[0].is_ascii_uppercase() => {
            http::serve(context, &mut tls, first.to_vec(), Some(&host));
        }
        Ok(1) => serve_raw(context, &mut tls, first.to_vec()),
        _ => {}
    }
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

fn complete_handshake(
    tls: &mut StreamOwned<ServerConnection, &mut Metered>,
) -> std::io::Result<()> {
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock)?;
    }
    Ok(())
}
