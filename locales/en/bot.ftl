# Texts of the Telegram bot. Arguments are filled in by the bot; counts are numbers so the
# plural forms are chosen.

## Customers

bot-welcome = Welcome to { $store }!
bot-no-store = This shop isn't open yet. Please come back later.
bot-help-intro = Here is what I can do:
bot-help-receipt = To pay, send a photo or PDF of your payment receipt here.
bot-help-staff = For the shop's staff:
cmd-start = open the shop
cmd-catalog = browse the products
cmd-cart = your cart
cmd-orders = your orders (staff: the store's orders, optionally by status)
cmd-language = change the language
cmd-cancel = leave the current step
cmd-help = what I can do
cmd-order = one order with its receipts, by number
cmd-verify = mark an order's payment as verified
cmd-reject = reject an order's payment, with a reason
bot-unknown-command = Sorry, I don't know that command. Type /help to see what I can do.
bot-slow-down = You're going a bit fast — please wait a moment and try again.
bot-slow-down-press = Too many taps — please wait a moment.
bot-private-only = I only work in a private chat. Please write to me there: @{ $bot }
bot-expired-button = This button is no longer valid.
bot-flow-cancelled = Cancelled. Your cart is kept.
bot-catalog-title = { $store } — catalog, page { $page } of { $pages }
bot-catalog-empty = The catalog is empty for now.
bot-product =
    { $title }
    { $price }
    { $availability }

    { $description }
bot-in-stock =
    { $count ->
        [one] In stock: { $count } item
       *[other] In stock: { $count } items
    }
bot-out-of-stock = Out of stock
bot-added = “{ $title }” is in your cart.
bot-cart-empty = Your cart is empty.
bot-cart-title = Your cart:
bot-cart-line = { $title } × { $quantity } — { $amount }
bot-cart-total = Total: { $total }
bot-ask-name = Who will receive the order? Please type the name.
bot-ask-phone = Your phone number, for the courier?
bot-ask-address = The delivery address (city, street, house, apartment, or a post office)?
bot-summary =
    Please check your order:

    { $cart }

    Name: { $name }
    Phone: { $phone }
    Address: { $address }
bot-order-placed =
    Order #{ $number } is placed. Amount to pay: { $total }.

    { $instructions }

    Please pay by { $deadline } and send a photo or PDF of the receipt here.
bot-receipt-no-order = You have no order waiting for payment. Place an order first: /catalog
bot-receipt-which-order = Which order is this receipt for?
bot-receipt-received = Thank you! The receipt for order #{ $number } is with the shop for checking. We'll let you know.
bot-my-orders-empty = You have no orders yet.
bot-my-orders-title = Your orders:
bot-order-line = #{ $number } — { $total } — { $status }
bot-order-cancelled = Order #{ $number } is cancelled.
bot-language-choose = Choose your language:
bot-language-set = From now on I'll speak English.
bot-claim-done = You are now the owner of this Vitrina.

## Receipt files

receipt-empty = The file is empty. Please send the receipt again.
receipt-too-big = The file is too big (the limit is { $max_mb } MB). Please send a smaller photo or PDF.
receipt-unsupported = This file type isn't supported. Please send a photo (JPEG, PNG, WebP) or a PDF.
receipt-too-large = The image or document is too large to check. Please send a smaller one.
receipt-unreadable = I couldn't read this file. Please send a clear photo or the original PDF.
receipt-active-content = This PDF contains scripts or embedded files, so I can't accept it. Please send a photo of the receipt or a plain PDF from your bank.
receipt-download-failed = I couldn't download the file from Telegram. Please try again in a minute.

## Buttons

btn-add-to-cart = Add to cart
btn-cart = 🛒 Cart
btn-catalog = Catalog
btn-checkout = Checkout
btn-back = ← Back
btn-cancel = Cancel
btn-confirm = ✅ Confirm the order
btn-prev = ‹ Previous
btn-next = Next ›
btn-my-orders = My orders
btn-cancel-order = Cancel order #{ $number }
btn-verify = ✅ Verify
btn-reject = ❌ Reject

## Staff

admin-orders-title = Orders:
admin-orders-empty = No orders here.
admin-order-card =
    Order #{ $number } — { $status }
    { $items }
    Total: { $total }
    Customer: { $customer }
    Delivery: { $name }, { $phone }
    { $address }
    { $receipts ->
        [0] No receipts yet.
        [one] { $receipts } receipt.
       *[other] { $receipts } receipts.
    }{ $duplicates ->
        [0] {""}
       *[other] {" "}⚠️ Possible duplicate receipt.
    }
admin-verified = Order #{ $number }: payment verified. The customer has been told.
admin-rejected = Order #{ $number }: payment rejected. The customer has been told why.
admin-ask-reason = Why is the payment for order #{ $number } rejected? Your answer is sent to the customer.

## Notifications

notify-verified = Payment for order #{ $number } is confirmed. We're preparing your order and will tell you when it ships.
notify-rejected =
    We couldn't confirm the payment for order #{ $number }: { $reason }
    Please send a new photo or PDF of the receipt here.
notify-shipped = Order #{ $number } is on its way! Tracking number: { $tracking }
notify-cancelled = Order #{ $number } has been cancelled by the shop.
notify-expired = Order #{ $number } was cancelled because it wasn't paid in time.
notify-refunded = Order #{ $number } has been refunded.
notify-completed = Order #{ $number } is completed. Thank you for shopping with us!
notify-low-stock =
    { $count ->
        [0] “{ $title }” is out of stock.
        [one] “{ $title }” is running low: { $count } item left.
       *[other] “{ $title }” is running low: { $count } items left.
    }
notify-daily-digest =
    Daily digest: { $store }, the last 24 hours
    Orders placed: { $orders }
    Revenue: { $revenue }
    Receipts awaiting review: { $receipts }
staff-new-receipt =
    New receipt for order #{ $number }
    Amount: { $total }
    Customer: { $customer }{ $duplicate ->
        [0] {""}
       *[other] {"\u000A"}⚠️ This receipt was already sent for another order.
    }
