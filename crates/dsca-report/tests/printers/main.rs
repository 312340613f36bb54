//! Printer tests: snapshots of each format over the same fixture reports, and schema
//! validation of the JSON and SARIF output. One test binary keeps link time down.

mod fixtures;
mod json;
mod markdown;
mod sarif;
mod text;
