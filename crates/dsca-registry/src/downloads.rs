//! npm's downloads API (`https://api.npmjs.org`, documented in npm/registry's
//! `docs/download-counts.md`): how often packages were downloaded over a period, to keep
//! the active ones of a registry-scale study.
//!
//! - Point values: `GET /downloads/point/{period}/{package}` answers
//!   `{"downloads":N,"start":"YYYY-MM-DD","end":"YYYY-MM-DD","package":"name"}`, or 404
//!   with `{"error":"package name not found"}`.
//! - Ranges: `GET /downloads/range/{period}/{package}`, the same with `downloads` as an
//!   array of `{"downloads":N,"day":"YYYY-MM-DD"}`.
//! - Bulk: a comma-separated list of at most 128 unscoped names and at most 365 days
//!   answers an object keyed by name, `null` for names it does not know. Scoped names are
//!   refused there (HTTP 400, `{"error":"scoped packages are not currently supported in
//!   bulk lookups"}`), so they are asked one by one.
//! - Periods: `last-day`, `last-week`, `last-month`, `last-year`, `YYYY-MM-DD` or
//!   `YYYY-MM-DD:YYYY-MM-DD`, at most 18 months, nothing before 2015-01-10. dsca also
//!   takes `last-N-days` and `last-N-months`, sent as the date range ending yesterday.
//! - Rate limiting: HTTP 429 (and 5xx) are retried with exponential backoff, honouring
//!   `Retry-After`.
//!
//! Responses are read up to a size limit and parsed without trusting their shape: the
//! parsers return errors, never panic, whatever the bytes.

use crate::error::RegistryError;
use crate::http::{
    Failure, RetryPolicy, error_chain, is_retryable, read_body, retry_after, transport_failure,
    with_retries,
};
use crate::spec::validate_name;
use reqwest::header::ACCEPT;
use serde_json::Value;
use std::collections::HashMap;
use std::io::BufRead;
use std::time::Duration;
use time::macros::date;
use time::{Date, Month};
use url::Url;

pub const DEFAULT_DOWNLOADS_API: &str = "https://api.npmjs.org";
/// Most names one bulk request may carry.
pub const MAX_BULK_NAMES: usize = 128;
/// Most bytes of names one bulk request lists: 128 names of the usual length fit many
/// times over, 128 of the longest (214 bytes) would make a 27 KiB URL.
const MAX_BULK_LIST_BYTES: usize = 4_000;
/// Most days a bulk request may span.
pub const MAX_BULK_DAYS: i64 = 365;
/// Most months any other request may span.
pub const MAX_MONTHS: i32 = 18;
/// The first day the API has data for.
pub const EARLIEST_DAY: Date = date!(2015 - 01 - 10);
/// A bulk answer of 128 names is about 12 KiB, a range of 18 months about 25 KiB.
const MAX_RESPONSE_BYTES: u64 = 4 * 1024 * 1024;

