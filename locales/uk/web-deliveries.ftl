# Тексти сторінки недоставлених сповіщень і налаштувань сповіщень.

web-deliveries-title = Недоставлені сповіщення
web-deliveries-hint = Сповіщення про цей магазин, які не вдалося доставити за кілька спроб. «Повторити» надішле сповіщення знову.
web-deliveries-empty = Недоставлених сповіщень немає.
web-deliveries-when = Створено
web-deliveries-recipient = Отримувач
web-deliveries-what = Сповіщення
web-deliveries-channel = Канал
web-deliveries-attempts = Спроби
web-deliveries-error = Причина
web-deliveries-retry = Повторити
web-preferences-title = Налаштування сповіщень
web-preferences-hint = Оберіть, про що і де вам повідомляти. Сповіщення без позначки вам не надсилаються.
web-preferences-kind = Сповіщення
web-preferences-save = Зберегти
web-preferences-saved = Налаштування збережено.
delivery-channel-telegram = Telegram
delivery-channel-in_app = Центр сповіщень
delivery-kind-new_receipt = Нова квитанція на перевірку
delivery-kind-low_stock = Товар закінчується
delivery-kind-verified = Оплату підтверджено
delivery-kind-rejected = Оплату відхилено
delivery-kind-shipped = Замовлення відправлено
delivery-kind-cancelled = Замовлення скасовано
delivery-kind-expired = Неоплачене замовлення прострочено
delivery-kind-refunded = Гроші за замовлення повернуто
delivery-kind-completed = Замовлення виконано
