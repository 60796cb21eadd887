//! Hostile receipts: every file of `testkit::hostile` (PDFs that aborted or ballooned the old
//! parser, image bombs, the largest image let through) through
//! `files::inspect::inspect_sync`, next to a plain one-page PDF and a 12 MP photo as
//! baselines: min / median / max wall time and the peak memory above the baseline per file.
//!
//! `cargo run --release -p bench --bin hostile -- --iterations 5`
use std::time::{Duration, Instant};

use bench::{proc_status_kib, reset_peak_rss};
use clap::Parser;
use files::inspect::{Limits, inspect_sync};
use testkit::hostile::{hostile_images, hostile_pdfs};

#[derive(Parser, Debug)]
struct Args {
    /// Timed runs per file.
    #[arg(long, default_value_t = 5)]
    iterations: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let limits = Limits::default();
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "baseline: a plain one-page PDF".to_owned(),
            testkit::files::plain_pdf(1, "", &[]),
        ),
        (
            "baseline: a 12 MP photo (4000 x 3000 JPEG, q75)".to_owned(),
            bench::photo_jpeg(4000, 3000, 75)?,
        ),
    ];
    for (name, file, _) in hostile_pdfs().into_iter().chain(hostile_images()) {
        files.push((name.to_owned(), file));
    }
    println!(
        "{:<66} {:>9} {:>26} {:>9}  outcome",
        "file", "size", "time min/median/max ms", "peak MiB"
    );
    let (mut worst_time, mut worst_peak) = (Duration::ZERO, 0u64);
    for (name, file) in &files {
        let mut times = Vec::with_capacity(args.iterations);
        let mut peak = 0u64;
        let mut outcome = String::new();
        for _ in 0..args.iterations.max(1) {
            let input = file.clone();
            reset_peak_rss();
            let before = proc_status_kib("VmRSS").unwrap_or(0);
            let t = Instant::now();
            let got = inspect_sync(input, &limits);
            times.push(t.elapsed());
            let hwm = proc_status_kib("VmHWM").unwrap_or(0);
            peak = peak.max(hwm.saturating_sub(before));
            outcome = match got {
                Ok(_) => "accepted".to_owned(),
                Err(r) => format!("{r:?}"),
            };
        }
        times.sort();
        let (min, med, max) = (times[0], times[times.len() / 2], times[times.len() - 1]);
        worst_time = worst_time.max(max);
        worst_peak = worst_peak.max(peak);
        println!(
            "{:<66} {:>9} {:>8.1} /{:>7.1} /{:>7.1} {:>9.1}  {outcome}",
            name,
            file.len(),
            bench::ms(min),
            bench::ms(med),
            bench::ms(max),
            peak as f64 / 1024.0
        );
    }
    println!(
        "worst over all files: {:.1} ms, {:.1} MiB above the baseline (goal: 2000 ms, 256 MiB)",
        bench::ms(worst_time),
        worst_peak as f64 / 1024.0
    );
    Ok(())
}