/// The period download counts cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    LastDay,
    LastWeek,
    LastMonth,
    LastYear,
    /// Inclusive dates.
    Range {
        start: Date,
        end: Date,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid period `{text}`: {reason}")]
pub struct PeriodError {
    pub text: String,
    pub reason: String,
}

impl Period {
    /// Parses a period the API takes, or `last-N-days` / `last-N-months` (the N days or
    /// months ending the day before `today`).
    pub fn parse(text: &str, today: Date) -> Result<Period, PeriodError> {
        let fail = |reason: String| PeriodError {
            text: text.escape_debug().to_string(),
            reason,
        };
        let period = match text {
            "last-day" => return Ok(Period::LastDay),
            "last-week" => return Ok(Period::LastWeek),
            "last-month" => return Ok(Period::LastMonth),
            "last-year" => return Ok(Period::LastYear),
            _ => {
                if let Some(count) = relative(text, "-days") {
                    let end = today
                        .previous_day()
                        .ok_or_else(|| fail("no such day".into()))?;
                    let count = count.filter(|n| (1..=550).contains(n)).ok_or_else(|| {
                        fail("give between 1 and 550 days (the API keeps 18 months)".into())
                    })?;
                    let start = end
                        .checked_sub(time::Duration::days(count - 1))
                        .ok_or_else(|| fail("no such day".into()))?;
                    Period::Range { start, end }
                } else if let Some(count) = relative(text, "-months") {
                    let end = today
                        .previous_day()
                        .ok_or_else(|| fail("no such day".into()))?;
                    let count = count
                        .filter(|n| (1..=i64::from(MAX_MONTHS)).contains(n))
                        .ok_or_else(|| fail(format!("give between 1 and {MAX_MONTHS} months")))?;
                    let start = months_before(end, count as i32)
                        .and_then(Date::next_day)
                        .ok_or_else(|| fail("no such day".into()))?;
                    Period::Range { start, end }
                } else {
                    let (start, end) = text.split_once(':').unwrap_or((text, text));
                    let day = |text: &str| {
                        parse_day(text).ok_or_else(|| {
                            fail(
                                "expected last-day, last-week, last-month, last-year, \
                                 last-N-days, last-N-months, YYYY-MM-DD or YYYY-MM-DD:YYYY-MM-DD"
                                    .into(),
                            )
                        })
                    };
                    Period::Range {
                        start: day(start)?,
                        end: day(end)?,
                    }
                }
            }
        };
        if let Period::Range { start, end } = period {
            if start > end {
                return Err(fail("the start is after the end".into()));
            }
            if start < EARLIEST_DAY {
                return Err(fail(format!(
                    "the API has no data before {EARLIEST_DAY} (the period starts {start})"
                )));
            }
            if months_before(end, MAX_MONTHS).is_some_and(|limit| start <= limit) {
                return Err(fail(format!(
                    "the API returns at most {MAX_MONTHS} months of data"
                )));
            }
        }
        Ok(period)
    }

    /// The period as the API's path segment.
    pub fn as_path(&self) -> String {
        match self {
            Period::LastDay => "last-day".into(),
            Period::LastWeek => "last-week".into(),
            Period::LastMonth => "last-month".into(),
            Period::LastYear => "last-year".into(),
            Period::Range { start, end } if start == end => start.to_string(),
            Period::Range { start, end } => format!("{start}:{end}"),
        }
    }

    /// How many days the period spans.
    pub fn days(&self) -> i64 {
        match self {
            Period::LastDay => 1,
            Period::LastWeek => 7,
            Period::LastMonth => 30,
            Period::LastYear => 365,
            Period::Range { start, end } => (*end - *start).whole_days() + 1,
        }
    }

    /// Whether bulk requests may ask for this period (at most 365 days).
    pub fn bulk_allowed(&self) -> bool {
        self.days() <= MAX_BULK_DAYS
    }
}

/// `last-N<suffix>`: `Some(Some(N))`, `Some(None)` when N is not a number.
fn relative(text: &str, suffix: &str) -> Option<Option<i64>> {
    let count = text.strip_prefix("last-")?.strip_suffix(suffix)?;
    Some(count.parse().ok())
}

fn parse_day(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    (text.len() == 10)
        .then(|| Date::parse(text, format).ok())
        .flatten()
}

/// The same day `months` months earlier, clamped to the end of a shorter month.
fn months_before(day: Date, months: i32) -> Option<Date> {
    let index = day.year() * 12 + i32::from(u8::from(day.month())) - 1 - months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, day.day().min(last)).ok()
}

/// A package's downloads over the period, or `Unknown` when the API has no such package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Downloads {
    Count(u64),
    Unknown,
}

/// One day of a range answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCount {
    pub day: String,
    pub downloads: u64,
}

#[derive(Debug, Clone)]
pub struct DownloadsOptions {
    /// Per request, including reading the body.
    pub timeout: Duration,
    /// Retries after the first attempt on 429, 5xx and network errors.
    pub retries: u32,
    /// The first retry waits this long; each further one doubles it up to `max_backoff`.
    pub retry_delay: Duration,
    pub max_backoff: Duration,
    /// The server's `Retry-After` is honoured up to this long.
    pub max_retry_after: Duration,
    pub user_agent: String,
}

