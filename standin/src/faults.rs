//! Faults injected into the bot's next calls.
use chrono::{DateTime, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// 429 Too Many Requests with `parameters.retry_after`.
    TooManyRequests { retry_after: u32 },
    /// 403 Forbidden: bot was blocked by the user.
    Blocked,
    /// The call is held for [`crate::Options::hold`], then the connection fails.
    Timeout,
}

/// A fault for the next `times` calls of `method` (lower-cased; `None`: any call that sends
/// or edits a message), to `chat` (`None`: any chat).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub method: Option<String>,
    pub chat: Option<i64>,
    pub times: u32,
}

/// A call a fault hit.
#[derive(Clone, Debug)]
pub struct FaultHit {
    pub method: String,
    pub chat: Option<i64>,
    pub kind: FaultKind,
    pub at: DateTime<Utc>,
}

use std::collections::VecDeque;

/// The calls a fault without a method hits: those that send or edit a message.
const MESSAGE_CALLS: [&str; 6] = [
    "sendmessage",
    "sendphoto",
    "senddocument",
    "editmessagetext",
    "editmessagecaption",
    "editmessagereplymarkup",
];

/// How many hits [`crate::Standin::fault_log`] keeps.
pub(crate) const LOG: usize = 50;

impl Fault {
    fn hits(&self, method: &str, chat: Option<i64>) -> bool {
        let method_matches = match &self.method {
            Some(m) => m.eq_ignore_ascii_case(method),
            None => MESSAGE_CALLS.contains(&method),
        };
        let chat_matches = self.chat.is_none() || self.chat == chat;
        self.times > 0 && method_matches && chat_matches
    }
}

/// The queued faults and the latest hits.
#[derive(Default)]
pub(crate) struct Faults {
    pub pending: VecDeque<Fault>,
    /// Newest first.
    pub log: VecDeque<FaultHit>,
}

impl Faults {
    pub fn inject(&mut self, mut fault: Fault) {
        if let Some(m) = &mut fault.method {
            *m = m.to_ascii_lowercase();
        }
        if fault.times > 0 {
            self.pending.push_back(fault);
        }
    }

    /// The first queued fault that hits this call, used once (and logged).
    pub fn take(&mut self, method: &str, chat: Option<i64>) -> Option<FaultKind> {
        let at = self.pending.iter().position(|f| f.hits(method, chat))?;
        let fault = self.pending.get_mut(at)?;
        fault.times -= 1;
        let kind = fault.kind;
        if fault.times == 0 {
            self.pending.remove(at);
        }
        self.log.push_front(FaultHit {
            method: method.to_owned(),
            chat,
            kind,
            at: Utc::now(),
        });
        self.log.truncate(LOG);
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(method: Option<&str>, chat: Option<i64>, times: u32) -> Fault {
        Fault {
            kind: FaultKind::Blocked,
            method: method.map(str::to_owned),
            chat,
            times,
        }
    }

    #[test]
    fn a_fault_hits_only_its_method_and_chat_and_only_so_many_times() {
        let mut faults = Faults::default();
        faults.inject(fault(Some("sendPhoto"), Some(7), 2));
        assert_eq!(faults.take("sendmessage", Some(7)), None);
        assert_eq!(faults.take("sendphoto", Some(8)), None);
        assert_eq!(faults.take("sendphoto", Some(7)), Some(FaultKind::Blocked));
        assert_eq!(faults.take("sendphoto", Some(7)), Some(FaultKind::Blocked));
        assert_eq!(faults.take("sendphoto", Some(7)), None);
        assert!(faults.pending.is_empty());
        assert_eq!(faults.log.len(), 2);
    }

    #[test]
    fn a_fault_without_a_method_hits_sends_and_edits_only() {
        let mut faults = Faults::default();
        faults.inject(fault(None, None, 1));
        faults.inject(fault(None, None, 0));
        assert_eq!(faults.pending.len(), 1, "a fault for no call is not queued");
        assert_eq!(faults.take("getupdates", None), None);
        assert_eq!(faults.take("answercallbackquery", Some(1)), None);
        assert_eq!(
            faults.take("editmessagecaption", Some(1)),
            Some(FaultKind::Blocked)
        );
        for _ in 0..LOG + 5 {
            faults.inject(fault(Some("getme"), None, 1));
            faults.take("getme", None);
        }
        assert_eq!(faults.log.len(), LOG);
    }
}
