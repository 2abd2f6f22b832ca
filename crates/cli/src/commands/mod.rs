//! One module per subcommand: read inputs, call the libraries, hand results to the output
//! format.

pub mod dashboard;
pub mod diff;
pub mod gate;
pub mod issues;
pub mod rebuild;
pub mod record;
pub mod status;
pub mod summary;
pub mod verify;
pub mod vex;
