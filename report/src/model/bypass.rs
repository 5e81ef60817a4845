//! The relay bypass forms (recipient spellings that fool naive relay checks) and one try of each.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// A way of hiding an outside recipient in an address the server may take for its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BypassForm {
    /// `user%outside@[server]` (sendmail's percent hack).
    PercentHack,
    /// `outside!user@[server]` (UUCP bang path).
    BangPath,
    /// `@[server]:user@outside` (RFC 821 source route).
    SourceRoute,
    /// `"user@outside"@[server]` (quoted local part).
    QuotedLocalPart,
}

impl BypassForm {
    /// Every form, in the order tried.
    pub const ALL: [BypassForm; 4] =
        [BypassForm::PercentHack, BypassForm::BangPath, BypassForm::SourceRoute, BypassForm::QuotedLocalPart];

    /// The address (without angle brackets) that hides `recipient` behind the server's own address
    /// literal; `None` when `recipient` is not `local@domain`.
    pub fn address(self, recipient: &str, server: IpAddr) -> Option<String> {
        let (user, outside) = recipient.rsplit_once('@')?;
        let literal = match server {
            IpAddr::V4(v4) => format!("[{v4}]"),
            IpAddr::V6(v6) => format!("[IPv6:{v6}]"),
        };
        Some(match self {
            BypassForm::PercentHack => format!("{user}%{outside}@{literal}"),
            BypassForm::BangPath => format!("{outside}!{user}@{literal}"),
            BypassForm::SourceRoute => format!("@{literal}:{user}@{outside}"),
            BypassForm::QuotedLocalPart => format!("\"{user}@{outside}\"@{literal}"),
        })
    }
}

/// One bypass form as tried: the recipient sent and the server's reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BypassAttempt {
    /// Which form.
    pub form: BypassForm,
    /// The address in `RCPT TO:<…>`.
    pub recipient: String,
    /// The reply's first line, when one came.
    pub reply: Option<String>,
    /// 250 or 251: the server took the routing address (252 and 4xx do not count).
    pub accepted: bool,
}
