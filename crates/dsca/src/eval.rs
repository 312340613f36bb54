//! `dsca eval`: the sets and gates of `dsca_session::eval`, from the flags.

use crate::cli::EvalArgs;
use dsca_session::dir_or_current;

pub fn run(args: EvalArgs) -> anyhow::Result<u8> {
    let evaluation = dsca_session::eval::EvalArgs {
        malicious: args.malicious,
        corpus: args.corpus,
        benign_list: args.benign_list,
        top: args.top,
        installers: args.installers,
        strict: args.strict,
        min_recall: args.min_recall,
        min_malicious: args.min_malicious,
        max_benign_malicious: args.max_benign_malicious,
        max_benign_suspicious: args.max_benign_suspicious,
        min_corpus_flagged: args.min_corpus_flagged,
        min_corpus_malicious: args.min_corpus_malicious,
        max_near_miss_flagged: args.max_near_miss_flagged,
        reports: args.reports,
    };
    let settings = args.registry.settings(dir_or_current(None)?);
    let evaluation = dsca_session::eval::run(&evaluation, &settings)?;
    let printed = dsca_report::deliver(None, |out| {
        dsca_report::evaluation::write(out, args.format, &evaluation)
    });
    if let Err(err) = printed
        && !dsca_report::is_broken_pipe(&err)
    {
        return Err(err.into());
    }
    Ok(if evaluation.passed() {
        0
    } else {
        crate::EXIT_FINDINGS
    })
}
