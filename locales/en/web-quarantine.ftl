# Texts of the backoffice's page of Telegram updates set aside as poison.

web-quarantine-title = Telegram updates set aside
web-quarantine-hint = Each of these updates stopped the bot while it was being handled, and again when it was tried once more, so it is no longer handled on its own. Discard one to drop it for good, or try it again (it is set aside again if it stops the bot again).
web-quarantine-empty = No updates are set aside.
web-quarantine-update = Update
web-quarantine-kind = What
web-quarantine-from = From (Telegram id)
web-quarantine-received = Received
web-quarantine-set-aside = Set aside
web-quarantine-discard = Discard
web-quarantine-retry = Try again
web-quarantine-link = Telegram updates set aside (platform owners)
