//! Ready-made experiments for the first notebook: what does one thread or one task cost?
//!
//! Two questions, each for std threads and for tokio tasks:
//! - **time**: spawn `n` units and join them all; nanoseconds per unit
//!   ([`spawn_join_threads`], [`spawn_join_tasks`]);
//! - **memory**: keep `n` units parked (blocked, waiting for a signal) and read how much the
//!   process's resident memory grew; bytes per unit ([`parked_threads`], [`parked_tasks`]).
//!
//! Expected orders of magnitude on the project's 2-core Linux machine, release build: ~50 µs
//! and ~10 KB per std thread, ~0.5 µs and ~0.5 KB per tokio task. [`spawn_cost_sweep`] and
//! [`parked_memory_sweep`] run both kinds for growing `n` and give a ready-made chart.
//!
//! Every experiment cleans up after itself, also on error: no thread or runtime outlives the
//! call, which matters in a notebook kernel that keeps running.
//!
//! # Examples
//!
//! ```
//! use interleave::experiments;
//! let threads = experiments::spawn_join_threads(100)?;
//! let tasks = experiments::spawn_join_tasks(100)?;
//! println!("thread: {:.0} ns, task: {:.0} ns", threads.per_unit_ns, tasks.per_unit_ns);
//! # Ok::<(), experiments::ExperimentError>(())
//! ```

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::measure::{ProbeError, resident_bytes};
use crate::plot::Chart;

/// Most std threads an experiment starts: beyond this the OS limit or memory runs out and the
/// kernel of a notebook could die.
///
/// # Examples
///
/// ```
/// use interleave::experiments::{self, MAX_THREADS};
/// assert!(experiments::spawn_join_threads(MAX_THREADS + 1).is_err());
/// ```
pub const MAX_THREADS: usize = 20_000;
/// Most tokio tasks an experiment starts (about 5 GB of memory at the upper end).
///
/// # Examples
///
/// ```
/// use interleave::experiments::{self, MAX_TASKS};
/// assert!(experiments::spawn_join_tasks(MAX_TASKS + 1).is_err());
/// ```
pub const MAX_TASKS: usize = 10_000_000;
/// How long an experiment waits for its units to park before giving up.
const PARK_TIMEOUT: Duration = Duration::from_secs(60);

/// What an experiment returns.
///
/// # Examples
///
/// ```
/// fn per_thread() -> interleave::experiments::Result<f64> {
///     Ok(interleave::experiments::spawn_join_threads(8)?.per_unit_ns)
/// }
/// assert!(per_thread().unwrap() > 0.0);
/// ```
pub type Result<T> = std::result::Result<T, ExperimentError>;

/// Why an experiment could not run.
///
/// # Examples
///
/// ```
/// use interleave::experiments::{self, ExperimentError};
/// assert!(matches!(experiments::spawn_join_threads(0), Err(ExperimentError::NoUnits)));
/// assert!(matches!(
///     experiments::spawn_join_threads(usize::MAX),
///     Err(ExperimentError::TooMany { .. })
/// ));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum ExperimentError {
    /// `n` was 0: nothing to measure per unit.
    NoUnits,
    /// `n` is above the experiment's limit.
    TooMany {
        /// Asked for.
        n: usize,
        /// The limit.
        max: usize,
    },
    /// The OS refused to start a thread (after `started` had started).
    Spawn {
        /// Threads started before the failure (all were stopped and joined).
        started: usize,
        /// The OS error.
        source: std::io::Error,
    },
    /// The tokio runtime could not be built.
    Runtime(std::io::Error),
    /// A unit panicked.
    Panicked(String),
    /// Reading resident memory failed.
    Probe(ProbeError),
    /// The units did not all park within the time limit.
    Timeout,
}

impl fmt::Display for ExperimentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExperimentError::NoUnits => write!(f, "n must be at least 1"),
            ExperimentError::TooMany { n, max } => {
                write!(f, "n = {n} is more than this experiment allows ({max})")
            }
            ExperimentError::Spawn { started, source } => {
                write!(f, "could not start thread number {}: {source}", started + 1)
            }
            ExperimentError::Runtime(e) => write!(f, "could not build a tokio runtime: {e}"),
            ExperimentError::Panicked(m) => write!(f, "a unit panicked: {m}"),
            ExperimentError::Probe(e) => write!(f, "{e}"),
            ExperimentError::Timeout => {
                write!(f, "units did not all park within {PARK_TIMEOUT:?}")
            }
        }
    }
}

