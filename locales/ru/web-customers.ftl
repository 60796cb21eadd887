# Тексты страниц покупателей в бэк-офисе.

web-customers-title = Покупатели
web-customers-search = Имя, @username или Telegram ID
web-customers-name = Имя
web-customers-telegram-id = Telegram ID
web-customers-language = Язык
web-customers-orders = Заказы
web-customers-revenue = Оплачено
web-customers-revenue-hint = «Оплачено» — сумма оплаченных, отправленных и выполненных заказов.
web-customers-last-order = Последний заказ
web-customers-blocked = Заблокирован
web-customers-empty = Покупатели не найдены.
web-customer-block-title = Блокировка
web-customer-block-hint = Заблокированный покупатель не сможет оформлять новые заказы в этом магазине. Уже оформленные заказы останутся как есть.
web-customer-block = Заблокировать покупателя
web-customer-blocked-by = Заблокировал(а) { $by }
web-customer-unblock = Разблокировать
web-customer-orders = Заказы в этом магазине
web-customer-latest-orders =
    { $count ->
        [one] Показан только последний { $count } заказ.
        [few] Показаны только последние { $count } заказа.
       *[other] Показаны только последние { $count } заказов.
    }
