//! The words of the report's enums: steps, marks, severities, outcomes and reasons.

use crate::labels;

labels!(crate::checks::marks::Step, "The step's name.", {
    Tcp => ("TCP", "TCP"),
    Banner => ("Banner", "Banner"),
    Ehlo => ("EHLO", "EHLO"),
    StartTls => ("STARTTLS", "STARTTLS"),
    Certificate => ("Certificate", "Zertifikat"),
    OpenRelay => ("Open relay", "Offenes Relay"),
});

labels!(crate::model::report::Mark, "The mark as a word.", {
    Pending => ("pending", "ausstehend"),
    NotApplicable => ("n/a", "entfällt"),
    Inconclusive => ("inconclusive", "unklar"),
    Ok => ("ok", "ok"),
    Warning => ("warning", "Warnung"),
    Critical => ("critical", "kritisch"),
});

labels!(crate::model::finding::Severity, "The severity as a word.", {
    Ok => ("ok", "ok"),
    Info => ("info", "Hinweis"),
    Warning => ("warning", "Warnung"),
    Critical => ("critical", "kritisch"),
});

labels!(crate::model::report::TcpOutcome, "The connect outcome in words.", {
    Connected => ("connected", "verbunden"),
    Refused => ("refused", "abgewiesen"),
    Timeout => ("timed out", "Zeitüberschreitung"),
    Unreachable => ("unreachable", "unerreichbar"),
    Blocked => ("not public, not tested", "nicht öffentlich, nicht getestet"),
    Error => ("failed", "fehlgeschlagen"),
    NoRoute => ("not testable from here (no route)", "von hier nicht testbar (keine Route)"),
});

labels!(crate::model::report::StartTlsOutcome, "The STARTTLS outcome in words.", {
    Ok => ("TLS established", "TLS aufgebaut"),
    NotOffered => ("not offered", "nicht angeboten"),
    Rejected => ("refused", "abgelehnt"),
    HandshakeFailed => ("handshake failed", "Handshake fehlgeschlagen"),
    Skipped => ("skipped", "übersprungen"),
    NotTestable => ("not testable from here", "von hier nicht testbar"),
});

labels!(crate::model::report::RelayOutcome, "The relay probe outcome in words.", {
    Refused => ("relaying refused", "Relaying abgelehnt"),
    Accepted => ("relaying accepted", "Relaying angenommen"),
    Inconclusive => ("inconclusive", "unklar"),
    Skipped => ("skipped", "übersprungen"),
});

labels!(crate::model::report::RelayReason, "What a relay reply means, in words.", {
    Accepted => ("accepted for the outside recipient", "für den externen Empfänger angenommen"),
    AcceptedUnverified => ("accepted without verifying (252)", "ohne Prüfung angenommen (252)"),
    RelayDenied => ("relaying refused", "Relaying abgelehnt"),
    RefusedUnstated => ("refused without a reason", "ohne Grund abgelehnt"),
    SenderRejected => ("sender rejected", "Absender abgelehnt"),
    HeloRejected => ("HELO name rejected", "HELO-Name abgelehnt"),
    ClientRejected => ("mxray's address rejected", "Adresse von mxray abgelehnt"),
    RecipientRejected => ("recipient's domain rejected", "Domain des Empfängers abgelehnt"),
    Greylisted => ("greylisted", "Greylisting"),
    TlsRequired => ("TLS required first", "TLS zuerst verlangt"),
    Temporary => ("temporary failure", "vorübergehender Fehler"),
    ProtocolError => ("reply code not allowed here", "Antwortcode hier nicht erlaubt"),
    NoReply => ("no valid reply", "keine gültige Antwort"),
    SameProvider => ("recipient's domain served by the same provider: no relay test", "Domain des Empfängers beim selben Anbieter: kein Relay-Test"),
    RecipientUnknown => ("outside recipient unknown there", "externer Empfänger dort unbekannt"),
    ServerClosing => ("the server closed the session (421)", "der Server beendete die Sitzung (421)"),
});

labels!(crate::model::report::RevisitReason, "Why mxray came back for the relay probe, in words.", {
    PostscreenReply => ("postscreen's 450 4.3.2 reply", "450 4.3.2 von postscreen"),
    MultiLineGreeting => ("temporary refusal after a greeting of several lines", "vorübergehende Ablehnung nach mehrzeiliger Begrüßung"),
});

labels!(crate::model::report::TlsFailure, "The kind of TLS failure in words.", {
    LegacyVersionOnly => ("only TLS versions older than 1.2", "nur TLS-Versionen älter als 1.2"),
    NoSharedCipher => ("no cipher suite or group in common", "keine gemeinsame Cipher-Suite oder Gruppe"),
    Alert => ("TLS alert from the server", "TLS-Alert vom Server"),
    NotTls => ("the answer is not TLS", "die Antwort ist kein TLS"),
    Closed => ("connection closed during the handshake", "Verbindung im Handshake geschlossen"),
    Timeout => ("no handshake in time", "kein Handshake in der Zeit"),
    BadSignature => ("handshake signature does not verify", "Handshake-Signatur ungültig"),
    Other => ("other", "anderer"),
});
