# The product photo on the product page.
web-photo-title = Photo
web-photo-none = No photo yet: customers see the product as text.
web-photo-alt = The product's photo
web-photo-file = Image file
web-photo-upload = Upload
web-photo-remove = Remove the photo
web-photo-hint = JPEG, PNG or WebP, up to { $max_mb } MB. It is re-encoded without its metadata; customers see it in the bot.

web-error-title-413 = Too large
