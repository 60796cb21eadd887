//! Running a deployment: first-run bootstrap, the worker and its scheduled jobs, housekeeping,
//! demo data and the sandbox. These sit on top and may use every other context.
pub mod bootstrap;
pub mod demo;
pub mod housekeeping;
pub mod sandbox;
pub mod worker;
