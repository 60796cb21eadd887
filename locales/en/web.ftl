# Texts of the browser backoffice.

web-login-title = Log in to Vitrina
web-login-scan = Scan this code with your phone's camera, or open the link in Telegram, and approve the login in the bot.
web-login-open-telegram = Open in Telegram
web-login-waiting = Waiting for approval in Telegram…
web-login-denied = The login was denied in Telegram.
web-login-expired = This code has expired.
web-login-new-code = Get a new code
web-logout = Log out
web-store = Store
web-switch = Switch
web-mute = Mute sounds
web-nav-queue = Payments to check
web-nav-orders = Orders
web-nav-sessions = Sessions
web-queue-empty = No payments waiting for a check. New receipts appear here by themselves.
web-previous-orders =
    { $count ->
        [0] first order
        [one] { $count } earlier order
       *[other] { $count } earlier orders
    }
web-open-pdf = Open the PDF
web-receipt = Receipt
web-receipts = Receipts
web-duplicate-receipt = ⚠️ This receipt was already sent for another order.
web-verify = Verify
web-reject = Reject
web-reject-reason = Or type a reason
web-reason-amount = The amount does not match the order
web-reason-unreadable = The receipt can't be read
web-reason-not-received = The payment has not arrived
web-reason-duplicate = This receipt was already used
web-verified = Order #{ $number }: payment verified.
web-rejected = Order #{ $number }: payment rejected; the customer has been told why.
web-verify-selected = Verify selected
web-reject-selected = Reject selected
web-bulk-done =
    { $done ->
        [one] { $done } order decided
       *[other] { $done } orders decided
    }{ $skipped ->
        [0] .
       *[other] ; { $skipped } already decided elsewhere.
    }
web-zoom-in = Zoom in
web-zoom-out = Zoom out
web-rotate = Rotate
web-full-size = Full size
web-shortcuts = Keys: j / k — next / previous, v — verify, r — reject, ? — this help.
web-all-statuses = All statuses
web-filter = Filter
web-from = From
web-to = To
web-min-total = Total from
web-max-total = Total to
web-search = Number or customer
web-export-csv = Export CSV
web-date = Date
web-total = Total
web-status = Status
web-no-orders = No orders here.
web-next-page = Next page
web-customer = Customer
web-delivery = Delivery
web-tracking = Tracking number
web-assignee = In work by
web-actions = Actions
web-reason = Reason
web-history = History
web-history-assigned = Taken into work
web-history-released = Released from work
web-history-receipt_attached = Another receipt sent
web-action-take = Take into work
web-action-release = Release
web-action-ship = Mark as shipped
web-action-complete = Mark as completed
web-action-cancel = Cancel the order
web-action-refund = Refund
web-action-verify = Verify the payment
web-action-reject = Reject the payment
web-notifications = Notifications
web-mark-all-read = Mark all as read
web-no-notifications = No notifications yet.
web-notification-new-receipt = New receipt for order #{ $number }
web-notification-daily-digest = Daily digest, { $store }: orders { $orders }, revenue { $revenue }, receipts to check { $receipts }
web-device = Device
web-created = Logged in
web-last-seen = Last seen
web-this-session = this one
web-revoke = End
web-revoke-others = End all other sessions
web-back-home = Back to the start
web-error-title-403 = Not allowed
web-error-title-404 = Not found
web-error-title-409 = That didn't work
web-error-title-500 = Something went wrong
web-error-403 = You don't have permission to see or do this.
web-error-404 = There is nothing here — or it isn't yours to see.
web-error-500 = Something went wrong on our side. Please try again.

## The bot's part of the QR login

bot-login-card =
    Log in to the Vitrina backoffice?
    Browser: { $browser } on { $os }
    IP: { $ip }
    Time: { $time } UTC
btn-login-approve = ✅ Approve
btn-login-deny = ❌ Deny
bot-login-approved = Done: the browser is logged in.
bot-login-denied = The login was denied.
