//! Answers of a hostile downloads API (point, range, bulk, errors), downloads files and
//! periods: the parsers must return errors, never panic.

#![no_main]

use dsca_registry::downloads::{
    Period, parse_bulk, parse_error, parse_point, parse_range, read_downloads_tsv,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_point(data);
    let _ = parse_range(data);
    let _ = parse_bulk(data);
    let _ = parse_error(data);
    let _ = read_downloads_tsv(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let Ok(today) = time::Date::from_calendar_date(2026, time::Month::January, 15) else {
            return;
        };
        if let Ok(period) = Period::parse(text, today) {
            assert!(period.days() >= 1);
            let _ = period.as_path();
        }
    }
});
