# Тексти Telegram-бота. Аргументи підставляє бот; кількості передаються числами, щоб
# вибиралася правильна форма множини.

## Покупці

bot-welcome = Ласкаво просимо до { $store }!
bot-no-store = Цей магазин ще не відкрився. Завітайте, будь ласка, пізніше.
bot-help-intro = Ось що я вмію:
bot-help-receipt = Щоб оплатити замовлення, надішліть сюди фото або PDF квитанції про оплату.
bot-help-staff = Для працівників магазину:
cmd-start = відкрити магазин
cmd-catalog = переглянути товари
cmd-cart = ваш кошик
cmd-orders = ваші замовлення (працівникам — замовлення магазину, можна за статусом)
cmd-language = змінити мову
cmd-cancel = вийти з поточного кроку
cmd-help = що я вмію
cmd-order = замовлення з квитанціями, за номером
cmd-verify = підтвердити оплату замовлення
cmd-reject = відхилити оплату замовлення із зазначенням причини
bot-unknown-command = Вибачте, я не знаю такої команди. Наберіть /help, щоб дізнатися, що я вмію.
bot-slow-down = Ви трохи поспішаєте — зачекайте секунду й спробуйте ще раз.
bot-slow-down-press = Забагато натискань — зачекайте трохи.
bot-private-only = Я працюю лише в особистому чаті. Напишіть мені туди: @{ $bot }
bot-expired-button = Ця кнопка більше не діє.
bot-flow-cancelled = Скасовано. Кошик збережено.
bot-catalog-title = { $store } — каталог, сторінка { $page } з { $pages }
bot-catalog-empty = Каталог поки що порожній.
bot-product =
    { $title }
    { $price }
    { $availability }

    { $description }
bot-in-stock =
    { $count ->
        [one] В наявності: { $count } штука
        [few] В наявності: { $count } штуки
        [many] В наявності: { $count } штук
       *[other] В наявності: { $count } штуки
    }
bot-out-of-stock = Немає в наявності
bot-added = «{ $title }» у вашому кошику.
bot-cart-empty = Ваш кошик порожній.
bot-cart-title = Ваш кошик:
bot-cart-line = { $title } × { $quantity } — { $amount }
bot-cart-total = Разом: { $total }
bot-ask-name = Хто отримає замовлення? Напишіть, будь ласка, ім’я.
bot-ask-phone = Ваш номер телефону для кур’єра?
bot-ask-address = Адреса доставки (місто, вулиця, будинок, квартира або відділення пошти)?
bot-summary =
    Будь ласка, перевірте замовлення:

    { $cart }

    Ім’я: { $name }
    Телефон: { $phone }
    Адреса: { $address }
bot-order-placed =
    Замовлення №{ $number } оформлено. Сума до оплати: { $total }.

    { $instructions }

    Оплатіть, будь ласка, до { $deadline } і надішліть сюди фото або PDF квитанції.
bot-receipt-no-order = У вас немає замовлення, що очікує оплати. Спершу оформіть замовлення: /catalog
bot-receipt-which-order = До якого замовлення належить ця квитанція?
bot-receipt-received = Дякуємо! Квитанцію до замовлення №{ $number } передано магазину на перевірку. Ми повідомимо вам результат.
bot-my-orders-empty = У вас поки що немає замовлень.
bot-my-orders-title = Ваші замовлення:
bot-order-line = №{ $number } — { $total } — { $status }
bot-order-cancelled = Замовлення №{ $number } скасовано.
bot-language-choose = Оберіть мову:
bot-language-set = Тепер я говорю українською.
bot-claim-done = Тепер ви власник цієї Vitrina.

## Файли квитанцій

receipt-empty = Файл порожній. Надішліть квитанцію ще раз, будь ласка.
receipt-too-big = Файл завеликий (максимум { $max_mb } МБ). Надішліть менше фото або PDF.
receipt-unsupported = Цей тип файлу не підтримується. Надішліть фото (JPEG, PNG, WebP) або PDF.
receipt-too-large = Зображення або документ завеликі для перевірки. Надішліть менший файл.
receipt-unreadable = Не вдалося прочитати цей файл. Надішліть чітке фото або оригінальний PDF.
receipt-active-content = У цьому PDF є скрипти або вкладені файли, тож прийняти його не можна. Надішліть фото квитанції або звичайний PDF із банку.
receipt-download-failed = Не вдалося завантажити файл із Telegram. Спробуйте ще раз за хвилину.

## Кнопки

btn-add-to-cart = До кошика
btn-cart = 🛒 Кошик
btn-catalog = Каталог
btn-checkout = Оформити замовлення
btn-back = ← Назад
btn-cancel = Скасувати
btn-confirm = ✅ Підтвердити замовлення
btn-prev = ‹ Назад
btn-next = Далі ›
btn-my-orders = Мої замовлення
btn-cancel-order = Скасувати замовлення №{ $number }
btn-verify = ✅ Підтвердити
btn-reject = ❌ Відхилити

## Працівники

admin-orders-title = Замовлення:
admin-orders-empty = Замовлень немає.
admin-order-card =
    Замовлення №{ $number } — { $status }
    { $items }
    Разом: { $total }
    Покупець: { $customer }
    Доставка: { $name }, { $phone }
    { $address }
    { $receipts ->
        [0] Квитанцій ще немає.
        [one] { $receipts } квитанція.
        [few] { $receipts } квитанції.
        [many] { $receipts } квитанцій.
       *[other] { $receipts } квитанції.
    }{ $duplicates ->
        [0] {""}
       *[other] {" "}⚠️ Можливо, квитанція повторна.
    }
admin-verified = Замовлення №{ $number }: оплату підтверджено. Покупця повідомлено.
admin-rejected = Замовлення №{ $number }: оплату відхилено. Покупцеві повідомили причину.
admin-ask-reason = Чому відхилено оплату замовлення №{ $number }? Вашу відповідь буде надіслано покупцеві.

## Сповіщення

notify-verified = Оплату замовлення №{ $number } підтверджено. Ми готуємо ваше замовлення й повідомимо, коли його буде відправлено.
notify-rejected =
    Не вдалося підтвердити оплату замовлення №{ $number }: { $reason }
    Надішліть, будь ласка, сюди нове фото або PDF квитанції.
notify-shipped = Замовлення №{ $number } уже в дорозі! Номер для відстеження: { $tracking }
notify-cancelled = Магазин скасував замовлення №{ $number }.
notify-expired = Замовлення №{ $number } скасовано, бо його не оплатили вчасно.
notify-refunded = Кошти за замовлення №{ $number } повернуто.
notify-completed = Замовлення №{ $number } виконано. Дякуємо за покупку!
notify-low-stock =
    { $count ->
        [0] «{ $title }» закінчився.
        [one] «{ $title }» закінчується: залишилася { $count } штука.
        [few] «{ $title }» закінчується: залишилося { $count } штуки.
        [many] «{ $title }» закінчується: залишилося { $count } штук.
       *[other] «{ $title }» закінчується: залишилося { $count } штуки.
    }
notify-daily-digest =
    Зведення за добу: { $store }
    Нових замовлень: { $orders }
    Виторг: { $revenue }
    Квитанцій чекають на перевірку: { $receipts }
staff-new-receipt =
    Нова квитанція до замовлення №{ $number }
    Сума: { $total }
    Покупець: { $customer }{ $duplicate ->
        [0] {""}
       *[other] {"\u000A"}⚠️ Цю квитанцію вже надсилали для іншого замовлення.
    }
