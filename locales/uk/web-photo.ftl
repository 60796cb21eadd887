# Фото товару на сторінці товару.
web-photo-title = Фото
web-photo-none = Фото ще немає: покупці бачать товар лише текстом.
web-photo-alt = Фото товару
web-photo-file = Файл зображення
web-photo-upload = Завантажити
web-photo-remove = Видалити фото
web-photo-hint = JPEG, PNG або WebP, до { $max_mb } МБ. Зображення перекодовується без метаданих; покупці бачать його в боті.

web-error-title-413 = Завеликий файл
