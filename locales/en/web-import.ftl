# Backoffice: importing products from a CSV file.

web-import-title = Import products from CSV
web-import-intro = One product per line, in UTF-8. The first line names the columns; “Export CSV” on the products page writes a file in this format, ready to edit and import back.
web-import-required = Columns every file has:
web-import-optional = Optional columns with the texts in other languages (leave out both columns of a language to keep its texts as they are):
web-import-rules = A SKU the store already has is updated: its stock on hand is set to the file's number and recorded in the stock history. A new SKU is created. If any line has a problem, nothing is imported.
web-import-limits = At most { $max_rows } products and { $max_kib } KB in one file.
web-import-file = CSV file
web-import-submit = Import
web-import-done = Import finished: { $created } created, { $updated } updated, { $unchanged } unchanged.
web-import-rejected =
    { $count ->
        [one] Nothing was imported: the file has one problem.
       *[other] Nothing was imported: the file has { $count } problems.
    } Fix the lines below and upload it again.
web-import-line = Line
web-import-problem = Problem
web-import-back = Back to products
