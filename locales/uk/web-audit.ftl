# Тексти сторінки журналу аудиту в бек-офісі.

web-audit-title = Журнал аудиту
web-audit-person = Хто
web-audit-anyone = Усі
web-audit-username = або @ім'я
web-audit-action = Дія
web-audit-object-type = Тип об'єкта
web-audit-object-id = Id об'єкта
web-audit-from = З
web-audit-to = По
web-audit-filter = Показати
web-audit-export-csv = Вивантажити CSV
web-audit-when = Коли
web-audit-who = Хто
web-audit-channel = Канал
web-audit-object = Об'єкт
web-audit-change = До → після
web-audit-origin = IP / джерело
web-audit-empty = Записів не знайдено.
web-audit-next-page = Наступна сторінка
