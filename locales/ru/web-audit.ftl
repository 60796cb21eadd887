# Тексты страницы журнала аудита в бэк-офисе.

web-audit-title = Журнал аудита
web-audit-person = Кто
web-audit-anyone = Все
web-audit-username = или @имя
web-audit-action = Действие
web-audit-object-type = Тип объекта
web-audit-object-id = Id объекта
web-audit-from = С
web-audit-to = По
web-audit-filter = Показать
web-audit-export-csv = Выгрузить CSV
web-audit-when = Когда
web-audit-who = Кто
web-audit-channel = Канал
web-audit-object = Объект
web-audit-change = До → после
web-audit-origin = IP / источник
web-audit-empty = Записей не найдено.
web-audit-next-page = Следующая страница
