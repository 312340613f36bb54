//! `dsca batch` and `dsca worker`: a results store's queue drained by a session (see
//! `dsca_session::batch`).

use crate::cli::{BatchArgs, DynamicArgs, RegistryArgs, WorkerArgs};
use dsca_session::batch::{BatchStore, Drain, NamesSource, Popularity};
use dsca_session::notices::Notices;
use dsca_session::{Session, Settings, dir_or_current};
use std::path::Path;
use std::time::Duration;

pub fn run_batch(args: BatchArgs) -> anyhow::Result<u8> {
    let store = BatchStore::open(
        &args.store.db,
        args.registry.pipeline.cache_dir.as_deref(),
        &Notices::default(),
    )?;
    store.requeue_left_running()?;
    let popularity = args
        .popularity
        .min_downloads
        .map(|min_downloads| Popularity {
            min_downloads,
            period: args.popularity.period.clone(),
            downloads_api: args.popularity.downloads_api.clone(),
            downloads_file: args.popularity.downloads_file.clone(),
        });
    let source = match (&args.names, &args.names_file, args.top) {
        (Some(path), None, None) => Some(NamesSource::Json(path.clone())),
        (None, Some(path), None) => Some(NamesSource::Lines(path.clone())),
        (None, None, Some(count)) => Some(NamesSource::Top(count)),
        (None, None, None) => None,
        _ => anyhow::bail!("give one of --names, --names-file and --top"),
    };
    match source {
        Some(source) => store.enqueue(source, popularity.as_ref())?,
        None if popularity.is_some() => {
            anyhow::bail!("--min-downloads filters the names of --names, --names-file or --top")
        }
        None => {}
    }
    if args.enqueue_only {
        store.print_counts()?;
        return Ok(0);
    }
    let session = session(&args.registry, &args.dynamic, args.project_dir.as_deref())?;
    let drain = Drain {
        lease: Duration::from_secs(args.store.lease_secs),
        wait: None,
    };
    store.drain(&session, drain)?;
    Ok(0)
}

pub fn run_worker(args: WorkerArgs) -> anyhow::Result<u8> {
    let store = BatchStore::open(
        &args.store.db,
        args.registry.pipeline.cache_dir.as_deref(),
        &Notices::default(),
    )?;
    let session = session(&args.registry, &args.dynamic, args.project_dir.as_deref())?;
    let drain = Drain {
        lease: Duration::from_secs(args.store.lease_secs),
        wait: args
            .wait
            .then(|| Duration::from_millis(args.poll_interval_ms.max(10))),
    };
    store.drain(&session, drain)?;
    Ok(0)
}

/// Packages side by side on `--jobs` threads, each package's files on one, and the
/// sandbox when `--dynamic` asks for it.
fn session(
    registry: &RegistryArgs,
    dynamic: &DynamicArgs,
    project_dir: Option<&Path>,
) -> anyhow::Result<Session> {
    Session::new(&Settings {
        files_serially: true,
        dynamic: dynamic.dynamic(),
        ..registry.settings(dir_or_current(project_dir)?)
    })
}
