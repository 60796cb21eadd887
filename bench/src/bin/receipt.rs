//! Receipt pipeline: a 12 MP JPEG through `files::inspect::inspect` (type sniffing, limits,
//! decoding at the thumbnail's scale, EXIF orientation, thumbnail, sha256), in the same run as
//! the pipeline before issue 14 (`baseline_full_decode_inspect_sync`: full-size decode, then
//! shrink) and Pillow (`bench/pillow_receipt.py`: full decode and the same 512 px thumbnail of
//! the same file). Milliseconds per image, peak memory, and the ratio ours / Pillow.
//!
//! `cargo run --release -p bench --bin receipt -- --runs 3 --iterations 30`
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bench::{Samples, ms, proc_status_kib, reset_peak_rss};
use clap::Parser;
use files::inspect::{Inspected, Limits, Rejection, baseline_full_decode_inspect_sync, inspect};

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
    /// Untimed inspections before each timed set.
    #[arg(long, default_value_t = 3)]
    warmup: usize,
    /// Timed inspections per run, for each of ours, the old path and Pillow.
    #[arg(long, default_value_t = 30)]
    iterations: usize,
    /// Runs; each times ours, then the old path, then Pillow.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Skip the old (full-decode) path.
    #[arg(long)]
    no_baseline: bool,
    /// Skip Pillow.
    #[arg(long)]
    no_pillow: bool,
    /// The Python that runs the Pillow script (Pillow is pip-installed when missing).
    #[arg(long, default_value = "python3")]
    python: String,
    /// Keep the generated JPEG here instead of a temp file.
    #[arg(long)]
    keep_jpeg: Option<PathBuf>,
}

/// `/proc/loadavg`'s three averages.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// The old path, on the blocking pool as `inspect` runs the new one.
async fn baseline(bytes: Vec<u8>, limits: &Limits) -> Result<Inspected, Rejection> {
    let limits = limits.clone();
    tokio::task::spawn_blocking(move || baseline_full_decode_inspect_sync(bytes, &limits))
        .await
        .unwrap_or(Err(Rejection::Unreadable))
}

