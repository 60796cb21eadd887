# Backoffice: the People page (staff, roles, invitation links).

web-people-title = People
web-people-staff = Staff of this store
web-people-none = Nobody works in this store yet. Invite someone below.
web-people-owners = Owners
web-people-owners-hint = Owners run every store of this Vitrina. Giving an owner another role makes them staff of this store only.
web-people-name = Name
web-people-role = Role
web-people-alerts = Receipt alerts
web-people-alerts-on = On
web-people-alerts-off = Off
web-people-granted = Since
web-people-granted-by = by { $by }
web-people-change = Change role
web-people-remove = Remove…
web-people-remove-confirm = Take away { $name }'s role? They lose access at once.
web-people-remove-yes = Yes, remove
web-people-invite = Invite someone
web-people-invite-hint = The link gives the role to whoever opens it first in Telegram. Send it only to the person you mean.
web-people-ttl = Link works for
web-people-ttl-hours =
    { $count ->
        [one] { $count } hour
       *[other] { $count } hours
    }
web-people-invite-create = Create the invitation link
web-people-link-ready = Invitation link
web-people-link-once = Copy it now: this link is shown only once.
web-people-link-expires = Works until { $at } (UTC), for one person.
web-people-open-invites = Open invitations
web-people-no-invites = No open invitations.
web-people-invited-by = Invited by
web-people-created = Created
web-people-expires = Expires
web-people-invite-revoke = Withdraw