impl std::error::Error for ExperimentError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExperimentError::Spawn { source, .. } | ExperimentError::Runtime(source) => {
                Some(source)
            }
            ExperimentError::Probe(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ProbeError> for ExperimentError {
    fn from(e: ProbeError) -> Self {
        ExperimentError::Probe(e)
    }
}

/// Time to spawn and join `n` units.
///
/// # Examples
///
/// ```
/// let p = interleave::experiments::spawn_join_threads(4).unwrap();
/// assert_eq!(p.n, 4);
/// assert!(p.per_unit_ns > 0.0);
/// println!("{p}");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostPoint {
    /// Units spawned.
    pub n: usize,
    /// Time from the first spawn to the last join.
    pub total: Duration,
    /// `total / n` in nanoseconds.
    pub per_unit_ns: f64,
}

impl fmt::Display for CostPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "n = {}: {:?} total, {:.0} ns per unit",
            self.n, self.total, self.per_unit_ns
        )
    }
}

/// Resident memory growth while `n` units are parked.
///
/// # Examples
///
/// ```
/// # #[cfg(target_os = "linux")] {
/// let p = interleave::experiments::parked_threads(8).unwrap();
/// assert_eq!(p.n, 8);
/// println!("{p}");
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemoryPoint {
    /// Units parked.
    pub n: usize,
    /// Resident bytes while parked minus before (can be negative: the OS may return memory).
    pub resident_delta: i64,
    /// `resident_delta / n`.
    pub per_unit_bytes: f64,
}

impl fmt::Display for MemoryPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "n = {}: {} bytes resident more, {:.0} bytes per unit",
            self.n, self.resident_delta, self.per_unit_bytes
        )
    }
}

fn check_n(n: usize, max: usize) -> Result<()> {
    if n == 0 {
        Err(ExperimentError::NoUnits)
    } else if n > max {
        Err(ExperimentError::TooMany { n, max })
    } else {
        Ok(())
    }
}

fn cost(n: usize, total: Duration) -> CostPoint {
    CostPoint {
        n,
        total,
        per_unit_ns: total.as_nanos() as f64 / n as f64,
    }
}

fn memory(n: usize, before: u64, after: u64) -> MemoryPoint {
    let delta =
        i64::try_from(after).unwrap_or(i64::MAX) - i64::try_from(before).unwrap_or(i64::MAX);
    MemoryPoint {
        n,
        resident_delta: delta,
        per_unit_bytes: delta as f64 / n as f64,
    }
}

/// Join every handle; report the first panic.
fn join_all(handles: Vec<JoinHandle<()>>) -> Result<()> {
    let mut first_panic = None;
    for h in handles {
        if let Err(p) = h.join() {
            first_panic.get_or_insert_with(|| crate::bounded::panic_message(p.as_ref()));
        }
    }
    first_panic.map_or(Ok(()), |m| Err(ExperimentError::Panicked(m)))
}

/// Spawn `n` std threads that do nothing, then join them all: time per thread.
///
/// # Errors
///
/// `n == 0`, `n >` [`MAX_THREADS`], or the OS refusing a thread (the ones started are joined).
///
/// # Examples
///
/// ```
/// let p = interleave::experiments::spawn_join_threads(10).unwrap();
/// assert!(p.total > std::time::Duration::ZERO);
/// ```
pub fn spawn_join_threads(n: usize) -> Result<CostPoint> {
    check_n(n, MAX_THREADS)?;
    let start = Instant::now();
    let mut handles = Vec::with_capacity(n);
    for started in 0..n {
        match std::thread::Builder::new().spawn(|| {}) {
            Ok(h) => handles.push(h),
            Err(source) => {
                join_all(handles)?;
                return Err(ExperimentError::Spawn { started, source });
            }
        }
    }
    join_all(handles)?;
    Ok(cost(n, start.elapsed()))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ExperimentError::Runtime)
}

