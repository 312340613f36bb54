//! The clock the age rules and the policy's expiry dates read.

use anyhow::Context as _;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `DSCA_NOW` pins the clock the age rules use, for reproducible reports and tests.
pub fn pinned_clock() -> anyhow::Result<Option<OffsetDateTime>> {
    match std::env::var("DSCA_NOW") {
        Ok(value) if !value.is_empty() => OffsetDateTime::parse(&value, &Rfc3339)
            .map(Some)
            .with_context(|| format!("DSCA_NOW=`{value}` is not an RFC 3339 time")),
        _ => Ok(None),
    }
}

/// Now, or `DSCA_NOW` when set.
pub fn now() -> anyhow::Result<OffsetDateTime> {
    Ok(pinned_clock()?.unwrap_or_else(OffsetDateTime::now_utc))
}
