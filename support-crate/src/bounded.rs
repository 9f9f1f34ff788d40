//! Bounded demos: run things that might hang or panic without hanging or killing the notebook.
//!
//! A notebook kernel cannot be safely interrupted (it loses every variable), so a demo of a
//! deadlock or a race must bound itself. These helpers put a deadline on a thread
//! ([`run_thread`]) or on an async block ([`block_on`]), repeat a check and collect every
//! failing run ([`repeat`]), and tell which threads a demo left running ([`ThreadCheck`]).
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//! use interleave::bounded::{self, Flavor};
//!
//! // A lost-update race, run 10 times; every failing run is reported.
//! let report = bounded::repeat(10, |_| {
//!     let v = bounded::block_on(Flavor::MultiThread(2), Duration::from_secs(5), async {
//!         let n = std::sync::Arc::new(tokio::sync::Mutex::new(0));
//!         let tasks: Vec<_> = (0..4)
//!             .map(|_| {
//!                 let n = n.clone();
//!                 tokio::spawn(async move { *n.lock().await += 1 })
//!             })
//!             .collect();
//!         for t in tasks {
//!             t.await.unwrap();
//!         }
//!         let v = *n.lock().await;
//!         v
//!     })
//!     .map_err(|e| e.to_string())?;
//!     if v == 4 { Ok(()) } else { Err(format!("got {v}")) }
//! });
//! assert!(report.all_passed(), "{report}");
//! ```

use std::any::Any;
use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::measure::ProbeError;

/// The text of a panic payload (`&str` or `String`; anything else is described).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        String::from("panic with a non-string payload")
    }
}

/// The outcome of [`run_thread`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use interleave::bounded::{self, Outcome};
///
/// let done = bounded::run_thread(Duration::from_secs(5), || 6 * 7);
/// assert_eq!(done.finished(), Some(42));
///
/// let stuck = bounded::run_thread(Duration::from_millis(20), || {
///     std::thread::sleep(Duration::from_millis(300));
/// });
/// assert!(stuck.is_timed_out());
/// println!("{stuck}"); // "timed out after 20ms; the thread is still running"
/// ```
#[derive(Debug)]
pub enum Outcome<T> {
    /// The closure returned this value in time.
    Finished(T),
    /// The closure panicked with this message.
    Panicked(String),
    /// The deadline passed; the thread is still running (see [`Straggler`]).
    TimedOut(Straggler<T>),
}

impl<T> Outcome<T> {
    /// The value, if the closure finished in time.
    ///
    /// # Examples
    ///
    /// ```
    /// let o = interleave::bounded::run_thread(std::time::Duration::from_secs(1), || "hi");
    /// assert_eq!(o.finished(), Some("hi"));
    /// ```
    pub fn finished(self) -> Option<T> {
        match self {
            Outcome::Finished(v) => Some(v),
            _ => None,
        }
    }

    /// True if the deadline passed first.
    ///
    /// # Examples
    ///
    /// ```
    /// let o = interleave::bounded::run_thread(std::time::Duration::from_secs(1), || ());
    /// assert!(!o.is_timed_out());
    /// ```
    pub fn is_timed_out(&self) -> bool {
        matches!(self, Outcome::TimedOut(_))
    }

    /// True if the closure panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// let o = interleave::bounded::run_thread(std::time::Duration::from_secs(1), || {
    ///     if true { panic!("boom") }
    /// });
    /// assert!(o.is_panicked());
    /// ```
    pub fn is_panicked(&self) -> bool {
        matches!(self, Outcome::Panicked(_))
    }
}

impl<T: fmt::Debug> fmt::Display for Outcome<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Finished(v) => write!(f, "finished: {v:?}"),
            Outcome::Panicked(m) => write!(f, "panicked: {m}"),
            Outcome::TimedOut(s) => write!(f, "{s}"),
        }
    }
}

/// A thread still running after its deadline. It is not killed (Rust cannot kill a thread);
/// keep this value to check on it or wait a bit longer. Dropping it detaches the thread.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use interleave::bounded::{self, Outcome};
///
/// let o = bounded::run_thread(Duration::from_millis(10), || {
///     std::thread::sleep(Duration::from_millis(100));
///     5
/// });
/// let Outcome::TimedOut(straggler) = o else { panic!("expected a timeout") };
/// assert!(straggler.is_running());
/// assert_eq!(straggler.wait(Duration::from_secs(5)).finished(), Some(5));
/// ```
#[derive(Debug)]
pub struct Straggler<T> {
    result: mpsc::Receiver<std::thread::Result<T>>,
    handle: JoinHandle<()>,
    deadline: Duration,
    started: Instant,
}

