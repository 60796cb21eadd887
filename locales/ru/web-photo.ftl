# Фото товара на странице товара.
web-photo-title = Фото
web-photo-none = Фото пока нет: покупатели видят товар только текстом.
web-photo-alt = Фото товара
web-photo-file = Файл изображения
web-photo-upload = Загрузить
web-photo-remove = Удалить фото
web-photo-hint = JPEG, PNG или WebP, до { $max_mb } МБ. Изображение перекодируется без метаданных; покупатели видят его в боте.

web-error-title-413 = Слишком большой файл
