//! The page's fixed texts in English and German.
use crate::model::lang::Lang;
use crate::texts::pick;

/// Fixed UI and report labels. Each variant names its English and German text in one line of
/// [`Text::pair`], so a missing translation does not compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Text {
    // Report renderers (report/src/render).
    /// Title of an exported report.
    ReportTitle,
    /// What the user typed.
    Input,
    /// When the check ran.
    CheckedAt,
    /// How long it took.
    Duration,
    /// Which resolver answered.
    Resolver,
    /// Where the mail hosts came from.
    MailHosts,
    /// Heading of the domain-level findings.
    DomainFindings,
    /// Heading of findings.
    Findings,
    /// No finding at all.
    NoFindings,
    /// Nothing worth acting on.
    NoProblems,
    /// The overall verdict.
    Verdict,
    /// The check did not finish.
    Incomplete,
    /// What the admin should do.
    Remedy,
    /// The one-glance status of a host.
    Status,
    /// The host answers with 220.
    Reachable,
    /// MX preference.
    Preference,
    /// Canonical name of an MX target that is a CNAME.
    CnameTarget,
    /// Why a host has no address.
    NoAddress,
    /// Hosts or addresses beyond the cap.
    NotTested,
    /// Wall time for an address.
    AddressDuration,
    /// TCP connections opened.
    Connections,
    /// The per-address deadline ended the session.
    DeadlineReached,
    /// Why the session ended early.
    SessionEnded,
    /// The TCP connection step.
    TcpConnection,
    /// The greeting section.
    Greeting,
    /// The EHLO section.
    EhloReply,
    /// The EHLO section inside TLS.
    EhloAfterStartTls,
    /// The section comparing EHLO before and inside TLS.
    EhloDiffSection,
    /// Extensions offered only inside TLS.
    OnlyInsideTls,
    /// Extensions offered only before STARTTLS.
    OnlyBeforeTls,
    /// Extensions whose parameters changed inside TLS.
    ChangedInsideTls,
    /// Both EHLO answers offer the same.
    SameBeforeAndAfter,
    /// A routing address taken although plain relaying was refused.
    BypassAccepted,
    /// A routing address refused.
    BypassRefused,
    /// The TLS section.
    Tls,
    /// The certificate judgement section.
    CertificateCheck,
    /// The DANE section of an address.
    DaneCheck,
    /// The DANE verdict.
    DaneVerdict,
    /// The TLSA record that matched.
    MatchedRecord,
    /// Which certificate of the chain it matched.
    MatchedCertificate,
    /// The TLSA name looked up.
    TlsaName,
    /// DNSSEC status of the TLSA answer.
    TlsaDnssec,
    /// The TLSA records.
    TlsaRecords,
    /// DNSSEC status of a host's address answer.
    AddressDnssec,
    /// DNSSEC status of the MX answer.
    MxDnssec,
    /// The egress check's result.
    EgressCheck,
    /// One certificate of the chain.
    ChainCertificate,
    /// The relay probe section.
    RelayProbe,
    /// The SMTP dialogue.
    Transcript,
    /// The outcome of a step.
    Outcome,
    /// TCP port.
    Port,
    /// Time to connect.
    ConnectTime,
    /// Free error or detail text.
    Detail,
    /// SMTP reply code.
    ReplyCode,
    /// Reply text.
    ReplyText,
    /// Recognised MTA software.
    Software,
    /// Time until the greeting arrived.
    GreetingTime,
    /// An error.
    Error,
    /// The name the server gave.
    ServerName,
    /// EHLO refused, HELO used.
    HeloFallback,
    /// Message size limit.
    SizeLimit,
    /// No size limit.
    NoLimit,
    /// STARTTLS was announced.
    Offered,
    /// TLS protocol version.
    TlsVersion,
    /// TLS cipher suite.
    CipherSuite,
    /// Key exchange group.
    KeyExchange,
    /// TLS handshake time.
    HandshakeTime,
    /// Plaintext after STARTTLS.
    PlaintextInjection,
    /// Chain verifies to a trusted root.
    Trusted,
    /// Leaf names the MX host.
    HostnameMatches,
    /// Leaf is self-signed.
    SelfSigned,
    /// Leaf has expired.
    Expired,
    /// Validity has not begun.
    NotYetValid,
    /// Issuer where an untrusted chain stops.
    UnknownIssuer,
    /// The leaf could not be parsed (a row label).
    Unreadable,
    /// Days until the leaf expires (a row label).
    DaysUntilExpiry,
    /// Certificate subject.
    Subject,
    /// Certificate issuer.
    Issuer,
    /// Certificate serial number.
    Serial,
    /// Start of validity.
    ValidFrom,
    /// End of validity.
    ValidUntil,
    /// Subject alternative names.
    San,
    /// Public key.
    Key,
    /// Signature algorithm.
    SignatureAlgorithm,
    /// SHA-256 fingerprint.
    Fingerprint,
    /// Relay probe sender.
    Sender,
    /// Relay probe recipient.
    Recipient,
    /// Reply to MAIL FROM.
    MailFromReply,
    /// Reply to RCPT TO.
    RcptToReply,
    /// The probe ran inside TLS.
    OverTls,
    /// What the deciding relay reply means.
    ReplyMeaning,
    /// One relay attempt (followed by its number).
    Attempt,
    /// The null sender `<>`.
    NullSender,
    /// The relay probe's try with a forged sender in the tested domain.
    LocalSenderTry,
    /// mxray came back on a new connection for the relay probe.
    CameBack,
    /// One relay attempt of the first connection, before coming back (followed by its number).
    FirstConnectionAttempt,
    /// Kind of TLS failure.
    FailureKind,
    /// Time waited for a connection slot.
    Queued,
    /// The address was probed under another MX name.
    SameServerAs,
    /// The reply that broke the exchange.
    ProtocolErrorRow,
    /// The TLS versions section.
    TlsVersions,
    /// The TLS quality section's title.
    TlsQualitySection,
    /// The TLS quality table's column of aspects.
    QualityAspect,
    /// The TLS quality table's column of classes.
    QualityClass,
    /// The TLS quality table's column of evidence.
    QualityEvidence,
    /// Versions accepted.
    VersionsAccepted,
    /// Versions refused.
    VersionsRefused,
    /// Versions neither seen accepted nor refused.
    VersionsNotTested,
    /// The extra connection with a TLS 1.1 ClientHello.
    LegacyProbe,
    /// The reverse DNS section.
    ReverseDnsSection,
    /// A PTR name.
    Ptr,
    /// The PTR name resolves back to the address.
    ResolvesBack,
    /// The host name in the greeting.
    NameInGreeting,
    /// The host name in the EHLO reply.
    NameInEhlo,
    /// The MX host name.
    MxName,
    /// The certificate names the PTR name.
    PtrInCertificate,
    /// Same as the PTR name.
    SameAsPtr,
    /// Differs from the PTR name.
    OtherThanPtr,
    /// The blocklist section.
    Blocklists,
    /// Yes.
    Yes,
    /// No.
    No,
    /// Transcript column: time.
    Time,
    /// Transcript column: the line.
    Line,
    /// Footer of exported files.
    GeneratedBy,
    // The web page (app/src/ui).
    /// Page title.
    AppTitle,
    /// What the page does, under the title.
    Tagline,
    /// Label of the domain field.
    DomainField,
    /// The button that starts a check.
    TestButton,
    /// Summary of the form's fold with the less common choices.
    Advanced,
    /// Legend of the port choice.
    PortsChoice,
    /// What each port is for.
    PortsHint,
    /// Shown until the mail hosts are known.
    Resolving,
    /// Summary of an address's folded details.
    AddressDetails,
    /// Label of the language switch.
    Language,
    /// The steps of an address (list label).
    Steps,
    /// Shown to browsers without JavaScript.
    NoScript,
    /// The privacy promise in the footer.
    Privacy,
    /// Unknown page.
    NotFound,
    /// Link back to the form.
    BackToTest,
    /// A check that could not run or broke off.
    CheckFailed,
    // Export, saved reports, comparison, offline (app/src/ui: export, saved, compare, recent, offline).
    /// Label of the download buttons.
    ExportHeading,
    /// Download the JSON report.
    ExportJson,
    /// Download the HTML report.
    ExportHtml,
    /// Download the Markdown summary.
    ExportMarkdown,
    /// What each download is for.
    ExportHint,
    /// Marks a report read from a file or the browser's storage.
    SavedReport,
    /// Heading of the file picker and drop zone.
    OpenHeading,
    /// What the drop zone accepts.
    DropHint,
    /// Button that opens a saved report.
    ChooseFile,
    /// Button that compares the shown report with a file.
    CompareFile,
    /// A file too large to be a report.
    FileTooLarge,
    /// A file the browser could not read.
    FileUnreadable,
    /// A file that holds no report.
    NoReportInFile,
    /// A file that is not a report (followed by the parser's words).
    NotAReport,
    /// A report of another schema (followed by the schema).
    OtherSchema,
    /// Opening is refused while a check runs.
    WaitForCheck,
    /// Heading of a comparison.
    CompareHeading,
    /// Two reports without differences.
    NoChanges,
    /// Reports of two domains (followed by the two).
    OtherDomain,
    /// Button that closes a comparison.
    CloseComparison,
    /// Button that compares a kept report with the shown one.
    Compare,
    /// Heading of the kept reports.
    KeptHeading,
    /// The switch that keeps reports in the browser.
    KeepReports,
    /// No kept reports.
    NoneKept,
    /// Button that shows a kept report.
    Open,
    /// Button that deletes a kept report.
    Delete,
    /// Button that deletes every kept report.
    DeleteAll,
    /// Older reports made room for a new one.
    StorageFull,
    /// A report could not be kept.
    StorageRefused,
    /// A listed report that is no longer stored.
    ReportGone,
    /// The browser is offline.
    Offline,
    /// Why a check cannot start offline (follows "The connection to the server failed:").
    BrowserOffline,
    // Monitoring (app/src/ui/watch).
    /// The monitoring view: its heading and the footer's link.
    Monitoring,
    /// Monitoring is off (followed by the command that turns it on).
    MonitoringOff,
    /// The watch list is empty.
    NothingWatched,
    /// A watched domain before its first check.
    NotCheckedYet,
    /// When the latest check ran.
    LastChecked,
    /// When the status last changed.
    LastChanged,
    /// When the next check runs.
    NextCheck,
    /// How many checks are stored.
    StoredChecks,
    /// Heading of the conditions open now.
    OpenNow,
    /// Before the time an open condition started.
    Since,
    /// No condition is open.
    NothingOpen,
    /// Heading of a domain's timeline.
    Timeline,
    /// Heading of the chart of checks by worst severity.
    SeverityChart,
    /// Heading of the chart of a certificate's days left.
    CertificateChart,
    /// No check saw a certificate.
    NoCertificateSeen,
    /// Summary of the folded table of all checks.
    ChecksTable,
    /// Column: the worst severity of a check.
    WorstSeverity,
    /// Column: days left of the certificate.
    DaysLeft,
    /// Column and heading: what a check changed.
    Changes,
    /// No check changed anything.
    NoChangesYet,
    /// A check that did not finish.
    CutOff,
    /// A domain that is not on the watch list.
    NotWatched,
    /// A stored check that is not (or no longer) there.
    CheckNotStored,
    /// Marks a report the watcher stored.
    StoredCheck,
    /// The monitoring store could not be read (followed by why).
    WatchFailed,
    /// While data is on its way.
    Loading,
}

