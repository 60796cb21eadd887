# Тексты режима песочницы: страница /sandbox, где можно сыграть пользователей Telegram без
# Telegram, и плашка, которую в этом режиме показывает каждая страница.

sandbox-banner = Песочница — без подключения к Telegram
sandbox-banner-open = Открыть чаты песочницы
sandbox-login-open = Открыть в Telegram песочницы
sandbox-login-hint = Это песочница: бот общается не с Telegram, а с его заменой на этом компьютере.
sandbox-login-try = Попробовать без Telegram

sandbox-title = Песочница
sandbox-intro = Играйте за покупателей и сотрудников магазина в чатах с ботом. Всё происходит в настоящей базе данных, но в Telegram ничего не уходит.
sandbox-to-backoffice = Войти в панель управления
sandbox-customer = Покупатель
sandbox-staff = Сотрудник
sandbox-playing-as = Вы играете за
sandbox-switch = Сменить
sandbox-add-person = Добавить человека
sandbox-name = Имя
sandbox-language = Язык Telegram
sandbox-role = Роль
sandbox-add = Добавить
sandbox-no-customers = Покупателей пока нет. Добавьте человека, чтобы сыграть за него.
sandbox-no-staff = Сотрудников пока нет. Добавьте человека с ролью.

sandbox-bot = бот
sandbox-chat-with = Чат с ботом
sandbox-chat-empty = Сообщений пока нет. Поздоровайтесь или откройте ссылку.
sandbox-typing = печатает
sandbox-edited = изменено
sandbox-photo = Фото
sandbox-file = Файл
sandbox-start-prompt = Эта ссылка открывает бота с параметром
sandbox-start = Начать
sandbox-message = Сообщение
sandbox-send = Отправить
sandbox-attach = Прикрепить фото или файл
sandbox-attach-hint = Фото (JPEG, PNG, WebP) или файл, например PDF, до { $max_mb } МБ.
sandbox-caption = Подпись (необязательно)
sandbox-as-file = Отправить файлом, без сжатия
sandbox-send-file = Отправить
sandbox-open-link = Открыть ссылку:
sandbox-open = Открыть
sandbox-open-shop = Открыть магазин

sandbox-faults = Сбои
sandbox-faults-intro = Заставьте следующие запросы бота к Telegram завершиться ошибкой и посмотрите, как он справится. Доставки, у которых закончились попытки, появятся среди
sandbox-faults-failed-link = недоставленных уведомлений.
sandbox-fault-kind = Что сломается
sandbox-fault-kind-429 = 429 Слишком много запросов
sandbox-fault-kind-403 = 403 Бот заблокирован
sandbox-fault-kind-timeout = Тайм-аут
sandbox-fault-retry-after = Повтор через, секунд (429)
sandbox-fault-method = Какой запрос
sandbox-fault-any-send = Любая отправка или правка
sandbox-fault-to = Кому
sandbox-fault-anyone = Кому угодно
sandbox-fault-times = Сколько раз
sandbox-fault-inject = Устроить сбой
sandbox-faults-pending = Ждут запросов
sandbox-faults-none-pending = Сбоев в ожидании нет.
sandbox-faults-log = Недавно сорванные запросы
sandbox-faults-none-hit = Ни один запрос пока не сорван.
sandbox-fault-times-left =
    { $times ->
        [one] ещё { $times } раз
        [few] ещё { $times } раза
       *[other] ещё { $times } раз
    }
sandbox-fault-429 = 429, повтор через { $seconds } с
sandbox-fault-403 = 403, пользователь заблокировал бота
sandbox-fault-timeout = тайм-аут

sandbox-error-no-user = В песочнице нет такого человека.
sandbox-error-payload = Это не ссылка на этого бота. Параметр start в ссылке — от 1 до 64 латинских букв, цифр, _ или -.
sandbox-error-form = Не удалось прочитать форму. Обновите страницу и попробуйте ещё раз.
sandbox-error-empty = Сначала напишите сообщение.
sandbox-error-text = В сообщении может быть не больше { $max } символов.
sandbox-error-no-button = Этой кнопки уже нет.
sandbox-error-no-file = Выберите файл для отправки.
sandbox-error-file-too-large = Файл слишком большой: можно не больше { $max_mb } МБ.
sandbox-error-caption = В подписи может быть не больше { $max } символов.
sandbox-error-name = Имя — от 1 до { $max } символов.
sandbox-error-language = Выберите английский, русский или украинский.
sandbox-error-role = Выберите роль: владелец, администратор или продавец.
sandbox-error-fault-kind = Выберите, что сломается: 429, 403 или тайм-аут.
sandbox-error-retry-after = «Повтор через» — от { $min } до { $max } секунд.
sandbox-error-fault-method = Выберите один из запросов в списке.
sandbox-error-fault-times = «Сколько раз» — от { $min } до { $max }.
