//! `dsca audit`: every package a lockfile installs, through a session (see
//! `dsca_session::lockfile`), compared with a base lockfile for `--diff`.

use crate::cli::{AuditArgs, AuditDynamic};
use crate::output;
use dsca_model::Severity;
use dsca_scan::DynamicScope;
use dsca_session::lockfile::{changed_since, locate, read};
use dsca_session::{Dynamic, PolicyChoice, Session, Settings, dir_or_current};

pub fn run(args: AuditArgs) -> anyhow::Result<u8> {
    let lockfile_path = locate(args.path.as_deref())?;
    let lock = read(&lockfile_path)?;
    let base = args.diff.as_deref().map(read).transpose()?;
    let project_dir = match lockfile_path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => dir_or_current(None)?,
    };
    let dynamic = args.dynamic.map(|which| Dynamic {
        options: dsca_sandbox::SandboxOptions {
            install_timeout: std::time::Duration::from_secs(args.install_timeout.max(1)),
            profile: args.sandbox_profile.into(),
            ..dsca_sandbox::SandboxOptions::default()
        },
        scope: match which {
            AuditDynamic::Scripts => DynamicScope::InstallScripts,
            AuditDynamic::All => DynamicScope::All,
        },
    });
    let settings = Settings {
        files_serially: true,
        dynamic,
        policy: args
            .config
            .clone()
            .map_or(PolicyChoice::Project, PolicyChoice::File),
        prevalence_db: args.prevalence.db(),
        ..args.registry.settings(project_dir)
    };
    let session = Session::new(&settings)?;
    let packages = session.packages_to_audit(&lock, |package| {
        base.as_ref()
            .is_none_or(|base| changed_since(base, package))
    });
    let label = lockfile_path.display().to_string();
    let reports = session.audit(&packages, &label)?;
    let kind = lock.kind.to_string();
    output::write_reports(&args.output, &reports, Some((&label, &kind)))?;
    let fail_on = args
        .fail_on
        .map(Severity::from)
        .or(session.policy().fail_on);
    Ok(output::exit_status(&reports, fail_on))
}
