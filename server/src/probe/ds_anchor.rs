//! DS trust anchors: hickory trusts keys, not digests, so a DS from `--dnssec-trust-anchor` is
//! turned into keys by fetching the zone's DNSKEY RRset with its RRSIGs, keeping the key whose
//! digest the DS names, and accepting the RRset (KSK and ZSKs) only when that key's signature over
//! it verifies. A lone KSK would make hickory ask the parent for the other keys' DS, so the whole
//! verified RRset becomes the anchor.

use hickory_resolver::net::client::Client;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::tcp::TcpClientStream;
use hickory_resolver::net::xfer::{DnsHandle, FirstAnswer};
use hickory_resolver::proto::dnssec::rdata::{DNSSECRData, DNSKEY, DS, RRSIG};
use hickory_resolver::proto::dnssec::Verifier;
use hickory_resolver::proto::op::{DnsRequestOptions, Query};
use hickory_resolver::proto::rr::{DNSClass, Name, RData, Record, RecordType};
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One DS anchor: the zone it is for and the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct DsAnchor {
    /// The zone whose DNSKEY the DS names.
    pub zone: Name,
    /// The DS record data.
    pub ds: DS,
}

/// The verified DNSKEY RRset of every DS anchor's zone, asked of `server` over TCP, each zone
/// bounded by `timeout`; an error says which anchor is bogus and why.
pub(super) async fn keys_for(
    server: SocketAddr,
    anchors: &[DsAnchor],
    timeout: Duration,
) -> Result<Vec<(Name, DNSKEY)>, String> {
    let mut keys = Vec::new();
    for zone in zones(anchors) {
        let records = tokio::time::timeout(timeout, fetch(server, &zone, timeout))
            .await
            .map_err(|_| format!("the DNSKEY records of {zone} did not arrive within {timeout:?}"))??;
        let ds: Vec<&DS> = anchors.iter().filter(|a| a.zone == zone).map(|a| &a.ds).collect();
        keys.extend(verified(&zone, &ds, &records, now())?.into_iter().map(|k| (zone.clone(), k)));
    }
    Ok(keys)
}

/// The anchors' zones, each once.
fn zones(anchors: &[DsAnchor]) -> Vec<Name> {
    let mut zones: Vec<Name> = anchors.iter().map(|a| a.zone.clone()).collect();
    zones.sort();
    zones.dedup();
    zones
}

/// The answer records of `zone`'s DNSKEY query with the DNSSEC OK bit (so RRSIGs come along).
async fn fetch(server: SocketAddr, zone: &Name, timeout: Duration) -> Result<Vec<Record>, String> {
    let failed = |e: &dyn std::fmt::Display| format!("asking {server} for the DNSKEY records of {zone}: {e}");
    let (stream, handle) = TcpClientStream::new(server, None, Some(timeout), TokioRuntimeProvider::default());
    let stream = stream.await.map_err(|e| failed(&e))?;
    let (client, background) = Client::<TokioRuntimeProvider>::with_timeout(stream, handle, timeout);
    let background = tokio::spawn(background);
    let mut options = DnsRequestOptions::default();
    options.use_edns = true;
    options.edns_set_dnssec_ok = true;
    let answer = client.lookup(Query::query(zone.clone(), RecordType::DNSKEY), options).first_answer().await;
    background.abort();
    Ok(answer.map_err(|e| failed(&e))?.answers.clone())
}

/// The zone keys of `zone`'s DNSKEY RRset, if one of them matches a DS and its RRSIG over the
/// RRset verifies at `now` (seconds since the epoch); else why not.
fn verified(zone: &Name, ds: &[&DS], records: &[Record], now: u32) -> Result<Vec<DNSKEY>, String> {
    let rrset: Vec<&Record> =
        records.iter().filter(|r| r.record_type() == RecordType::DNSKEY && r.name == *zone).collect();
    // Revoked keys (RFC 5011) sign nothing anyone should trust.
    let keys: Vec<&DNSKEY> = rrset.iter().filter_map(|r| dnskey(r)).filter(|k| k.zone_key() && !k.revoke()).collect();
    let tags = ds.iter().map(|d| d.key_tag().to_string()).collect::<Vec<_>>().join(", ");
    let matched: Vec<&DNSKEY> =
        keys.iter().copied().filter(|k| ds.iter().any(|d| d.covers(zone, k).unwrap_or(false))).collect();
    if keys.is_empty() {
        return Err(format!("the resolver returned no DNSKEY records of {zone} for the DS anchor (key tag {tags})"));
    }
    if matched.is_empty() {
        return Err(format!(
            "bogus anchor: none of the {} DNSKEY records of {zone} matches the DS (key tag {tags})",
            keys.len()
        ));
    }
    let signed = records.iter().filter_map(rrsig).filter(|s| {
        let input = s.input();
        input.type_covered == RecordType::DNSKEY
            && input.signer_name == *zone
            && input.sig_inception.get() <= now
            && now <= input.sig_expiration.get()
    });
    let mut verifies = false;
    for sig in signed {
        verifies |= matched.iter().any(|k| {
            k.algorithm() == sig.input().algorithm
                && k.calculate_key_tag().ok() == Some(sig.input().key_tag)
                && k.verify_rrsig(zone, DNSClass::IN, sig, rrset.iter().copied()).is_ok()
        });
    }
    if !verifies {
        return Err(format!(
            "bogus anchor: the DNSKEY records of {zone} carry no valid signature by the key the DS names (key tag {tags})"
        ));
    }
    Ok(keys.into_iter().cloned().collect())
}

