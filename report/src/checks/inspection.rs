//! The firewall-in-the-path check: SMTP inspection of Cisco ASA/PIX firewalls ("fixup protocol smtp",
//! "inspect esmtp") masks the greeting with asterisks and rewrites EHLO to `XXXX`, which the mail
//! server refuses; mail then flows over HELO, without STARTTLS. The mail server is not at fault.

use crate::model::finding::FindingKind;
use crate::model::report::{AddressReport, BannerReport};

/// What the inspection left in the dialogue, when anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inspection {
    /// The greeting is masked.
    pub banner_masked: bool,
    /// EHLO was refused with the `XXXX` echo.
    pub ehlo_masked: bool,
    /// EHLO was refused and HELO used, so STARTTLS could not be offered.
    pub starttls_hidden: bool,
}

/// The inspection's traces at an address: a masked greeting or an `XXXX` echo in the EHLO refusal.
pub fn inspection(a: &AddressReport) -> Option<Inspection> {
    let banner_masked = a.banner.as_ref().is_some_and(masked);
    let ehlo = a.ehlo.as_ref();
    let ehlo_masked = ehlo.and_then(|e| e.ehlo_refusal.as_deref()).is_some_and(|r| r.contains("XXXX"));
    if !banner_masked && !ehlo_masked {
        return None;
    }
    let starttls_hidden = ehlo.is_some_and(|e| e.helo_fallback);
    Some(Inspection { banner_masked, ehlo_masked, starttls_hidden })
}

/// A greeting whose text is mostly asterisks: the ASA replaces every character but a few digits.
fn masked(b: &BannerReport) -> bool {
    let text: Vec<char> = b.text.chars().filter(|c| !c.is_whitespace()).collect();
    let stars = text.iter().filter(|c| **c == '*').count();
    stars >= 8 && stars * 2 > text.len()
}

/// The finding, when the inspection shows.
pub fn findings(a: &AddressReport) -> Vec<FindingKind> {
    inspection(a)
        .map(|i| FindingKind::SmtpInspection {
            ip: a.ip.to_string(),
            banner_masked: i.banner_masked,
            ehlo_masked: i.ehlo_masked,
            starttls_hidden: i.starttls_hidden,
        })
        .into_iter()
        .collect()
}
