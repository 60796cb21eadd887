//! Receipt pipeline: a 12 MP JPEG through `files::inspect::inspect` (type sniffing,
//! limits, decoding with limits, thumbnail, sha256): milliseconds per image and peak memory.
//!
//! `cargo run --release -p bench --bin receipt -- --iterations 30`
use std::time::Instant;

use anyhow::{Context, bail};
use bench::{Samples, proc_status_kib, reset_peak_rss};
use clap::Parser;
use files::inspect::{Limits, inspect};

#[derive(Parser, Debug)]
struct Args {
    /// Image width in pixels.
    #[arg(long, default_value_t = 4000)]
    width: u32,
    /// Image height in pixels.
    #[arg(long, default_value_t = 3000)]
    height: u32,
    /// JPEG quality of the generated photo.
    /// (75 gives about 4.9 MiB, a phone photo's size; 90 is over the 10 MiB receipt limit.)
    #[arg(long, default_value_t = 75)]
    quality: u8,
    /// Untimed runs before measuring.
    #[arg(long, default_value_t = 3)]
    warmup: usize,
    /// Timed runs.
    #[arg(long, default_value_t = 50)]
    iterations: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;

    let started = Instant::now();
    let jpeg = bench::photo_jpeg(args.width, args.height, args.quality)?;
    let limits = Limits::default();
    println!(
        "input: {}x{} JPEG (q{}), {:.2} MiB, generated in {:.1} s",
        args.width,
        args.height,
        args.quality,
        jpeg.len() as f64 / (1024.0 * 1024.0),
        started.elapsed().as_secs_f64()
    );
    if jpeg.len() > limits.max_bytes {
        bail!(
            "the generated JPEG is over the receipt size limit ({} bytes); lower --quality",
            limits.max_bytes
        );
    }

    // Peak memory of one inspection, the input bytes excluded: reset the high-water mark to
    // what the process holds now (the generator's buffers are freed), then run once.
    let peak_reset = reset_peak_rss();
    let rss_before = proc_status_kib("VmRSS").context("reading /proc/self/status")?;
    let input = jpeg.clone();
    let first = runtime.block_on(inspect(input, &limits))?;
    let hwm = proc_status_kib("VmHWM").context("reading /proc/self/status")?;
    println!(
        "output: a {}x{} image; thumbnail {} bytes (longest side at most {}); sha256 {}…",
        first.width.unwrap_or(0),
        first.height.unwrap_or(0),
        first.thumbnail.as_ref().map_or(0, Vec::len),
        limits.thumb_size,
        &first.sha256[..16]
    );
    drop(first);

    for _ in 0..args.warmup {
        runtime.block_on(inspect(jpeg.clone(), &limits))?;
    }
    let mut samples = Samples::with_capacity(args.iterations);
    for _ in 0..args.iterations {
        let input = jpeg.clone();
        let t = Instant::now();
        let inspected = runtime.block_on(inspect(input, &limits))?;
        samples.push(t.elapsed());
        drop(inspected);
    }
    let hwm_all = proc_status_kib("VmHWM").context("reading /proc/self/status")?;

    println!("{}", samples.summary("inspect 12 MP JPEG"));
    if peak_reset {
        println!(
            "peak memory, one inspection: +{:.1} MiB over a {:.1} MiB baseline (VmHWM {:.1} MiB; \
             over all runs {:.1} MiB)",
            (hwm.saturating_sub(rss_before)) as f64 / 1024.0,
            rss_before as f64 / 1024.0,
            hwm as f64 / 1024.0,
            hwm_all as f64 / 1024.0,
        );
    } else {
        println!(
            "peak memory: could not reset VmHWM; process peak {:.1} MiB (includes the generator)",
            hwm_all as f64 / 1024.0
        );
    }
    Ok(())
}
