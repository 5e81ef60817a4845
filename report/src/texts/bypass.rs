//! The relay bypass forms in words.

use crate::model::bypass::{BypassAttempt, BypassForm};
use crate::model::lang::Lang;
use crate::texts::pick;

impl BypassForm {
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
    use crate::model::bypass::BypassForm;
    use std::net::IpAddr;

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
