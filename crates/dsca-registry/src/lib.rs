//! dsca's npm registry client: specs, `.npmrc` configuration, packuments, version
//! resolution with npm's semantics, tarballs streamed through an integrity check into a
//! content-addressed cache, and registry signature verification.
//!
//! Everything is blocking; a [`Client`] is `Send + Sync` and meant to be shared by
//! reference between scanning threads.

pub mod cache;
pub mod client;
pub mod config;
pub mod downloads;
mod error;
pub mod hosted_git;
mod http;
pub mod integrity;
pub mod names;
pub mod remote;
mod signatures;
pub mod spec;

pub use cache::Cache;
pub use client::{Client, ClientOptions, FetchedTarball};
pub use config::{ConfigEnv, ConfigError, RegistryConfig};
pub use downloads::{Downloads, DownloadsClient, DownloadsOptions, Period};
pub use error::RegistryError;
pub use integrity::{HashAlgorithm, Verification};
pub use names::{NamesError, NamesFileReader, NamesJsonReader};
pub use remote::{ConnectTo, RemoteFetcher, RemoteOptions, RemoteResponse};
pub use spec::{Spec, SpecError, parse_spec, validate_name};
