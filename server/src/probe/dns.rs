//! DNS: the lookups mxray needs behind a small trait, the hickory implementation, and the
//! resolution plan (null MX, implicit MX, CNAME'd targets, caps).

use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::NetError;
use hickory_resolver::proto::rr::RData;
use hickory_resolver::{ResolverBuilder, TokioResolver};
use mxray_report::model::report::{DnsFailure, MxSource};
use mxray_report::PlannedHost;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use super::ProbeError;

/// Most MX hosts tested per domain.
pub const MAX_MX_HOSTS: usize = 10;
/// Most addresses tested per host.
pub const MAX_ADDRESSES: usize = 8;

/// Why a lookup has no answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// NXDOMAIN.
    #[error("the name does not exist (NXDOMAIN)")]
    NxDomain,
    /// NOERROR with no records of the type.
    #[error("no records of that type")]
    NoRecords,
    /// No answer within the wait (whole seconds).
    #[error("no answer within {0} s")]
    Timeout(u64),
    /// SERVFAIL, network error: the resolver's message.
    #[error("{0}")]
    Failed(String),
}

impl LookupError {
    /// The failure in the report's terms, and the resolver's message when it is one.
    pub fn for_report(&self) -> (Option<mxray_report::model::depth::LookupFailure>, String) {
        use mxray_report::model::depth::LookupFailure;
        match self {
            LookupError::NxDomain => (Some(LookupFailure::NxDomain), String::new()),
            LookupError::NoRecords => (Some(LookupFailure::NoRecords), String::new()),
            LookupError::Timeout(secs) => (Some(LookupFailure::Timeout { secs: *secs }), String::new()),
            LookupError::Failed(detail) => (None, detail.clone()),
        }
    }
}

/// One MX record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MxRecord {
    /// Preference.
    pub preference: u16,
    /// Exchange without trailing dot, lower case; empty for the root (null MX).
    pub exchange: String,
}

/// The addresses of a host and the CNAME it went through, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostAddresses {
    /// Canonical name when the host is an alias.
    pub cname: Option<String>,
    /// A and AAAA addresses, IPv4 first.
    pub ips: Vec<IpAddr>,
}

/// The DNS lookups the engine makes.
pub trait MailDns: Send + Sync + 'static {
    /// MX records of a domain.
    fn mx(&self, domain: &str) -> impl Future<Output = Result<Vec<MxRecord>, LookupError>> + Send;
    /// A and AAAA records of a host.
    fn addresses(&self, host: &str) -> impl Future<Output = Result<HostAddresses, LookupError>> + Send;
    /// Which resolver answers, for the report.
    fn label(&self) -> String;
    /// TXT records of a name, each record's strings joined. The default answers "no records", for
    /// test doubles that serve no TXT data.
    fn txt(&self, name: &str) -> impl Future<Output = Result<Vec<String>, LookupError>> + Send {
        let _ = name;
        std::future::ready(Err(LookupError::NoRecords))
    }
    /// PTR names of an address (lower case, no trailing dot). The default says the lookup was not
    /// made, for test doubles that serve no reverse zone: reported as "not tested", never as "no PTR".
    fn ptr(&self, ip: IpAddr) -> impl Future<Output = Result<Vec<String>, LookupError>> + Send {
        let _ = ip;
        std::future::ready(Err(LookupError::Failed("this resolver does not look up PTR records".into())))
    }
}

/// The MX answer, ready for the `resolved` event: MX hosts still to be looked up (`resolving`), or
/// the implicit MX with its addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MxPlan {
    /// Where the hosts came from.
    pub mx_source: MxSource,
    /// Hosts to probe, in delivery order.
    pub hosts: Vec<PlannedHost>,
    /// Why there are none.
    pub error: Option<DnsFailure>,
    /// MX hosts beyond [`MAX_MX_HOSTS`].
    pub mx_hosts_skipped: usize,
    /// A null MX stood next to other MX records.
    pub null_mx_mixed: bool,
}