impl<T> Straggler<T> {
    /// True while the thread has not finished.
    ///
    /// # Examples
    ///
    /// See [`Straggler`].
    pub fn is_running(&self) -> bool {
        !self.handle.is_finished()
    }

    /// The deadline that was missed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let o = interleave::bounded::run_thread(Duration::from_millis(5), || {
    ///     std::thread::sleep(Duration::from_millis(50))
    /// });
    /// if let interleave::bounded::Outcome::TimedOut(s) = o {
    ///     assert_eq!(s.deadline(), Duration::from_millis(5));
    /// }
    /// ```
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// Wait up to `more` for the thread to finish.
    ///
    /// # Examples
    ///
    /// See [`Straggler`].
    pub fn wait(self, more: Duration) -> Outcome<T> {
        match self.result.recv_timeout(more) {
            Ok(result) => {
                let _ = self.handle.join();
                settle(result)
            }
            Err(mpsc::RecvTimeoutError::Timeout) => Outcome::TimedOut(Straggler {
                deadline: self.deadline + more,
                ..self
            }),
            // The sender is gone without a result: cannot happen (the thread catches panics),
            // but report it rather than panic.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Outcome::Panicked(String::from("thread ended without a result"))
            }
        }
    }
}

impl<T> fmt::Display for Straggler<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.is_running() {
            "is still running"
        } else {
            "has finished since"
        };
        write!(
            f,
            "timed out after {:?}; the thread {state} ({:?} since it started)",
            self.deadline,
            self.started.elapsed()
        )
    }
}

fn settle<T>(result: std::thread::Result<T>) -> Outcome<T> {
    match result {
        Ok(v) => Outcome::Finished(v),
        Err(p) => Outcome::Panicked(panic_message(p.as_ref())),
    }
}

/// Run `f` on a new thread and wait at most `deadline` for it.
///
/// The thread is named `interleave-bounded` (visible in [`ThreadCheck::left_names`]). A panic
/// in `f` is caught and returned as [`Outcome::Panicked`] (the panic message still goes to
/// stderr). If the OS refuses to start a thread, the outcome is `Panicked` with the reason.
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use std::time::Duration;
///
/// // A deadlock demo that cannot hang the notebook:
/// let a = Arc::new(Mutex::new(0));
/// let guard = a.lock().unwrap();
/// let a2 = Arc::clone(&a);
/// let outcome = interleave::bounded::run_thread(Duration::from_millis(50), move || {
///     *a2.lock().unwrap() += 1; // blocks: the main thread holds the lock
/// });
/// assert!(outcome.is_timed_out());
/// drop(guard); // now the thread can finish
/// ```
pub fn run_thread<T, F>(deadline: Duration, f: F) -> Outcome<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("interleave-bounded".into())
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(f));
            let _ = tx.send(result);
        });
    let handle = match spawned {
        Ok(h) => h,
        Err(e) => return Outcome::Panicked(format!("could not start a thread: {e}")),
    };
    let started = Instant::now();
    match rx.recv_timeout(deadline) {
        Ok(result) => {
            let _ = handle.join();
            settle(result)
        }
        Err(mpsc::RecvTimeoutError::Timeout) => Outcome::TimedOut(Straggler {
            result: rx,
            handle,
            deadline,
            started,
        }),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let _ = handle.join();
            Outcome::Panicked(String::from("thread ended without a result"))
        }
    }
}

/// Which tokio runtime [`block_on`] builds.
///
/// # Examples
///
/// ```
/// use interleave::bounded::{self, Flavor};
/// use std::time::Duration;
/// for flavor in [Flavor::CurrentThread, Flavor::MultiThread(2), Flavor::Paused] {
///     let v = bounded::block_on(flavor, Duration::from_secs(5), async { 1 + 1 }).unwrap();
///     assert_eq!(v, 2);
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// One thread: tasks interleave only at `.await` points.
    CurrentThread,
    /// A work-stealing runtime with this many worker threads (1 to 64).
    MultiThread(usize),
    /// One thread with tokio's clock paused: sleeps finish instantly (time jumps to the next
    /// timer when every task waits), so timings and [`Clock::Tokio`](crate::Clock::Tokio)
    /// traces are the same on every run. The deadline is in this paused time.
    Paused,
}

