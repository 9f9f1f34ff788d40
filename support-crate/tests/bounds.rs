//! Bounded demos and measurements: deadlines hold, nothing is leaked silently, errors are
//! values (never panics).

use std::time::{Duration, Instant};

use interleave::bounded::{self, BoundedError, Flavor, Outcome, ThreadCheck};
use interleave::experiments::{self, ExperimentError};
use interleave::measure;

#[test]
fn run_thread_reports_a_straggler_and_can_wait_for_it() {
    let start = Instant::now();
    let outcome = bounded::run_thread(Duration::from_millis(30), || {
        std::thread::sleep(Duration::from_millis(300));
        7
    });
    assert!(
        start.elapsed() < Duration::from_millis(290),
        "returned at the deadline"
    );
    let Outcome::TimedOut(straggler) = outcome else {
        panic!("expected a timeout")
    };
    assert!(straggler.is_running());
    assert!(
        straggler.to_string().contains("still running"),
        "{straggler}"
    );
    match straggler.wait(Duration::from_millis(5)) {
        Outcome::TimedOut(s) => assert_eq!(s.wait(Duration::from_secs(10)).finished(), Some(7)),
        Outcome::Finished(v) => assert_eq!(v, 7),
        Outcome::Panicked(m) => panic!("{m}"),
    }
}

#[test]
fn block_on_times_out_on_every_flavor() {
    for flavor in [
        Flavor::CurrentThread,
        Flavor::MultiThread(2),
        Flavor::Paused,
    ] {
        let start = Instant::now();
        let r = bounded::block_on(flavor, Duration::from_millis(50), async {
            // A task that would outlive the call: it is cancelled at shutdown.
            tokio::spawn(async { tokio::time::sleep(Duration::from_secs(3600)).await });
            std::future::pending::<()>().await
        });
        assert!(matches!(r, Err(BoundedError::TimedOut(_))), "{flavor:?}");
        assert!(start.elapsed() < Duration::from_secs(5), "{flavor:?}");
    }
}

#[test]
fn block_on_leaves_no_runtime_threads_behind() {
    let check = ThreadCheck::start();
    let v = bounded::block_on(Flavor::MultiThread(3), Duration::from_secs(5), async { 5 });
    assert_eq!(v.expect("finishes"), 5);
    // Other tests in this binary run in parallel, so look for our runtime's workers by name.
    std::thread::sleep(Duration::from_millis(50));
    let names = check.left_names().expect("linux");
    assert!(
        !names.iter().any(|n| n.starts_with("tokio-runtime")),
        "{names:?}"
    );
}

#[test]
fn repeat_reports_every_failing_run() {
    let report = bounded::repeat(100, |i| {
        if i % 10 == 0 {
            Err(format!("run {i}"))
        } else {
            Ok(())
        }
    });
    assert_eq!(report.passed(), 90);
    assert_eq!(report.failures().len(), 10);
    assert!(
        report
            .failures()
            .iter()
            .all(|(i, m)| *m == format!("run {i}"))
    );
    let text = report.to_string();
    assert!(text.starts_with("90/100 runs passed"));
    let r = std::panic::catch_unwind(|| report.assert_all_passed());
    assert!(r.is_err());
}

#[test]
fn experiments_measure_and_reject_bad_sizes() {
    let p = experiments::spawn_join_threads(20).expect("threads");
    assert!(p.per_unit_ns > 0.0 && p.total > Duration::ZERO);
    let p = experiments::spawn_join_tasks(1_000).expect("tasks");
    assert_eq!(p.n, 1_000);
    let m = experiments::parked_threads(20).expect("parked threads");
    assert_eq!(m.n, 20);
    let m = experiments::parked_tasks(1_000).expect("parked tasks");
    assert_eq!(m.n, 1_000);
    assert!(matches!(
        experiments::parked_tasks(0),
        Err(ExperimentError::NoUnits)
    ));
    assert!(matches!(
        experiments::parked_threads(experiments::MAX_THREADS + 1),
        Err(ExperimentError::TooMany { .. })
    ));
    let sweep = experiments::spawn_cost_sweep(&[1, 10]).expect("sweep");
    assert_eq!(sweep.threads.len(), 2);
    assert!(sweep.chart().render().is_ok());
}

#[test]
fn experiments_inside_a_runtime_are_errors() {
    let r = bounded::block_on(Flavor::CurrentThread, Duration::from_secs(5), async {
        experiments::spawn_join_tasks(10).map(|_| ())
    })
    .expect("runs");
    assert!(r.is_err());
}

#[test]
fn probes_read_proc() {
    assert!(measure::resident_bytes().expect("linux") > 0);
    assert!(measure::thread_count().expect("linux") >= 1);
    let t = measure::time(3, || 1 + 1);
    assert_eq!(t.runs, 3);
}
