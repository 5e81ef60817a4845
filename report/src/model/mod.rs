//! The report's types and their serde form: what was seen, nothing judged, nothing in words.
//! Every section of the contract `mxray.report.v1` lives here, so the layers above can only read it.

pub mod bypass;
pub mod dane;
pub mod depth;
pub mod egress;
pub mod event;
pub mod finding;
pub mod lang;
pub mod policy;
pub mod ports;
pub mod quality;
pub mod report;
pub mod session;