/// Why [`block_on`] returned no value.
///
/// # Examples
///
/// ```
/// use interleave::bounded::{self, BoundedError, Flavor};
/// use std::time::Duration;
/// let r = bounded::block_on(Flavor::CurrentThread, Duration::from_millis(10), async {
///     tokio::time::sleep(Duration::from_secs(10)).await;
/// });
/// assert!(matches!(r, Err(BoundedError::TimedOut(_))));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum BoundedError {
    /// The future did not finish within the deadline (it was dropped; tasks it spawned were
    /// cancelled when the runtime shut down).
    TimedOut(Duration),
    /// The future panicked.
    Panicked(String),
    /// The runtime could not be built.
    Runtime(std::io::Error),
    /// Bad settings (e.g. zero worker threads).
    Config(String),
    /// Called from inside a tokio runtime, where a second runtime cannot be started.
    InsideRuntime,
}

impl fmt::Display for BoundedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BoundedError::TimedOut(d) => write!(f, "timed out after {d:?}"),
            BoundedError::Panicked(m) => write!(f, "panicked: {m}"),
            BoundedError::Runtime(e) => write!(f, "could not build a tokio runtime: {e}"),
            BoundedError::Config(m) => write!(f, "bad runtime settings: {m}"),
            BoundedError::InsideRuntime => write!(
                f,
                "called inside a tokio runtime: a new runtime cannot start there \
                 (await the future directly instead)"
            ),
        }
    }
}

impl std::error::Error for BoundedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BoundedError::Runtime(e) => Some(e),
            _ => None,
        }
    }
}

pub(crate) fn not_in_runtime() -> Result<(), BoundedError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        Err(BoundedError::InsideRuntime)
    } else {
        Ok(())
    }
}

/// How long shutting the runtime down may wait for blocking tasks.
const SHUTDOWN: Duration = Duration::from_millis(500);

/// Run `fut` to completion on a fresh tokio runtime, with a deadline; the runtime is shut down
/// before this returns.
///
/// In evcxr every cell links tokio anew, so a runtime made in one cell cannot drive tasks in
/// the next: build, use and drop the runtime inside one cell, which is what this does. Tasks
/// the future spawned and did not await are cancelled at shutdown.
///
/// The deadline is checked at `.await` points: a future that blocks its thread without
/// awaiting (a `std::thread::sleep`, a deadlocked `std::sync::Mutex`) cannot be stopped; put
/// such code in [`run_thread`] instead.
///
/// # Errors
///
/// [`BoundedError::TimedOut`], [`BoundedError::Panicked`], or a runtime that cannot be built
/// (including [`BoundedError::InsideRuntime`]).
///
/// # Examples
///
/// ```
/// use interleave::bounded::{self, Flavor};
/// use std::time::Duration;
///
/// let sum = bounded::block_on(Flavor::MultiThread(2), Duration::from_secs(5), async {
///     let tasks: Vec<_> = (0..10).map(|i| tokio::spawn(async move { i })).collect();
///     let mut sum = 0;
///     for t in tasks {
///         sum += t.await.unwrap();
///     }
///     sum
/// })
/// .unwrap();
/// assert_eq!(sum, 45);
///
/// // An hour of paused time passes instantly:
/// let r = bounded::block_on(Flavor::Paused, Duration::from_secs(7200), async {
///     tokio::time::sleep(Duration::from_secs(3600)).await;
///     "woke up"
/// });
/// assert_eq!(r.unwrap(), "woke up");
/// ```
pub fn block_on<F: Future>(
    flavor: Flavor,
    deadline: Duration,
    fut: F,
) -> Result<F::Output, BoundedError> {
    not_in_runtime()?;
    let mut builder = match flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        Flavor::Paused => {
            let mut b = tokio::runtime::Builder::new_current_thread();
            b.start_paused(true);
            b
        }
        Flavor::MultiThread(workers) => {
            if !(1..=64).contains(&workers) {
                return Err(BoundedError::Config(format!(
                    "{workers} worker threads: use 1 to 64"
                )));
            }
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(workers);
            b
        }
    };
    let rt = builder
        .enable_all()
        .build()
        .map_err(BoundedError::Runtime)?;
    let result = catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async { tokio::time::timeout(deadline, fut).await })
    }));
    rt.shutdown_timeout(SHUTDOWN);
    match result {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(_elapsed)) => Err(BoundedError::TimedOut(deadline)),
        Err(p) => Err(BoundedError::Panicked(panic_message(p.as_ref()))),
    }
}

