# Email notifications (subject and plain-text body) and the email address on the
# notification settings page.

mail-new-receipt-subject = New receipt to check: order #{ $number }
mail-new-receipt-body =
    A customer sent a payment receipt for order #{ $number }.
    Total: { $total }
    Customer: { $customer }{ $duplicate ->
        [0] {""}
       *[other] {"\u000A"}Warning: this receipt was already sent for another order.
    }

    Open the verification queue in the backoffice to check it.
mail-low-stock-subject = Low stock: { $title }
mail-low-stock-body =
    { $count ->
        [0] “{ $title }” is out of stock.
        [one] “{ $title }” is running low: { $count } item left.
       *[other] “{ $title }” is running low: { $count } items left.
    }
mail-daily-digest-subject = Daily digest: { $store }
mail-daily-digest-body =
    { $store }, the last 24 hours:
    Orders placed: { $orders }
    Revenue: { $revenue }
    Receipts awaiting review: { $receipts }
mail-footer = You get this email because of your notification settings in the Vitrina backoffice; change them there.
delivery-channel-email = Email
web-preferences-email = Email address
web-preferences-email-hint = Email notifications go to this address. Leave it empty to get none.
web-preferences-email-off = This shop does not send email yet; your address is kept for when it does.
mail-address-invalid = “{ $address }” is not a valid email address.
