# Панель управления: страница «Люди» (сотрудники, роли, ссылки-приглашения).

web-people-title = Люди
web-people-staff = Сотрудники магазина
web-people-none = В этом магазине пока никто не работает. Пригласите кого-нибудь ниже.
web-people-owners = Владельцы
web-people-owners-hint = Владельцы управляют всеми магазинами этой Vitrina. Другая роль сделает владельца сотрудником только этого магазина.
web-people-name = Имя
web-people-role = Роль
web-people-alerts = Уведомления о квитанциях
web-people-alerts-on = Вкл.
web-people-alerts-off = Выкл.
web-people-granted = С
web-people-granted-by = назначил(а) { $by }
web-people-change = Сменить роль
web-people-remove = Снять роль…
web-people-remove-confirm = Снять роль с { $name }? Доступ пропадёт сразу.
web-people-remove-yes = Да, снять
web-people-invite = Пригласить
web-people-invite-hint = Ссылка даёт роль тому, кто первым откроет её в Telegram. Отправьте её только нужному человеку.
web-people-ttl = Ссылка действует
web-people-ttl-hours =
    { $count ->
        [one] { $count } час
        [few] { $count } часа
        [many] { $count } часов
       *[other] { $count } часа
    }
web-people-invite-create = Создать ссылку-приглашение
web-people-link-ready = Ссылка-приглашение
web-people-link-once = Скопируйте её сейчас: ссылка показывается только один раз.
web-people-link-expires = Действует до { $at } (UTC), для одного человека.
web-people-open-invites = Открытые приглашения
web-people-no-invites = Открытых приглашений нет.
web-people-invited-by = Пригласил(а)
web-people-created = Создано
web-people-expires = Истекает
web-people-invite-revoke = Отозвать