/// Runs the Pillow script on `path`: per-iteration times and its versions.
fn pillow(args: &Args, path: &std::path::Path) -> anyhow::Result<(Samples, String)> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/pillow_receipt.py");
    let out = Command::new(&args.python)
        .arg(script)
        .arg(path)
        .args(["--iterations", &args.iterations.to_string()])
        .args(["--warmup", &args.warmup.to_string()])
        .args(["--size", &Limits::default().thumb_size.to_string()])
        .output()
        .with_context(|| format!("running {} {script}", args.python))?;
    if !out.status.success() {
        bail!(
            "the Pillow script failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout
        .lines()
        .last()
        .context("no output from the Pillow script")?;
    let report: serde_json::Value = serde_json::from_str(last)?;
    let mut samples = Samples::with_capacity(args.iterations);
    for t in report["ms"]
        .as_array()
        .context("no times from the Pillow script")?
    {
        let t = t.as_f64().context("a time that is not a number")?;
        samples.push(Duration::from_secs_f64(t / 1000.0));
    }
    let about = format!(
        "Pillow {} (libjpeg-turbo {}), thumbnail {}x{}, {} bytes",
        report["pillow"].as_str().unwrap_or("?"),
        report["libjpeg_turbo"].as_str().unwrap_or("?"),
        report["thumbnail"][0],
        report["thumbnail"][1],
        report["thumbnail_bytes"],
    );
    Ok((samples, about))
}

/// Peak memory of one inspection above the RSS just before, in MiB (None if VmHWM cannot be
/// reset).
fn peak_mib(run: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<Option<f64>> {
    if !reset_peak_rss() {
        run()?;
        return Ok(None);
    }
    let before = proc_status_kib("VmRSS").context("reading /proc/self/status")?;
    run()?;
    let hwm = proc_status_kib("VmHWM").context("reading /proc/self/status")?;
    Ok(Some(hwm.saturating_sub(before) as f64 / 1024.0))
}

/// min / median / max of the runs' medians.
fn spread(medians: &[f64]) -> String {
    let mut sorted = medians.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return "-".into();
    }
    let median = if sorted.len() % 2 == 1 {
        sorted[sorted.len() / 2]
    } else {
        (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
    };
    format!(
        "min {:>8.3}  median {:>8.3}  max {:>8.3}",
        sorted[0],
        median,
        sorted[sorted.len() - 1]
    )
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
    // The same bytes for Pillow.
    let temp;
    let path = match &args.keep_jpeg {
        Some(path) => path.clone(),
        None => {
            temp = tempfile::Builder::new()
                .prefix("vitrina-receipt-")
                .suffix(".jpg")
                .tempfile()?;
            temp.path().to_owned()
        }
    };
    std::fs::write(&path, &jpeg).with_context(|| format!("writing {}", path.display()))?;
    println!("written to {} for Pillow", path.display());

    // Peak memory of one inspection, the input bytes excluded: reset the high-water mark to
    // what the process holds now (the generator's buffers are freed), then run once.
    let mut first = None;
    let peak = peak_mib(|| {
        first = Some(runtime.block_on(inspect(jpeg.clone(), &limits))?);
        Ok(())
    })?;
    let first = first.context("no first inspection")?;
    println!(
        "output: a {}x{} image; thumbnail {} bytes (longest side at most {}); sha256 {}…",
        first.width.unwrap_or(0),
        first.height.unwrap_or(0),
        first.thumbnail.as_ref().map_or(0, Vec::len),
        limits.thumb_size,
        &first.sha256[..16]
    );
    let mut old_peak = None;
    if !args.no_baseline {
        let mut old = None;
        old_peak = peak_mib(|| {
            old = Some(runtime.block_on(baseline(jpeg.clone(), &limits))?);
            Ok(())
        })?;
        let old = old.context("no baseline inspection")?;
        if (old.width, old.height, &old.sha256) != (first.width, first.height, &first.sha256) {
            bail!(
                "the old path disagrees: {:?}x{:?} {}",
                old.width,
                old.height,
                old.sha256
            );
        }
    }
    drop(first);

    let mut ours_medians = Vec::new();
    let mut old_medians = Vec::new();
    let mut pillow_medians = Vec::new();
    let mut ratios = Vec::new();
    let mut loads = Vec::new();
    let mut pillow_about = String::new();
    for run in 1..=args.runs {
        let load_before = loadavg();
        for _ in 0..args.warmup {
            runtime.block_on(inspect(jpeg.clone(), &limits))?;
        }
        let mut ours = Samples::with_capacity(args.iterations);
        for _ in 0..args.iterations {
            let input = jpeg.clone();
            let t = Instant::now();
            let inspected = runtime.block_on(inspect(input, &limits))?;
            ours.push(t.elapsed());
            drop(inspected);
        }
        println!("run {run}: {}", ours.summary("inspect (scaled decode)"));
        ours_medians.push(ms(ours.percentile(50.0)));

        if !args.no_baseline {
            for _ in 0..args.warmup {
                runtime.block_on(baseline(jpeg.clone(), &limits))?;
            }
            let mut old = Samples::with_capacity(args.iterations);
            for _ in 0..args.iterations {
                let input = jpeg.clone();
                let t = Instant::now();
                let inspected = runtime.block_on(baseline(input, &limits))?;
                old.push(t.elapsed());
                drop(inspected);
            }
            println!("run {run}: {}", old.summary("old path (full decode)"));
            old_medians.push(ms(old.percentile(50.0)));
        }

        if !args.no_pillow {
            let (samples, about) = pillow(&args, &path)?;
            println!(
                "run {run}: {}",
                samples.summary("Pillow decode + thumbnail")
            );
            let p50 = ms(samples.percentile(50.0));
            pillow_medians.push(p50);
            ratios.push(ms(ours.percentile(50.0)) / p50);
            pillow_about = about;
        }
        let load_after = loadavg();
        println!("run {run}: load average {load_before} before, {load_after} after");
        loads.push((load_before, load_after));
    }

    println!();
    println!(
        "over {} runs of {} timed iterations each: medians (p50) of the runs, ms",
        args.runs, args.iterations
    );
    println!("  ours (scaled decode)       {}", spread(&ours_medians));
    if !args.no_baseline {
        println!("  old path (full decode)     {}", spread(&old_medians));
    }
    if !args.no_pillow {
        println!("  Pillow                     {}", spread(&pillow_medians));
        println!("  ratio ours / Pillow        {}", spread(&ratios));
        println!("  ({pillow_about})");
    }
    let loads: Vec<String> = loads.iter().map(|(a, b)| format!("{a} → {b}")).collect();
    println!("  load average per run (1/5/15 min): {}", loads.join("; "));
    match peak {
        Some(peak) => println!(
            "peak memory, one inspection: +{peak:.1} MiB ours{}",
            old_peak.map_or(String::new(), |old| format!(", +{old:.1} MiB old path"))
        ),
        None => println!("peak memory: could not reset VmHWM"),
    }
    Ok(())
}
