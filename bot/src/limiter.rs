//! Per-user limits on messages and uploads: one chatty user slows down only themselves.
//! Kept in memory on purpose: losing the counters on restart costs nothing.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Message,
    Upload,
}

pub struct RateLimiter {
    limits: HashMap<Kind, (u32, Duration)>,
    hits: Mutex<HashMap<(i64, Kind), Vec<Instant>>>,
}

impl RateLimiter {
    /// `messages` per `per` and `uploads` per `per`.
    pub fn new(messages: u32, uploads: u32, per: Duration) -> Self {
        let limits = HashMap::from([
            (Kind::Message, (messages, per)),
            (Kind::Upload, (uploads, per)),
        ]);
        Self {
            limits,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// True if `user` may do one more `kind` now (and counts it).
    pub fn allow(&self, user: i64, kind: Kind) -> bool {
        let Some(&(max, per)) = self.limits.get(&kind) else {
            return true;
        };
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if hits.len() > 100_000 {
            hits.retain(|_, v| v.last().is_some_and(|t| now.duration_since(*t) < per));
        }
        let list = hits.entry((user, kind)).or_default();
        list.retain(|t| now.duration_since(*t) < per);
        if list.len() as u32 >= max {
            return false;
        }
        list.push(now);
        true
    }
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::new(30, 6, Duration::from_secs(60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_each_user_separately() {
        let l = RateLimiter::new(3, 1, Duration::from_secs(60));
        assert!((0..3).all(|_| l.allow(1, Kind::Message)));
        assert!(!l.allow(1, Kind::Message));
        assert!(l.allow(2, Kind::Message), "others unaffected");
        assert!(l.allow(1, Kind::Upload));
        assert!(!l.allow(1, Kind::Upload));
    }
}
