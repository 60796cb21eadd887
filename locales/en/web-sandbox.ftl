# Texts of sandbox mode: the /sandbox page, where one plays Telegram users without Telegram,
# and the banner every page shows in sandbox mode.

sandbox-banner = Sandbox — not connected to Telegram
sandbox-banner-open = Open the sandbox chats
sandbox-login-open = Open in sandbox Telegram
sandbox-login-hint = This is a sandbox: the bot talks to a stand-in for Telegram on this computer.
sandbox-login-try = Try it without Telegram

sandbox-title = Sandbox
sandbox-intro = Play the shop's customers and staff in chats with the bot. Everything happens in the real database, but nothing reaches Telegram.
sandbox-to-backoffice = Log in to the backoffice
sandbox-customer = Customer
sandbox-staff = Staff
sandbox-playing-as = Playing as
sandbox-switch = Switch
sandbox-add-person = Add a person
sandbox-name = First name
sandbox-language = Telegram language
sandbox-role = Role
sandbox-add = Add
sandbox-no-customers = No customers yet. Add a person to play one.
sandbox-no-staff = No staff yet. Add a person with a role.

sandbox-bot = bot
sandbox-chat-with = Chat with the bot
sandbox-chat-empty = No messages yet. Say hello, or open a link.
sandbox-typing = typing
sandbox-edited = edited
sandbox-photo = Photo
sandbox-file = File
sandbox-start-prompt = This link opens the bot with
sandbox-start = Start
sandbox-message = Message
sandbox-send = Send
sandbox-attach = Attach a photo or file
sandbox-attach-hint = A photo (JPEG, PNG, WebP) or a file such as a PDF, up to { $max_mb } MB.
sandbox-caption = Caption (optional)
sandbox-as-file = Send as a file, without compression
sandbox-send-file = Send
sandbox-open-link = Open a link:
sandbox-open = Open
sandbox-open-shop = Open the shop

sandbox-faults = Faults
sandbox-faults-intro = Make the bot's next calls to Telegram fail, to see how it copes. Deliveries that run out of retries show up among
sandbox-faults-failed-link = the failed notifications.
sandbox-fault-kind = What goes wrong
sandbox-fault-kind-429 = 429 Too Many Requests
sandbox-fault-kind-403 = 403 The bot was blocked
sandbox-fault-kind-timeout = Timeout
sandbox-fault-retry-after = Retry after, seconds (429)
sandbox-fault-method = Which call
sandbox-fault-any-send = Any send or edit
sandbox-fault-to = To whom
sandbox-fault-anyone = Anyone
sandbox-fault-times = How many times
sandbox-fault-inject = Inject the fault
sandbox-faults-pending = Waiting for calls
sandbox-faults-none-pending = No faults waiting.
sandbox-faults-log = Calls hit lately
sandbox-faults-none-hit = No call has been hit yet.
sandbox-fault-times-left =
    { $times ->
        [one] once more
       *[other] { $times } more times
    }
sandbox-fault-429 = 429, retry after { $seconds } s
sandbox-fault-403 = 403, the bot was blocked by the user
sandbox-fault-timeout = timeout

sandbox-error-no-user = There is no such person in the sandbox.
sandbox-error-payload = That is not a link to this bot. A deep link's start parameter has 1 to 64 letters, digits, _ or -.
sandbox-error-form = The form could not be read. Reload the page and try again.
sandbox-error-empty = Type a message first.
sandbox-error-text = A message can have at most { $max } characters.
sandbox-error-no-button = That button is no longer there.
sandbox-error-no-file = Choose a file to send.
sandbox-error-file-too-large = The file is too large: at most { $max_mb } MB.
sandbox-error-caption = A caption can have at most { $max } characters.
sandbox-error-name = A first name has 1 to { $max } characters.
sandbox-error-language = Choose English, Russian or Ukrainian.
sandbox-error-role = Choose a role: owner, admin or vendor.
sandbox-error-fault-kind = Choose what goes wrong: 429, 403 or a timeout.
sandbox-error-retry-after = "Retry after" is { $min } to { $max } seconds.
sandbox-error-fault-method = Choose one of the listed calls.
sandbox-error-fault-times = "How many times" is { $min } to { $max }.
