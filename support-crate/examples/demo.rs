//! Draws a small timeline of a producer and a consumer to `/tmp/timeline-demo.svg` (or the path
//! given as the first argument): `cargo run -p interleave --example demo`.

use std::sync::mpsc;
use std::time::Duration;

use interleave::Trace;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/timeline-demo.svg".into());
    let trace = Trace::new();
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::scope(|s| {
        let producer = trace.lane("producer");
        s.spawn(move || {
            for i in 0..5 {
                let _make = producer.span(format!("make {i}"));
                std::thread::sleep(Duration::from_millis(2));
                let msg = producer.send(format!("item {i}"));
                if tx.send((i, msg)).is_err() {
                    return;
                }
            }
        });
        let consumer = trace.lane("consumer");
        s.spawn(move || {
            for (i, msg) in rx {
                consumer.recv(msg);
                let _use = consumer.span(format!("use {i}"));
                std::thread::sleep(Duration::from_millis(3));
                consumer.mark(format!("done {i}"));
            }
        });
    });
    let main = trace.lane("main <&> \"quotes\"");
    main.mark("all joined");
    std::mem::forget(main.span("never ended"));
    trace
        .timeline()
        .title("sync_channel(1): producer and consumer")
        .save(&path)?;
    println!("wrote {path}");
    Ok(())
}
