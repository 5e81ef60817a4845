//! The input errors in words.

use crate::input::PortsError;
use crate::InputError;
use crate::Lang;

impl PortsError {
    /// The reason in a language (English is the `Display` text).
    pub fn message(&self, lang: crate::model::lang::Lang) -> String {
        match (lang, self) {
            (crate::model::lang::Lang::En, _) => self.to_string(),
            (_, PortsError::Empty) => "Kein Port angegeben (erlaubt: 25, 465, 587)".to_owned(),
            (_, PortsError::NotANumber { entry }) => format!("{entry:?} ist keine Portnummer (erlaubt: 25, 465, 587)"),
            (_, PortsError::NotAllowed { port }) => format!("Port {port} prüft mxray nicht (erlaubt: 25, 465, 587)"),
        }
    }
}

impl InputError {
    /// The reason in a language (English is the `Display` text).
    pub fn message(&self, lang: Lang) -> String {
        use crate::input::InputError::*;
        match lang {
            Lang::En => self.to_string(),
            Lang::De => match self {
                Empty => "Keine Domain angegeben".to_owned(),
                Whitespace => "Die Eingabe enthält Leerzeichen".to_owned(),
                ControlCharacter => "Die Eingabe enthält Steuerzeichen".to_owned(),
                BadEmail => "Die E-Mail-Adresse hat keinen Domain-Teil".to_owned(),
                IpLiteral => "IP-Adressen lassen sich nicht testen, bitte einen Domainnamen angeben".to_owned(),
                LabelTooLong { label } => format!("Der Namensteil '{label}' ist länger als 63 Zeichen"),
                NameTooLong { len } => format!("Der Name ist {len} Zeichen lang, erlaubt sind höchstens 253"),
                EmptyLabel => "Der Name enthält einen leeren Namensteil".to_owned(),
                HyphenEdge { label } => format!("Der Namensteil '{label}' beginnt oder endet mit einem Bindestrich"),
                BadCharacter { ch } => format!("'{ch}' ist in einem Hostnamen nicht erlaubt"),
                SingleLabel => "Eine Domain braucht mindestens zwei Teile, z. B. example.com".to_owned(),
                InvalidIdn => "Der internationalisierte Name ist ungültig".to_owned(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::input::InputError;
    use crate::model::lang::Lang;

    #[test]
    fn reasons_read_in_both_languages() {
        let e = InputError::HyphenEdge { label: "-a".into() };
        assert_eq!(e.message(Lang::En), "the label '-a' starts or ends with a hyphen");
        assert_eq!(e.message(Lang::De), "Der Namensteil '-a' beginnt oder endet mit einem Bindestrich");
    }
}
