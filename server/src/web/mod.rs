//! The web server: the Leptos app (SSR + hydration), its streaming server function, the NDJSON
//! API, static files, limits and security headers. Nothing about a check is stored or logged.

pub mod api;
mod headers;
pub mod limits;
pub mod metrics;
pub mod shared_limits;
mod sw;
pub mod watch;

use any_spawner::Executor;
use app::api::{ApiError, CheckDomain, Problem};
use app::engine::{Engine, SharedEngine, SharedWatch};
use axum::extract::{DefaultBodyLimit, FromRef, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, on, MethodFilter};
use axum::{Json, Router};
use clap::Parser;
use futures::stream::BoxStream;
use futures::StreamExt;
use leptos::config::{get_config_from_env, LeptosOptions};
use leptos::prelude::provide_context;
use leptos::server_fn::axum::server_fn_paths;
use leptos::server_fn::ServerFn;
use leptos_axum::{handle_server_fns_with_context, render_app_to_stream_in_order_with_context};
use mxray_report::{CheckEvent, NormalizedInput};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use tower_http::limit::RequestBodyLimitLayer;

use crate::probe::ProbeOptions;
use limits::{Gate, LimitArgs};
use metrics::{CheckTally, Counted, Metrics};
use shared_limits::SharedLimits;

/// Largest request body accepted (a domain name fits many times over).
const MAX_BODY_BYTES: usize = 16 * 1024;
/// The paths of the page (the app itself tells them apart, and renders 404 for others).
const PAGES: [&str; 5] = ["/", "/check/{domain}", "/watch", "/watch/{domain}", "/watch/{domain}/{id}"];
/// The routes that start a check, and so pass the [`Gate`].
const CHECK_PATHS: [&str; 2] = [api::PATH, <CheckDomain as ServerFn>::PATH];

/// Settings of `mxray serve`; every one can also come from the environment.
#[derive(Clone, Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// The built site (`pkg/`, CSS, icons) as `cargo leptos build` writes it.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Limits of the public service.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Watch the domains of this file (one per line) beside the page, and show them at `/watch`
    /// and in `/api/v1/watch` (monitoring stores reports; without it nothing is stored).
    #[arg(long, env = "MXRAY_WATCH", value_name = "FILE")]
    pub watch: Option<std::path::PathBuf>,
    /// Monitoring settings (with `--watch`).
    #[command(flatten)]
    pub watch_settings: crate::watch::WatchSettings,
    /// Probe settings.
    #[command(flatten)]
    pub probe: ProbeOptions,
}

/// Parses [`ServeArgs`] from the environment alone.
#[derive(Parser)]
struct EnvOnly {
    #[command(flatten)]
    serve: ServeArgs,
}

impl ServeArgs {
    /// The settings from `LEPTOS_*` and `MXRAY_*` variables and defaults (exits with a message
    /// when a variable is malformed).
    pub fn from_env() -> Self {
        EnvOnly::parse_from(["mxray"]).serve
    }
}

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    /// Leptos settings (site root, output name).
    pub leptos: LeptosOptions,
    /// The probe engine.
    pub engine: SharedEngine,
    /// The monitoring store, when `--watch` runs.
    pub watch: Option<SharedWatch>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl FromRef<AppState> for SharedEngine {
    fn from_ref(state: &AppState) -> Self {
        state.engine.clone()
    }
}

