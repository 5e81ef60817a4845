//! Test doubles for mxray, all on loopback: fake SMTP servers described as scenario data, a DNS
//! zone served by hickory-server, a certificate authority made on the spot, and a latency proxy.
#![warn(missing_docs)]

pub mod ca;
pub mod dns;
pub mod latency;
pub mod smtp;

pub use ca::TestCa;
pub use dns::{Zone, ZoneServer};
pub use latency::LatencyProxy;
pub use smtp::{Cut, FakeSmtp, Greeting, Scenario, StartTls};
