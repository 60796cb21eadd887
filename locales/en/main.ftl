# Vitrina: English (the fallback language).
# Arguments named after domain codes ($status, $field, $what, $role, ...) receive the code,
# not a translated name; the selects below translate them.

language-name = English

## Order states

status-awaiting_payment = Awaiting payment
status-payment_review = Payment under review
status-paid = Paid
status-shipped = Shipped
status-completed = Completed
status-cancelled = Cancelled
status-refunded = Refunded

## Staff roles

role-owner = Owner
role-admin = Admin
role-vendor = Vendor

## Where an action came from

channel-bot = Telegram bot
channel-web = Web
channel-api = API
channel-cli = Command line
channel-system = System

## Domain errors

error-not-found =
    { $what ->
        [order] Order not found.
        [product] Product not found.
        [store] Store not found.
        [role] Role not found.
        [receipt] Receipt not found.
        [user] User not found.
        [link] This link is no longer valid.
        [session] Session not found.
       *[other] Not found.
    }

error-forbidden = You don't have permission to do that.

error-unauthorized = Please log in again.

error-invalid =
    { $field ->
        [name] Invalid name.
        [phone] Invalid phone number.
        [address] Invalid address.
        [quantity] Invalid quantity.
        [currency] Invalid currency.
        [slug] Invalid link name (slug).
        [sku] Invalid SKU.
        [amount] Invalid amount.
        [status] Invalid status.
        [role] Invalid role.
        [reason] Invalid reason.
        [title] Invalid product title.
        [price] Invalid price.
        [on_hand] Invalid stock on hand.
        [store] Invalid store.
        [sha256] Invalid file checksum.
        [size] Invalid file size.
        [telegram_id] Invalid Telegram ID.
        [unpaid_deadline_minutes] Invalid payment deadline (minutes).
        [low_stock_threshold] Invalid low-stock threshold.
        [delta] Invalid stock change.
       *[other] Some of the details are invalid. Please check them and try again.
    }

error-empty-order = An order needs at least one item.

error-out-of-stock =
    { $available ->
        [0] “{ $product }” is out of stock.
       *[other] “{ $product }”: only { $available } left.
    }

error-product-unavailable = “{ $product }” is not available right now.

error-insufficient-stock = Stock can't go below what is reserved for orders ({ $on_hand } on hand, { $reserved } reserved).

error-invalid-transition =
    This order is “{ $from ->
        [awaiting_payment] Awaiting payment
        [payment_review] Payment under review
        [paid] Paid
        [shipped] Shipped
        [completed] Completed
        [cancelled] Cancelled
        [refunded] Refunded
       *[other] { $from }
    }” and can't be moved to “{ $to ->
        [awaiting_payment] Awaiting payment
        [payment_review] Payment under review
        [paid] Paid
        [shipped] Shipped
        [completed] Completed
        [cancelled] Cancelled
        [refunded] Refunded
       *[other] { $to }
    }”.

error-already-decided =
    { $status ->
        [paid] Already verified by { $by } at { $at }.
        [awaiting_payment] Already rejected by { $by } at { $at }.
        [cancelled] Already cancelled by { $by } at { $at }.
       *[other] Already decided by { $by } at { $at }.
    }

error-already-decided-unknown =
    { $status ->
        [paid] Already verified at { $at }.
        [awaiting_payment] Already rejected at { $at }.
        [cancelled] Already cancelled at { $at }.
       *[other] Already decided at { $at }.
    }

error-conflict = This order was changed just now. Please look at it again and retry.

error-already-taken = { $by } is already handling this order.

error-not-assignee = This order isn't assigned to you.

error-reason-required = Please give a reason.

error-slug-taken = The link name “{ $slug }” is already taken.

error-sku-taken = A product with SKU { $sku } already exists in this store.

error-currency-mismatch = The currencies don't match.

error-amount-overflow = The amount is too large.

error-receipt-type = This file type isn't supported. Please send a photo (JPEG, PNG, WebP) or a PDF.

error-last-owner = The last owner can't be removed.

error-role-too-high =
    Your role doesn't allow granting the “{ $role ->
        [owner] Owner
        [admin] Admin
        [vendor] Vendor
       *[other] { $role }
    }” role.

error-duplicate = This was already done.

error-internal = Something went wrong on our side. Please try again.
