//! A local stand-in for npm's downloads API (`api.npmjs.org`), speaking its JSON: point
//! and range answers, bulk answers keyed by name with `null` for unknown names, the 404
//! `{"error":"package NAME not found"}`, the 400 refusing scoped names in bulk, and 429
//! rate limiting with `Retry-After`.

use crate::http::{Request, Response, Server};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// The day the stand-in's `last-*` periods end on.
const LAST_DAY: &str = "2026-01-14";

#[derive(Default)]
struct State {
    counts: BTreeMap<String, u64>,
    /// The next this many requests are answered 429 with this `Retry-After`.
    rate_limited: u32,
    retry_after: Option<String>,
    requests: Vec<String>,
}

/// The downloads API on `127.0.0.1:<random port>`; stops when dropped.
pub struct TestDownloadsApi {
    url: String,
    state: Arc<Mutex<State>>,
    _server: Server,
}

impl TestDownloadsApi {
    pub fn start() -> TestDownloadsApi {
        let state = Arc::new(Mutex::new(State::default()));
        let server = {
            let state = Arc::clone(&state);
            Server::start("dsca-test-downloads", move |request| {
                let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
                respond(&mut state, request)
            })
        };
        TestDownloadsApi {
            url: format!("http://{}", server.addr()),
            state,
            _server: server,
        }
    }

    /// The API's root, without a trailing slash: `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `name` was downloaded `count` times in any period asked.
    pub fn set(&self, name: &str, count: u64) {
        self.lock().counts.insert(name.to_string(), count);
    }

    /// Answer the next `count` requests with 429 and, if given, this `Retry-After`.
    pub fn rate_limit_next(&self, count: u32, retry_after: Option<&str>) {
        let mut state = self.lock();
        state.rate_limited = count;
        state.retry_after = retry_after.map(str::to_string);
    }

    /// The paths requested so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "error": message }))
}

fn respond(state: &mut State, request: &Request) -> Response {
    state.requests.push(request.path.clone());
    if state.rate_limited > 0 {
        state.rate_limited -= 1;
        let mut response = Response {
            status: 429,
            content_type: "text/plain",
            body: b"Too Many Requests".to_vec(),
            extra_headers: Vec::new(),
        };
        if let Some(wait) = &state.retry_after {
            response.extra_headers.push(("Retry-After", wait.clone()));
        }
        return response;
    }
    let path = percent_encoding::percent_decode_str(&request.path)
        .decode_utf8_lossy()
        .into_owned();
    let mut parts = path.trim_start_matches('/').splitn(4, '/');
    let (Some("downloads"), Some(endpoint), Some(period), Some(packages)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return error(404, "Not found");
    };
    let range = match endpoint {
        "point" => false,
        "range" => true,
        _ => return error(404, "Not found"),
    };
    let Some((start, end, days)) = period_dates(period) else {
        return error(400, "Invalid date range");
    };
    if packages.contains(',') {
        let names: Vec<&str> = packages.split(',').collect();
        if names.iter().any(|name| name.starts_with('@')) {
            return error(
                400,
                "scoped packages are not currently supported in bulk lookups",
            );
        }
        if names.len() > 128 {
            return error(400, "bulk lookups are limited to 128 packages");
        }
        if days > 365 {
            return error(400, "exceeded max days of 365");
        }
        let mut answer = Map::new();
        for name in names {
            let entry = state.counts.get(name).map_or(Value::Null, |&count| {
                entry(name, count, &start, &end, range)
            });
            answer.insert(name.to_string(), entry);
        }
        return Response::json(200, &Value::Object(answer));
    }
    match state.counts.get(packages) {
        Some(&count) => Response::json(200, &entry(packages, count, &start, &end, range)),
        None => error(404, &format!("package {packages} not found")),
    }
}

/// One package's answer: the total, or (range) every download on the last day.
fn entry(name: &str, count: u64, start: &str, end: &str, range: bool) -> Value {
    let downloads = if range {
        json!([{ "downloads": count, "day": end }])
    } else {
        json!(count)
    };
    json!({ "downloads": downloads, "start": start, "end": end, "package": name })
}

/// (start, end, days) of a period the API takes.
fn period_dates(period: &str) -> Option<(String, String, i64)> {
    let fixed = |days: i64, start: &str| Some((start.to_string(), LAST_DAY.to_string(), days));
    match period {
        "last-day" => fixed(1, LAST_DAY),
        "last-week" => fixed(7, "2026-01-08"),
        "last-month" => fixed(30, "2025-12-16"),
        "last-year" => fixed(365, "2025-01-15"),
        _ => {
            let (start, end) = period.split_once(':').unwrap_or((period, period));
            let day = |text: &str| -> Option<i64> {
                let mut fields = text.split('-').map(|field| field.parse::<i64>().ok());
                let (year, month, day) = (fields.next()??, fields.next()??, fields.next()??);
                // Days since a fixed origin; months count as 31 days, enough for limits.
                Some(year * 372 + month * 31 + day)
            };
            let days = day(end)? - day(start)? + 1;
            (days > 0).then(|| (start.to_string(), end.to_string(), days))
        }
    }
}