impl MxPlan {
    fn without_hosts(mx_source: MxSource, error: Option<DnsFailure>) -> Self {
        MxPlan { mx_source, hosts: Vec::new(), error, mx_hosts_skipped: 0, null_mx_mixed: false }
    }
}

/// A lookup that gives up after `limit`.
pub(crate) async fn bounded<T>(
    limit: Duration,
    lookup: impl Future<Output = Result<T, LookupError>>,
) -> Result<T, LookupError> {
    tokio::time::timeout(limit, lookup).await.unwrap_or_else(|_| {
        Err(LookupError::Timeout(u64::try_from(limit.as_millis().div_ceil(1000)).unwrap_or(u64::MAX)))
    })
}

/// Looks up a domain's MX records (RFC 5321 §5.1, RFC 7505), each lookup bounded by `limit`. MX
/// hosts come back unresolved, so each can be probed as soon as its own addresses are known.
pub async fn plan_mx<D: MailDns>(dns: &D, domain: &str, limit: Duration) -> MxPlan {
    let failed = |e: LookupError| match e {
        LookupError::NxDomain => MxPlan::without_hosts(MxSource::None, Some(DnsFailure::Nxdomain)),
        LookupError::NoRecords => MxPlan::without_hosts(MxSource::None, Some(DnsFailure::NoRecords)),
        e @ LookupError::Timeout(_) => {
            MxPlan::without_hosts(MxSource::None, Some(DnsFailure::Failed { detail: e.to_string() }))
        }
        LookupError::Failed(detail) => MxPlan::without_hosts(MxSource::None, Some(DnsFailure::Failed { detail })),
    };
    match bounded(limit, dns.mx(domain)).await {
        Ok(mut records) => {
            // Every `.` target is the null MX, whatever its preference; several are still one.
            let null_mx = records.iter().any(|r| r.exchange.is_empty());
            records.retain(|r| !r.exchange.is_empty());
            if records.is_empty() {
                return MxPlan::without_hosts(MxSource::NullMx, None);
            }
            records.sort_by(|a, b| (a.preference, &a.exchange).cmp(&(b.preference, &b.exchange)));
            let mut seen = std::collections::HashSet::new();
            records.retain(|r| seen.insert(r.exchange.clone()));
            let skipped = records.len().saturating_sub(MAX_MX_HOSTS);
            records.truncate(MAX_MX_HOSTS);
            let hosts = records
                .iter()
                .map(|r| PlannedHost {
                    host: r.exchange.clone(),
                    preference: r.preference,
                    cname: None,
                    address_error: None,
                    addresses: Vec::new(),
                    addresses_skipped: 0,
                    resolving: true,
                })
                .collect();
            MxPlan { mx_source: MxSource::Mx, hosts, error: None, mx_hosts_skipped: skipped, null_mx_mixed: null_mx }
        }
        Err(LookupError::NoRecords) => match bounded(limit, dns.addresses(domain)).await {
            Ok(found) if !found.ips.is_empty() => MxPlan {
                mx_source: MxSource::Implicit,
                hosts: vec![planned(domain, 0, Ok(found))],
                error: None,
                mx_hosts_skipped: 0,
                null_mx_mixed: false,
            },
            Ok(_) => failed(LookupError::NoRecords),
            Err(e) => failed(e),
        },
        Err(e) => failed(e),
    }
}

/// The MX plan with every host's addresses looked up, for callers that do not stream (the engine
/// uses [`plan_mx`] and [`plan_host`] to start probing each host as soon as it is known).
pub async fn resolve_all<D: MailDns>(dns: &D, domain: &str, limit: Duration) -> MxPlan {
    let mut plan = plan_mx(dns, domain, limit).await;
    for host in plan.hosts.iter_mut().filter(|h| h.resolving) {
        *host = plan_host(dns, &host.host, host.preference, limit).await;
    }
    plan
}

