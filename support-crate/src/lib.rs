//! See concurrency: record what threads and tasks do, draw it, measure it, and keep demos
//! bounded. The support library of the "concurrency in Rust" notebooks (think of Go's execution
//! tracer, shrunk to a notebook cell).
//!
//! In a notebook (evcxr kernel):
//!
//! ```text
//! :dep interleave = { path = "../support-crate" }
//! ```
//!
//! # Record a trace
//!
//! A [`Trace`] is a shared recording. Every thread or task gets its own [`Lane`] (a named row of
//! the picture) and records into it: **spans** (a guard that ends the span when dropped),
//! **marks** (an instant with a label) and **messages** (a send paired with its receive, so the
//! picture draws an arrow). A trace and its lanes are cheap to clone into threads and tasks.
//!
//! ```
//! use interleave::Trace;
//! use std::sync::mpsc;
//!
//! let trace = Trace::new();
//! let (tx, rx) = mpsc::sync_channel(0); // a rendezvous channel
//!
//! std::thread::scope(|s| {
//!     let producer = trace.lane("producer");
//!     s.spawn(move || {
//!         for i in 0..3 {
//!             let _work = producer.span(format!("make {i}"));
//!             let msg = producer.send(format!("item {i}"));
//!             tx.send((i, msg)).unwrap(); // the Msg token travels with the item
//!         }
//!     });
//!     let consumer = trace.lane("consumer");
//!     s.spawn(move || {
//!         for (i, msg) in rx {
//!             consumer.recv(msg);
//!             consumer.mark(format!("got {i}"));
//!         }
//!     });
//! });
//!
//! let snap = trace.snapshot();
//! assert_eq!(snap.lane_names(), ["producer", "consumer"]);
//! assert_eq!(snap.spans().len(), 3);
//! assert!(snap.messages().iter().all(|m| m.to_lane == Some(1)));
//! assert_eq!(snap.mark_labels(), ["got 0", "got 1", "got 2"]);
//! ```
//!
//! # Draw it
//!
//! [`Trace::timeline`] gives a [`Timeline`]: a row per lane, spans as bars, marks as ticks,
//! messages as arrows, and a time axis. As the last expression of a notebook cell it shows
//! inline (through `evcxr_display`); [`Timeline::save`] writes an `.svg` file and
//! [`Timeline::render`] returns the [`Svg`]. Labels may hold any text: markup is escaped.
//!
//! ```
//! # use interleave::Trace;
//! let trace = Trace::new();
//! let lane = trace.lane("main");
//! lane.in_span("<setup>", || lane.mark("ready & go"));
//! let svg = trace.timeline().title("one lane").size(600, 160).render()?;
//! assert!(svg.as_str().contains("ready &amp; go"));
//! # Ok::<(), interleave::PlotError>(())
//! ```
//!
//! Measurements get a [`Histogram`] (e.g. the final value of a racy counter over many runs) or
//! a [`Chart`] (lines or bars, with log axes):
//!
//! ```
//! use interleave::{Chart, Histogram};
//!
//! let finals = [2000, 1873, 2000, 1999, 1500];
//! let h = Histogram::of_values(finals).title("final counter over 5 runs").x_label("value");
//! assert_eq!(h.total(), 5);
//!
//! let c = Chart::line("cost per unit").log_x().log_y()
//!     .series("std thread", vec![(10, 50_000.0), (1000, 45_000.0)])
//!     .series("tokio task", vec![(10, 900.0), (1000, 500.0)]);
//! assert!(c.render().is_ok());
//! ```
//!
//! # Deterministic pictures
//!
//! Real time differs on every run. For tests and stored images use [`Trace::logical`] (each
//! event takes the next tick) or [`Clock::Tokio`] inside a paused runtime
//! ([`bounded::Flavor::Paused`]): the same program then gives byte-for-byte the same SVG.
//!
//! ```
//! use interleave::{Clock, Trace};
//! use interleave::bounded::{self, Flavor};
//! use std::time::Duration;
//!
//! let picture = || {
//!     let trace = Trace::builder().clock(Clock::Tokio).build();
//!     let lane = trace.lane("task");
//!     bounded::block_on(Flavor::Paused, Duration::from_secs(60), async {
//!         let _s = lane.span("sleep 5s");
//!         tokio::time::sleep(Duration::from_secs(5)).await;
//!     })
//!     .unwrap();
//!     trace.timeline().render().unwrap()
//! };
//! assert_eq!(picture(), picture());
//! ```
//!
//! # Capacity
//!
//! A trace keeps at most [`Trace::capacity`] events ([`DEFAULT_CAPACITY`] by default). Past
//! that, events are only counted ([`Trace::dropped`]) and the picture says so. Recording never
//! panics and never grows without bound; it costs tens of nanoseconds per event.
//!
//! ```
//! let trace = interleave::Trace::with_capacity(100);
//! let lane = trace.lane("busy");
//! for i in 0..1000 {
//!     lane.mark(format!("{i}"));
//! }
//! assert_eq!(trace.len() as u64 + trace.dropped(), 1000);
//! assert!(trace.len() <= 100);
//! ```
//!
//! # Measure
//!
//! [`measure::time`] times a closure; [`measure::resident_bytes`] and
//! [`measure::thread_count`] read the process's memory and threads (Linux). The
//! [`experiments`] module holds the first notebook's experiments: the cost of spawning and
//! joining, and the memory of parked threads and tasks.
//!
//! ```
//! use interleave::{experiments, measure};
//!
//! let t = measure::time(10, || (0..1_000u64).sum::<u64>());
//! assert!(t.min <= t.median);
//! let point = experiments::spawn_join_tasks(1_000)?;
//! println!("{point}"); // n = 1000: ... ns per unit
//! # Ok::<(), experiments::ExperimentError>(())
//! ```
//!
//! # Keep demos bounded
//!
//! A notebook cell that hangs cannot be interrupted without losing every variable. The
//! [`bounded`] module runs a closure on a thread with a deadline, an async block on a fresh
//! runtime with a deadline, repeats a check and reports every failing run, and lists threads a
//! demo left running.
//!
//! ```
//! use interleave::bounded::{self, Flavor};
//! use std::time::Duration;
//!
//! let outcome = bounded::run_thread(Duration::from_millis(20), || loop {
//!     std::thread::sleep(Duration::from_millis(5)); // never finishes
//! });
//! assert!(outcome.is_timed_out()); // and the outcome says the thread is still running
//!
//! let r = bounded::block_on(Flavor::CurrentThread, Duration::from_millis(20), async {
//!     std::future::pending::<()>().await
//! });
//! assert!(r.is_err());
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod budget;
mod clock;
mod lane;
mod snapshot;
mod trace;

pub mod bounded;
pub mod experiments;
pub mod measure;
pub mod plot;

pub use clock::Clock;
pub use lane::{Lane, Msg, Span};
pub use plot::{Bin, Chart, Histogram, PlotError, Svg, Timeline, Value};
pub use snapshot::{
    Event, EventKind, MarkRecord, MessageRecord, Snapshot, SpanRecord, UnmatchedReceive,
};
pub use trace::{DEFAULT_CAPACITY, Trace, TraceBuilder};
