//! What every service has in common: call counting, latency and injected
//! faults, applied by one middleware to every router the sandbox serves.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::{SandboxClock, Service};

/// A failure to inject into a service's next answers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this HTTP status and a short plain-text body, without
    /// running the fake (nothing is stored). A status that is not a valid
    /// HTTP status becomes 500.
    Status(u16),
    /// Wait this long (real time), then answer normally.
    Delay(Duration),
    /// Run the fake (a punch *is* stored), then drop the connection in the
    /// middle of the answer: the client cannot know whether the call took
    /// effect.
    Reset,
    /// Answer 200 with a body that is not what the client expects (garbage
    /// that is not JSON), without running the fake.
    Malformed,
    /// Run the fake (a punch *is* stored), then wait this long (real time)
    /// before answering: a client whose timeout is shorter gives up on a
    /// call that took effect.
    DelayAfter(Duration),
    /// Answer normally, then move the sandbox clock forward by this much:
    /// a time band can begin in the middle of a run.
    AdvanceClock(chrono::Duration),
    /// A list call answers the page *before* the one asked for, with that
    /// page's paging fields (the same page served twice, as a stale cache
    /// or a shifted window would): SenseLink's paged lists serve page
    /// `p - 1` for page `p`, cyzen's cursor lists the page that led to the
    /// cursor sent. A first page, and any other route, is answered
    /// normally.
    RepeatPage,
}

/// What a fake's list handler is told to do with the page it serves
/// ([`Fault::RepeatPage`]), as a request extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RepeatPage;

impl Fault {
    fn label(&self) -> String {
        match self {
            Fault::Status(code) => format!("status {code}"),
            Fault::Delay(d) => format!("delay {} ms", d.as_millis()),
            Fault::Reset => "reset".to_owned(),
            Fault::Malformed => "malformed".to_owned(),
            Fault::DelayAfter(d) => format!("delay after {} ms", d.as_millis()),
            Fault::AdvanceClock(d) => format!("advance clock {} s", d.num_seconds()),
            Fault::RepeatPage => "repeat page".to_owned(),
        }
    }
}

struct Pending {
    service: Service,
    route: Option<String>,
    fault: Fault,
    /// Matching calls to let through before the fault starts.
    skip: u32,
    remaining: u32,
}

/// The faults waiting to be injected. Each incoming call of a service takes
/// the first pending fault that matches it; a fault injected `times` times
/// affects that many calls, then is gone.
#[derive(Clone, Default)]
pub struct Faults {
    pending: Arc<Mutex<Vec<Pending>>>,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pending = lock(&self.pending);
        f.debug_list()
            .entries(pending.iter().map(|p| {
                format!(
                    "{} {} x{} on {}",
                    p.service,
                    p.route.as_deref().unwrap_or("*"),
                    p.remaining,
                    p.fault.label()
                )
            }))
            .finish()
    }
}

impl Faults {
    /// Makes the next `times` calls to `service` (any route) fail with `fault`.
    pub fn inject(&self, service: Service, fault: Fault, times: u32) {
        self.push(service, None, fault, 0, times);
    }

    /// Makes the next `times` calls to one route of `service` fail with
    /// `fault`; `route` is a template as [`Calls`] names it, e.g.
    /// `"POST /daily-workings/timerecord/{employeeKey}"`.
    pub fn inject_route(&self, service: Service, route: &str, fault: Fault, times: u32) {
        self.push(service, Some(route.to_owned()), fault, 0, times);
    }

    /// Like [`inject_route`](Self::inject_route), once `skip` calls of the
    /// route have been answered normally: e.g. a second page that fails
    /// after a first page that did not.
    pub fn inject_route_after(
        &self,
        service: Service,
        route: &str,
        skip: u32,
        fault: Fault,
        times: u32,
    ) {
        self.push(service, Some(route.to_owned()), fault, skip, times);
    }

    /// Removes every pending fault.
    pub fn clear(&self) {
        lock(&self.pending).clear();
    }

