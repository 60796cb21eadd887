# Vitrina: українська.
# Аргументи з кодами домену ($status, $field, $what, $role, ...) отримують код, а не
# перекладену назву; її вибирають селектори нижче.

language-name = Українська

## Статуси замовлення

status-awaiting_payment = Очікує оплати
status-payment_review = Оплата на перевірці
status-paid = Оплачено
status-shipped = Відправлено
status-completed = Виконано
status-cancelled = Скасовано
status-refunded = Кошти повернуто

## Ролі працівників

role-owner = Власник
role-admin = Адміністратор
role-vendor = Продавець

## Звідки надійшла дія

channel-bot = Telegram-бот
channel-web = Вебпанель
channel-api = API
channel-cli = Командний рядок
channel-system = Система

## Помилки

error-not-found =
    { $what ->
        [order] Замовлення не знайдено.
        [product] Товар не знайдено.
        [store] Магазин не знайдено.
        [role] Роль не знайдено.
        [receipt] Квитанцію не знайдено.
        [user] Користувача не знайдено.
        [link] Це посилання більше не дійсне.
        [session] Сеанс не знайдено.
       *[other] Нічого не знайдено.
    }

error-forbidden = У вас немає прав на цю дію.

error-unauthorized = Будь ласка, увійдіть ще раз.

error-invalid =
    { $field ->
        [name] Неправильно вказано ім’я.
        [phone] Неправильно вказано номер телефону.
        [address] Неправильно вказано адресу.
        [quantity] Неправильно вказано кількість.
        [currency] Неправильно вказано валюту.
        [slug] Неправильно вказано ім’я для посилання (slug).
        [sku] Неправильно вказано артикул.
        [amount] Неправильно вказано суму.
        [status] Неправильно вказано статус.
        [role] Неправильно вказано роль.
        [reason] Неправильно вказано причину.
        [title] Неправильно вказано назву товару.
        [price] Неправильно вказано ціну.
        [on_hand] Неправильно вказано залишок на складі.
        [store] Неправильно вказано магазин.
        [sha256] Неправильна контрольна сума файлу.
        [size] Неприпустимий розмір файлу.
        [telegram_id] Неправильно вказано Telegram ID.
        [unpaid_deadline_minutes] Неправильно вказано строк оплати (у хвилинах).
        [low_stock_threshold] Неправильно вказано поріг низького залишку.
        [delta] Неправильно вказано зміну залишку.
       *[other] Деякі дані вказано неправильно. Перевірте їх і спробуйте ще раз.
    }

error-empty-order = Замовлення має містити хоча б один товар.

error-out-of-stock =
    { $available ->
        [0] Товару «{ $product }» немає в наявності.
        [one] Товару «{ $product }» залишилася лише { $available } штука.
        [few] Товару «{ $product }» залишилося лише { $available } штуки.
        [many] Товару «{ $product }» залишилося лише { $available } штук.
       *[other] Товару «{ $product }» залишилося лише { $available } штуки.
    }

error-product-unavailable = Товар «{ $product }» зараз недоступний.

error-insufficient-stock = Залишок не може бути меншим за кількість, зарезервовану під замовлення (на складі: { $on_hand }, у резерві: { $reserved }).

error-invalid-transition =
    Замовлення зі статусом «{ $from ->
        [awaiting_payment] Очікує оплати
        [payment_review] Оплата на перевірці
        [paid] Оплачено
        [shipped] Відправлено
        [completed] Виконано
        [cancelled] Скасовано
        [refunded] Кошти повернуто
       *[other] { $from }
    }» не можна перевести в статус «{ $to ->
        [awaiting_payment] Очікує оплати
        [payment_review] Оплата на перевірці
        [paid] Оплачено
        [shipped] Відправлено
        [completed] Виконано
        [cancelled] Скасовано
        [refunded] Кошти повернуто
       *[other] { $to }
    }».

error-already-decided =
    { $status ->
        [paid] Оплату вже підтверджено: { $by } о { $at }.
        [awaiting_payment] Оплату вже відхилено: { $by } о { $at }.
        [cancelled] Замовлення вже скасовано: { $by } о { $at }.
       *[other] Рішення щодо замовлення вже ухвалено: { $by } о { $at }.
    }

error-already-decided-unknown =
    { $status ->
        [paid] Оплату вже підтверджено о { $at }.
        [awaiting_payment] Оплату вже відхилено о { $at }.
        [cancelled] Замовлення вже скасовано о { $at }.
       *[other] Рішення щодо замовлення вже ухвалено о { $at }.
    }

error-conflict = Замовлення щойно змінилося. Перегляньте його ще раз і повторіть дію.

error-already-taken = Цим замовленням уже займається { $by }.

error-not-assignee = Це замовлення не закріплене за вами.

error-reason-required = Зазначте причину.

error-slug-taken = Ім’я для посилання «{ $slug }» уже зайняте.

error-sku-taken = Товар з артикулом { $sku } уже є в цьому магазині.

error-currency-mismatch = Валюти не збігаються.

error-amount-overflow = Завелика сума.

error-receipt-type = Цей тип файлу не підтримується. Надішліть фото (JPEG, PNG, WebP) або PDF.

error-last-owner = Не можна видалити останнього власника.

error-role-too-high =
    Ваша роль не дозволяє призначати роль «{ $role ->
        [owner] Власник
        [admin] Адміністратор
        [vendor] Продавець
       *[other] { $role }
    }».

error-duplicate = Це вже зроблено.

error-internal = Щось пішло не так на нашому боці. Спробуйте ще раз.