impl Text {
    /// The text in a language.
    pub fn get(self, lang: Lang) -> &'static str {
        let (en, de) = self.pair();
        pick(lang, en, de)
    }

    /// English and German.
    fn pair(self) -> (&'static str, &'static str) {
        use Text::*;
        match self {
            ReportTitle => ("mxray report", "mxray-Bericht"),
            Input => ("Input", "Eingabe"),
            CheckedAt => ("Checked at", "Geprüft am"),
            Duration => ("Duration", "Dauer"),
            Resolver => ("Resolver", "Resolver"),
            MailHosts => ("Mail hosts", "Mailserver"),
            DomainFindings => ("Domain findings", "Befunde zur Domain"),
            Findings => ("Findings", "Befunde"),
            NoFindings => ("No findings.", "Keine Befunde."),
            NoProblems => ("No problems found.", "Keine Probleme gefunden."),
            Verdict => ("Verdict", "Gesamturteil"),
            Incomplete => (
                "The check did not finish; the results are partial.",
                "Die Prüfung ist nicht fertig geworden; die Ergebnisse sind unvollständig.",
            ),
            Remedy => ("What to do", "Was tun"),
            Status => ("Status", "Status"),
            Reachable => ("Reachable", "Erreichbar"),
            Preference => ("Preference", "Priorität"),
            CnameTarget => ("CNAME target", "CNAME-Ziel"),
            NoAddress => ("No address", "Keine Adresse"),
            NotTested => ("Not tested (over the limit)", "Nicht getestet (über der Grenze)"),
            AddressDuration => ("Time for this address", "Zeit für diese Adresse"),
            Connections => ("TCP connections", "TCP-Verbindungen"),
            DeadlineReached => ("Deadline reached", "Frist erreicht"),
            SessionEnded => ("Session ended early", "Sitzung vorzeitig beendet"),
            TcpConnection => ("TCP connection", "TCP-Verbindung"),
            Greeting => ("Greeting", "Begrüßung"),
            EhloReply => ("EHLO", "EHLO"),
            EhloAfterStartTls => ("EHLO inside TLS", "EHLO innerhalb von TLS"),
            EhloDiffSection => ("EHLO before and inside TLS", "EHLO vor und in TLS"),
            OnlyInsideTls => ("Only inside TLS", "Nur in TLS"),
            OnlyBeforeTls => ("Only before STARTTLS", "Nur vor STARTTLS"),
            ChangedInsideTls => ("Changed inside TLS", "In TLS geändert"),
            SameBeforeAndAfter => ("Same extensions before and inside TLS", "Vor und in TLS dieselben Erweiterungen"),
            BypassAccepted => ("accepted: may relay", "angenommen: relayt vielleicht"),
            BypassRefused => ("not accepted", "nicht angenommen"),
            Tls => ("TLS", "TLS"),
            CertificateCheck => ("Certificate check", "Zertifikatsprüfung"),
            DaneCheck => ("DANE (TLSA)", "DANE (TLSA)"),
            DaneVerdict => ("DANE", "DANE"),
            MatchedRecord => ("Matching TLSA record", "Passender TLSA-Eintrag"),
            MatchedCertificate => ("Matched certificate", "Passendes Zertifikat"),
            TlsaName => ("TLSA name", "TLSA-Name"),
            TlsaDnssec => ("TLSA DNSSEC", "TLSA-DNSSEC"),
            TlsaRecords => ("TLSA records", "TLSA-Einträge"),
            AddressDnssec => ("DNSSEC of the addresses", "DNSSEC der Adressen"),
            MxDnssec => ("DNSSEC of the MX records", "DNSSEC der MX-Einträge"),
            EgressCheck => ("Port 25 from here (egress check)", "Port 25 von hier (Ausgangstest)"),
            ChainCertificate => ("Certificate", "Zertifikat"),
            RelayProbe => ("Open-relay probe", "Relay-Test"),
            Transcript => ("Transcript", "Sitzungsprotokoll"),
            Outcome => ("Outcome", "Ergebnis"),
            Port => ("Port", "Port"),
            ConnectTime => ("Connect time", "Verbindungsaufbau"),
            Detail => ("Detail", "Detail"),
            ReplyCode => ("Reply code", "Antwortcode"),
            ReplyText => ("Text", "Text"),
            Software => ("Software", "Software"),
            GreetingTime => ("Time to greeting", "Zeit bis zur Begrüßung"),
            Error => ("Error", "Fehler"),
            ServerName => ("Server name", "Servername"),
            HeloFallback => ("HELO instead of EHLO", "HELO statt EHLO"),
            SizeLimit => ("Size limit", "Größengrenze"),
            NoLimit => ("no limit", "keine Grenze"),
            Offered => ("Offered", "Angeboten"),
            TlsVersion => ("Protocol", "Protokoll"),
            CipherSuite => ("Cipher suite", "Cipher-Suite"),
            KeyExchange => ("Key exchange", "Schlüsselaustausch"),
            HandshakeTime => ("Handshake time", "Handshake-Dauer"),
            PlaintextInjection => ("Plaintext after STARTTLS", "Klartext nach STARTTLS"),
            Trusted => ("Trusted", "Vertrauenswürdig"),
            HostnameMatches => ("Names the MX host", "Nennt den MX-Host"),
            SelfSigned => ("Self-signed", "Selbst signiert"),
            Expired => ("Expired", "Abgelaufen"),
            NotYetValid => ("Not yet valid", "Noch nicht gültig"),
            UnknownIssuer => ("Unknown issuer", "Unbekannter Aussteller"),
            Unreadable => ("Unreadable", "Nicht lesbar"),
            DaysUntilExpiry => ("Days until expiry", "Tage bis zum Ablauf"),
            Subject => ("Subject", "Inhaber"),
            Issuer => ("Issuer", "Aussteller"),
            Serial => ("Serial number", "Seriennummer"),
            ValidFrom => ("Valid from", "Gültig ab"),
            ValidUntil => ("Valid until", "Gültig bis"),
            San => ("Names (SAN)", "Namen (SAN)"),
            Key => ("Key", "Schlüssel"),
            SignatureAlgorithm => ("Signature algorithm", "Signaturalgorithmus"),
            Fingerprint => ("SHA-256 fingerprint", "SHA-256-Fingerabdruck"),
            Sender => ("Sender", "Absender"),
            Recipient => ("Recipient", "Empfänger"),
            MailFromReply => ("Reply to MAIL FROM", "Antwort auf MAIL FROM"),
            RcptToReply => ("Reply to RCPT TO", "Antwort auf RCPT TO"),
            OverTls => ("Inside TLS", "Innerhalb von TLS"),
            ReplyMeaning => ("What the reply means", "Bedeutung der Antwort"),
            Attempt => ("Attempt", "Versuch"),
            NullSender => ("<> (null sender)", "<> (leerer Absender)"),
            LocalSenderTry => ("Forged local sender", "Gefälschter lokaler Absender"),
            CameBack => ("Came back on a new connection", "Mit neuer Verbindung wiedergekommen"),
            FirstConnectionAttempt => ("First connection, attempt", "Erste Verbindung, Versuch"),
            FailureKind => ("Kind of failure", "Art des Fehlers"),
            Queued => ("Waited for a connection slot", "Wartezeit auf einen Verbindungsplatz"),
            SameServerAs => ("Same server as (probed once)", "Derselbe Server wie (einmal getestet)"),
            ProtocolErrorRow => ("Protocol error", "Protokollfehler"),
            TlsVersions => ("TLS versions", "TLS-Versionen"),
            TlsQualitySection => ("TLS quality (NCSC classes)", "TLS-Qualität (NCSC-Klassen)"),
            QualityAspect => ("Aspect", "Aspekt"),
            QualityClass => ("Class", "Klasse"),
            QualityEvidence => ("Evidence", "Beleg"),
            VersionsAccepted => ("Accepted", "Angenommen"),
            VersionsRefused => ("Refused", "Abgelehnt"),
            VersionsNotTested => ("Not tested", "Nicht getestet"),
            LegacyProbe => ("Extra connection (at most TLS 1.1)", "Zusätzliche Verbindung (höchstens TLS 1.1)"),
            ReverseDnsSection => ("Reverse DNS and names", "Reverse-DNS und Namen"),
            Ptr => ("PTR", "PTR"),
            ResolvesBack => ("resolves back to the address", "löst zurück auf die Adresse auf"),
            NameInGreeting => ("Name in the greeting", "Name in der Begrüßung"),
            NameInEhlo => ("Name in EHLO", "Name bei EHLO"),
            MxName => ("MX name", "MX-Name"),
            PtrInCertificate => ("Certificate names the PTR", "Zertifikat nennt den PTR"),
            SameAsPtr => ("same as the PTR", "wie der PTR"),
            OtherThanPtr => ("not the PTR", "nicht der PTR"),
            Blocklists => ("Blocklists", "Blocklisten"),
            Yes => ("yes", "ja"),
            No => ("no", "nein"),
            Time => ("Time", "Zeit"),
            Line => ("Line", "Zeile"),
            GeneratedBy => ("Generated by mxray", "Erstellt mit mxray"),
            AppTitle => ("mxray – SMTP/MX test", "mxray – SMTP/MX-Test"),
            Tagline => (
                "Tests the mail servers of a domain: MX records, port 25, banner, EHLO, STARTTLS, certificate and open relay.",
                "Prüft die Mailserver einer Domain: MX-Einträge, Port 25, Banner, EHLO, STARTTLS, Zertifikat und offenes Relay.",
            ),
            DomainField => ("Domain or e-mail address", "Domain oder E-Mail-Adresse"),
            TestButton => ("Test", "Testen"),
            Advanced => ("Advanced", "Erweitert"),
            PortsChoice => ("Ports to test", "Zu testende Ports"),
            PortsHint => (
                "25: mail between servers (with the open-relay probe); 465: submission over implicit TLS; 587: submission with STARTTLS.",
                "25: Mail zwischen Servern (mit Relay-Test); 465: Einlieferung über direktes TLS; 587: Einlieferung mit STARTTLS.",
            ),
            Resolving => ("Looking up the mail hosts …", "Suche die Mailserver …"),
            AddressDetails => ("Details", "Details"),
            Language => ("Language", "Sprache"),
            Steps => ("Steps", "Schritte"),
            NoScript => (
                "The live check needs JavaScript. Scripts can use the API instead: GET /api/v1/check?domain=example.com",
                "Die Live-Prüfung braucht JavaScript. Skripte können stattdessen die API nutzen: GET /api/v1/check?domain=example.com",
            ),
            Privacy => ("Nothing about a check is stored on the server.", "Von einer Prüfung wird nichts auf dem Server gespeichert."),
            NotFound => ("Page not found.", "Seite nicht gefunden."),
            BackToTest => ("Back to the test", "Zurück zum Test"),
            CheckFailed => ("The check could not finish", "Die Prüfung konnte nicht abgeschlossen werden"),
            ExportHeading => ("Download this report", "Bericht herunterladen"),
            ExportJson => ("JSON", "JSON"),
            ExportHtml => ("HTML page", "HTML-Seite"),
            ExportMarkdown => ("Markdown summary", "Markdown-Zusammenfassung"),
            ExportHint => (
                "JSON opens again here; the HTML page works offline and prints on A4; Markdown suits tickets and chat.",
                "JSON lässt sich hier wieder öffnen; die HTML-Seite funktioniert offline und druckt auf A4; Markdown passt in Tickets und Chats.",
            ),
            SavedReport => ("Saved report", "Gespeicherter Bericht"),
            OpenHeading => ("Open a saved report", "Gespeicherten Bericht öffnen"),
            DropHint => (
                "Drop a JSON or HTML file exported by mxray here, or choose one.",
                "Eine von mxray exportierte JSON- oder HTML-Datei hier ablegen oder auswählen.",
            ),
            ChooseFile => ("Choose a file …", "Datei auswählen …"),
            CompareFile => ("Compare with a file …", "Mit einer Datei vergleichen …"),
            FileTooLarge => ("This file is too large to be an mxray report.", "Diese Datei ist zu groß für einen mxray-Bericht."),
            FileUnreadable => ("The file could not be read.", "Die Datei konnte nicht gelesen werden."),
            NoReportInFile => (
                "This file holds no mxray report: expected a JSON or HTML file exported by mxray.",
                "Diese Datei enthält keinen mxray-Bericht: erwartet wird eine von mxray exportierte JSON- oder HTML-Datei.",
            ),
            NotAReport => ("This file is not an mxray report", "Diese Datei ist kein mxray-Bericht"),
            OtherSchema => ("This report has a format this version cannot read", "Dieser Bericht hat ein Format, das diese Version nicht lesen kann"),
            WaitForCheck => ("Please wait until the running check has finished.", "Bitte warten, bis die laufende Prüfung fertig ist."),
            CompareHeading => ("Compare with another report", "Mit einem anderen Bericht vergleichen"),
            NoChanges => ("No differences.", "Keine Unterschiede."),
            OtherDomain => ("Only reports of the same domain can be compared", "Nur Berichte derselben Domain lassen sich vergleichen"),
            CloseComparison => ("Close comparison", "Vergleich schließen"),
            Compare => ("Compare", "Vergleichen"),
            KeptHeading => ("Reports kept in this browser", "In diesem Browser aufbewahrte Berichte"),
            KeepReports => ("Keep reports in this browser", "Berichte in diesem Browser aufbewahren"),
            NoneKept => ("No reports kept yet.", "Noch keine Berichte aufbewahrt."),
            Open => ("Open", "Öffnen"),
            Delete => ("Delete", "Löschen"),
            DeleteAll => ("Delete all", "Alle löschen"),
            StorageFull => (
                "The browser's storage is full: older reports were removed to make room.",
                "Der Speicher des Browsers ist voll: ältere Berichte wurden entfernt, um Platz zu schaffen.",
            ),
            StorageRefused => (
                "This report could not be kept: the browser's storage is full or not available.",
                "Dieser Bericht konnte nicht aufbewahrt werden: der Speicher des Browsers ist voll oder nicht verfügbar.",
            ),
            ReportGone => ("This report is no longer in the browser's storage.", "Dieser Bericht ist nicht mehr im Speicher des Browsers."),
            Offline => (
                "You are offline. Saved reports open as usual; a live check needs the network.",
                "Sie sind offline. Gespeicherte Berichte lassen sich öffnen; eine Live-Prüfung braucht das Netz.",
            ),
            BrowserOffline => (
                "the browser is offline, and a live check needs the network",
                "der Browser ist offline, und eine Live-Prüfung braucht das Netz",
            ),
            Monitoring => ("Monitoring", "Überwachung"),
            MonitoringOff => (
                "Monitoring is off on this server. It starts with",
                "Die Überwachung ist auf diesem Server ausgeschaltet. Sie startet mit",
            ),
            NothingWatched => ("No domain is watched.", "Keine Domain wird überwacht."),
            NotCheckedYet => ("Not checked yet", "Noch nicht geprüft"),
            LastChecked => ("Last checked", "Zuletzt geprüft"),
            LastChanged => ("Last changed", "Zuletzt geändert"),
            NextCheck => ("Next check", "Nächste Prüfung"),
            StoredChecks => ("Stored checks", "Gespeicherte Prüfungen"),
            OpenNow => ("Open now", "Derzeit offen"),
            Since => ("since", "seit"),
            NothingOpen => ("Nothing open.", "Nichts offen."),
            Timeline => ("Timeline", "Verlauf"),
            SeverityChart => ("Checks by worst severity", "Prüfungen nach schwerstem Befund"),
            CertificateChart => ("Certificate: days left", "Zertifikat: verbleibende Tage"),
            NoCertificateSeen => ("No check saw a certificate.", "Keine Prüfung hat ein Zertifikat gesehen."),
            ChecksTable => ("Every check as a table", "Alle Prüfungen als Tabelle"),
            WorstSeverity => ("Worst severity", "Schwerster Befund"),
            DaysLeft => ("Days left", "Verbleibende Tage"),
            Changes => ("Changes", "Änderungen"),
            NoChangesYet => ("No check has changed anything yet.", "Noch hat keine Prüfung etwas verändert."),
            CutOff => ("cut off", "abgebrochen"),
            NotWatched => ("This domain is not watched.", "Diese Domain wird nicht überwacht."),
            CheckNotStored => ("No stored check has this number.", "Keine gespeicherte Prüfung hat diese Nummer."),
            StoredCheck => ("Stored check", "Gespeicherte Prüfung"),
            WatchFailed => ("The monitoring store could not be read", "Der Überwachungsspeicher konnte nicht gelesen werden"),
            Loading => ("Loading …", "Wird geladen …"),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::lang::Lang;

    #[test]
    fn picks_the_preferred_known_language() {
        assert_eq!(Lang::from_accept_language("de-DE,de;q=0.9,en;q=0.8"), Lang::De);
        assert_eq!(Lang::from_accept_language("fr-FR,en;q=0.5,de;q=0.7"), Lang::De);
        assert_eq!(Lang::from_accept_language("en-US"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
    }
}
