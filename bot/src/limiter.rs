//! Per-user limits on messages, uploads and button presses: one chatty user (or a script
//! pressing a button in a loop) slows down only themselves and cannot spend the bot's shared
//! 30 messages a second. Kept in memory on purpose: losing the counters on restart costs nothing.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Message,
    Upload,
    /// A button press (callback query).
    Press,
    /// The "write to me privately" answer in a group, counted per group chat.
    Elsewhere,
}

/// How often a group is told to write privately: a few times a minute at most, whoever asks.
const ELSEWHERE_PER_MINUTE: u32 = 2;

pub struct RateLimiter {
    limits: HashMap<Kind, (u32, Duration)>,
    hits: Mutex<HashMap<(i64, Kind), Vec<Instant>>>,
}

impl RateLimiter {
    /// `messages` per `per`, as many button presses, and `uploads` per `per`.
    pub fn new(messages: u32, uploads: u32, per: Duration) -> Self {
        let limits = HashMap::from([
            (Kind::Message, (messages, per)),
            (Kind::Press, (messages, per)),
            (Kind::Upload, (uploads, per)),
            (
                Kind::Elsewhere,
                (ELSEWHERE_PER_MINUTE, Duration::from_secs(60)),
            ),
        ]);
        Self {
            limits,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// The same limiter with `max` of `kind` per `per`.
    pub fn with(mut self, kind: Kind, max: u32, per: Duration) -> Self {
        self.limits.insert(kind, (max, per));
        self
    }

    /// True if `user` (for [`Kind::Elsewhere`]: the group chat) may do one more `kind` now (and
    /// counts it).
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

    #[test]
    fn presses_are_limited_like_messages_but_counted_apart() {
        let l = RateLimiter::new(2, 1, Duration::from_secs(60));
        assert!(l.allow(1, Kind::Press) && l.allow(1, Kind::Press));
        assert!(!l.allow(1, Kind::Press));
        assert!(l.allow(1, Kind::Message), "messages have their own count");
        let l = l.with(Kind::Press, 5, Duration::from_secs(60));
        assert!((0..5).all(|_| l.allow(2, Kind::Press)));
        assert!(!l.allow(2, Kind::Press));
        assert!((0..ELSEWHERE_PER_MINUTE).all(|_| l.allow(-100, Kind::Elsewhere)));
        assert!(!l.allow(-100, Kind::Elsewhere));
    }
}
