# Тексти сторінок покупців у бек-офісі.

web-customers-title = Покупці
web-customers-search = Ім'я, @username або Telegram ID
web-customers-name = Ім'я
web-customers-telegram-id = Telegram ID
web-customers-language = Мова
web-customers-orders = Замовлення
web-customers-revenue = Сплачено
web-customers-revenue-hint = «Сплачено» — сума сплачених, відправлених і виконаних замовлень.
web-customers-last-order = Останнє замовлення
web-customers-blocked = Заблоковано
web-customers-empty = Покупців не знайдено.
web-customer-block-title = Блокування
web-customer-block-hint = Заблокований покупець не зможе оформлювати нові замовлення в цьому магазині. Уже оформлені замовлення залишаться як є.
web-customer-block = Заблокувати покупця
web-customer-blocked-by = Заблокував(ла) { $by }
web-customer-unblock = Розблокувати
web-customer-orders = Замовлення в цьому магазині
web-customer-latest-orders =
    { $count ->
        [one] Показано лише останнє { $count } замовлення.
        [few] Показано лише останні { $count } замовлення.
       *[other] Показано лише останні { $count } замовлень.
    }
