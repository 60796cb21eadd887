# Texts of the backoffice's customers pages.

web-customers-title = Customers
web-customers-search = Name, @username or Telegram ID
web-customers-name = Name
web-customers-telegram-id = Telegram ID
web-customers-language = Language
web-customers-orders = Orders
web-customers-revenue = Paid
web-customers-revenue-hint = “Paid” adds up the orders that are paid, shipped or completed.
web-customers-last-order = Last order
web-customers-blocked = Blocked
web-customers-empty = No customers found.
web-customer-block-title = Blocking
web-customer-block-hint = A blocked customer can't place new orders in this store. Orders already placed stay as they are.
web-customer-block = Block the customer
web-customer-blocked-by = Blocked by { $by }
web-customer-unblock = Unblock
web-customer-orders = Orders in this store
web-customer-latest-orders =
    { $count ->
        [one] Only the latest order is shown.
       *[other] Only the latest { $count } orders are shown.
    }
