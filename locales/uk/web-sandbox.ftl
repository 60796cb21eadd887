# Тексти режиму пісочниці: сторінка /sandbox, де можна зіграти користувачів Telegram без
# Telegram, і плашка, яку в цьому режимі показує кожна сторінка.

sandbox-banner = Пісочниця — без підключення до Telegram
sandbox-banner-open = Відкрити чати пісочниці
sandbox-login-open = Відкрити в Telegram пісочниці
sandbox-login-hint = Це пісочниця: бот спілкується не з Telegram, а з його заміною на цьому комп'ютері.
sandbox-login-try = Спробувати без Telegram

sandbox-title = Пісочниця
sandbox-intro = Грайте за покупців і працівників магазину в чатах із ботом. Усе відбувається в справжній базі даних, але до Telegram нічого не потрапляє.
sandbox-to-backoffice = Увійти в панель керування
sandbox-customer = Покупець
sandbox-staff = Працівник
sandbox-playing-as = Ви граєте за
sandbox-switch = Змінити
sandbox-add-person = Додати людину
sandbox-name = Ім'я
sandbox-language = Мова Telegram
sandbox-role = Роль
sandbox-add = Додати
sandbox-no-customers = Покупців поки немає. Додайте людину, щоб зіграти за неї.
sandbox-no-staff = Працівників поки немає. Додайте людину з роллю.

sandbox-bot = бот
sandbox-chat-with = Чат із ботом
sandbox-chat-empty = Повідомлень поки немає. Привітайтеся або відкрийте посилання.
sandbox-typing = друкує
sandbox-edited = змінено
sandbox-photo = Фото
sandbox-file = Файл
sandbox-start-prompt = Це посилання відкриває бота з параметром
sandbox-start = Почати
sandbox-message = Повідомлення
sandbox-send = Надіслати
sandbox-attach = Прикріпити фото або файл
sandbox-attach-hint = Фото (JPEG, PNG, WebP) або файл, наприклад PDF, до { $max_mb } МБ.
sandbox-caption = Підпис (необов'язково)
sandbox-as-file = Надіслати файлом, без стиснення
sandbox-send-file = Надіслати
sandbox-open-link = Відкрити посилання:
sandbox-open = Відкрити
sandbox-open-shop = Відкрити магазин

sandbox-faults = Збої
sandbox-faults-intro = Змусьте наступні запити бота до Telegram завершитися помилкою й подивіться, як він упорається. Доставки, у яких скінчилися спроби, з'являться серед
sandbox-faults-failed-link = недоставлених сповіщень.
sandbox-fault-kind = Що зламається
sandbox-fault-kind-429 = 429 Забагато запитів
sandbox-fault-kind-403 = 403 Бота заблоковано
sandbox-fault-kind-timeout = Тайм-аут
sandbox-fault-retry-after = Повтор через, секунд (429)
sandbox-fault-method = Який запит
sandbox-fault-any-send = Будь-яке надсилання чи редагування
sandbox-fault-to = Кому
sandbox-fault-anyone = Будь-кому
sandbox-fault-times = Скільки разів
sandbox-fault-inject = Влаштувати збій
sandbox-faults-pending = Чекають на запити
sandbox-faults-none-pending = Збоїв в очікуванні немає.
sandbox-faults-log = Нещодавно зірвані запити
sandbox-faults-none-hit = Жоден запит поки не зірвано.
sandbox-fault-times-left =
    { $times ->
        [one] ще { $times } раз
        [few] ще { $times } рази
       *[other] ще { $times } разів
    }
sandbox-fault-429 = 429, повтор через { $seconds } с
sandbox-fault-403 = 403, користувач заблокував бота
sandbox-fault-timeout = тайм-аут

sandbox-error-no-user = У пісочниці немає такої людини.
sandbox-error-payload = Це не посилання на цього бота. Параметр start у посиланні — від 1 до 64 латинських літер, цифр, _ або -.
sandbox-error-form = Не вдалося прочитати форму. Оновіть сторінку й спробуйте ще раз.
sandbox-error-empty = Спершу напишіть повідомлення.
sandbox-error-text = У повідомленні може бути не більше { $max } символів.
sandbox-error-no-button = Цієї кнопки вже немає.
sandbox-error-no-file = Виберіть файл для надсилання.
sandbox-error-file-too-large = Файл завеликий: можна не більше { $max_mb } МБ.
sandbox-error-caption = У підписі може бути не більше { $max } символів.
sandbox-error-name = Ім'я — від 1 до { $max } символів.
sandbox-error-language = Виберіть англійську, російську або українську.
sandbox-error-role = Виберіть роль: власник, адміністратор або продавець.
sandbox-error-fault-kind = Виберіть, що зламається: 429, 403 або тайм-аут.
sandbox-error-retry-after = «Повтор через» — від { $min } до { $max } секунд.
sandbox-error-fault-method = Виберіть один із запитів у списку.
sandbox-error-fault-times = «Скільки разів» — від { $min } до { $max }.
