# Панель керування: сторінка «Люди» (працівники, ролі, посилання-запрошення).

web-people-title = Люди
web-people-staff = Працівники магазину
web-people-none = У цьому магазині поки ніхто не працює. Запросіть когось нижче.
web-people-owners = Власники
web-people-owners-hint = Власники керують усіма магазинами цієї Vitrina. Інша роль зробить власника працівником лише цього магазину.
web-people-name = Ім'я
web-people-role = Роль
web-people-alerts = Сповіщення про квитанції
web-people-alerts-on = Увімк.
web-people-alerts-off = Вимк.
web-people-granted = З
web-people-granted-by = призначив(ла) { $by }
web-people-change = Змінити роль
web-people-remove = Зняти роль…
web-people-remove-confirm = Зняти роль з { $name }? Доступ зникне одразу.
web-people-remove-yes = Так, зняти
web-people-invite = Запросити
web-people-invite-hint = Посилання дає роль тому, хто першим відкриє його в Telegram. Надішліть його лише потрібній людині.
web-people-ttl = Посилання діє
web-people-ttl-hours =
    { $count ->
        [one] { $count } годину
        [few] { $count } години
        [many] { $count } годин
       *[other] { $count } години
    }
web-people-invite-create = Створити посилання-запрошення
web-people-link-ready = Посилання-запрошення
web-people-link-once = Скопіюйте його зараз: посилання показується лише один раз.
web-people-link-expires = Діє до { $at } (UTC), для однієї людини.
web-people-open-invites = Відкриті запрошення
web-people-no-invites = Відкритих запрошень немає.
web-people-invited-by = Запросив(ла)
web-people-created = Створено
web-people-expires = Спливає
web-people-invite-revoke = Відкликати
