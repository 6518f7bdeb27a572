//! Prometheus metrics: requests by route and status, request latency, imports, daily jobs
//! and score alerts, exposed in the text exposition format at `/metrics`.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::Instant;

/// Labels of a finished request.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

/// Labels of a latency observation.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LatencyLabels {
    method: String,
    route: String,
}

/// Labels of a finished import or daily job.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

/// The outcome label of a daily run that another run's claim made unnecessary.
const DAILY_RUN_SKIPPED: &str = "skipped";

/// Labels of a raised alert.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
}

type HistogramConstructor = fn() -> Histogram;

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s: imports are not timed here (they run in the background).
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The server's metrics registry.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<LatencyLabels, Histogram, HistogramConstructor>,
    imports: Family<OutcomeLabels, Counter>,
    imports_in_flight: Gauge,
    daily_runs: Family<OutcomeLabels, Counter>,
    alerts: Family<KindLabels, Counter>,
    alert_deliveries: Family<OutcomeLabels, Counter>,
    advice_computations: Counter,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// How an import or a daily job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It finished and its result was stored.
    Succeeded,
    /// It failed; nothing was stored.
    Failed,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
        }
    }
}

impl Metrics {
    /// A registry with every metric registered and at zero.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("ssi");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency =
            Family::<LatencyLabels, Histogram, HistogramConstructor>::new_with_constructor(latency_histogram);
        let imports = Family::<OutcomeLabels, Counter>::default();
        let imports_in_flight = Gauge::default();
        let daily_runs = Family::<OutcomeLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests by method, route and status", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by method and route",
            latency.clone(),
        );
        registry.register("imports", "Export imports by outcome", imports.clone());
        registry.register(
            "imports_in_flight",
            "Export imports running on this replica",
            imports_in_flight.clone(),
        );
        registry.register("daily_job_runs", "Daily materialisation runs by outcome", daily_runs.clone());
        let alerts = Family::<KindLabels, Counter>::default();
        let alert_deliveries = Family::<OutcomeLabels, Counter>::default();
        registry.register("alerts", "Score alerts raised, by kind (below, drop)", alerts.clone());
        registry.register(
            "alert_deliveries",
            "Alert webhook deliveries by outcome (after retries)",
            alert_deliveries.clone(),
        );
        let advice_computations = Counter::default();
        registry.register(
            "advice_computations",
            "Next best actions simulated for a member (answer cache misses; hits are served as stored)",
            advice_computations.clone(),
        );
        for outcome in [Outcome::Succeeded, Outcome::Failed] {
            // Registered at zero so dashboards see the series before the first event.
            let _ = imports.get_or_create(&OutcomeLabels { outcome: outcome.label() });
            let _ = daily_runs.get_or_create(&OutcomeLabels { outcome: outcome.label() });
            let _ = alert_deliveries.get_or_create(&OutcomeLabels { outcome: outcome.label() });
        }
        let _ = daily_runs.get_or_create(&OutcomeLabels { outcome: DAILY_RUN_SKIPPED });
        for kind in ["below", "drop"] {
            let _ = alerts.get_or_create(&KindLabels { kind });
        }
        Metrics {
            registry,
            requests,
            latency,
            imports,
            imports_in_flight,
            daily_runs,
            alerts,
            alert_deliveries,
            advice_computations,
        }
    }

    /// Counts one simulation of a member's advice.
    pub fn advice_computed(&self) {
        self.advice_computations.inc();
    }

    /// Counts one finished request and its latency.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let labels = RequestLabels { method: method.to_string(), route: route.to_string(), status };
        self.requests.get_or_create(&labels).inc();
        self.latency
            .get_or_create(&LatencyLabels { method: method.to_string(), route: route.to_string() })
            .observe(seconds);
    }

    /// Marks an import as started; the guard counts it finished when dropped or completed.
    pub fn import_started(self: &Arc<Self>) -> ImportGuard {
        self.imports_in_flight.inc();
        ImportGuard { metrics: Arc::clone(self), done: false }
    }

    /// Counts one daily job run.
    pub fn daily_run(&self, outcome: Outcome) {
        self.daily_runs.get_or_create(&OutcomeLabels { outcome: outcome.label() }).inc();
    }

    /// Counts one daily job run skipped: another run (another replica, or this process
    /// earlier the same day) holds the day.
    pub fn daily_run_skipped(&self) {
        self.daily_runs.get_or_create(&OutcomeLabels { outcome: DAILY_RUN_SKIPPED }).inc();
    }

    /// Counts one raised alert of a kind (`below` or `drop`).
    pub fn alert_raised(&self, kind: &'static str) {
        self.alerts.get_or_create(&KindLabels { kind }).inc();
    }

    /// Counts one finished webhook delivery (after its retries).
    pub fn alert_delivered(&self, outcome: Outcome) {
        self.alert_deliveries.get_or_create(&OutcomeLabels { outcome: outcome.label() }).inc();
    }

    /// The metrics in the Prometheus/OpenMetrics text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        if let Err(error) = encode(&mut text, &self.registry) {
            tracing::error!(%error, "could not encode metrics");
        }
        text
    }
}

/// Keeps the in-flight import gauge honest whichever way an import ends.
#[derive(Debug)]
pub struct ImportGuard {
    metrics: Arc<Metrics>,
    done: bool,
}

impl ImportGuard {
    /// Records how the import ended.
    pub fn finish(mut self, outcome: Outcome) {
        self.metrics.imports.get_or_create(&OutcomeLabels { outcome: outcome.label() }).inc();
        self.done = true;
    }
}

impl Drop for ImportGuard {
    fn drop(&mut self) {
        self.metrics.imports_in_flight.dec();
        if !self.done {
            self.metrics.imports.get_or_create(&OutcomeLabels { outcome: Outcome::Failed.label() }).inc();
        }
    }
}

/// Middleware recording every request under its route template (not its concrete path,
/// which would carry identifiers and explode the label space).
pub(crate) async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |path| path.as_str().to_string());
    let response = next.run(request).await;
    metrics.observe_request(&method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendering_shows_requests_by_route_and_status_and_imports() {
        let metrics = Arc::new(Metrics::new());
        metrics.observe_request("GET", "/api/v1/teams/{team}", 200, 0.002);
        metrics.observe_request("GET", "/api/v1/teams/{team}", 404, 0.001);
        metrics.import_started().finish(Outcome::Succeeded);
        drop(metrics.import_started());
        let text = metrics.render();
        assert!(
            text.contains(
                r#"ssi_http_requests_total{method="GET",route="/api/v1/teams/{team}",status="404"} 1"#
            ),
            "{text}"
        );
        assert!(text.contains("ssi_http_request_duration_seconds_bucket"), "{text}");
        assert!(text.contains(r#"ssi_imports_total{outcome="succeeded"} 1"#), "{text}");
        assert!(text.contains(r#"ssi_imports_total{outcome="failed"} 1"#), "{text}");
        assert!(text.contains("ssi_imports_in_flight 0"), "{text}");
    }
}
