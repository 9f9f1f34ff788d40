//! The `NumberDoubler` tests again, with tokio tasks: every wait bounded by
//! `tokio::time::timeout`, no task left behind, and simulated latency on a paused clock.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use lessons::doubler::number_doubler_async;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;
use tokio::time::{Instant, timeout};

const WAIT: Duration = Duration::from_secs(5);

/// Start `workers` async doublers with `latency` per number, feed them `numbers`, and collect
/// one result per number (each wait bounded). Every worker task has ended when this returns.
async fn run_doublers(numbers: &[i64], workers: usize, latency: Duration) -> Vec<i64> {
    let (input_tx, input_rx) = mpsc::channel(numbers.len().max(1));
    let (output_tx, mut output_rx) = mpsc::channel(numbers.len().max(1));
    let input_rx = Arc::new(Mutex::new(input_rx));
    let mut set = JoinSet::new();
    for _ in 0..workers {
        set.spawn(number_doubler_async(
            Arc::clone(&input_rx),
            output_tx.clone(),
            latency,
        ));
    }
    drop(output_tx);
    for &n in numbers {
        input_tx.send(n).await.unwrap();
    }
    drop(input_tx); // closes the input: the workers return after the last number

    let mut results = Vec::new();
    for i in 0..numbers.len() {
        match timeout(WAIT, output_rx.recv()).await {
            Ok(Some(r)) => results.push(r),
            Ok(None) => panic!("workers stopped before result {}", i + 1),
            Err(_) => panic!("timed out waiting for result {}", i + 1),
        }
    }
    // Wait for every worker, bounded as well; a JoinSet that comes back empty has no task left.
    timeout(WAIT, async {
        while let Some(joined) = set.join_next().await {
            joined.expect("a worker task panicked");
        }
    })
    .await
    .expect("workers did not stop after their input closed");
    results
}

#[tokio::test]
async fn results_match_as_a_sorted_vector() {
    let mut results = run_doublers(&[1, 2, 3, 4, 5], 3, Duration::ZERO).await;
    results.sort_unstable();
    assert_eq!(results, vec![2, 4, 6, 8, 10]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_match_as_a_set_on_a_multi_thread_runtime() {
    let results = run_doublers(&[1, 2, 3, 4, 5], 3, Duration::ZERO).await;
    assert_eq!(results.len(), 5);
    assert_eq!(
        results.into_iter().collect::<BTreeSet<_>>(),
        BTreeSet::from([2, 4, 6, 8, 10])
    );
}

#[tokio::test]
async fn leaves_no_task_running() {
    let results = run_doublers(&[1, 2, 3], 3, Duration::ZERO).await;
    assert_eq!(results.len(), 3);
    // The runtime counts the tasks that have been spawned and not yet finished.
    let alive = tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks();
    assert_eq!(alive, 0, "a task outlived the test");
}

#[tokio::test(start_paused = true)]
async fn one_second_latency_on_a_paused_clock() {
    // Six numbers, three workers, one second of simulated work each: two rounds of one second.
    // With the clock paused, tokio jumps to the next timer as soon as every task is waiting, so
    // the test takes microseconds of real time, and the elapsed time is exact, not "about 2 s".
    let start = Instant::now();
    let real_start = std::time::Instant::now();
    let mut results = run_doublers(&[1, 2, 3, 4, 5, 6], 3, Duration::from_secs(1)).await;
    results.sort_unstable();
    assert_eq!(results, vec![2, 4, 6, 8, 10, 12]);
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    assert!(
        real_start.elapsed() < Duration::from_secs(1),
        "paused time should not really sleep"
    );
}

#[tokio::test(start_paused = true)]
async fn a_timeout_fires_on_the_paused_clock() {
    // The failure side: a doubler that needs an hour per number misses a 10-second deadline.
    // On a paused clock the test sees the timeout at once instead of waiting 10 real seconds.
    let (input_tx, input_rx) = mpsc::channel(1);
    let (output_tx, mut output_rx) = mpsc::channel(1);
    let worker = tokio::spawn(number_doubler_async(
        Arc::new(Mutex::new(input_rx)),
        output_tx,
        Duration::from_secs(3600),
    ));
    input_tx.send(21).await.unwrap();
    let start = Instant::now();
    assert!(
        timeout(Duration::from_secs(10), output_rx.recv())
            .await
            .is_err(),
        "expected a timeout"
    );
    assert_eq!(start.elapsed(), Duration::from_secs(10));
    worker.abort(); // stop the slow worker: the test leaves nothing running
    assert!(worker.await.unwrap_err().is_cancelled());
}
