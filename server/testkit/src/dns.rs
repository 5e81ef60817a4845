//! A DNS zone served from loopback by hickory-server, so the real resolver path is tested.

use hickory_server::net::runtime::TokioRuntimeProvider;
use hickory_server::proto::rr::rdata::{A, AAAA, CNAME, MX, NS, PTR, SOA, TXT};
use hickory_server::proto::rr::{LowerName, Name, RData, Record};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};
use hickory_server::Server;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, UdpSocket};

const TTL: u32 = 60;

/// Records of one zone, built up fluently.
pub struct Zone {
    origin: Name,
    records: Vec<Record>,
}

fn name(text: &str) -> Name {
    Name::from_str(&format!("{}.", text.trim_end_matches('.'))).expect("valid DNS name")
}

impl Zone {
    /// An empty zone with SOA and NS.
    pub fn new(origin: &str) -> Self {
        let origin = name(origin);
        let ns = name(&format!("ns.{origin}"));
        let soa = SOA::new(ns.clone(), name(&format!("hostmaster.{origin}")), 1, 3600, 600, 86400, TTL);
        let records = vec![
            Record::from_rdata(origin.clone(), TTL, RData::SOA(soa)),
            Record::from_rdata(origin.clone(), TTL, RData::NS(NS(ns))),
        ];
        Zone { origin, records }
    }

    /// `owner` with any record data (TLSA, DS, NS for a delegation…).
    pub fn record(mut self, owner: &str, data: RData) -> Self {
        self.records.push(Record::from_rdata(name(owner), TTL, data));
        self
    }

    /// `owner MX preference exchange` (an empty exchange is the root: null MX).
    pub fn mx(self, owner: &str, preference: u16, exchange: &str) -> Self {
        let exchange = if exchange.is_empty() { Name::root() } else { name(exchange) };
        self.record(owner, RData::MX(MX::new(preference, exchange)))
    }

    /// `owner A/AAAA ip`.
    pub fn address(self, owner: &str, ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => self.record(owner, RData::A(A(v4))),
            IpAddr::V6(v6) => self.record(owner, RData::AAAA(AAAA(v6))),
        }
    }

    /// The origin and the records, for a server built by the caller (e.g. a signed zone).
    pub fn into_parts(self) -> (Name, Vec<Record>) {
        (self.origin, self.records)
    }

    /// `owner CNAME target`.
    pub fn cname(self, owner: &str, target: &str) -> Self {
        self.record(owner, RData::CNAME(CNAME(name(target))))
    }

    /// `reverse-name-of(ip) PTR target` (the zone must be the matching in-addr.arpa or ip6.arpa zone).
    pub fn ptr(mut self, ip: IpAddr, target: &str) -> Self {
        self.records.push(Record::from_rdata(Name::from(ip), TTL, RData::PTR(PTR(name(target)))));
        self
    }

    /// `owner TXT "text"` (one string).
    pub fn txt(self, owner: &str, text: &str) -> Self {
        self.record(owner, RData::TXT(TXT::new(vec![text.to_owned()])))
    }
}

/// A running DNS server for one zone (UDP and TCP on the same address).
pub struct ZoneServer {
    /// Where it answers.
    pub addr: SocketAddr,
    _server: Server<Catalog>,
}

impl ZoneServer {
    /// Serves `zone` on `bind` (port 0 picks a free port).
    pub async fn start(bind: SocketAddr, zone: Zone) -> std::io::Result<Self> {
        Self::start_zones(bind, vec![zone]).await
    }

    /// Serves several zones (e.g. a forward and a reverse zone) on `bind`.
    pub async fn start_zones(bind: SocketAddr, zones: Vec<Zone>) -> std::io::Result<Self> {
        let mut catalog = Catalog::new();
        for zone in zones {
            let mut handler = InMemoryZoneHandler::<TokioRuntimeProvider>::empty(
                zone.origin.clone(),
                ZoneType::Primary,
                AxfrPolicy::Deny,
                None,
            );
            for record in zone.records {
                handler.upsert_mut(record, 1);
            }
            catalog.upsert(LowerName::new(&zone.origin), vec![Arc::new(handler)]);
        }
        let udp = UdpSocket::bind(bind).await?;
        let addr = udp.local_addr()?;
        let tcp = TcpListener::bind(addr).await?;
        let mut server = Server::new(catalog);
        server.register_socket(udp);
        server.register_listener(tcp, Duration::from_secs(5), 4096);
        Ok(ZoneServer { addr, _server: server })
    }
}
