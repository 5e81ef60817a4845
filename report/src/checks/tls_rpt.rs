//! The TLS-RPT check (RFC 8460): the `_smtp._tls` record where MTA-STS or DANE make reports matter,
//! and each reporting address it names.

use crate::checks::mta_sts::judged_policies;
use crate::checks::policy_record::discarded;
use crate::model::finding::FindingKind;
use crate::model::policy::PolicyRecord;
use crate::model::report::Report;

/// The TLS-RPT findings of the domain (none without mail hosts or before the policies are in).
pub fn findings(r: &Report) -> Vec<FindingKind> {
    let Some(p) = judged_policies(r) else { return Vec::new() };
    let mut out = Vec::new();
    let sts = &p.mta_sts;
    let rpt = &p.tls_rpt;
    let name = format!("_smtp._tls.{}", r.domain);
    match &rpt.record {
        PolicyRecord::Absent if sts.record.published() || dane_deployed(r) => {
            out.push(FindingKind::TlsRptMissing { domain: r.domain.clone() })
        }
        PolicyRecord::Absent => {}
        PolicyRecord::LookupFailed { detail } => {
            out.push(FindingKind::PolicyLookupFailed { name: name.clone(), detail: detail.clone() })
        }
        PolicyRecord::Multiple { records } => out.push(FindingKind::TlsRptRecordMultiple { count: records.len() }),
        PolicyRecord::Malformed { record, problem } => {
            out.push(FindingKind::TlsRptRecordMalformed { record: record.clone(), problem: problem.clone() })
        }
        PolicyRecord::Ignored { .. } | PolicyRecord::Valid { .. } => {}
    }
    out.extend(discarded(&rpt.record, &rpt.discarded, "v=TLSRPTv1").map(|(record, reason, counted)| {
        FindingKind::TlsRptRecordIgnored { name: name.clone(), record, reason, counted }
    }));
    for t in &rpt.rua {
        if let Some(problem) = t.problem {
            out.push(FindingKind::TlsRptBadTarget { uri: t.uri.clone(), problem });
        }
    }
    out
}

/// True when some MX host publishes TLSA records (a DANE deployment, secure or not yet).
fn dane_deployed(r: &Report) -> bool {
    r.mx.iter().any(|h| h.dane.as_ref().is_some_and(|d| !d.records.is_empty()))
}
