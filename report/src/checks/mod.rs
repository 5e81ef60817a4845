//! The judgement: one module per check, each turning its part of the report into findings and
//! marks. Imports only the model (and the input rules).

pub mod assess;
pub mod banner;
pub mod certificate;
pub mod dane;
pub mod depth;
pub mod dnsbl;
pub mod egress;
pub mod ehlo;
pub mod inspection;
pub mod legacy_tls;
pub mod marks;
pub mod mta_sts;
pub mod policy_record;
pub mod ports;
pub mod ptr;
pub mod relay;
pub mod severity;
pub mod starttls;
pub mod tcp;
pub mod tls_quality;
pub mod tls_rpt;
