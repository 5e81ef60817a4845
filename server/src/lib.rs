//! The mxray server crate: the SMTP/MX probe engine, the CLI and the web server.
#![warn(missing_docs)]

pub mod batch;
pub mod cli;
pub mod probe;
pub mod process;
pub mod watch;
pub mod web;
