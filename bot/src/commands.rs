//! Slash commands. Everyone sees the customer ones; the staff ones answer like unknown
//! commands to anyone without a role. `/help` is made from this list: each command's text is
//! `cmd-<name>` in `locales/*/bot.ftl`.
use i18n::Lang;
use teloxide::utils::command::BotCommands;

#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    /// Open the shop.
    Start(String),
    /// Show the catalog.
    Catalog,
    /// Show the cart.
    Cart,
    /// Your orders (staff: the store's orders, optionally by status).
    Orders(String),
    /// Choose the language.
    Language,
    /// Leave the current step.
    Cancel,
    /// What this bot does.
    Help,
    /// Staff: one order with its receipts.
    Order(String),
    /// Staff: mark an order's payment as verified.
    Verify(String),
    /// Staff: reject an order's payment with a reason.
    Reject(String),
}

/// Whom `/help` shows a command to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Everyone,
    Staff,
    /// Works, but is not listed (`/start` comes from the deep link, `/help` is where you are).
    Unlisted,
}

impl Command {
    pub fn audience(&self) -> Audience {
        match self {
            Command::Catalog
            | Command::Cart
            | Command::Orders(_)
            | Command::Language
            | Command::Cancel => Audience::Everyone,
            Command::Order(_) | Command::Verify(_) | Command::Reject(_) => Audience::Staff,
            Command::Start(_) | Command::Help => Audience::Unlisted,
        }
    }
}

/// Every command by its name (`catalog`), in the order of the enum.
pub fn all() -> Vec<(String, Command)> {
    Command::bot_commands()
        .into_iter()
        .filter_map(|c| {
            let name = c.command.trim_start_matches('/').to_owned();
            let command = parse(&format!("/{name}"), "")?;
            Some((name, command))
        })
        .collect()
}

/// The text of `/help` in `lang`: the commands for everyone (and for staff, theirs too), each
/// with its translated description, then how to pay.
pub fn help(lang: Lang, staff: bool) -> String {
    let line = |name: &str| format!("/{name} — {}", i18n::t(lang, &format!("cmd-{name}")));
    let listed = all();
    let of = |audience: Audience| -> Vec<String> {
        listed
            .iter()
            .filter(|(_, c)| c.audience() == audience)
            .map(|(name, _)| line(name))
            .collect()
    };
    let mut text = vec![i18n::t(lang, "bot-help-intro")];
    text.extend(of(Audience::Everyone));
    text.push(i18n::t(lang, "bot-help-receipt"));
    if staff {
        text.push(String::new());
        text.push(i18n::t(lang, "bot-help-staff"));
        text.extend(of(Audience::Staff));
    }
    text.join("\n")
}

/// Parses `/cmd args` (also `/cmd@bot args`); `None` for plain text and unknown commands.
pub fn parse(text: &str, bot_username: &str) -> Option<Command> {
    Command::parse(text, bot_username).ok()
}

// A number typed by a person (`1042`, `#1042`) reads as order deep links read it.
pub use domain::kernel::deeplink::order_number;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_described_in_every_language() {
        let names: Vec<String> = all().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), Command::bot_commands().len(), "{names:?}");
        for lang in Lang::ALL {
            for name in &names {
                assert!(
                    i18n::has_key(lang, &format!("cmd-{name}")),
                    "{lang:?} {name}"
                );
            }
        }
    }

    #[test]
    fn help_lists_the_commands_of_its_audience() {
        let customer = help(Lang::En, false);
        let staff = help(Lang::En, true);
        for listed in ["/catalog — ", "/cart — ", "/orders — ", "/language — "] {
            assert!(customer.contains(listed), "{customer}");
            assert!(staff.contains(listed), "{staff}");
        }
        for hidden in ["/verify", "/reject", "/order ", "/start", "/help"] {
            assert!(!customer.contains(hidden), "{customer}");
        }
        assert!(
            staff.contains("/verify — ") && staff.contains("/reject — "),
            "{staff}"
        );
        assert!(!staff.contains("cmd-"), "untranslated: {staff}");
        let russian = help(Lang::Ru, true);
        assert!(
            russian.contains(&i18n::t(Lang::Ru, "cmd-verify")),
            "{russian}"
        );
        assert_ne!(russian, staff);
    }

    #[test]
    fn parses_commands_with_arguments() {
        assert_eq!(
            parse("/reject 1042 wrong amount", "shop_bot"),
            Some(Command::Reject("1042 wrong amount".into()))
        );
        assert_eq!(
            parse("/verify@shop_bot #7", "shop_bot"),
            Some(Command::Verify("#7".into()))
        );
        assert_eq!(
            parse("/start store_demo", "shop_bot"),
            Some(Command::Start("store_demo".into()))
        );
        assert_eq!(
            parse("/start", "shop_bot"),
            Some(Command::Start(String::new()))
        );
        assert_eq!(parse("/nope", "shop_bot"), None);
        assert_eq!(parse("hello", "shop_bot"), None);
    }
}