    /// How many injected failures are still pending for `service`.
    pub fn pending(&self, service: Service) -> u32 {
        lock(&self.pending)
            .iter()
            .filter(|p| p.service == service)
            .map(|p| p.remaining)
            .sum()
    }

    fn push(&self, service: Service, route: Option<String>, fault: Fault, skip: u32, times: u32) {
        if times == 0 {
            return;
        }
        lock(&self.pending).push(Pending {
            service,
            route,
            fault,
            skip,
            remaining: times,
        });
    }

    /// Takes one fault for a call of `service` to `route`, if one is pending.
    pub(crate) fn take(&self, service: Service, route: &str) -> Option<Fault> {
        let mut pending = lock(&self.pending);
        let index = pending
            .iter()
            .position(|p| p.service == service && p.route.as_deref().is_none_or(|r| r == route))?;
        let entry = &mut pending[index];
        if entry.skip > 0 {
            entry.skip -= 1;
            return None;
        }
        entry.remaining -= 1;
        let fault = entry.fault.clone();
        if entry.remaining == 0 {
            pending.remove(index);
        }
        Some(fault)
    }
}

/// One call a fake received.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallRecord {
    /// The service called.
    pub service: Service,
    /// The route template, e.g. `GET /employees/{employeeCode}` (the method
    /// and the path below the service's base URL); for a path no route
    /// matches, the path itself. SMTP calls are `SMTP MAIL`.
    pub route: String,
    /// The status answered, when the answer was started (absent when the
    /// client went away first).
    pub status: Option<u16>,
    /// The fault injected into this call, if any.
    pub fault: Option<Fault>,
}

/// A snapshot of every call the sandbox's fakes received, in arrival order.
#[derive(Debug, Clone, Default)]
pub struct Calls {
    records: Vec<CallRecord>,
}

impl Calls {
    /// How many calls `service` received on `route` (e.g. `"GET /employees"`).
    pub fn count(&self, service: Service, route: &str) -> usize {
        self.records
            .iter()
            .filter(|r| r.service == service && r.route == route)
            .count()
    }

    /// How many calls `service` received in all.
    pub fn total(&self, service: Service) -> usize {
        self.records.iter().filter(|r| r.service == service).count()
    }

    /// How many calls of `service` had a fault injected.
    pub fn faulted(&self, service: Service) -> usize {
        self.records
            .iter()
            .filter(|r| r.service == service && r.fault.is_some())
            .count()
    }

    /// Every call, in arrival order.
    pub fn records(&self) -> &[CallRecord] {
        &self.records
    }
}

/// The state the middleware shares across services.
#[derive(Default)]
pub(crate) struct Hub {
    pub(crate) faults: Faults,
    calls: Mutex<Vec<CallRecord>>,
    pub(crate) latency: Duration,
    /// The clock [`Fault::AdvanceClock`] moves.
    clock: Option<SandboxClock>,
}

impl Hub {
    pub(crate) fn new(latency: Duration, clock: SandboxClock) -> Self {
        Self {
            latency,
            clock: Some(clock),
            ..Self::default()
        }
    }

    /// Records a call; returns its index for [`set_status`](Self::set_status).
    pub(crate) fn record(&self, service: Service, route: String, fault: Option<Fault>) -> usize {
        let mut calls = lock(&self.calls);
        calls.push(CallRecord {
            service,
            route,
            status: None,
            fault,
        });
        calls.len() - 1
    }

    pub(crate) fn set_status(&self, index: usize, status: u16) {
        if let Some(call) = lock(&self.calls).get_mut(index) {
            call.status = Some(status);
        }
    }

