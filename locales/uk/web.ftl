# Тексти вебпанелі (бекофісу).

web-login-title = Вхід у Vitrina
web-login-scan = Відскануйте код камерою телефона або відкрийте посилання в Telegram і підтвердьте вхід у боті.
web-login-open-telegram = Відкрити в Telegram
web-login-waiting = Чекаємо на підтвердження в Telegram…
web-login-denied = Вхід відхилено в Telegram.
web-login-expired = Термін дії коду минув.
web-login-new-code = Отримати новий код
web-logout = Вийти
web-store = Магазин
web-switch = Змінити
web-mute = Вимкнути звук
web-nav-queue = Оплати на перевірку
web-nav-orders = Замовлення
web-nav-sessions = Сеанси
web-queue-empty = Немає оплат, що чекають на перевірку. Нові квитанції з'являться тут самі.
web-previous-orders =
    { $count ->
        [0] перше замовлення
        [one] { $count } попереднє замовлення
        [few] { $count } попередні замовлення
        [many] { $count } попередніх замовлень
       *[other] { $count } попереднього замовлення
    }
web-open-pdf = Відкрити PDF
web-receipt = Квитанція
web-receipts = Квитанції
web-duplicate-receipt = ⚠️ Цю квитанцію вже надсилали для іншого замовлення.
web-verify = Підтвердити
web-reject = Відхилити
web-reject-reason = Або вкажіть свою причину
web-reason-amount = Сума не збігається із сумою замовлення
web-reason-unreadable = Квитанцію неможливо прочитати
web-reason-not-received = Платіж не надійшов
web-reason-duplicate = Цю квитанцію вже використано
web-verified = Замовлення №{ $number }: оплату підтверджено.
web-rejected = Замовлення №{ $number }: оплату відхилено, покупцеві повідомили причину.
web-verify-selected = Підтвердити вибрані
web-reject-selected = Відхилити вибрані
web-bulk-done =
    Вирішено замовлень: { $done }{ $skipped ->
        [0] .
       *[other] ; уже вирішено деінде: { $skipped }.
    }
web-zoom-in = Збільшити
web-zoom-out = Зменшити
web-rotate = Повернути
web-full-size = Повний розмір
web-shortcuts = Клавіші: j / k — наступне / попереднє, v — підтвердити, r — відхилити, ? — ця довідка.
web-all-statuses = Усі статуси
web-filter = Фільтр
web-from = З
web-to = По
web-min-total = Сума від
web-max-total = Сума до
web-search = Номер або покупець
web-export-csv = Вивантажити CSV
web-date = Дата
web-total = Сума
web-status = Статус
web-no-orders = Тут немає замовлень.
web-next-page = Наступна сторінка
web-customer = Покупець
web-delivery = Доставка
web-tracking = Трек-номер
web-assignee = У роботі в
web-actions = Дії
web-reason = Причина
web-history = Історія
web-history-assigned = Взято в роботу
web-history-released = Звільнено
web-history-receipt_attached = Надіслано ще одну квитанцію
web-action-take = Взяти в роботу
web-action-release = Звільнити
web-action-ship = Позначити як відправлене
web-action-complete = Позначити як виконане
web-action-cancel = Скасувати замовлення
web-action-refund = Повернути кошти
web-action-verify = Підтвердити оплату
web-action-reject = Відхилити оплату
web-notifications = Сповіщення
web-mark-all-read = Позначити всі прочитаними
web-no-notifications = Сповіщень поки немає.
web-notification-new-receipt = Нова квитанція до замовлення №{ $number }
web-notification-daily-digest = Зведення за добу, { $store }: замовлень { $orders }, виторг { $revenue }, квитанцій на перевірці { $receipts }
web-device = Пристрій
web-created = Вхід
web-last-seen = Остання активність
web-this-session = поточний
web-revoke = Завершити
web-revoke-others = Завершити всі інші сеанси
web-back-home = На головну
web-error-title-403 = Доступ заборонено
web-error-title-404 = Не знайдено
web-error-title-409 = Не вдалося
web-error-title-500 = Щось пішло не так
web-error-403 = У вас немає прав на перегляд або цю дію.
web-error-404 = Тут нічого немає — або у вас немає до цього доступу.
web-error-500 = Щось пішло не так на нашому боці. Спробуйте ще раз.

## Частина входу за QR-кодом у боті

bot-login-card =
    Увійти у вебпанель Vitrina?
    Браузер: { $browser }, { $os }
    IP: { $ip }
    Час: { $time } UTC
btn-login-approve = ✅ Підтвердити
btn-login-deny = ❌ Відхилити
bot-login-approved = Готово: вхід у браузері виконано.
bot-login-denied = Вхід відхилено.
