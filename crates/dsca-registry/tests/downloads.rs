//! The downloads API client against a local stand-in that speaks the API's JSON.

use dsca_registry::downloads::DayCount;
use dsca_registry::{Downloads, DownloadsClient, DownloadsOptions, Period, RegistryError};
use dsca_test::TestDownloadsApi;
use std::time::Duration;
use time::macros::date;

fn client(api: &TestDownloadsApi, retries: u32) -> DownloadsClient {
    DownloadsClient::new(
        api.url(),
        &DownloadsOptions {
            retries,
            retry_delay: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            ..DownloadsOptions::default()
        },
    )
    .expect("client")
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|name| name.to_string()).collect()
}

#[test]
fn unscoped_names_go_in_bulk_and_scoped_ones_one_by_one() {
    let api = TestDownloadsApi::start();
    api.set("express", 5_000);
    api.set("tiny", 3);
    api.set("@scope/pkg", 42);
    let period = Period::parse("last-6-months", date!(2026 - 01 - 15)).expect("period");
    let asked = names(&[
        "express",
        "@scope/pkg",
        "tiny",
        "no-such-package",
        "@scope/missing",
        "Not A Name",
    ]);
    let counts = client(&api, 0)
        .counts(&period, &asked, |_| {})
        .expect("counts");
    assert_eq!(
        counts,
        [
            Downloads::Count(5_000),
            Downloads::Count(42),
            Downloads::Count(3),
            Downloads::Unknown,
            Downloads::Unknown,
            Downloads::Unknown,
        ]
    );
    assert_eq!(
        api.requests(),
        [
            "/downloads/point/2025-07-15:2026-01-14/@scope/pkg",
            "/downloads/point/2025-07-15:2026-01-14/@scope/missing",
            "/downloads/point/2025-07-15:2026-01-14/express,tiny,no-such-package",
        ]
    );
}

#[test]
fn bulk_requests_carry_at_most_128_names_and_365_days() {
    let api = TestDownloadsApi::start();
    let many: Vec<String> = (0..300).map(|i| format!("pkg-{i}")).collect();
    for name in &many {
        api.set(name, 1);
    }
    let client = client(&api, 0);
    let counts = client
        .counts(&Period::LastYear, &many, |_| {})
        .expect("counts");
    assert!(counts.iter().all(|count| *count == Downloads::Count(1)));
    let sizes: Vec<usize> = api
        .requests()
        .iter()
        .map(|path| path.rsplit('/').next().unwrap_or("").split(',').count())
        .collect();
    assert_eq!(sizes, [128, 128, 44]);

    // 18 months is too long for bulk: each name is asked alone.
    let long = Period::parse("last-18-months", date!(2026 - 01 - 15)).expect("period");
    let before = api.requests().len();
    client.counts(&long, &many[..3], |_| {}).expect("counts");
    assert_eq!(api.requests().len() - before, 3);
}

#[test]
fn rate_limits_are_retried_honouring_retry_after() {
    let api = TestDownloadsApi::start();
    api.set("express", 7);
    api.rate_limit_next(2, Some("0"));
    assert_eq!(
        client(&api, 3)
            .point(&Period::LastWeek, "express")
            .expect("point"),
        Downloads::Count(7)
    );
    assert_eq!(api.requests().len(), 3);

    // Without Retry-After the backoff applies; when the retries run out, the error says so.
    api.rate_limit_next(5, None);
    let err = client(&api, 2)
        .point(&Period::LastWeek, "express")
        .expect_err("still rate limited");
    assert!(
        matches!(err, RegistryError::DownloadsApi { status: 429, .. }),
        "{err}"
    );
    assert!(err.to_string().ends_with(": Too Many Requests"), "{err}");
    assert_eq!(api.requests().len(), 6);
}

#[test]
fn the_range_endpoint_and_the_apis_errors() {
    let api = TestDownloadsApi::start();
    api.set("express", 9);
    let client = client(&api, 0);
    assert_eq!(
        client.range(&Period::LastWeek, "express").expect("range"),
        Some(vec![DayCount {
            day: "2026-01-14".into(),
            downloads: 9
        }])
    );
    assert_eq!(
        client.range(&Period::LastWeek, "nope").expect("range"),
        None
    );
    assert_eq!(
        client.point(&Period::LastDay, "nope").expect("point"),
        Downloads::Unknown
    );

    // An error answer's message is passed on.
    let backwards = Period::Range {
        start: date!(2025 - 02 - 01),
        end: date!(2025 - 01 - 01),
    };
    let err = client.point(&backwards, "express").expect_err("refused");
    assert!(err.to_string().ends_with(": Invalid date range"), "{err}");
    assert_eq!(err.code(), "downloads-api");

    // A 404 that does not name a package (a wrong base URL) is an error, not "unknown".
    let wrong = DownloadsClient::new(&format!("{}/v9", api.url()), &DownloadsOptions::default())
        .expect("client");
    let err = wrong
        .point(&Period::LastDay, "express")
        .expect_err("not the API");
    assert!(err.to_string().contains("HTTP 404"), "{err}");
}
