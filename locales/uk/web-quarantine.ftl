# Тексти сторінки бекофісу з відкладеними оновленнями Telegram.

web-quarantine-title = Відкладені оновлення Telegram
web-quarantine-hint = Кожне з цих оновлень зупинило бота під час обробки, а потім ще раз під час повторної спроби, тому більше не обробляється саме. Видаліть оновлення назавжди або спробуйте ще раз (якщо воно знову зупинить бота, його знову буде відкладено).
web-quarantine-empty = Відкладених оновлень немає.
web-quarantine-update = Оновлення
web-quarantine-kind = Що
web-quarantine-from = Від кого (Telegram id)
web-quarantine-received = Отримано
web-quarantine-set-aside = Відкладено
web-quarantine-discard = Видалити
web-quarantine-retry = Спробувати ще раз
web-quarantine-link = Відкладені оновлення Telegram (власники платформи)
