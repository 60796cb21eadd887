//! Slash commands. Everyone sees the customer ones; the staff ones answer like unknown
//! commands to anyone without a role.
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

/// Parses `/cmd args` (also `/cmd@bot args`); `None` for plain text and unknown commands.
pub fn parse(text: &str, bot_username: &str) -> Option<Command> {
    Command::parse(text, bot_username).ok()
}

// A number typed by a person (`1042`, `#1042`) reads as order deep links read it.
pub use domain::deeplink::order_number;

#[cfg(test)]
mod tests {
    use super::*;

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