    pub(crate) fn calls(&self) -> Calls {
        Calls {
            records: lock(&self.calls).clone(),
        }
    }
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the middleware knows of the service it wraps.
#[derive(Clone)]
pub(crate) struct Observed {
    pub(crate) service: Service,
    /// The path prefix of the service's base URL (`/v1.0` for KOT), left
    /// out of route names.
    pub(crate) base_path: &'static str,
    pub(crate) hub: Arc<Hub>,
}

/// The route name of a request: method and matched template, below the
/// service's base path.
pub(crate) fn route_name(base_path: &str, request: &Request) -> String {
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| request.uri().path(), MatchedPath::as_str);
    let path = path.strip_prefix(base_path).unwrap_or(path);
    let path = if path.is_empty() { "/" } else { path };
    // KOT's GET by date and POST by key share one path; name each as KOT does.
    let path = match (request.method().as_str(), path) {
        ("GET", "/daily-workings/timerecord/{employeeKey}") => "/daily-workings/timerecord/{date}",
        _ => path,
    };
    format!("{} {path}", request.method())
}

/// The middleware: counts the call, applies the latency and any fault.
pub(crate) async fn observe(
    State(ctx): State<Observed>,
    mut request: Request,
    next: Next,
) -> Response {
    let route = route_name(ctx.base_path, &request);
    let fault = ctx.hub.faults.take(ctx.service, &route);
    let index = ctx.hub.record(ctx.service, route, fault.clone());
    if !ctx.hub.latency.is_zero() {
        tokio::time::sleep(ctx.hub.latency).await;
    }
    let response = match fault {
        None => next.run(request).await,
        Some(Fault::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (
                status,
                format!("sandbox: injected HTTP {}", status.as_u16()),
            )
                .into_response()
        }
        Some(Fault::Malformed) => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            "<html><body>sandbox: malformed answer {{{</body></html>",
        )
            .into_response(),
        Some(Fault::Reset) => {
            let answered = next.run(request).await;
            cut_short(answered).await
        }
        Some(Fault::DelayAfter(delay)) => {
            let answered = next.run(request).await;
            tokio::time::sleep(delay).await;
            answered
        }
        Some(Fault::AdvanceClock(by)) => {
            let answered = next.run(request).await;
            if let Some(clock) = &ctx.hub.clock {
                clock.advance(by);
            }
            answered
        }
        Some(Fault::RepeatPage) => {
            request.extensions_mut().insert(RepeatPage);
            next.run(request).await
        }
    };
    ctx.hub.set_status(index, response.status().as_u16());
    response
}

/// The first half of `response`'s body, then an error: hyper aborts the
/// connection and the client sees a broken answer.
async fn cut_short(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = Bytes::copy_from_slice(&bytes[..bytes.len() / 2]);
    parts.headers.remove(header::CONTENT_LENGTH);
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(half),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "sandbox: injected reset",
        )),
    ];
    Response::from_parts(parts, Body::from_stream(futures_util::stream::iter(chunks)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_taken_in_order_and_run_out() {
        let faults = Faults::default();
        faults.inject(Service::Kot, Fault::Status(503), 2);
        faults.inject_route(Service::Slack, "POST /chat.postMessage", Fault::Reset, 1);
        assert_eq!(faults.pending(Service::Kot), 2);
        assert_eq!(faults.take(Service::Slack, "POST /other"), None);
        assert_eq!(
            faults.take(Service::Slack, "POST /chat.postMessage"),
            Some(Fault::Reset)
        );
        assert_eq!(faults.take(Service::Slack, "POST /chat.postMessage"), None);
        assert_eq!(
            faults.take(Service::Kot, "GET /employees"),
            Some(Fault::Status(503))
        );
        assert_eq!(
            faults.take(Service::Kot, "GET /divisions"),
            Some(Fault::Status(503))
        );
        assert_eq!(faults.take(Service::Kot, "GET /divisions"), None);
        faults.inject_route_after(Service::Cyzen, "GET /histories", 1, Fault::Status(502), 1);
        assert_eq!(faults.take(Service::Cyzen, "GET /histories"), None);
        assert_eq!(
            faults.take(Service::Cyzen, "GET /histories"),
            Some(Fault::Status(502))
        );
        assert_eq!(faults.take(Service::Cyzen, "GET /histories"), None);
        faults.inject(Service::Kot, Fault::Malformed, 5);
        faults.inject(Service::Kot, Fault::Malformed, 0);
        faults.clear();
        assert_eq!(faults.pending(Service::Kot), 0);
    }
}
