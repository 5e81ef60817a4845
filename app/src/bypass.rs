//! Relay bypass forms: addresses with routing in them (percent hack, bang path, source route, quoted
//! local part) that old or misconfigured MTAs accept although they refuse plain relaying. Tried only
//! after the plain probe was refused; a 250/251 to one is a warning, never the relay verdict.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

use crate::i18n::{pick, Lang};

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

    /// The form's name.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            BypassForm::PercentHack => pick(lang, "percent hack", "Prozent-Trick"),
            BypassForm::BangPath => pick(lang, "bang path", "Bang-Pfad"),
            BypassForm::SourceRoute => pick(lang, "source route", "Quellroute"),
            BypassForm::QuotedLocalPart => pick(lang, "quoted local part", "zitierter lokaler Teil"),
        }
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

impl BypassAttempt {
    /// `RCPT TO:<address> → reply`, as shown in reports.
    pub fn summary(&self, lang: Lang) -> String {
        let reply = self.reply.clone().unwrap_or_else(|| pick(lang, "no reply", "keine Antwort").to_owned());
        format!("RCPT TO:<{}> → {reply}", self.recipient)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_hides_the_outside_recipient_behind_the_server_literal() {
        let v4: IpAddr = "192.0.2.25".parse().unwrap();
        let got: Vec<String> =
            BypassForm::ALL.iter().map(|f| f.address("relay-test@example.net", v4).unwrap()).collect();
        assert_eq!(
            got,
            [
                "relay-test%example.net@[192.0.2.25]",
                "example.net!relay-test@[192.0.2.25]",
                "@[192.0.2.25]:relay-test@example.net",
                "\"relay-test@example.net\"@[192.0.2.25]",
            ]
        );
        let v6: IpAddr = "2001:db8::25".parse().unwrap();
        assert_eq!(BypassForm::PercentHack.address("a@b.example", v6).unwrap(), "a%b.example@[IPv6:2001:db8::25]");
        assert_eq!(BypassForm::BangPath.address("no-at-sign", v4), None);
    }

    #[test]
    fn forms_have_names_in_both_languages() {
        for form in BypassForm::ALL {
            assert_ne!(form.label(Lang::En), form.label(Lang::De));
        }
    }
}
