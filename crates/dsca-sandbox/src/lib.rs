//! dsca's sandbox: installs and imports a package inside new user, mount, PID, network,
//! UTS and IPC namespaces, answers every DNS question and TCP connection itself (nothing
//! leaves), traces every process and file access, plants bait credentials, and turns
//! what it saw into a [`dsca_model::dynamic::DynamicAnalysis`].
//!
//! Fail closed: if any part of the isolation cannot be set up, the run is refused.

pub mod honey;
pub mod trace;
