# Texts of the backoffice's failed-notifications page and notification settings.

web-deliveries-title = Failed notifications
web-deliveries-hint = Notifications about this store that could not be delivered after several attempts. Retry sends one again now.
web-deliveries-empty = No failed notifications.
web-deliveries-when = Planned
web-deliveries-recipient = Recipient
web-deliveries-what = Notification
web-deliveries-channel = Channel
web-deliveries-attempts = Attempts
web-deliveries-error = Reason
web-deliveries-retry = Retry
web-preferences-title = Notification settings
web-preferences-hint = Choose what you are told about and where. Unticked notifications are not sent to you.
web-preferences-kind = Notification
web-preferences-save = Save
web-preferences-saved = Settings saved.
delivery-channel-telegram = Telegram
delivery-channel-in_app = Notification center
delivery-kind-new_receipt = New receipt to check
delivery-kind-low_stock = Low stock
delivery-kind-verified = Payment verified
delivery-kind-rejected = Payment rejected
delivery-kind-shipped = Order shipped
delivery-kind-cancelled = Order cancelled
delivery-kind-expired = Unpaid order expired
delivery-kind-refunded = Order refunded
delivery-kind-completed = Order completed
