//! Records 100,000 events from 4 threads as fast as they can and draws them (merged) to the
//! path given, or `/tmp/recorded.svg`: `cargo run --release -p interleave --example recorded`.

use interleave::Trace;

fn main() -> Result<(), interleave::PlotError> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/recorded.svg".into());
    let trace = Trace::new();
    std::thread::scope(|s| {
        for i in 0..4 {
            let lane = trace.lane(format!("thread {i}"));
            let next = trace.lane(format!("peer {i}"));
            s.spawn(move || {
                for j in 0..6_250 {
                    let _s = lane.span("step");
                    lane.mark("tick");
                    if j % 2 == 0 {
                        next.recv(lane.send("msg"));
                    }
                }
            });
        }
    });
    trace
        .timeline()
        .title("100,000 events from 4 threads")
        .size(1000, 500)
        .save(&path)?;
    println!("wrote {path} ({} events)", trace.len());
    Ok(())
}
