//! Coming back once for the relay probe: Postfix postscreen with its tests after the 220 answers a
//! new client `450 4.3.2 Service currently unavailable` at RCPT and passes it to the real smtpd only
//! on its next connection. When the relay probe ended that way ([`super::relay::postscreen_like`]),
//! one more connection, after the session and in its connection slot, runs the relay probe again.

use mxray_report::model::report::{RelayReport, RelayRevisit, RevisitFailure, RevisitReason};
use mxray_report::StepResult;

use super::net::Connector;
use super::session::AddressProbe;

impl<C: Connector> AddressProbe<'_, C> {
    /// The return connection after a postscreen-like temporary refusal: the relay probe again, in
    /// plaintext (a client that passed postscreen's tests talks to the real smtpd there, and TLS was
    /// judged on the first connection). Its verdict replaces the first one; when it gives none, the
    /// first stays, saying that mxray came back and why that failed.
    pub(super) async fn come_back(&mut self, reason: RevisitReason, first: RelayReport) {
        let reply = first.rcpt_to.clone().unwrap_or_default();
        let why = match reason {
            RevisitReason::PostscreenReply => "postscreen's wording",
            RevisitReason::MultiLineGreeting => "after a greeting of several lines, as postscreen's",
        };
        self.transcript.event(&format!(
            "coming back once: the relay probe ended on the temporary \"{reply}\" ({why}); postscreen passes a client \
             that passed its tests to the real server on its next connection"
        ));
        let revisit = RelayRevisit { reason, reply, earlier: first.attempts.clone(), error: None, failure: None };
        self.returning = Some(revisit.clone());
        // The return connection's failures belong to the revisit, not to the session that ran.
        let kept = self.failure.take();
        self.relay_on_fresh_connection().await;
        let failure = std::mem::replace(&mut self.failure, kept);
        if self.returning.take().is_none() {
            // The return connection's relay probe reported (and replaced the first verdict).
            if self.failure.is_none() {
                self.failure = failure;
            }
            return;
        }
        // A 421 on the return connection is recorded as the server closing, not as an error.
        let closed = self
            .server_closed
            .as_ref()
            .map(|c| RevisitFailure::ServerClosed { command: c.command.clone(), reply: c.reply.clone() });
        let failure = failure.map(|failure| RevisitFailure::SessionEnded { failure });
        let failure = failure.or(closed).unwrap_or(RevisitFailure::NoRelayProbe);
        let mut report = first;
        report.revisit = Some(RelayRevisit { earlier: Vec::new(), failure: Some(failure), ..revisit });
        self.emit(StepResult::OpenRelay(report)).await;
    }
}
