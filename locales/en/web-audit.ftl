# Texts of the backoffice's audit log page.

web-audit-title = Audit log
web-audit-person = Who
web-audit-anyone = Anyone
web-audit-username = or @username
web-audit-action = Action
web-audit-object-type = Object type
web-audit-object-id = Object id
web-audit-from = From
web-audit-to = To
web-audit-filter = Filter
web-audit-export-csv = Export CSV
web-audit-when = When
web-audit-who = Who
web-audit-channel = Channel
web-audit-object = Object
web-audit-change = Before → after
web-audit-origin = IP / origin
web-audit-empty = No entries match.
web-audit-next-page = Next page
