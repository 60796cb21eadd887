# Vitrina: русский.
# Аргументы с кодами домена ($status, $field, $what, $role, ...) получают код, а не
# переведённое название; его выбирают селекторы ниже.

language-name = Русский

## Статусы заказа

status-awaiting_payment = Ожидает оплаты
status-payment_review = Оплата на проверке
status-paid = Оплачен
status-shipped = Отправлен
status-completed = Выполнен
status-cancelled = Отменён
status-refunded = Средства возвращены

## Роли сотрудников

role-owner = Владелец
role-admin = Администратор
role-vendor = Продавец

## Откуда пришло действие

channel-bot = Telegram-бот
channel-web = Веб-панель
channel-api = API
channel-cli = Командная строка
channel-system = Система

## Ошибки

error-not-found =
    { $what ->
        [order] Заказ не найден.
        [product] Товар не найден.
        [store] Магазин не найден.
        [role] Роль не найдена.
        [receipt] Квитанция не найдена.
        [user] Пользователь не найден.
        [link] Эта ссылка больше не действует.
        [session] Сеанс не найден.
       *[other] Ничего не найдено.
    }

error-forbidden = У вас нет прав на это действие.

error-unauthorized = Пожалуйста, войдите ещё раз.

error-invalid =
    { $field ->
        [name] Неверно указано имя.
        [phone] Неверно указан номер телефона.
        [address] Неверно указан адрес.
        [quantity] Неверно указано количество.
        [currency] Неверно указана валюта.
        [slug] Неверно указано имя для ссылки (slug).
        [sku] Неверно указан артикул.
        [amount] Неверно указана сумма.
        [status] Неверно указан статус.
        [role] Неверно указана роль.
        [reason] Неверно указана причина.
        [title] Неверно указано название товара.
        [price] Неверно указана цена.
        [on_hand] Неверно указан остаток на складе.
        [store] Неверно указан магазин.
        [sha256] Неверная контрольная сумма файла.
        [size] Недопустимый размер файла.
        [telegram_id] Неверно указан Telegram ID.
        [unpaid_deadline_minutes] Неверно указан срок оплаты (в минутах).
        [low_stock_threshold] Неверно указан порог низкого остатка.
        [delta] Неверно указано изменение остатка.
       *[other] Некоторые данные указаны неверно. Проверьте их и попробуйте ещё раз.
    }

error-empty-order = В заказе должен быть хотя бы один товар.

error-out-of-stock =
    { $available ->
        [0] Товара «{ $product }» нет в наличии.
        [one] Товара «{ $product }» осталась всего { $available } штука.
        [few] Товара «{ $product }» осталось всего { $available } штуки.
        [many] Товара «{ $product }» осталось всего { $available } штук.
       *[other] Товара «{ $product }» осталось всего { $available } штуки.
    }

error-product-unavailable = Товар «{ $product }» сейчас недоступен.

error-insufficient-stock = Остаток не может быть меньше зарезервированного под заказы (на складе: { $on_hand }, в резерве: { $reserved }).

error-invalid-transition =
    Заказ в статусе «{ $from ->
        [awaiting_payment] Ожидает оплаты
        [payment_review] Оплата на проверке
        [paid] Оплачен
        [shipped] Отправлен
        [completed] Выполнен
        [cancelled] Отменён
        [refunded] Средства возвращены
       *[other] { $from }
    }» нельзя перевести в статус «{ $to ->
        [awaiting_payment] Ожидает оплаты
        [payment_review] Оплата на проверке
        [paid] Оплачен
        [shipped] Отправлен
        [completed] Выполнен
        [cancelled] Отменён
        [refunded] Средства возвращены
       *[other] { $to }
    }».

error-already-decided =
    { $status ->
        [paid] Оплата уже подтверждена: { $by } в { $at }.
        [awaiting_payment] Оплата уже отклонена: { $by } в { $at }.
        [cancelled] Заказ уже отменён: { $by } в { $at }.
       *[other] Решение по заказу уже принято: { $by } в { $at }.
    }

error-already-decided-unknown =
    { $status ->
        [paid] Оплата уже подтверждена в { $at }.
        [awaiting_payment] Оплата уже отклонена в { $at }.
        [cancelled] Заказ уже отменён в { $at }.
       *[other] Решение по заказу уже принято в { $at }.
    }

error-conflict = Заказ только что изменился. Посмотрите на него ещё раз и повторите действие.

error-already-taken = Этим заказом уже занимается { $by }.

error-not-assignee = Этот заказ не закреплён за вами.

error-reason-required = Укажите причину.

error-slug-taken = Имя для ссылки «{ $slug }» уже занято.

error-sku-taken = Товар с артикулом { $sku } уже есть в этом магазине.

error-currency-mismatch = Валюты не совпадают.

error-amount-overflow = Слишком большая сумма.

error-receipt-type = Этот тип файла не поддерживается. Отправьте фото (JPEG, PNG, WebP) или PDF.

error-last-owner = Нельзя удалить последнего владельца.

error-role-too-high =
    Ваша роль не позволяет назначать роль «{ $role ->
        [owner] Владелец
        [admin] Администратор
        [vendor] Продавец
       *[other] { $role }
    }».

error-duplicate = Это уже сделано.

error-internal = Что-то пошло не так на нашей стороне. Попробуйте ещё раз.