/// Every failing run of [`repeat`].
///
/// # Examples
///
/// ```
/// let report = interleave::bounded::repeat(10, |i| {
///     if i % 4 == 3 { Err(format!("odd one out")) } else { Ok(()) }
/// });
/// assert_eq!(report.runs(), 10);
/// assert_eq!(report.passed(), 8);
/// assert_eq!(report.failures()[0], (3, "odd one out".to_string()));
/// println!("{report}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatReport {
    runs: usize,
    failures: Vec<(usize, String)>,
}

impl RepeatReport {
    /// `(run index, message)` for every run that failed, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = interleave::bounded::repeat(3, |_| Ok(()));
    /// assert!(r.failures().is_empty());
    /// ```
    pub fn failures(&self) -> &[(usize, String)] {
        &self.failures
    }

    /// How many runs passed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(interleave::bounded::repeat(3, |_| Ok(())).passed(), 3);
    /// ```
    pub fn passed(&self) -> usize {
        self.runs - self.failures.len()
    }

    /// How many runs there were.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(interleave::bounded::repeat(0, |_| Ok(())).runs(), 0);
    /// ```
    pub fn runs(&self) -> usize {
        self.runs
    }

    /// True if no run failed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(interleave::bounded::repeat(2, |_| Ok(())).all_passed());
    /// ```
    pub fn all_passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// Panic with the report if any run failed (use it as the assertion of a test or a cell).
    ///
    /// # Panics
    ///
    /// If any run failed; the message lists the failures.
    ///
    /// # Examples
    ///
    /// ```
    /// interleave::bounded::repeat(5, |i| if i < 5 { Ok(()) } else { Err("no".into()) })
    ///     .assert_all_passed();
    /// ```
    #[track_caller]
    pub fn assert_all_passed(&self) {
        assert!(self.all_passed(), "{self}");
    }
}

impl fmt::Display for RepeatReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{} runs passed", self.passed(), self.runs)?;
        const SHOWN: usize = 20;
        for (i, msg) in self.failures.iter().take(SHOWN) {
            write!(f, "\n  run {i} failed: {msg}")?;
        }
        if self.failures.len() > SHOWN {
            write!(
                f,
                "\n  ... and {} more failures",
                self.failures.len() - SHOWN
            )?;
        }
        Ok(())
    }
}

/// Run `check(i)` for `i` in `0..n` and collect every failure (an `Err` or a panic).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU64, Ordering};
///
/// let report = interleave::bounded::repeat(20, |_| {
///     let counter = Arc::new(AtomicU64::new(0));
///     std::thread::scope(|s| {
///         for _ in 0..2 {
///             s.spawn(|| for _ in 0..1000 { counter.fetch_add(1, Ordering::Relaxed); });
///         }
///     });
///     let v = counter.load(Ordering::Relaxed);
///     if v == 2000 { Ok(()) } else { Err(format!("lost {} updates", 2000 - v)) }
/// });
/// report.assert_all_passed(); // atomics lose nothing
/// ```
pub fn repeat(n: usize, mut check: impl FnMut(usize) -> Result<(), String>) -> RepeatReport {
    let mut failures = Vec::new();
    for i in 0..n {
        match catch_unwind(AssertUnwindSafe(|| check(i))) {
            Ok(Ok(())) => {}
            Ok(Err(msg)) => failures.push((i, msg)),
            Err(p) => failures.push((i, format!("panicked: {}", panic_message(p.as_ref())))),
        }
    }
    RepeatReport { runs: n, failures }
}

/// Notices threads that a demo started and left running.
///
/// Remembers the process's threads at [`start`](ThreadCheck::start) (Linux `/proc/self/task`);
/// later calls report threads that exist now but did not then. It sees the whole process: in a
/// test binary whose tests run in parallel, other tests' threads count too.
///
/// # Examples
///
/// ```standalone_crate
/// # #[cfg(target_os = "linux")] {
/// use std::time::Duration;
/// use interleave::bounded::ThreadCheck;
///
/// let check = ThreadCheck::start();
/// std::thread::scope(|s| { s.spawn(|| ()); }); // joined: leaves nothing...
/// // ...though a finished thread takes a moment to leave the OS's list: allow a grace period.
/// assert_eq!(check.wait_for_threads(Duration::from_secs(1)).unwrap(), 0);
///
/// let (started_tx, started) = std::sync::mpsc::channel::<()>();
/// let (tx, rx) = std::sync::mpsc::channel::<()>();
/// let h = std::thread::Builder::new()
///     .name("forgotten".into())
///     .spawn(move || {
///         started_tx.send(()).unwrap(); // (a thread names itself as it starts)
///         let _ = rx.recv();
///     })
///     .unwrap();
/// started.recv().unwrap();
/// assert_eq!(check.threads_left().unwrap(), 1);
/// assert_eq!(check.left_names().unwrap(), ["forgotten"]);
/// drop(tx);
/// h.join().unwrap();
/// assert_eq!(check.wait_for_threads(Duration::from_secs(1)).unwrap(), 0);
/// # }
/// ```
#[derive(Debug)]
pub struct ThreadCheck {
    before: Result<HashSet<u64>, String>,
}

