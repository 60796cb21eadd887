//! Shared pieces of the benchmark binaries (`src/bin/*`): timing samples, percentiles and the
//! process's memory figures, generated photos, the open-files limit; the app wired for the
//! end-to-end benchmarks ([`app`]) and a light SSE client ([`sse`]). Run the binaries in release
//! mode; see `README.md`.
pub mod app;
pub mod sse;

use std::time::Duration;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, RgbImage};

/// Durations of the measured runs of one benchmark.
#[derive(Debug, Default)]
pub struct Samples {
    times: Vec<Duration>,
}

impl Samples {
    pub fn with_capacity(n: usize) -> Self {
        Self {
            times: Vec::with_capacity(n),
        }
    }

    pub fn push(&mut self, d: Duration) {
        self.times.push(d);
    }

    /// Adds another set's samples to these.
    pub fn extend(&mut self, other: Samples) {
        self.times.extend(other.times);
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// The `p`-th percentile (0–100), nearest-rank; zero when there are no samples.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.times.is_empty() {
            return Duration::ZERO;
        }
        let mut sorted = self.times.clone();
        sorted.sort_unstable();
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    pub fn mean(&self) -> Duration {
        if self.times.is_empty() {
            return Duration::ZERO;
        }
        self.times.iter().sum::<Duration>() / self.times.len() as u32
    }

    /// One line: `label  n=…  p50=… ms  p99=… ms  mean=… ms  max=… ms`.
    pub fn summary(&self, label: &str) -> String {
        format!(
            "{label:<34} n={:<5} p50={:>9.3} ms  p99={:>9.3} ms  mean={:>9.3} ms  max={:>9.3} ms",
            self.len(),
            ms(self.percentile(50.0)),
            ms(self.percentile(99.0)),
            ms(self.mean()),
            ms(self.percentile(100.0)),
        )
    }
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

// Shared with the tests that bound memory (domain/tests/hostile_files.rs).
pub use testkit::memory::{proc_status_kib, reset_peak_rss};

/// A small, fast, deterministic pseudo-random sequence (xorshift64*), so generated inputs are
/// the same on every run without another dependency.
#[derive(Clone, Debug)]
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// A photo-like JPEG (gradients, waves and per-pixel noise, so it is the size of a real photo
/// rather than a trivially compressible block of colour); `1600 × 1200` is a ~2 MP receipt.
pub fn photo_jpeg(width: u32, height: u32, quality: u8) -> anyhow::Result<Vec<u8>> {
    let mut rng = XorShift::new(0x5EED);
    let img = RgbImage::from_fn(width, height, |x, y| {
        let fx = x as f32 / width as f32;
        let fy = y as f32 / height as f32;
        let wave = ((x as f32 / 37.0).sin() * (y as f32 / 53.0).cos() * 40.0) as i32;
        let r = rng.next_u64();
        let noise = |shift: u32| ((r >> shift) & 0x3F) as i32 - 32;
        let px = |base: f32, shift: u32| (base * 200.0) as i32 + wave + noise(shift);
        image::Rgb([
            px(fx, 0).clamp(0, 255) as u8,
            px(fy, 8).clamp(0, 255) as u8,
            px(1.0 - fx * fy, 16).clamp(0, 255) as u8,
        ])
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality).write_image(
        img.as_raw(),
        width,
        height,
        image::ExtendedColorType::Rgb8,
    )?;
    Ok(out)
}

/// `jpeg` with a comment segment naming `n` after its start marker: the same picture (the same
/// decoding work) but other bytes, so receipts are not flagged as duplicates of each other.
pub fn numbered_jpeg(jpeg: &[u8], n: u64) -> Vec<u8> {
    let comment = format!("bench receipt {n}");
    let mut out = Vec::with_capacity(jpeg.len() + comment.len() + 4);
    out.extend_from_slice(&jpeg[..2.min(jpeg.len())]);
    out.extend([0xFF, 0xFE]);
    out.extend(((comment.len() + 2) as u16).to_be_bytes());
    out.extend(comment.as_bytes());
    out.extend_from_slice(&jpeg[2.min(jpeg.len())..]);
    out
}

/// Raises this process's open-files limit to `want` (the soft limit, and the hard one when that
/// is lower and the process may raise it, as root may). Returns the soft limit now in force.
pub fn raise_open_files(want: u64) -> u64 {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let now = getrlimit(Resource::Nofile);
    let soft = now.current.unwrap_or(u64::MAX);
    if soft >= want {
        return soft;
    }
    let hard = now.maximum.unwrap_or(u64::MAX);
    let raised = Rlimit {
        current: Some(want),
        maximum: Some(hard.max(want)),
    };
    if setrlimit(Resource::Nofile, raised).is_ok() {
        return want;
    }
    // Not allowed to raise the hard limit: go as far as it lets us.
    let capped = Rlimit {
        current: Some(hard),
        maximum: now.maximum,
    };
    let _ = setrlimit(Resource::Nofile, capped);
    getrlimit(Resource::Nofile).current.unwrap_or(soft)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut s = Samples::default();
        for i in 1..=100 {
            s.push(Duration::from_millis(i));
        }
        assert_eq!(s.percentile(50.0), Duration::from_millis(50));
        assert_eq!(s.percentile(99.0), Duration::from_millis(99));
        assert_eq!(s.percentile(100.0), Duration::from_millis(100));
        assert_eq!(s.percentile(0.0), Duration::from_millis(1));
    }

    #[test]
    fn numbered_jpegs_differ_and_still_decode() {
        let jpeg = photo_jpeg(64, 48, 80).unwrap();
        let (a, b) = (numbered_jpeg(&jpeg, 1), numbered_jpeg(&jpeg, 2));
        assert_ne!(a, b);
        let decoded = image::load_from_memory(&a).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (64, 48));
    }
}