/// Spawn `n` tokio tasks that do nothing on a fresh 2-worker multi-thread runtime, then await
/// them all: time per task (the runtime's start and shutdown are not counted).
///
/// # Errors
///
/// `n == 0`, `n >` [`MAX_TASKS`], the runtime failing to build, or a task panicking. Calling
/// this from inside a tokio runtime is an error too (a runtime cannot start inside another).
///
/// # Examples
///
/// ```
/// let p = interleave::experiments::spawn_join_tasks(1000).unwrap();
/// assert_eq!(p.n, 1000);
/// ```
pub fn spawn_join_tasks(n: usize) -> Result<CostPoint> {
    check_n(n, MAX_TASKS)?;
    crate::bounded::not_in_runtime().map_err(|e| ExperimentError::Panicked(e.to_string()))?;
    let rt = runtime()?;
    let result = rt.block_on(async move {
        let start = Instant::now();
        let handles: Vec<_> = (0..n).map(|_| tokio::spawn(async {})).collect();
        for h in handles {
            h.await
                .map_err(|e| ExperimentError::Panicked(e.to_string()))?;
        }
        Ok::<_, ExperimentError>(start.elapsed())
    });
    rt.shutdown_timeout(Duration::from_secs(1));
    Ok(cost(n, result?))
}

/// Opens the gate and joins the parked threads when dropped, so that no thread is left behind
/// on any path out of [`parked_threads`] (including early returns with `?`).
struct Parked {
    gate: Arc<(Mutex<bool>, Condvar)>,
    handles: Vec<JoinHandle<()>>,
}

impl Parked {
    fn release(&mut self) -> Result<()> {
        let (open, cv) = &*self.gate;
        *crate::trace::lock(open) = true;
        cv.notify_all();
        join_all(std::mem::take(&mut self.handles))
    }
}

impl Drop for Parked {
    fn drop(&mut self) {
        let _ = self.release();
    }
}