impl FromRef<AppState> for Option<SharedWatch> {
    fn from_ref(state: &AppState) -> Self {
        state.watch.clone()
    }
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(args: ServeArgs) -> ExitCode {
    crate::process::init_logging();
    let metrics = Arc::new(Metrics::new());
    let engine: SharedEngine =
        match crate::probe::build_prober(&args.probe, |guarded| Counted::new(guarded, metrics.open_connections())) {
            Ok((engine, _)) => Arc::new(engine),
            Err(e) => {
                eprintln!("mxray: {e}");
                return ExitCode::FAILURE;
            }
        };
    let mut gate = Gate::new(&args.limits).with_metrics(Arc::clone(&metrics));
    if let Some(url) = &args.limits.redis_url {
        let l = &args.limits;
        let up = metrics.shared_limits_up();
        match SharedLimits::new(url, l.max_checks_per_client, l.rate_limit_per_minute, l.rate_limit_burst, up) {
            Ok(shared) => gate = gate.with_shared_limits(shared),
            Err(e) => {
                eprintln!("mxray: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let leptos = match leptos_options(&args) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("mxray: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("mxray: cannot listen on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    let watch = match &args.watch {
        Some(list) => match start_watch(list, &args).await {
            Ok(watch) => Some(watch),
            Err(e) => {
                eprintln!("mxray: {e}");
                return ExitCode::from(64);
            }
        },
        None => None,
    };
    tracing::info!("serving http://{} from {}", args.addr, leptos.site_root);
    let app = router(AppState { leptos, engine, watch }, gate);
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    match axum::serve(listener, service).with_graceful_shutdown(crate::process::shutdown()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mxray: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Starts the watcher beside the page (politely: one connection at a time per mail server address,
/// a second apart) and returns the store as the page reads it.
async fn start_watch(list: &std::path::Path, args: &ServeArgs) -> Result<SharedWatch, String> {
    use crate::watch::{clock::SystemClock, read_list, start};
    let domains = read_list(list)?;
    let count = domains.len();
    let running = start(
        domains,
        &args.watch_settings,
        &args.probe,
        4,
        std::time::Duration::from_secs(1),
        Arc::new(SystemClock),
        false,
    )
    .await?;
    tracing::info!("watching {count} domains every {}", humantime::format_duration(args.watch_settings.every));
    Ok(Arc::new(watch::WatchedStore { store: running.store, domains: Arc::new(running.domains), next: running.next }))
}

/// Leptos settings: the `LEPTOS_*` variables over embedded defaults, so the binary also runs
/// from the project root with no environment.
fn leptos_options(args: &ServeArgs) -> Result<LeptosOptions, leptos::config::errors::LeptosConfigError> {
    let mut options = get_config_from_env()?.leptos_options;
    if options.output_name.is_empty() {
        options.output_name = "mxray".into();
    }
    options.site_root = args.site_root.as_str().into();
    options.site_addr = args.addr;
    Ok(options)
}

/// The whole application: pages, server function, API, metrics, static files, limits and headers.
pub fn router(state: AppState, gate: Gate) -> Router {
    // Leptos spawns on tokio during rendering (fails harmlessly when already set up).
    let _ = Executor::init_tokio();
    let engine = state.engine.clone();
    let watched = state.watch.clone();
    let context = move || {
        provide_context(engine.clone());
        if let Some(w) = &watched {
            provide_context(w.clone());
        }
    };
    let options = state.leptos.clone();
    // In order: a `<Suspense>` (only the monitoring view has one) is sent in place once its data is
    // there, so those pages read without JavaScript (leptos_axum 0.8 ignores `replace_blocks`, and out
    // of order sends the fallback with the data in a template that only a script moves in).
    let page = render_app_to_stream_in_order_with_context(context.clone(), move || app::shell(options.clone()));
    let scraped = Arc::clone(gate.metrics());
    let mut router = Router::new()
        .route(api::PATH, get(api::check))
        .route(sw::PATH, get(sw::script))
        .route(watch::LIST, get(watch::list))
        .route(watch::HISTORY, get(watch::history))
        .route(watch::REPORT, get(watch::report))
        .route(metrics::PATH, get(move || metrics::scrape(Arc::clone(&scraped))));
    for path in PAGES {
        router = router.route(path, get(page.clone()));
    }
    for (path, method) in server_fn_paths() {
        let engine = state.engine.clone();
        let watched = state.watch.clone();
        let handler = move |req: Request| {
            // The check's events are folded into the gate's tally on their way to the page.
            let engine = match req.extensions().get::<CheckTally>() {
                Some(tally) => Arc::new(Tallied { inner: engine.clone(), tally: tally.clone() }) as SharedEngine,
                None => engine.clone(),
            };
            let watched = watched.clone();
            handle_server_fns_with_context(
                move || {
                    provide_context(engine.clone());
                    if let Some(w) = &watched {
                        provide_context(w.clone());
                    }
                },
                req,
            )
        };
        router = router.route(path, on(MethodFilter::try_from(method).unwrap_or(MethodFilter::POST), handler));
    }
    router
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        .layer(middleware::from_fn_with_state(Arc::new(gate), gate_checks))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(middleware::from_fn(headers::secure))
        .with_state(state)
}

/// An engine whose events are folded into a check's [`CheckTally`] as they pass.
struct Tallied {
    inner: SharedEngine,
    tally: CheckTally,
}

impl Engine for Tallied {
    fn check(&self, input: NormalizedInput) -> BoxStream<'static, CheckEvent> {
        let tally = self.tally.clone();
        self.inner.check(input).inspect(move |event| tally.fold(event)).boxed()
    }
}

/// Sends the check routes through the [`Gate`]; everything else passes.
async fn gate_checks(gate: State<Arc<Gate>>, req: Request, next: Next) -> Response {
    if CHECK_PATHS.contains(&req.uri().path()) {
        limits::guard(gate, req, next).await
    } else {
        next.run(req).await
    }
}

/// A problem as its HTTP status, `Retry-After` when useful, and the JSON body.
pub(crate) fn problem_response(problem: Problem) -> Response {
    let status = problem.status();
    let retry = problem.retry_after();
    let mut response = (status, Json(ApiError::from(problem))).into_response();
    if let Some(secs) = retry {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}
