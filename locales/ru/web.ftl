# Тексты веб-панели (бэкофиса).

web-login-title = Вход в Vitrina
web-login-scan = Отсканируйте код камерой телефона или откройте ссылку в Telegram и подтвердите вход в боте.
web-login-open-telegram = Открыть в Telegram
web-login-waiting = Ждём подтверждения в Telegram…
web-login-denied = Вход отклонён в Telegram.
web-login-expired = Срок действия кода истёк.
web-login-new-code = Получить новый код
web-logout = Выйти
web-store = Магазин
web-switch = Сменить
web-mute = Выключить звук
web-nav-queue = Оплаты на проверку
web-nav-orders = Заказы
web-nav-sessions = Сеансы
web-queue-empty = Нет оплат, ожидающих проверки. Новые квитанции появятся здесь сами.
web-previous-orders =
    { $count ->
        [0] первый заказ
        [one] { $count } предыдущий заказ
        [few] { $count } предыдущих заказа
        [many] { $count } предыдущих заказов
       *[other] { $count } предыдущего заказа
    }
web-open-pdf = Открыть PDF
web-receipt = Квитанция
web-receipts = Квитанции
web-duplicate-receipt = ⚠️ Эта квитанция уже была отправлена для другого заказа.
web-verify = Подтвердить
web-reject = Отклонить
web-reject-reason = Или укажите свою причину
web-reason-amount = Сумма не совпадает с суммой заказа
web-reason-unreadable = Квитанцию невозможно прочитать
web-reason-not-received = Платёж не поступил
web-reason-duplicate = Эта квитанция уже использовалась
web-verified = Заказ №{ $number }: оплата подтверждена.
web-rejected = Заказ №{ $number }: оплата отклонена, покупателю сообщили причину.
web-verify-selected = Подтвердить выбранные
web-reject-selected = Отклонить выбранные
web-bulk-done =
    Решено заказов: { $done }{ $skipped ->
        [0] .
       *[other] ; уже решено в другом месте: { $skipped }.
    }
web-zoom-in = Увеличить
web-zoom-out = Уменьшить
web-rotate = Повернуть
web-full-size = Полный размер
web-shortcuts = Клавиши: j / k — следующий / предыдущий, v — подтвердить, r — отклонить, ? — эта справка.
web-all-statuses = Все статусы
web-filter = Фильтр
web-from = С
web-to = По
web-min-total = Сумма от
web-max-total = Сумма до
web-search = Номер или покупатель
web-export-csv = Выгрузить CSV
web-date = Дата
web-total = Сумма
web-status = Статус
web-no-orders = Здесь нет заказов.
web-next-page = Следующая страница
web-customer = Покупатель
web-delivery = Доставка
web-tracking = Трек-номер
web-assignee = В работе у
web-actions = Действия
web-reason = Причина
web-history = История
web-history-assigned = Взят в работу
web-history-released = Освобождён
web-history-receipt_attached = Прислана ещё одна квитанция
web-action-take = Взять в работу
web-action-release = Освободить
web-action-ship = Отметить как отправленный
web-action-complete = Отметить как выполненный
web-action-cancel = Отменить заказ
web-action-refund = Вернуть деньги
web-action-verify = Подтвердить оплату
web-action-reject = Отклонить оплату
web-notifications = Уведомления
web-mark-all-read = Отметить все прочитанными
web-no-notifications = Уведомлений пока нет.
web-notification-new-receipt = Новая квитанция к заказу №{ $number }
web-notification-daily-digest = Сводка за сутки, { $store }: заказов { $orders }, выручка { $revenue }, квитанций на проверке { $receipts }
web-device = Устройство
web-created = Вход
web-last-seen = Последняя активность
web-this-session = текущий
web-revoke = Завершить
web-revoke-others = Завершить все остальные сеансы
web-back-home = На главную
web-error-title-403 = Доступ запрещён
web-error-title-404 = Не найдено
web-error-title-409 = Не получилось
web-error-title-500 = Что-то пошло не так
web-error-403 = У вас нет прав на просмотр или это действие.
web-error-404 = Здесь ничего нет — или у вас нет к этому доступа.
web-error-500 = Что-то пошло не так на нашей стороне. Попробуйте ещё раз.

## Часть входа по QR-коду в боте

bot-login-card =
    Войти в веб-панель Vitrina?
    Браузер: { $browser }, { $os }
    IP: { $ip }
    Время: { $time } UTC
btn-login-approve = ✅ Подтвердить
btn-login-deny = ❌ Отклонить
bot-login-approved = Готово: вход в браузере выполнен.
bot-login-denied = Вход отклонён.