/// Looks up one MX host's addresses, bounded by `limit`.
pub async fn plan_host<D: MailDns>(dns: &D, host: &str, preference: u16, limit: Duration) -> PlannedHost {
    planned(host, preference, bounded(limit, dns.addresses(host)).await)
}

fn planned(host: &str, preference: u16, found: Result<HostAddresses, LookupError>) -> PlannedHost {
    let (cname, mut ips, address_error) = match found {
        Ok(HostAddresses { cname, ips }) if ips.is_empty() => (cname, ips, Some(LookupError::NoRecords.to_string())),
        Ok(HostAddresses { cname, ips }) => (cname, ips, None),
        Err(e) => (None, Vec::new(), Some(e.to_string())),
    };
    // One entry per address, whatever the resolver returned: each is probed and shown once per host.
    let mut seen = std::collections::HashSet::new();
    ips.retain(|ip| seen.insert(*ip));
    let skipped = ips.len().saturating_sub(MAX_ADDRESSES);
    ips.truncate(MAX_ADDRESSES);
    PlannedHost {
        host: host.to_owned(),
        preference,
        cname,
        address_error,
        addresses: ips,
        addresses_skipped: skipped,
        resolving: false,
    }
}

/// hickory-resolver: the system configuration, or one given server.
#[derive(Clone)]
pub struct HickoryDns {
    resolver: TokioResolver,
    label: String,
}

impl HickoryDns {
    /// A resolver for `server` (IP:PORT), or the system's when `None`.
    pub fn new(server: Option<SocketAddr>, timeout: Duration) -> Result<Self, ProbeError> {
        let mut options = ResolverOpts::default();
        options.timeout = timeout;
        options.attempts = 2;
        options.preserve_intermediates = true;
        let (builder, label) = resolver_builder(server)?;
        let resolver = builder.with_options(options).build().map_err(|e| ProbeError::Resolver(e.to_string()))?;
        Ok(HickoryDns { resolver, label })
    }
}

/// A resolver builder asking `server` (IP:PORT over UDP and TCP), or the system's resolvers when
/// `None`, with the label the report shows for it.
pub(super) fn resolver_builder(
    server: Option<SocketAddr>,
) -> Result<(ResolverBuilder<TokioRuntimeProvider>, String), ProbeError> {
    Ok(match server {
        Some(addr) => {
            let connections = [ConnectionConfig::udp(), ConnectionConfig::tcp()].map(|mut c| {
                c.port = addr.port();
                c
            });
            let ns = NameServerConfig::new(addr.ip(), true, connections.to_vec());
            let config = ResolverConfig::from_name_servers(vec![ns]);
            (TokioResolver::builder_with_config(config, TokioRuntimeProvider::default()), addr.to_string())
        }
        None => (TokioResolver::builder_tokio().map_err(|e| ProbeError::Resolver(e.to_string()))?, "system".to_owned()),
    })
}

pub(super) fn fqdn(name: &str) -> String {
    format!("{}.", name.trim_end_matches('.'))
}

fn bare(name: &impl ToString) -> String {
    name.to_string().trim_end_matches('.').to_ascii_lowercase()
}

fn lookup_error(e: &NetError) -> LookupError {
    if e.is_nx_domain() {
        LookupError::NxDomain
    } else if e.is_no_records_found() {
        LookupError::NoRecords
    } else {
        LookupError::Failed(e.to_string())
    }
}