impl Default for DownloadsOptions {
    fn default() -> Self {
        DownloadsOptions {
            timeout: Duration::from_secs(60),
            retries: 8,
            retry_delay: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(300),
            user_agent: concat!("dsca/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

/// A blocking client of the downloads API. Requests are sequential: the API rate-limits.
pub struct DownloadsClient {
    base: Url,
    http: reqwest::blocking::Client,
    policy: RetryPolicy,
}

impl DownloadsClient {
    /// `base` is the API's root, e.g. [`DEFAULT_DOWNLOADS_API`].
    pub fn new(base: &str, options: &DownloadsOptions) -> Result<Self, RegistryError> {
        let mut base = Url::parse(base).map_err(|e| {
            RegistryError::Setup(format!("the downloads API URL `{base}` is invalid: {e}"))
        })?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(RegistryError::Setup(format!(
                "the downloads API URL `{base}` is not http(s)"
            )));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let http = reqwest::blocking::Client::builder()
            .timeout(options.timeout)
            .user_agent(options.user_agent.clone())
            .build()
            .map_err(|e| RegistryError::Setup(error_chain(&e)))?;
        Ok(DownloadsClient {
            base,
            http,
            policy: RetryPolicy {
                retries: options.retries,
                first_delay: options.retry_delay,
                max_backoff: options.max_backoff,
                max_retry_after: options.max_retry_after,
            },
        })
    }

    /// One package's total downloads (the point endpoint).
    pub fn point(&self, period: &Period, name: &str) -> Result<Downloads, RegistryError> {
        let url = self.url("point", period, name)?;
        match self.get(&url)? {
            None => Ok(Downloads::Unknown),
            Some(body) => parse_point(&body)
                .map(Downloads::Count)
                .map_err(|reason| invalid(&url, reason)),
        }
    }

    /// One package's downloads per day (the range endpoint); `None` when unknown.
    pub fn range(
        &self,
        period: &Period,
        name: &str,
    ) -> Result<Option<Vec<DayCount>>, RegistryError> {
        let url = self.url("range", period, name)?;
        match self.get(&url)? {
            None => Ok(None),
            Some(body) => parse_range(&body)
                .map(Some)
                .map_err(|reason| invalid(&url, reason)),
        }
    }

    /// Several unscoped packages in one request (the bulk form of the point endpoint):
    /// at most [`MAX_BULK_NAMES`], and a period of at most [`MAX_BULK_DAYS`]. The answer
    /// is in the order of `names`.
    pub fn bulk_point(
        &self,
        period: &Period,
        names: &[&str],
    ) -> Result<Vec<Downloads>, RegistryError> {
        if names.len() > MAX_BULK_NAMES || !period.bulk_allowed() {
            return Err(RegistryError::Setup(format!(
                "a bulk downloads request takes at most {MAX_BULK_NAMES} names and {MAX_BULK_DAYS} days"
            )));
        }
        if let Some(name) = names.iter().find(|name| !bulk_safe(name)) {
            return Err(RegistryError::InvalidName {
                name: (*name).to_string(),
                reason: "bulk downloads requests take only valid unscoped names".into(),
            });
        }
        match names {
            [] => return Ok(Vec::new()),
            // One name answers in the single-package shape.
            [name] => return Ok(vec![self.point(period, name)?]),
            _ => {}
        }
        let url = self.url("point", period, &names.join(","))?;
        let Some(body) = self.get(&url)? else {
            // A 404 naming a package: the API found none of them.
            return Ok(vec![Downloads::Unknown; names.len()]);
        };
        let counts = parse_bulk(&body).map_err(|reason| invalid(&url, reason))?;
        Ok(names
            .iter()
            .map(|name| match counts.get(*name) {
                Some(Some(count)) => Downloads::Count(*count),
                _ => Downloads::Unknown,
            })
            .collect())
    }

    /// Downloads of every name, in order: unscoped names in bulk requests when the
    /// period allows, scoped ones one by one. Names that cannot be registry names are
    /// `Unknown` without a request. `progress` is called after each request with the
    /// number of names answered so far.
    pub fn counts(
        &self,
        period: &Period,
        names: &[String],
        mut progress: impl FnMut(usize),
    ) -> Result<Vec<Downloads>, RegistryError> {
        let mut answers = vec![Downloads::Unknown; names.len()];
        let mut bulk: Vec<usize> = Vec::new();
        let mut answered = 0;
        for (index, name) in names.iter().enumerate() {
            if validate_name(name).is_err() {
                answered += 1;
            } else if period.bulk_allowed() && bulk_safe(name) {
                bulk.push(index);
            } else {
                answers[index] = self.point(period, name)?;
                answered += 1;
                progress(answered);
            }
        }
        for chunk in bulk_chunks(&bulk, names) {
            let chunk_names: Vec<&str> = chunk.iter().map(|&i| names[i].as_str()).collect();
            let counts = self.bulk_point(period, &chunk_names)?;
            for (&index, count) in chunk.iter().zip(counts) {
                answers[index] = count;
            }
            answered += chunk.len();
            progress(answered);
        }
        Ok(answers)
    }

    fn url(&self, endpoint: &str, period: &Period, names: &str) -> Result<Url, RegistryError> {
        let relative = format!("downloads/{endpoint}/{}/{names}", period.as_path());
        self.base
            .join(&relative)
            .map_err(|e| RegistryError::Setup(format!("cannot build a downloads URL: {e}")))
    }

    /// The body of a 200 answer, `None` for the API's "package not found" 404; any other
    /// status is an error carrying the API's message. 429 and 5xx are retried.
    fn get(&self, url: &Url) -> Result<Option<Vec<u8>>, RegistryError> {
        with_retries(&self.policy, || {
            let response = self
                .http
                .get(url.clone())
                .header(ACCEPT, "application/json")
                .send()
                .map_err(|e| transport_failure(url, &e))?;
            let status = response.status();
            let wait = retry_after(response.headers());
            let (body, _) = read_body(response, url, MAX_RESPONSE_BYTES, None, None)?;
            if status.is_success() {
                return Ok(Some(body));
            }
            let message = parse_error(&body);
            if status.as_u16() == 404
                && message
                    .as_deref()
                    .is_some_and(|m| m.starts_with("package ") && m.ends_with(" not found"))
            {
                return Ok(None);
            }
            let error = RegistryError::DownloadsApi {
                url: url.to_string(),
                status: status.as_u16(),
                message: message.unwrap_or_else(|| describe_body(&body)),
            };
            if is_retryable(status) {
                Err(Failure::Retryable {
                    error,
                    retry_after: wait,
                })
            } else {
                Err(Failure::Fatal(error))
            }
        })
    }
}

/// Splits the indexes of bulk-safe `names` into requests of at most [`MAX_BULK_NAMES`]
/// names and [`MAX_BULK_LIST_BYTES`] of comma-separated list (long names would otherwise
/// make URLs that servers refuse).
fn bulk_chunks<'a>(bulk: &'a [usize], names: &[String]) -> Vec<&'a [usize]> {
    let mut chunks = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (position, &index) in bulk.iter().enumerate() {
        let size = names[index].len() + 1;
        if position > start
            && (position - start == MAX_BULK_NAMES || bytes + size > MAX_BULK_LIST_BYTES)
        {
            chunks.push(&bulk[start..position]);
            (start, bytes) = (position, 0);
        }
        bytes += size;
    }
    if start < bulk.len() {
        chunks.push(&bulk[start..]);
    }
    chunks
}

/// An unscoped valid name, safe to list in a bulk request.
fn bulk_safe(name: &str) -> bool {
    !name.starts_with('@') && validate_name(name).is_ok()
}

fn invalid(url: &Url, reason: String) -> RegistryError {
    RegistryError::InvalidResponse {
        url: url.to_string(),
        reason,
    }
}

/// A non-JSON error body, shortened to one line (a proxy's HTML page, a rate limiter's
/// `error code: 1015`).
fn describe_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect();
    if line.is_empty() {
        "(empty answer)".into()
    } else {
        line
    }
}

fn parse_object(body: &[u8]) -> Result<serde_json::Map<String, Value>, String> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the answer is not a JSON object".into()),
        Err(e) => Err(format!("the answer is not valid JSON ({e})")),
    }
}

