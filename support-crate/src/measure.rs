//! Measuring: time a closure, and read the process's resident memory and thread count.
//!
//! Memory and threads come from Linux's `/proc/self/status`; elsewhere the probes return
//! [`ProbeError::Unsupported`] instead of a made-up number.
//!
//! # Examples
//!
//! ```
//! use interleave::measure;
//! let timing = measure::time(20, || std::hint::black_box(3u64).pow(5));
//! println!("{timing}");
//! match measure::resident_bytes() {
//!     Ok(bytes) => println!("{bytes} bytes resident"),
//!     Err(e) => println!("{e}"), // e.g. not on Linux
//! }
//! ```

use std::fmt;
use std::time::{Duration, Instant};

/// The timing of a closure over several runs.
///
/// # Examples
///
/// ```
/// let t = interleave::measure::time(5, || (0..1000).sum::<u64>());
/// assert_eq!(t.runs, 5);
/// assert!(t.min <= t.median && t.median <= t.max);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Timing {
    /// The middle run (the mean of the two middle runs for an even count).
    pub median: Duration,
    /// The fastest run.
    pub min: Duration,
    /// The slowest run.
    pub max: Duration,
    /// How many runs were timed (the warm-up run is not counted).
    pub runs: usize,
}

impl fmt::Display for Timing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "median {:?} (min {:?}, max {:?}, {} runs)",
            self.median, self.min, self.max, self.runs
        )
    }
}

/// Time `work`: one warm-up run (caches, lazy initialisation), then `runs` timed runs.
///
/// The result of `work` goes through [`std::hint::black_box`] so the compiler cannot remove the
/// work. With `runs == 0` only the warm-up runs and every figure is zero.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// let t = interleave::measure::time(3, || std::thread::sleep(Duration::from_millis(1)));
/// assert!(t.min >= Duration::from_millis(1));
/// println!("{t}");
/// ```
pub fn time<R>(runs: usize, mut work: impl FnMut() -> R) -> Timing {
    std::hint::black_box(work());
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(work());
            start.elapsed()
        })
        .collect();
    if times.is_empty() {
        return Timing::default();
    }
    times.sort();
    let mid = times.len() / 2;
    let median = if times.len() % 2 == 1 {
        times[mid]
    } else {
        (times[mid - 1] + times[mid]) / 2
    };
    Timing {
        median,
        min: times[0],
        max: times[times.len() - 1],
        runs,
    }
}

/// Why a process probe failed.
///
/// # Examples
///
/// ```
/// let e = interleave::measure::ProbeError::Unsupported("macos");
/// assert!(e.to_string().contains("Linux"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum ProbeError {
    /// Not Linux: there is no `/proc/self/status` to read (the name of the OS is given).
    Unsupported(&'static str),
    /// Reading `/proc` failed.
    Io(std::io::Error),
    /// The file did not hold the expected field.
    Parse(String),
}

impl fmt::Display for ProbeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProbeError::Unsupported(os) => write!(
                f,
                "process probes read Linux's /proc/self/status; not available on {os}"
            ),
            ProbeError::Io(e) => write!(f, "could not read /proc/self/status: {e}"),
            ProbeError::Parse(what) => write!(f, "unexpected /proc/self/status: {what}"),
        }
    }
}

impl std::error::Error for ProbeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProbeError::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// Read one numeric field (`VmRSS:`, `Threads:`) of `/proc/self/status`.
fn status_field(name: &str) -> Result<u64, ProbeError> {
    if !cfg!(target_os = "linux") {
        return Err(ProbeError::Unsupported(std::env::consts::OS));
    }
    let status = std::fs::read_to_string("/proc/self/status").map_err(ProbeError::Io)?;
    parse_status_field(&status, name)
}

pub(crate) fn parse_status_field(status: &str, name: &str) -> Result<u64, ProbeError> {
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(':')))
        .ok_or_else(|| ProbeError::Parse(format!("no {name} line")))?;
    let number = line
        .split_whitespace()
        .next()
        .ok_or_else(|| ProbeError::Parse(format!("{name} has no value")))?;
    number
        .parse()
        .map_err(|_| ProbeError::Parse(format!("{name} value {number:?} is not a number")))
}

/// The process's resident memory (`VmRSS`) in bytes.
///
/// # Errors
///
/// [`ProbeError::Unsupported`] off Linux; [`ProbeError::Io`] / [`ProbeError::Parse`] if `/proc`
/// cannot be read.
///
/// # Examples
///
/// ```
/// # #[cfg(target_os = "linux")] {
/// let rss = interleave::measure::resident_bytes().unwrap();
/// assert!(rss > 1024 * 1024);
/// # }
/// ```
pub fn resident_bytes() -> Result<u64, ProbeError> {
    // The kernel reports kB (KiB).
    status_field("VmRSS").map(|kb| kb.saturating_mul(1024))
}

/// The number of threads in this process.
///
/// # Errors
///
/// As [`resident_bytes`].
///
/// # Examples
///
/// ```standalone_crate
/// # #[cfg(target_os = "linux")] {
/// let before = interleave::measure::thread_count().unwrap();
/// std::thread::scope(|s| {
///     s.spawn(|| {
///         assert!(interleave::measure::thread_count().unwrap() > before);
///     });
/// });
/// # }
/// ```
pub fn thread_count() -> Result<usize, ProbeError> {
    status_field("Threads").map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_even_and_odd_counts() {
        let t = time(4, || 1);
        assert_eq!(t.runs, 4);
        assert!(t.min <= t.median && t.median <= t.max);
        assert_eq!(time(0, || 1), Timing::default());
    }

    #[test]
    fn parses_status_fields() {
        let status = "Name:\tx\nVmRSS:\t  1234 kB\nThreads:\t7\n";
        assert_eq!(parse_status_field(status, "VmRSS").unwrap(), 1234);
        assert_eq!(parse_status_field(status, "Threads").unwrap(), 7);
        assert!(matches!(
            parse_status_field(status, "VmHWM"),
            Err(ProbeError::Parse(_))
        ));
        assert!(matches!(
            parse_status_field("Threads:\n", "Threads"),
            Err(ProbeError::Parse(_))
        ));
        assert!(matches!(
            parse_status_field("Threads: x\n", "Threads"),
            Err(ProbeError::Parse(_))
        ));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn probes_work_on_linux() {
        assert!(resident_bytes().unwrap() > 0);
        assert!(thread_count().unwrap() >= 1);
    }
}
