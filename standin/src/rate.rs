//! Telegram's sending limits, when enforced ([`crate::Standin::enforce_rate_limits`]).
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// How much earlier than a full second a send may arrive and still count as a second later:
/// the bot's throttle stamps a send when it lets it go, we stamp it on arrival, and loopback
/// jitter between the two is a few milliseconds.
const RATE_JITTER: Duration = Duration::from_millis(10);

#[derive(Clone, Copy)]
struct Limits {
    overall_per_sec: usize,
    per_chat_per_sec: usize,
}

#[derive(Default)]
pub(crate) struct Rate {
    limits: Option<Limits>,
    /// Sends let through within the last second.
    recent: VecDeque<Instant>,
    /// chat_id -> when each recent send to it was let through (within the last second).
    by_chat: HashMap<i64, VecDeque<Instant>>,
    /// How many sends were refused for breaking the limits.
    pub refused: u32,
}

impl Rate {
    pub fn enforce(&mut self, overall_per_sec: u32, per_chat_per_sec: u32) {
        self.limits = Some(Limits {
            overall_per_sec: overall_per_sec as usize,
            per_chat_per_sec: per_chat_per_sec as usize,
        });
    }

    /// Whether a send to `chat` now keeps within the limits (always, when none are enforced);
    /// if so it is counted, if not it is counted as refused.
    pub fn allow(&mut self, chat: i64) -> bool {
        let Some(limits) = self.limits else {
            return true;
        };
        let now = Instant::now();
        let window = Duration::from_secs(1).saturating_sub(RATE_JITTER);
        let fresh = |t: &Instant| now.duration_since(*t) < window;
        while self.recent.front().is_some_and(|t| !fresh(t)) {
            self.recent.pop_front();
        }
        // Chats nobody was sent to within the window are forgotten: the map stays small.
        self.by_chat.retain(|_, sends| {
            while sends.front().is_some_and(|t| !fresh(t)) {
                sends.pop_front();
            }
            !sends.is_empty()
        });
        let per_chat = self.by_chat.entry(chat).or_default();
        if per_chat.len() >= limits.per_chat_per_sec || self.recent.len() >= limits.overall_per_sec
        {
            if per_chat.is_empty() {
                self.by_chat.remove(&chat);
            }
            self.refused += 1;
            return false;
        }
        per_chat.push_back(now);
        self.recent.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforced_limits_refuse_a_second_send_to_a_chat_and_sends_over_the_overall_rate() {
        let mut rate = Rate::default();
        rate.enforce(2, 1);
        assert!(rate.allow(1));
        assert!(!rate.allow(1), "a second message to chat 1");
        assert!(rate.allow(2));
        assert!(!rate.allow(3), "a third message this second");
        assert_eq!(rate.refused, 2);
    }

    #[test]
    fn nothing_is_refused_when_no_limits_are_enforced() {
        let mut rate = Rate::default();
        assert!((0..100).all(|_| rate.allow(1)));
        assert_eq!(rate.refused, 0);
    }
}