fn count_of(value: &Value, what: &str) -> Result<u64, String> {
    value
        .as_u64()
        .ok_or_else(|| format!("{what} is not a download count"))
}

/// The `error` message of an API error answer, if it has one.
pub fn parse_error(body: &[u8]) -> Option<String> {
    let map = parse_object(body).ok()?;
    let message = map.get("error")?.as_str()?;
    Some(
        message
            .chars()
            .filter(|c| !c.is_control())
            .take(300)
            .collect(),
    )
}

/// A point answer's total.
pub fn parse_point(body: &[u8]) -> Result<u64, String> {
    let map = parse_object(body)?;
    if let Some(error) = map.get("error") {
        return Err(format!("the answer is an error: {error}"));
    }
    count_of(
        map.get("downloads")
            .ok_or("the answer has no `downloads`")?,
        "`downloads`",
    )
}

/// A range answer's days.
pub fn parse_range(body: &[u8]) -> Result<Vec<DayCount>, String> {
    let map = parse_object(body)?;
    if let Some(error) = map.get("error") {
        return Err(format!("the answer is an error: {error}"));
    }
    let days = map
        .get("downloads")
        .and_then(Value::as_array)
        .ok_or("the answer has no `downloads` array")?;
    days.iter()
        .map(|entry| {
            let day = entry
                .get("day")
                .and_then(Value::as_str)
                .filter(|day| parse_day(day).is_some())
                .ok_or("a day has no `day` date")?;
            let downloads = count_of(
                entry.get("downloads").ok_or("a day has no `downloads`")?,
                "a day's `downloads`",
            )?;
            Ok(DayCount {
                day: day.to_string(),
                downloads,
            })
        })
        .collect()
}

