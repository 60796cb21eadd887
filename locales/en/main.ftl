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
        [customer] Customer not found.
        [invite] Invitation not found.
        [link] This link is no longer valid.
        [session] Session not found.
        [delivery] Notification not found.
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
        [description] The product description is too long (at most 3000 characters).
        [active] Invalid “active” value: use true or false.
        [lang] Unknown language.
        [payment_instructions] The payment instructions are too long (at most 3000 characters).
        [title_en] Invalid title in English (at most 255 characters; a description needs a title).
        [title_ru] Invalid title in Russian (at most 255 characters; a description needs a title).
        [title_uk] Invalid title in Ukrainian (at most 255 characters; a description needs a title).
        [description_en] The description in English is too long (at most 3000 characters).
        [description_ru] The description in Russian is too long (at most 3000 characters).
        [description_uk] The description in Ukrainian is too long (at most 3000 characters).
        [payment_instructions_en] The payment instructions in English are too long (at most 3000 characters).
        [payment_instructions_ru] The payment instructions in Russian are too long (at most 3000 characters).
        [payment_instructions_uk] The payment instructions in Ukrainian are too long (at most 3000 characters).
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

error-too-many-attempts = Too many attempts. Please wait a minute and try again.
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

error-csv-unreadable =
    { $problem ->
        [encoding] Line { $line }: the file isn't UTF-8 text. Save it as “CSV UTF-8” and try again.
        [quote] Line { $line }: a quote isn't closed or stands in the middle of a field.
        [long] Line { $line } is too long.
        [columns] This row has a different number of fields than the first line.
        [empty] The file has no products.
       *[other] Line { $line } can't be read.
    }

error-csv-header =
    { $problem ->
        [missing] The first line must name the columns: “{ $column }” is missing.
        [repeated] The column “{ $column }” appears twice in the first line.
       *[other] Unknown column “{ $column }” in the first line.
    }

error-csv-too-large = The file is too large: at most { $max_rows } products and { $max_kib } KB at a time.

error-csv-missing = The “{ $column }” column is empty.

error-csv-duplicate-sku = SKU { $sku } is already on line { $first_line } of this file.

error-amount-overflow = The amount is too large.


error-photo-empty = The file is empty. Please choose the photo again.
error-photo-too-big = The photo is too big (the limit is { $max_mb } MB). Please choose a smaller one.
error-photo-type = A product photo must be a JPEG, PNG or WebP image.
error-photo-too-large = The image has too many pixels to process. Please choose a smaller one.
error-photo-unreadable = This image could not be read: it may be damaged or cut off.
error-photo-shape = The image is far too narrow or too wide to show. Please crop it.

error-last-owner = The last owner can't be removed.

error-role-too-high =
    Your role doesn't allow granting the “{ $role ->
        [owner] Owner
        [admin] Admin
        [vendor] Vendor
       *[other] { $role }
    }” role.

error-invite-invalid = This invitation link isn't valid (it may have been withdrawn). Ask for a new one.

error-invite-expired = This invitation has expired. Ask for a new one.

error-invite-used = This invitation has already been used. Ask for a new one.

error-already-staff =
    You are already { $role ->
        [owner] an Owner
        [admin] an Admin
        [vendor] a Vendor
       *[other] { $role }
    } here, so this invitation gives you nothing new. It is left for someone else.

error-duplicate = This was already done.

error-customer-blocked = Sorry, this shop doesn't accept orders from you. Please contact the shop if you think this is a mistake.

error-open-orders-limit =
    { $count ->
        [one] You already have { $count } unpaid order in this shop.
       *[other] You already have { $count } unpaid orders in this shop.
    } To place a new one, pay for or cancel an open order (/orders). Your cart is kept.

error-staff-not-blockable = Staff of the store can't be blocked as customers. Take their role away first.

error-internal = Something went wrong on our side. Please try again.
