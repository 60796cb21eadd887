# The bot's side of staff invitations (`start=invite_<token>`).

bot-invite-accepted =
    You are now { $role ->
        [admin] an Admin
        [vendor] a Vendor
       *[other] { $role }
    } of { $store }. Type /orders to see the store's orders, or log in to the backoffice from the browser.
bot-invite-accepted-owner = You are now an Owner of this Vitrina: every store is yours to run. Log in to the backoffice from the browser.