/// A bulk answer: per name, its total, or `None` for the API's `null` (unknown).
pub fn parse_bulk(body: &[u8]) -> Result<HashMap<String, Option<u64>>, String> {
    let map = parse_object(body)?;
    if let Some(Value::String(error)) = map.get("error") {
        return Err(format!("the answer is an error: {error}"));
    }
    map.into_iter()
        .map(|(name, value)| {
            let count = match &value {
                Value::Null => None,
                Value::Object(entry) => Some(count_of(
                    entry.get("downloads").unwrap_or(&Value::Null),
                    &format!("the `downloads` of `{}`", name.escape_debug()),
                )?),
                _ => {
                    return Err(format!(
                        "the entry of `{}` is not an object",
                        name.escape_debug()
                    ));
                }
            };
            Ok((name, count))
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum DownloadsFileError {
    #[error("line {line}: {reason}")]
    Line { line: u64, reason: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Reads a downloads file: `name<TAB>downloads` a line; blank lines and lines starting
/// with `#` are skipped. A name given twice keeps its last count.
pub fn read_downloads_tsv(
    reader: impl BufRead,
) -> Result<HashMap<String, u64>, DownloadsFileError> {
    let mut counts = HashMap::new();
    for (index, line) in reader.split(b'\n').enumerate() {
        let line_number = index as u64 + 1;
        let fail = |reason: String| DownloadsFileError::Line {
            line: line_number,
            reason,
        };
        let line = line?;
        let line = String::from_utf8(line).map_err(|_| fail("not UTF-8".into()))?;
        let line = line.strip_suffix('\r').unwrap_or(&line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, count)) = line.split_once('\t') else {
            return Err(fail("expected `name<TAB>downloads`".into()));
        };
        if name.is_empty() || name.chars().any(char::is_whitespace) {
            return Err(fail(format!(
                "`{}` is not a package name",
                name.escape_debug()
            )));
        }
        let count = count.trim().parse::<u64>().map_err(|_| {
            fail(format!(
                "`{}` is not a download count (a whole number)",
                count.escape_debug()
            ))
        })?;
        counts.insert(name.to_string(), count);
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Date = date!(2026 - 01 - 15);

    #[test]
    fn periods() {
        let parse = |text| Period::parse(text, TODAY);
        assert_eq!(parse("last-week"), Ok(Period::LastWeek));
        assert_eq!(
            parse("last-6-months").map(|p| p.as_path()),
            Ok("2025-07-15:2026-01-14".into())
        );
        assert_eq!(
            parse("last-3-days").map(|p| p.as_path()),
            Ok("2026-01-12:2026-01-14".into())
        );
        assert_eq!(
            parse("2024-02-29").map(|p| p.as_path()),
            Ok("2024-02-29".into())
        );
        assert_eq!(parse("last-6-months").map(|p| p.days()), Ok(184));
        assert!(parse("last-12-months").is_ok_and(|p| p.bulk_allowed()));
        assert!(parse("last-18-months").is_ok_and(|p| !p.bulk_allowed()));
        for (bad, reason) in [
            ("last-19-months", "between 1 and 18 months"),
            ("last-0-days", "between 1 and 550 days"),
            ("last-x-months", "between 1 and 18 months"),
            ("2025-02-01:2025-01-01", "the start is after the end"),
            ("2014-12-01:2015-02-01", "no data before 2015-01-10"),
            ("2023-01-01:2024-07-01", "at most 18 months"),
            ("yesterday", "expected last-day"),
            ("2025-13-01", "expected last-day"),
        ] {
            let err = parse(bad).expect_err(bad);
            assert!(err.to_string().contains(reason), "{bad}: {err}");
        }
        assert!(parse("2023-01-02:2024-07-01").is_ok());
    }

    #[test]
    fn parsers_read_the_documented_shapes() {
        assert_eq!(
            parse_point(br#"{"downloads":31623,"start":"2014-01-01","end":"2014-01-31","package":"jquery"}"#),
            Ok(31623)
        );
        let bulk = parse_bulk(
            br#"{"npm":{"downloads":5,"package":"npm","start":"a","end":"b"},"nope":null}"#,
        )
        .expect("bulk");
        assert_eq!(bulk.get("npm"), Some(&Some(5)));
        assert_eq!(bulk.get("nope"), Some(&None));
        let days = parse_range(
            br#"{"downloads":[{"day":"2014-02-27","downloads":1904088}],"start":"2014-02-27","end":"2014-02-27","package":"x"}"#,
        )
        .expect("range");
        assert_eq!(days[0].downloads, 1904088);
        assert_eq!(
            parse_error(br#"{"error":"package foo not found"}"#).as_deref(),
            Some("package foo not found")
        );
    }

    /// Hostile answers give errors, never panics nor wrong counts.
    #[test]
    fn parsers_refuse_hostile_answers() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        for body in [
            &b""[..],
            b"null",
            b"[]",
            b"{",
            b"\xff\xfe",
            br#"{"downloads":-1}"#,
            br#"{"downloads":1.5}"#,
            br#"{"downloads":"12"}"#,
            br#"{"downloads":1e400}"#,
            br#"{"downloads":18446744073709551616}"#,
            br#"{"error":"package x not found"}"#,
            br#"{"a":{"downloads":null}}"#,
            br#"{"a":7}"#,
            br#"{"downloads":[{"day":"2014-02-27"}]}"#,
            br#"{"downloads":[{"day":7,"downloads":1}]}"#,
            deep.as_bytes(),
        ] {
            assert!(parse_point(body).is_err());
            assert!(parse_range(body).is_err());
            let _ = parse_bulk(body);
            let _ = parse_error(body);
        }
        // Mutations of valid answers: any outcome but a panic.
        let seeds: [&[u8]; 3] = [
            br#"{"downloads":31623,"start":"2014-01-01","end":"2014-01-31","package":"jquery"}"#,
            br#"{"npm":{"downloads":5,"package":"npm"},"nope":null}"#,
            br#"{"downloads":[{"day":"2014-02-27","downloads":1904088}]}"#,
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let seed = seeds[(state % 3) as usize];
            let mut body = seed.to_vec();
            let at = (state >> 8) as usize % body.len();
            match (state >> 40) % 3 {
                0 => body[at] = (state >> 48) as u8,
                1 => body.truncate(at),
                _ => body.insert(at, b"{}[],:\"-0e"[(state >> 52) as usize % 10]),
            }
            let _ = parse_point(&body);
            let _ = parse_range(&body);
            let _ = parse_bulk(&body);
            let _ = parse_error(&body);
        }
    }

    #[test]
    fn bulk_requests_are_cut_by_count_and_by_length() {
        let mut names: Vec<String> = (0..300).map(|i| format!("p{i}")).collect();
        names.extend((0..40).map(|i| format!("{i}{}", "x".repeat(200))));
        let bulk: Vec<usize> = (0..names.len()).collect();
        let sizes: Vec<usize> = bulk_chunks(&bulk, &names).iter().map(|c| c.len()).collect();
        assert_eq!(sizes, [128, 128, 44 + 18, 19, 3]);
        assert!(bulk_chunks(&[], &names).is_empty());
    }

    #[test]
    fn downloads_files_report_the_bad_line() {
        let read = |text: &str| read_downloads_tsv(text.as_bytes()).map_err(|e| e.to_string());
        let counts = read("# name\tdownloads\nexpress\t120\r\n\n@scope/x\t0\n").expect("read");
        assert_eq!(counts.get("express"), Some(&120));
        assert_eq!(counts.get("@scope/x"), Some(&0));
        assert_eq!(
            read("a\t1\nb 2\n"),
            Err("line 2: expected `name<TAB>downloads`".into())
        );
        assert_eq!(
            read("a\t1\n\nb\t-2\n"),
            Err("line 3: `-2` is not a download count (a whole number)".into())
        );
        assert_eq!(
            read(" a\t1\n"),
            Err("line 1: ` a` is not a package name".into())
        );
    }
}
