//! CPU time of the code analysis, for the benchmarks (`dsca eval` prints it): the CPU
//! each thread spent, not wall-clock time, so that other load on the machine does not
//! count.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// CPU time of the helper threads the code analysis spawned, summed over the process.
static HELPER_THREADS_NANOS: AtomicU64 = AtomicU64::new(0);

/// CPU time the calling thread has used since it started (`CLOCK_THREAD_CPUTIME_ID`);
/// zero where the clock cannot be read.
pub fn thread_cpu_time() -> Duration {
    clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// CPU time (user and system) of the whole process so far, every thread included, as
/// `/usr/bin/time` counts it (`CLOCK_PROCESS_CPUTIME_ID`).
pub fn process_cpu_time() -> Duration {
    clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

fn clock(id: libc::clockid_t) -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into the struct it is given, which lives
    // on this stack frame for the whole call.
    let status = unsafe { libc::clock_gettime(id, &mut now) };
    if status != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(now.tv_sec).unwrap_or(0),
        u32::try_from(now.tv_nsec).unwrap_or(0),
    )
}

/// CPU time, over the whole process so far, of the threads that the code analysis
/// started to analyse a package's files beside the thread that asked for the analysis.
/// Add it to the CPU time measured on the calling threads to get the analysis' total.
pub fn analysis_helper_cpu_time() -> Duration {
    Duration::from_nanos(HELPER_THREADS_NANOS.load(Ordering::Relaxed))
}

/// Called by a helper thread as its last act: its whole CPU time joins the total.
pub(crate) fn record_helper_thread() {
    let nanos = u64::try_from(thread_cpu_time().as_nanos()).unwrap_or(u64::MAX);
    HELPER_THREADS_NANOS.fetch_add(nanos, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_cpu_time_grows_with_work() {
        let before = thread_cpu_time();
        let mut x = 0u64;
        for i in 0..20_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        std::hint::black_box(x);
        assert!(thread_cpu_time() > before);
    }

    #[test]
    fn helper_threads_add_their_cpu_time() {
        let before = analysis_helper_cpu_time();
        std::thread::spawn(|| {
            let mut x = 0u64;
            for i in 0..20_000_000u64 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
            }
            std::hint::black_box(x);
            record_helper_thread();
        })
        .join()
        .unwrap();
        assert!(analysis_helper_cpu_time() > before);
    }
}