impl MailDns for HickoryDns {
    async fn mx(&self, domain: &str) -> Result<Vec<MxRecord>, LookupError> {
        let lookup = self.resolver.mx_lookup(fqdn(domain)).await.map_err(|e| lookup_error(&e))?;
        let records: Vec<MxRecord> = lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::MX(mx) => Some(MxRecord { preference: mx.preference, exchange: bare(&mx.exchange) }),
                _ => None,
            })
            .collect();
        if records.is_empty() {
            return Err(LookupError::NoRecords);
        }
        Ok(records)
    }

    async fn addresses(&self, host: &str) -> Result<HostAddresses, LookupError> {
        let name = fqdn(host);
        let (v4, v6) = tokio::join!(self.resolver.ipv4_lookup(name.clone()), self.resolver.ipv6_lookup(name));
        let mut found = HostAddresses::default();
        let mut errors = Vec::new();
        for result in [v4, v6] {
            match result {
                Ok(lookup) => {
                    for record in lookup.answers() {
                        match &record.data {
                            RData::A(a) => found.ips.push(IpAddr::V4(a.0)),
                            RData::AAAA(a) => found.ips.push(IpAddr::V6(a.0)),
                            RData::CNAME(target) if bare(&record.name) == bare(&host) => {
                                found.cname = Some(bare(&target.0));
                            }
                            _ => {}
                        }
                    }
                }
                Err(e) => errors.push(lookup_error(&e)),
            }
        }
        if found.ips.is_empty() {
            if let Some(e) = errors.into_iter().find(|e| *e != LookupError::NoRecords) {
                return Err(e);
            }
        }
        Ok(found)
    }

    fn label(&self) -> String {
        self.label.clone()
    }

    async fn ptr(&self, ip: IpAddr) -> Result<Vec<String>, LookupError> {
        let lookup = self.resolver.reverse_lookup(ip).await.map_err(|e| lookup_error(&e))?;
        let names: Vec<String> = lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::PTR(name) => Some(bare(&name.0)),
                _ => None,
            })
            .collect();
        if names.is_empty() {
            return Err(LookupError::NoRecords);
        }
        Ok(names)
    }

    async fn txt(&self, name: &str) -> Result<Vec<String>, LookupError> {
        let lookup = self.resolver.txt_lookup(fqdn(name)).await.map_err(|e| lookup_error(&e))?;
        // A record of several strings is one text (RFC 7208 §3.3 style), as both policy RFCs read it.
        let records: Vec<String> = lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::TXT(txt) => Some(txt.txt_data.iter().map(|s| String::from_utf8_lossy(s)).collect()),
                _ => None,
            })
            .collect();
        if records.is_empty() {
            return Err(LookupError::NoRecords);
        }
        Ok(records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// DNS from a table: `mx` and `addresses` answers per name.
    #[derive(Default)]
    struct TableDns {
        mx: HashMap<&'static str, Result<Vec<MxRecord>, LookupError>>,
        hosts: HashMap<String, Result<HostAddresses, LookupError>>,
    }

    impl MailDns for TableDns {
        async fn mx(&self, domain: &str) -> Result<Vec<MxRecord>, LookupError> {
            self.mx.get(domain).cloned().unwrap_or(Err(LookupError::NxDomain))
        }
        async fn addresses(&self, host: &str) -> Result<HostAddresses, LookupError> {
            self.hosts.get(host).cloned().unwrap_or(Err(LookupError::NxDomain))
        }
        fn label(&self) -> String {
            "table".into()
        }
    }

    fn mx(preference: u16, exchange: &str) -> MxRecord {
        MxRecord { preference, exchange: exchange.into() }
    }

    fn ips(list: &[&str]) -> Result<HostAddresses, LookupError> {
        Ok(HostAddresses { cname: None, ips: list.iter().map(|i| i.parse().unwrap()).collect() })
    }

    const LIMIT: Duration = Duration::from_secs(5);

    async fn resolve(dns: &TableDns, domain: &str) -> MxPlan {
        resolve_all(dns, domain, LIMIT).await
    }

    #[tokio::test]
    async fn sorts_dedupes_and_caps() {
        let mut dns = TableDns::default();
        let mut records: Vec<MxRecord> = (0..12).map(|i| mx(20, &format!("mx{i:02}.example"))).collect();
        records.push(mx(5, "b.example"));
        records.push(mx(5, "a.example"));
        records.push(mx(30, "a.example"));
        dns.mx.insert("example", Ok(records));
        let many: Vec<String> = (1..=10).map(|i| format!("192.0.2.{i}")).collect();
        dns.hosts.insert("a.example".into(), ips(&many.iter().map(String::as_str).collect::<Vec<_>>()));
        let r = resolve(&dns, "example").await;
        assert_eq!(r.mx_source, MxSource::Mx);
        let names: Vec<&str> = r.hosts.iter().map(|h| h.host.as_str()).collect();
        assert_eq!(&names[..3], ["a.example", "b.example", "mx00.example"]);
        assert_eq!(r.hosts.len(), MAX_MX_HOSTS);
        assert_eq!(r.mx_hosts_skipped, 4);
        assert_eq!((r.hosts[0].addresses.len(), r.hosts[0].addresses_skipped), (8, 2));
        assert!(r.hosts[1].address_error.as_deref().unwrap().contains("NXDOMAIN"));
    }

    #[tokio::test]
    async fn null_implicit_and_missing() {
        let mut dns = TableDns::default();
        dns.mx.insert("null.example", Ok(vec![mx(0, "")]));
        dns.mx.insert("implicit.example", Err(LookupError::NoRecords));
        dns.hosts.insert("implicit.example".into(), ips(&["192.0.2.7", "192.0.2.7"]));
        dns.mx.insert("empty.example", Err(LookupError::NoRecords));
        dns.hosts.insert("empty.example".into(), Err(LookupError::NoRecords));
        dns.mx.insert("broken.example", Err(LookupError::Failed("SERVFAIL".into())));

        assert_eq!(resolve(&dns, "null.example").await.mx_source, MxSource::NullMx);
        let implicit = resolve(&dns, "implicit.example").await;
        assert_eq!((implicit.mx_source, implicit.hosts[0].host.as_str()), (MxSource::Implicit, "implicit.example"));
        assert_eq!(implicit.hosts[0].addresses.len(), 1, "a repeated address is listed once");
        assert_eq!(resolve(&dns, "empty.example").await.error, Some(DnsFailure::NoRecords));
        assert_eq!(resolve(&dns, "gone.example").await.error, Some(DnsFailure::Nxdomain));
        assert!(matches!(resolve(&dns, "broken.example").await.error, Some(DnsFailure::Failed { .. })));
    }

    #[tokio::test]
    async fn null_mx_beside_others_is_noted_and_several_dots_are_one_null_mx() {
        let mut dns = TableDns::default();
        dns.mx.insert("mixed.example", Ok(vec![mx(0, ""), mx(10, "mx.example")]));
        dns.mx.insert("dots.example", Ok(vec![mx(0, ""), mx(0, ""), mx(10, "")]));
        dns.hosts.insert("mx.example".into(), ips(&["192.0.2.8"]));
        let mixed = plan_mx(&dns, "mixed.example", LIMIT).await;
        assert_eq!((mixed.mx_source, mixed.null_mx_mixed), (MxSource::Mx, true));
        assert_eq!(mixed.hosts.len(), 1);
        assert!(mixed.hosts[0].resolving && mixed.hosts[0].addresses.is_empty());
        let dots = plan_mx(&dns, "dots.example", LIMIT).await;
        assert_eq!((dots.mx_source, dots.hosts.len(), dots.error), (MxSource::NullMx, 0, None));
    }

    /// A resolver that never answers.
    struct SilentDns;

    impl MailDns for SilentDns {
        async fn mx(&self, _: &str) -> Result<Vec<MxRecord>, LookupError> {
            std::future::pending().await
        }
        async fn addresses(&self, _: &str) -> Result<HostAddresses, LookupError> {
            std::future::pending().await
        }
        fn label(&self) -> String {
            "silent".into()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn every_lookup_is_bounded() {
        let plan = plan_mx(&SilentDns, "example", LIMIT).await;
        assert_eq!(plan.error, Some(DnsFailure::Failed { detail: "no answer within 5 s".into() }));
        let host = plan_host(&SilentDns, "mx.example", 10, LIMIT).await;
        assert_eq!(host.address_error.as_deref(), Some("no answer within 5 s"));
        assert!(host.addresses.is_empty() && !host.resolving);
    }
}
