//! The greeting (banner) check: a 220 in time, nothing aimed at the tester, no version shown.

use crate::checks::marks::READY;
use crate::model::finding::FindingKind;
use crate::model::report::AddressReport;

/// The greeting's findings: not ready, missing, slow, refusing the tester, or naming its version.
pub fn findings(a: &AddressReport) -> Vec<FindingKind> {
    let ip = a.ip.to_string();
    let mut out = Vec::new();
    if let Some(b) = &a.banner {
        match b.code {
            Some(READY) => {
                if let Some(version) = b.software.as_ref().and_then(|s| s.version.clone().map(|v| (s.name.clone(), v)))
                {
                    out.push(FindingKind::BannerLeaksVersion { software: version.0, version: version.1 });
                }
            }
            Some(_) => out.push(match b.refuses_tester {
                Some(reason) => FindingKind::TesterRefused {
                    ip: ip.clone(),
                    step: "greeting".into(),
                    reply: b.text.clone(),
                    reason,
                },
                None => FindingKind::BannerNotReady { ip: ip.clone(), reply: b.text.clone() },
            }),
            None => out.push(match b.greeting_timeout_secs {
                Some(waited_secs) => FindingKind::GreetingTimeout { ip: ip.clone(), waited_secs },
                None => FindingKind::BannerMissing {
                    ip: ip.clone(),
                    reason: b.error.clone().unwrap_or_else(|| {
                        if b.failure.is_some() {
                            String::new()
                        } else {
                            b.text.clone()
                        }
                    }),
                    failure: b.failure.clone(),
                },
            }),
        }
    }
    out
}
