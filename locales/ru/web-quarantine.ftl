# Тексты страницы бэк-офиса с отложенными обновлениями Telegram.

web-quarantine-title = Отложенные обновления Telegram
web-quarantine-hint = Каждое из этих обновлений остановило бота во время обработки, а затем ещё раз при повторной попытке, поэтому больше не обрабатывается само. Удалите обновление навсегда или попробуйте ещё раз (если оно снова остановит бота, оно снова будет отложено).
web-quarantine-empty = Отложенных обновлений нет.
web-quarantine-update = Обновление
web-quarantine-kind = Что
web-quarantine-from = От кого (Telegram id)
web-quarantine-received = Получено
web-quarantine-set-aside = Отложено
web-quarantine-discard = Удалить
web-quarantine-retry = Попробовать ещё раз
web-quarantine-link = Отложенные обновления Telegram (владельцы платформы)
