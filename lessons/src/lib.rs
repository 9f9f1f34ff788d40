//! The code that notebooks 05-08 teach, kept in a crate so that it has real tests.
//!
//! * [`doubler`]: the Go tutorial's `NumberDoubler`, with threads and crossbeam channels and with
//!   tokio tasks (notebook 05).
//! * [`counter`]: a counter with a lost update and its fix, written so that loom can check the
//!   very same code (notebook 05, `tests/loom_counter.rs`).
//! * [`join`]: joining threads with a deadline, so that no test or cell can hang on a join.
//!
//! `make test` runs every test in `tests/` (through `cargo test --workspace`).

pub mod counter;
pub mod doubler;
pub mod join;
