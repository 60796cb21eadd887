# Тексты страницы недоставленных уведомлений и настроек уведомлений.

web-deliveries-title = Недоставленные уведомления
web-deliveries-hint = Уведомления об этом магазине, которые не удалось доставить за несколько попыток. «Повторить» отправит уведомление снова.
web-deliveries-empty = Недоставленных уведомлений нет.
web-deliveries-when = Создано
web-deliveries-recipient = Получатель
web-deliveries-what = Уведомление
web-deliveries-channel = Канал
web-deliveries-attempts = Попытки
web-deliveries-error = Причина
web-deliveries-retry = Повторить
web-preferences-title = Настройки уведомлений
web-preferences-hint = Выберите, о чём и где вам сообщать. Уведомления без отметки вам не отправляются.
web-preferences-kind = Уведомление
web-preferences-save = Сохранить
web-preferences-saved = Настройки сохранены.
delivery-channel-telegram = Telegram
delivery-channel-in_app = Центр уведомлений
delivery-kind-new_receipt = Новая квитанция на проверку
delivery-kind-low_stock = Товар заканчивается
delivery-kind-verified = Оплата подтверждена
delivery-kind-rejected = Оплата отклонена
delivery-kind-shipped = Заказ отправлен
delivery-kind-cancelled = Заказ отменён
delivery-kind-expired = Неоплаченный заказ просрочен
delivery-kind-refunded = Деньги за заказ возвращены
delivery-kind-completed = Заказ выполнен