fn dnskey(record: &Record) -> Option<&DNSKEY> {
    match &record.data {
        RData::DNSSEC(DNSSECRData::DNSKEY(key)) => Some(key),
        _ => None,
    }
}

fn rrsig(record: &Record) -> Option<&RRSIG> {
    match &record.data {
        RData::DNSSEC(DNSSECRData::RRSIG(sig)) => Some(sig),
        _ => None,
    }
}

/// Seconds since the epoch in RRSIG serial arithmetic's 32 bits.
fn now() -> u32 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as u32).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_resolver::proto::dnssec::crypto::EcdsaSigningKey;
    use hickory_resolver::proto::dnssec::rdata::SigInput;
    use hickory_resolver::proto::dnssec::{Algorithm, DigestType, SigningKey, TBS};
    use hickory_resolver::proto::rr::SerialNumber;
    use std::str::FromStr;

    const NOW: u32 = 1_800_000_000;

    struct Key {
        signing: EcdsaSigningKey,
        dnskey: DNSKEY,
    }

    fn key() -> Key {
        let pkcs8 = EcdsaSigningKey::generate_pkcs8(Algorithm::ECDSAP256SHA256).unwrap();
        let signing = EcdsaSigningKey::from_pkcs8(&pkcs8, Algorithm::ECDSAP256SHA256).unwrap();
        let dnskey = DNSKEY::from_key(&signing.to_public_key().unwrap());
        Key { signing, dnskey }
    }

    fn zone() -> Name {
        Name::from_str("example.test.").unwrap()
    }

    fn ds(key: &Key) -> DS {
        let digest = key.dnskey.to_digest(&zone(), DigestType::SHA256).unwrap();
        DS::new(
            key.dnskey.calculate_key_tag().unwrap(),
            Algorithm::ECDSAP256SHA256,
            DigestType::SHA256,
            digest.as_ref().to_vec(),
        )
    }

    fn rrset(keys: &[&Key]) -> Vec<Record> {
        keys.iter()
            .map(|k| Record::from_rdata(zone(), 3600, RData::DNSSEC(DNSSECRData::DNSKEY(k.dnskey.clone()))))
            .collect()
    }

    /// `records` with an RRSIG over them by `signer`, valid from `inception` to `expiration`.
    fn signed(mut records: Vec<Record>, signer: &Key, inception: u32, expiration: u32) -> Vec<Record> {
        let input = SigInput {
            type_covered: RecordType::DNSKEY,
            algorithm: Algorithm::ECDSAP256SHA256,
            num_labels: zone().num_labels(),
            original_ttl: 3600,
            sig_expiration: SerialNumber::new(expiration),
            sig_inception: SerialNumber::new(inception),
            key_tag: signer.dnskey.calculate_key_tag().unwrap(),
            signer_name: zone(),
        };
        let tbs = TBS::from_input(&zone(), DNSClass::IN, &input, records.iter()).unwrap();
        let sig = RRSIG::from_sig(input, signer.signing.sign(&tbs).unwrap());
        records.push(Record::from_rdata(zone(), 3600, RData::DNSSEC(DNSSECRData::RRSIG(sig))));
        records
    }

    #[test]
    fn the_key_a_ds_names_vouches_for_the_whole_rrset() {
        let (ksk, zsk) = (key(), key());
        let records = signed(rrset(&[&ksk, &zsk]), &ksk, NOW - 10, NOW + 10);
        let keys = verified(&zone(), &[&ds(&ksk)], &records, NOW).unwrap();
        assert_eq!(keys, vec![ksk.dnskey.clone(), zsk.dnskey.clone()], "the KSK and the ZSK");
    }

    #[test]
    fn a_ds_or_a_signature_that_does_not_hold_is_a_bogus_anchor() {
        let (ksk, zsk, stranger) = (key(), key(), key());
        let good = signed(rrset(&[&ksk, &zsk]), &ksk, NOW - 10, NOW + 10);
        let bogus = |records: &[Record], ds: &DS| verified(&zone(), &[ds], records, NOW).unwrap_err();
        assert!(bogus(&good, &ds(&stranger)).contains("matches the DS"), "a DS for a key not in the zone");
        let no_sig = "no valid signature by the key the DS names";
        // Signed only by the ZSK, which the DS does not name.
        assert!(bogus(&signed(rrset(&[&ksk, &zsk]), &zsk, NOW - 10, NOW + 10), &ds(&ksk)).contains(no_sig));
        // A key slipped in after signing.
        let mut tampered = good.clone();
        tampered.insert(0, rrset(&[&stranger]).remove(0));
        assert!(bogus(&tampered, &ds(&ksk)).contains(no_sig));
        // Expired, or not yet valid.
        assert!(bogus(&signed(rrset(&[&ksk, &zsk]), &ksk, NOW - 20, NOW - 10), &ds(&ksk)).contains(no_sig));
        assert!(bogus(&signed(rrset(&[&ksk, &zsk]), &ksk, NOW + 10, NOW + 20), &ds(&ksk)).contains(no_sig));
        // Unsigned.
        assert!(bogus(&rrset(&[&ksk, &zsk]), &ds(&ksk)).contains(no_sig));
        // No keys at all, e.g. a resolver that lost them.
        assert!(bogus(&[], &ds(&ksk)).contains("no DNSKEY records of example.test."));
    }

    #[test]
    fn each_zone_is_fetched_once() {
        let ds = |zone: &str| DsAnchor {
            zone: Name::from_str(zone).unwrap(),
            ds: DS::new(1, Algorithm::ECDSAP256SHA256, DigestType::SHA256, vec![0]),
        };
        assert_eq!(zones(&[ds("b.test."), ds("a.test."), ds("b.test.")]).len(), 2);
    }
}
