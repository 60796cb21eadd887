//! Shared pieces of the benchmark binaries (`src/bin/*`): timing samples, percentiles and the
//! process's memory figures. Run the binaries in release mode; see `README.md`.
use std::time::Duration;

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

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`); `None` off Linux.
pub fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

/// Resets the process's peak resident set size (`VmHWM`) to its current size, so a later
/// reading is the peak of what ran in between. Linux only; false when it could not be done.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

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
}
