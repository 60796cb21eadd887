//! Who is who: users (customers and staff alike), staff roles per store, invitations, blocked
//! customers, and signing in to the backoffice (QR login, sessions, tokens).
pub mod auth;
pub mod customers;
pub mod invites;
pub mod staff;
pub mod users;