fn task_ids() -> Result<HashSet<u64>, ProbeError> {
    if !cfg!(target_os = "linux") {
        return Err(ProbeError::Unsupported(std::env::consts::OS));
    }
    let dir = std::fs::read_dir("/proc/self/task").map_err(ProbeError::Io)?;
    Ok(dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect())
}

impl ThreadCheck {
    /// Remember the threads running now.
    ///
    /// # Examples
    ///
    /// See [`ThreadCheck`].
    pub fn start() -> Self {
        ThreadCheck {
            before: task_ids().map_err(|e| e.to_string()),
        }
    }

    fn new_ids(&self) -> Result<Vec<u64>, ProbeError> {
        let before = self
            .before
            .as_ref()
            .map_err(|e| ProbeError::Parse(e.clone()))?;
        let mut now: Vec<u64> = task_ids()?
            .into_iter()
            .filter(|t| !before.contains(t))
            .collect();
        now.sort_unstable();
        Ok(now)
    }

    /// Threads started since [`start`](ThreadCheck::start) that are still alive, right now.
    /// A thread that just finished (a scoped thread, a runtime's worker after shutdown) may
    /// still be listed for a moment: [`wait_for_threads`](ThreadCheck::wait_for_threads) allows
    /// for that.
    ///
    /// # Errors
    ///
    /// [`ProbeError`] off Linux or if `/proc` cannot be read.
    ///
    /// # Examples
    ///
    /// See [`ThreadCheck`].
    pub fn threads_left(&self) -> Result<usize, ProbeError> {
        Ok(self.new_ids()?.len())
    }

    /// Names of those threads (unnamed std threads show the program's name).
    ///
    /// # Errors
    ///
    /// As [`threads_left`](ThreadCheck::threads_left).
    ///
    /// # Examples
    ///
    /// See [`ThreadCheck`].
    pub fn left_names(&self) -> Result<Vec<String>, ProbeError> {
        Ok(self
            .new_ids()?
            .into_iter()
            .filter_map(|tid| std::fs::read_to_string(format!("/proc/self/task/{tid}/comm")).ok())
            .map(|n| n.trim_end().to_string())
            .collect())
    }

    /// Wait up to `grace` for leftover threads to exit (a runtime's workers take a moment
    /// after shutdown), then return how many are still there.
    ///
    /// # Errors
    ///
    /// As [`threads_left`](ThreadCheck::threads_left).
    ///
    /// # Examples
    ///
    /// See [`ThreadCheck`].
    pub fn wait_for_threads(&self, grace: Duration) -> Result<usize, ProbeError> {
        let deadline = Instant::now() + grace;
        loop {
            let left = self.threads_left()?;
            if left == 0 || Instant::now() >= deadline {
                return Ok(left);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_are_outcomes() {
        let o = run_thread(Duration::from_secs(5), || -> u8 { panic!("boom {}", 1) });
        match o {
            Outcome::Panicked(m) => assert_eq!(m, "boom 1"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn zero_workers_is_a_config_error() {
        let r = block_on(Flavor::MultiThread(0), Duration::from_secs(1), async {});
        assert!(matches!(r, Err(BoundedError::Config(_))));
    }

    #[test]
    fn panicking_future_is_an_error() {
        let r = block_on(Flavor::CurrentThread, Duration::from_secs(1), async {
            if true {
                panic!("inside");
            }
        });
        assert!(matches!(r, Err(BoundedError::Panicked(m)) if m == "inside"));
    }

    #[test]
    fn nested_block_on_is_an_error_not_a_panic() {
        let r = block_on(Flavor::CurrentThread, Duration::from_secs(1), async {
            block_on(Flavor::CurrentThread, Duration::from_secs(1), async {})
        });
        assert!(matches!(r, Ok(Err(BoundedError::InsideRuntime))));
    }

    #[test]
    fn repeat_catches_panics() {
        let r = repeat(3, |i| {
            if i == 1 {
                panic!("bad run");
            }
            Ok(())
        });
        assert_eq!(r.failures(), &[(1, String::from("panicked: bad run"))]);
        assert!(r.to_string().starts_with("2/3 runs passed"));
    }
}
