# Тексты Telegram-бота. Аргументы подставляет бот; количества передаются числами, чтобы
# выбиралась правильная форма множественного числа.

## Покупатели

bot-welcome = Добро пожаловать в { $store }!
bot-no-store = Этот магазин ещё не открылся. Загляните, пожалуйста, попозже.
bot-help-intro = Вот что я умею:
bot-help-receipt = Чтобы оплатить заказ, пришлите сюда фото или PDF квитанции об оплате.
bot-help-staff = Для сотрудников магазина:
cmd-start = открыть магазин
cmd-catalog = посмотреть товары
cmd-cart = ваша корзина
cmd-orders = ваши заказы (сотрудникам — заказы магазина, можно по статусу)
cmd-language = сменить язык
cmd-cancel = выйти из текущего шага
cmd-help = что я умею
cmd-order = заказ с квитанциями, по номеру
cmd-verify = подтвердить оплату заказа
cmd-reject = отклонить оплату заказа с указанием причины
bot-unknown-command = Извините, я не знаю такой команды. Наберите /help, чтобы узнать, что я умею.
bot-slow-down = Вы немного торопитесь — подождите секунду и попробуйте ещё раз.
bot-slow-down-press = Слишком много нажатий — подождите немного.
bot-private-only = Я работаю только в личном чате. Напишите мне туда: @{ $bot }
bot-expired-button = Эта кнопка больше не действует.
bot-flow-cancelled = Отменено. Корзина сохранена.
bot-catalog-title = { $store } — каталог, страница { $page } из { $pages }
bot-catalog-empty = Каталог пока пуст.
bot-product =
    { $title }
    { $price }
    { $availability }

    { $description }
bot-in-stock =
    { $count ->
        [one] В наличии: { $count } штука
        [few] В наличии: { $count } штуки
        [many] В наличии: { $count } штук
       *[other] В наличии: { $count } штуки
    }
bot-out-of-stock = Нет в наличии
bot-added = «{ $title }» в вашей корзине.
bot-cart-empty = Ваша корзина пуста.
bot-cart-title = Ваша корзина:
bot-cart-line = { $title } × { $quantity } — { $amount }
bot-cart-total = Итого: { $total }
bot-ask-name = Кто получит заказ? Напишите, пожалуйста, имя.
bot-ask-phone = Ваш номер телефона для курьера?
bot-ask-address = Адрес доставки (город, улица, дом, квартира или отделение почты)?
bot-summary =
    Пожалуйста, проверьте заказ:

    { $cart }

    Имя: { $name }
    Телефон: { $phone }
    Адрес: { $address }
bot-order-placed =
    Заказ №{ $number } оформлен. Сумма к оплате: { $total }.

    { $instructions }

    Оплатите, пожалуйста, до { $deadline } и пришлите сюда фото или PDF квитанции.
bot-receipt-no-order = У вас нет заказа, ожидающего оплаты. Сначала оформите заказ: /catalog
bot-receipt-which-order = К какому заказу относится эта квитанция?
bot-receipt-received = Спасибо! Квитанция по заказу №{ $number } передана магазину на проверку. Мы сообщим вам о результате.
bot-my-orders-empty = У вас пока нет заказов.
bot-my-orders-title = Ваши заказы:
bot-order-line = №{ $number } — { $total } — { $status }
bot-order-cancelled = Заказ №{ $number } отменён.
bot-language-choose = Выберите язык:
bot-language-set = Теперь я говорю по-русски.
bot-claim-done = Теперь вы владелец этой Vitrina.

## Файлы квитанций

receipt-empty = Файл пустой. Пришлите квитанцию ещё раз, пожалуйста.
receipt-too-big = Файл слишком большой (максимум { $max_mb } МБ). Пришлите фото или PDF поменьше.
receipt-unsupported = Этот тип файла не поддерживается. Пришлите фото (JPEG, PNG, WebP) или PDF.
receipt-too-large = Изображение или документ слишком большие для проверки. Пришлите файл поменьше.
receipt-unreadable = Не получилось прочитать этот файл. Пришлите чёткое фото или оригинальный PDF.
receipt-active-content = В этом PDF есть скрипты или вложенные файлы, поэтому принять его нельзя. Пришлите фото квитанции или обычный PDF из банка.
receipt-download-failed = Не получилось загрузить файл из Telegram. Попробуйте ещё раз через минуту.

## Кнопки

btn-add-to-cart = В корзину
btn-cart = 🛒 Корзина
btn-catalog = Каталог
btn-checkout = Оформить заказ
btn-back = ← Назад
btn-cancel = Отмена
btn-confirm = ✅ Подтвердить заказ
btn-prev = ‹ Назад
btn-next = Далее ›
btn-my-orders = Мои заказы
btn-cancel-order = Отменить заказ №{ $number }
btn-verify = ✅ Подтвердить
btn-reject = ❌ Отклонить

## Сотрудники

admin-orders-title = Заказы:
admin-orders-empty = Заказов нет.
admin-order-card =
    Заказ №{ $number } — { $status }
    { $items }
    Итого: { $total }
    Покупатель: { $customer }
    Доставка: { $name }, { $phone }
    { $address }
    { $receipts ->
        [0] Квитанций пока нет.
        [one] { $receipts } квитанция.
        [few] { $receipts } квитанции.
        [many] { $receipts } квитанций.
       *[other] { $receipts } квитанции.
    }{ $duplicates ->
        [0] {""}
       *[other] {" "}⚠️ Возможно, квитанция повторная.
    }
admin-verified = Заказ №{ $number }: оплата подтверждена. Покупатель уведомлён.
admin-rejected = Заказ №{ $number }: оплата отклонена. Покупателю сообщили причину.
admin-ask-reason = Почему отклонена оплата заказа №{ $number }? Ваш ответ будет отправлен покупателю.

## Уведомления

notify-verified = Оплата заказа №{ $number } подтверждена. Мы собираем ваш заказ и сообщим, когда он будет отправлен.
notify-rejected =
    Не удалось подтвердить оплату заказа №{ $number }: { $reason }
    Пришлите, пожалуйста, сюда новое фото или PDF квитанции.
notify-shipped = Заказ №{ $number } уже в пути! Номер для отслеживания: { $tracking }
notify-cancelled = Магазин отменил заказ №{ $number }.
notify-expired = Заказ №{ $number } отменён, так как не был оплачен вовремя.
notify-refunded = Деньги за заказ №{ $number } возвращены.
notify-completed = Заказ №{ $number } выполнен. Спасибо за покупку!
notify-low-stock =
    { $count ->
        [0] «{ $title }» закончился.
        [one] «{ $title }» заканчивается: осталась { $count } штука.
        [few] «{ $title }» заканчивается: осталось { $count } штуки.
        [many] «{ $title }» заканчивается: осталось { $count } штук.
       *[other] «{ $title }» заканчивается: осталось { $count } штуки.
    }
notify-daily-digest =
    Сводка за сутки: { $store }
    Новых заказов: { $orders }
    Выручка: { $revenue }
    Квитанций ждут проверки: { $receipts }
staff-new-receipt =
    Новая квитанция по заказу №{ $number }
    Сумма: { $total }
    Покупатель: { $customer }{ $duplicate ->
        [0] {""}
       *[other] {"\u000A"}⚠️ Эта квитанция уже была отправлена для другого заказа.
    }
