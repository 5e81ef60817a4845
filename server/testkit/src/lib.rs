//! Test doubles for mxray, all on loopback: fake SMTP servers described as scenario data, a DNS
//! zone served by hickory-server, a certificate authority made on the spot, a latency proxy, a
//! private redis-server, and counters and latches to wait on events instead of sleeping.
#![warn(missing_docs)]

pub mod ca;
pub mod counter;
pub mod dns;
pub mod hold;
pub mod latency;
pub mod postgres;
pub mod redis;
pub mod smtp;
pub mod tls_hello;

pub use ca::TestCa;
pub use counter::Counter;
pub use dns::{Zone, ZoneServer};
pub use hold::Hold;
pub use latency::LatencyProxy;
pub use postgres::PostgresServer;
pub use redis::RedisServer;
pub use smtp::{Cut, FakeSmtp, Greeting, Pipes, Scenario, StartTls};