/// Start `n` std threads that block on a condition variable, and measure how much resident
/// memory the process gained while they are all parked.
///
/// # Errors
///
/// As [`spawn_join_threads`], plus probe errors (not Linux) and [`ExperimentError::Timeout`].
///
/// # Examples
///
/// ```
/// # #[cfg(target_os = "linux")] {
/// let p = interleave::experiments::parked_threads(16).unwrap();
/// assert_eq!(p.n, 16);
/// # }
/// ```
pub fn parked_threads(n: usize) -> Result<MemoryPoint> {
    check_n(n, MAX_THREADS)?;
    let before = resident_bytes()?;
    let started = Arc::new(AtomicUsize::new(0));
    let mut parked = Parked {
        gate: Arc::new((Mutex::new(false), Condvar::new())),
        handles: Vec::with_capacity(n),
    };
    for i in 0..n {
        let (gate, started) = (Arc::clone(&parked.gate), Arc::clone(&started));
        let spawned = std::thread::Builder::new().spawn(move || {
            let (open, cv) = &*gate;
            let mut open = crate::trace::lock(open);
            started.fetch_add(1, Ordering::SeqCst);
            while !*open {
                open = cv
                    .wait(open)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        });
        match spawned {
            Ok(h) => parked.handles.push(h),
            Err(source) => return Err(ExperimentError::Spawn { started: i, source }),
        }
    }
    // A thread counts itself while holding the gate's lock and releases it only inside
    // `wait`, so once all have counted and we can take the lock, all are parked.
    let deadline = Instant::now() + PARK_TIMEOUT;
    while started.load(Ordering::SeqCst) < n {
        if Instant::now() > deadline {
            return Err(ExperimentError::Timeout);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    drop(crate::trace::lock(&parked.gate.0));
    let after = resident_bytes()?;
    parked.release()?;
    Ok(memory(n, before, after))
}

/// Start `n` tokio tasks on a fresh 2-worker runtime that wait on a semaphore, and measure how
/// much resident memory the process gained while they are all parked (the runtime itself is
/// started before the first reading, so it is not counted).
///
/// # Errors
///
/// As [`spawn_join_tasks`], plus probe errors (not Linux) and [`ExperimentError::Timeout`].
///
/// # Examples
///
/// ```
/// # #[cfg(target_os = "linux")] {
/// let p = interleave::experiments::parked_tasks(1000).unwrap();
/// assert_eq!(p.n, 1000);
/// # }
/// ```
pub fn parked_tasks(n: usize) -> Result<MemoryPoint> {
    check_n(n, MAX_TASKS)?;
    crate::bounded::not_in_runtime().map_err(|e| ExperimentError::Panicked(e.to_string()))?;
    let rt = runtime()?;
    let result = rt.block_on(async move {
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let started = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::with_capacity(n);
        let before = resident_bytes()?;
        for _ in 0..n {
            let (gate, started) = (Arc::clone(&gate), Arc::clone(&started));
            handles.push(tokio::spawn(async move {
                started.fetch_add(1, Ordering::SeqCst);
                // The semaphore has no permits until every task is counted: each task parks
                // here. Closing it (below, or on error) wakes them all.
                let _ = gate.acquire().await;
            }));
        }
        let deadline = Instant::now() + PARK_TIMEOUT;
        while started.load(Ordering::SeqCst) < n {
            if Instant::now() > deadline {
                gate.close();
                return Err(ExperimentError::Timeout);
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let after = resident_bytes();
        gate.close();
        for h in handles {
            h.await
                .map_err(|e| ExperimentError::Panicked(e.to_string()))?;
        }
        Ok(memory(n, before, after?))
    });
    rt.shutdown_timeout(Duration::from_secs(1));
    result
}

/// Results of an experiment for std threads and tokio tasks at several `n`.
///
/// # Examples
///
/// ```
/// let sweep = interleave::experiments::spawn_cost_sweep(&[10, 100]).unwrap();
/// assert_eq!(sweep.threads.len(), 2);
/// let svg = sweep.chart().render().unwrap();
/// assert!(svg.as_str().contains("tokio task"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// What was measured (used as the chart's title).
    pub what: &'static str,
    /// The unit of `y`.
    pub unit: &'static str,
    /// `(n, y)` for std threads.
    pub threads: Vec<(usize, f64)>,
    /// `(n, y)` for tokio tasks.
    pub tasks: Vec<(usize, f64)>,
}

impl Sweep {
    /// A log-log line chart of both series against `n`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(target_os = "linux")] {
    /// let sweep = interleave::experiments::parked_memory_sweep(&[10, 20]).unwrap();
    /// sweep.chart().evcxr_display();
    /// # }
    /// ```
    pub fn chart(&self) -> Chart {
        Chart::line(self.what)
            .x_label("N (units)")
            .y_label(self.unit)
            .log_x()
            .log_y()
            .series("std thread", self.threads.clone())
            .series("tokio task", self.tasks.clone())
    }
}

/// [`spawn_join_threads`] and [`spawn_join_tasks`] at each `n` (threads above [`MAX_THREADS`]
/// are skipped).
///
/// # Errors
///
/// The first experiment error.
///
/// # Examples
///
/// ```
/// let s = interleave::experiments::spawn_cost_sweep(&[1, 10]).unwrap();
/// assert_eq!(s.tasks[1].0, 10);
/// ```
pub fn spawn_cost_sweep(ns: &[usize]) -> Result<Sweep> {
    let mut sweep = Sweep {
        what: "spawn + join cost per unit",
        unit: "ns per unit",
        threads: vec![],
        tasks: vec![],
    };
    for &n in ns {
        if n <= MAX_THREADS {
            sweep.threads.push((n, spawn_join_threads(n)?.per_unit_ns));
        }
        sweep.tasks.push((n, spawn_join_tasks(n)?.per_unit_ns));
    }
    Ok(sweep)
}

/// [`parked_threads`] and [`parked_tasks`] at each `n` (threads above [`MAX_THREADS`] are
/// skipped).
///
/// # Errors
///
/// The first experiment error.
///
/// # Examples
///
/// ```
/// # #[cfg(target_os = "linux")] {
/// let s = interleave::experiments::parked_memory_sweep(&[50]).unwrap();
/// assert_eq!(s.unit, "resident bytes per parked unit");
/// # }
/// ```
pub fn parked_memory_sweep(ns: &[usize]) -> Result<Sweep> {
    let mut sweep = Sweep {
        what: "resident memory per parked unit",
        unit: "resident bytes per parked unit",
        threads: vec![],
        tasks: vec![],
    };
    for &n in ns {
        if n <= MAX_THREADS {
            sweep.threads.push((n, parked_threads(n)?.per_unit_bytes));
        }
        sweep.tasks.push((n, parked_tasks(n)?.per_unit_bytes));
    }
    Ok(sweep)
}
