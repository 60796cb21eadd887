//! Telling people what happened: who is told what when an event happens
//! ([`notifications`]), the planned and retried deliveries per channel ([`deliveries`]), the
//! backoffice's notification centre ([`centre`]), and the daily digest.
pub mod centre;
pub mod deliveries;
pub mod digest;
pub mod notifications;
