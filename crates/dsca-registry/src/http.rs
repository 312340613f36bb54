//! HTTP plumbing shared by the registry client and the downloads API client: what one
//! attempt's failure means, bounded body reads, and the retry loop (exponential backoff,
//! `Retry-After` honoured up to a cap).

use crate::error::RegistryError;
use crate::integrity::{self, Hasher};
use reqwest::StatusCode;
use reqwest::blocking::Response;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::io::Read;
use std::time::Duration;
use time::PrimitiveDateTime;
use time::macros::format_description;
use url::Url;

const READ_CHUNK: usize = 64 * 1024;

/// Why one attempt failed, and whether another may succeed.
pub(crate) enum Failure {
    Retryable {
        error: RegistryError,
        retry_after: Option<Duration>,
    },
    Fatal(RegistryError),
}

/// How often and how patiently to retry.
pub(crate) struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The first retry waits this long; each further one doubles it up to `max_backoff`.
    pub first_delay: Duration,
    pub max_backoff: Duration,
    /// A server's `Retry-After` is honoured up to this long.
    pub max_retry_after: Duration,
}

/// Runs `attempt` until it succeeds, fails for good, or the retries are spent.
pub(crate) fn with_retries<T>(
    policy: &RetryPolicy,
    mut attempt: impl FnMut() -> Result<T, Failure>,
) -> Result<T, RegistryError> {
    let mut delay = policy.first_delay;
    let mut tries = 0;
    loop {
        match attempt() {
            Ok(done) => return Ok(done),
            Err(Failure::Fatal(error)) => return Err(error),
            Err(Failure::Retryable { error, retry_after }) => {
                if tries >= policy.retries {
                    return Err(after_retries(error, tries));
                }
                tries += 1;
                std::thread::sleep(
                    retry_after.map_or(delay, |wait| wait.min(policy.max_retry_after)),
                );
                delay = (delay * 2).min(policy.max_backoff);
            }
        }
    }
}

/// A request that got no response: retryable, but for certificate errors (a certificate
/// the system does not trust will not become trusted by waiting).
pub(crate) fn transport_failure(url: &Url, error: &reqwest::Error) -> Failure {
    let failure = network(url, error);
    if error_chain(error).contains("certificate") {
        Failure::Fatal(failure)
    } else {
        Failure::Retryable {
            error: failure,
            retry_after: None,
        }
    }
}

/// A non-success status: 429 and 5xx may pass (with the server's `Retry-After`), the
/// rest will not.
pub(crate) fn status_failure(response: &Response, url: &Url) -> Failure {
    let status = response.status();
    let error = RegistryError::Http {
        url: url.to_string(),
        status: status.as_u16(),
    };
    if is_retryable(status) {
        Failure::Retryable {
            error,
            retry_after: retry_after(response.headers()),
        }
    } else {
        Failure::Fatal(error)
    }
}

pub(crate) fn is_retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// `Retry-After` as delay-seconds or an HTTP date (a date in the past means now).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let format = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = PrimitiveDateTime::parse(value, format).ok()?.assume_utc();
    let wait = at - time::OffsetDateTime::now_utc();
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

/// Reads a body in chunks, enforcing `max` and hashing as it goes. reqwest's own
/// timeout applies to each read: with a `deadline`, a server sending a byte at a time
/// cannot hold the reading past it either.
pub(crate) fn read_body(
    mut response: Response,
    url: &Url,
    max: u64,
    hash: Option<integrity::HashAlgorithm>,
    deadline: Option<std::time::Instant>,
) -> Result<(Vec<u8>, Option<Vec<u8>>), Failure> {
    let too_large = || {
        Failure::Fatal(RegistryError::InvalidResponse {
            url: url.to_string(),
            reason: format!("the response is larger than the limit of {max} bytes"),
        })
    };
    let declared = response.content_length().unwrap_or(0);
    if declared > max {
        return Err(too_large());
    }
    let mut hasher = hash.map(Hasher::new);
    // Trust the declared length only as a hint, and only up to a modest size.
    let mut body = Vec::with_capacity(declared.min(16 * 1024 * 1024) as usize);
    let mut chunk = vec![0u8; READ_CHUNK];
    loop {
        if deadline.is_some_and(|deadline| std::time::Instant::now() > deadline) {
            return Err(Failure::Fatal(RegistryError::Network {
                url: url.to_string(),
                reason: "timed out reading the response".to_string(),
            }));
        }
        let n = match response.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(Failure::Retryable {
                    error: RegistryError::Network {
                        url: url.to_string(),
                        reason: format!("reading the response failed: {}", error_chain(&e)),
                    },
                    retry_after: None,
                });
            }
        };
        if body.len() as u64 + n as u64 > max {
            return Err(too_large());
        }
        if let Some(hasher) = hasher.as_mut() {
            hasher.update(&chunk[..n]);
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok((body, hasher.map(Hasher::finish)))
}

pub(crate) fn network(url: &Url, error: &reqwest::Error) -> RegistryError {
    let reason = if error.is_timeout() {
        "timed out".to_string()
    } else if error.is_connect() {
        format!("could not connect ({})", error_chain(error))
    } else {
        error_chain(error)
    };
    RegistryError::Network {
        url: url.to_string(),
        reason,
    }
}

fn after_retries(error: RegistryError, retries: u32) -> RegistryError {
    match error {
        RegistryError::Network { url, reason } if retries > 0 => RegistryError::Network {
            url,
            reason: format!(
                "{reason} after {retries} {}",
                if retries == 1 { "retry" } else { "retries" }
            ),
        },
        other => other,
    }
}

/// An error and its sources on one line; reqwest's own message alone is often vague.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        source = inner.source();
    }
    text.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }
}
