//! The Go tutorial's `TestMultipleNumberDoublers`, with threads and crossbeam channels.
//!
//! Three doublers share one input channel, so the results arrive in any order: each test
//! compares them in a way that accepts every order (sorted, or as a set), bounds every wait, and
//! checks that no worker thread is left running.

use std::collections::BTreeSet;
use std::thread;
use std::time::Duration;

use crossbeam_channel::{RecvTimeoutError, bounded};
use lessons::doubler::spawn_doublers;
use lessons::join::join_all_within;

const WAIT: Duration = Duration::from_secs(5);

/// Send `numbers` through `workers` doublers and collect one result per number, each wait
/// bounded by a timeout. Joins the workers (bounded too) before returning.
fn run_doublers(numbers: &[i64], workers: usize) -> Result<Vec<i64>, String> {
    let (input_tx, input_rx) = bounded(numbers.len());
    let (output_tx, output_rx) = bounded(numbers.len());
    let handles = spawn_doublers(workers, &input_rx, &output_tx);
    // Drop our own copies: the input closes when `input_tx` goes, the output when the last
    // worker returns.
    drop((input_rx, output_tx));
    for &n in numbers {
        input_tx
            .send_timeout(n, WAIT)
            .map_err(|e| format!("send {n}: {e}"))?;
    }
    drop(input_tx); // Go's close(inputChannel)

    let mut results = Vec::new();
    for i in 0..numbers.len() {
        match output_rx.recv_timeout(WAIT) {
            Ok(r) => results.push(r),
            Err(RecvTimeoutError::Timeout) => {
                return Err(format!("timed out waiting for result {}", i + 1));
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(format!("workers stopped before result {}", i + 1));
            }
        }
    }
    join_all_within(handles, WAIT)?;
    Ok(results)
}

#[test]
fn results_match_as_a_sorted_vector() {
    let mut results = run_doublers(&[1, 2, 3, 4, 5], 3).unwrap();
    // Sort before comparing: the order depends on which worker took which number.
    results.sort_unstable();
    assert_eq!(results, vec![2, 4, 6, 8, 10]);
}

#[test]
fn results_match_as_a_set() {
    let results = run_doublers(&[1, 2, 3, 4, 5], 3).unwrap();
    let got: BTreeSet<i64> = results.iter().copied().collect();
    assert_eq!(got, BTreeSet::from([2, 4, 6, 8, 10]));
    // A set forgets duplicates, so check the count too: five results, not fewer.
    assert_eq!(
        results.len(),
        5,
        "a set alone would hide a duplicate or a missing result"
    );
}

#[test]
fn work_finishes_within_a_timeout() {
    let (done_tx, done_rx) = bounded(1);
    let worker = thread::spawn(move || {
        thread::sleep(Duration::from_millis(100)); // work that might hang
        done_tx.send(()).ok();
    });
    assert_eq!(
        done_rx.recv_timeout(Duration::from_secs(1)),
        Ok(()),
        "test timed out"
    );
    join_all_within(vec![worker], WAIT).unwrap();
}

#[test]
fn passes_one_hundred_times_in_a_row() {
    // Go's `-count=100`, inside one test: an interleaving that breaks the code once in a while
    // gets a hundred chances to show up. Each run uses a different input size.
    for run in 0..100 {
        let numbers: Vec<i64> = (0..(run % 17)).collect();
        let mut results = run_doublers(&numbers, 3).unwrap_or_else(|e| panic!("run {run}: {e}"));
        results.sort_unstable();
        let expected: Vec<i64> = numbers.iter().map(|n| n * 2).collect();
        assert_eq!(results, expected, "run {run}");
    }
}

#[test]
fn leaves_no_worker_thread_running() {
    // Each worker holds a clone of `alive_tx` for as long as it runs. When every worker has
    // returned, every clone is dropped and `alive_rx` reports Disconnected. Unlike counting the
    // process's threads, this works while other tests run in parallel.
    let (alive_tx, alive_rx) = bounded::<()>(0);
    let (input_tx, input_rx) = bounded(8);
    let (output_tx, output_rx) = bounded(8);
    let workers: Vec<_> = (0..3)
        .map(|_| {
            let (input, output, alive) = (input_rx.clone(), output_tx.clone(), alive_tx.clone());
            thread::spawn(move || {
                let _alive = alive;
                lessons::doubler::number_doubler(input, output);
            })
        })
        .collect();
    drop((alive_tx, input_rx, output_tx));
    for n in 1..=5 {
        input_tx.send(n).unwrap();
    }
    drop(input_tx);
    let results: Vec<i64> = (0..5)
        .map(|_| output_rx.recv_timeout(WAIT).unwrap())
        .collect();
    assert_eq!(results.len(), 5);

    assert_eq!(
        alive_rx.recv_timeout(WAIT),
        Err(RecvTimeoutError::Disconnected),
        "a worker is still running after its input was closed"
    );
    join_all_within(workers, WAIT).unwrap();
}

#[test]
fn a_worker_that_never_stops_is_reported_not_waited_for() {
    // The failure case of the leak check: the input is never closed, so the workers wait for
    // ever. `join_all_within` must report them instead of hanging the test.
    let (input_tx, input_rx) = bounded::<i64>(1);
    let (output_tx, _output_rx) = bounded(1);
    let handles = spawn_doublers(2, &input_rx, &output_tx);
    let err = join_all_within(handles, Duration::from_millis(50)).unwrap_err();
    assert!(err.starts_with("2 of 2 threads still running"), "{err}");
    // Now close the input so the workers end and the test process stays clean.
    drop(input_tx);
}
