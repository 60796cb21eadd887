//! A store with an order in review (with a receipt), another store, staff of every kind.
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode};
use backoffice::AppState;
/// What `status_of` answers, for the tests that compare with it.
pub use domain::OrderStatus;
use domain::ordering::receipts::NewReceipt;
use domain::people::auth::{sessions, tokens};
use domain::{Actor, Channel, Ctx, OrderId, Role, StoreId, UserId};
use files::inspect as pipeline;
use files::store::{self, MemoryStorage};
use http_body_util::BodyExt;
use testkit::TestDb;
use tower::ServiceExt;

pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";

pub struct Web {
    _db: TestDb,
    pub ctx: Ctx,
    pub app: Router,
    pub store: StoreId,
    pub other_store: StoreId,
    pub owner: UserId,
    pub admin: UserId,
    pub vendor: UserId,
    pub other_admin: UserId,
    pub customer: UserId,
    pub order: entity::orders::Model,
    pub receipt: entity::receipts::Model,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// `name=value` pairs from Set-Cookie, ready for a Cookie header.
    pub fn cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").to_owned())
            .collect()
    }
}

async fn person(ctx: &Ctx, id: i64, name: &str) -> UserId {
    testkit::seed::person(ctx, id, name, "en").await
}

impl Web {
    pub async fn new() -> Web {
        Self::with_state(|state| state).await
    }

    /// The same world, with the app state adjusted (trusted proxies, the live tick).
    pub async fn with_state(adjust: impl FnOnce(AppState) -> AppState) -> Web {
        let test_db = TestDb::new().await;
        let ctx = Ctx::local(test_db.db.clone());
        let op = Actor::operator();
        let ids = [
            testkit::seed::store(&ctx, "main", "Shop main").await,
            testkit::seed::store(&ctx, "other", "Shop other").await,
        ];
        let (store, other_store) = (ids[0], ids[1]);
        let owner = person(&ctx, 1, "olga").await;
        let admin = person(&ctx, 2, "anna").await;
        let vendor = person(&ctx, 3, "victor").await;
        let other_admin = person(&ctx, 4, "otto").await;
        let customer = person(&ctx, 100, "carol").await;
        domain::people::staff::grant(&ctx, &op, owner, Role::Owner, None)
            .await
            .unwrap();
        domain::people::staff::grant(&ctx, &op, admin, Role::Admin, Some(store))
            .await
            .unwrap();
        domain::people::staff::grant(&ctx, &op, vendor, Role::Vendor, Some(store))
            .await
            .unwrap();
        domain::people::staff::grant(&ctx, &op, other_admin, Role::Admin, Some(other_store))
            .await
            .unwrap();
        let product = testkit::seed::product(&ctx, store, "MUG", 25_000, 10).await;
        let new = domain::ordering::orders::NewOrder {
            store,
            customer,
            items: vec![(product, 2)],
            delivery: domain::ordering::orders::Delivery {
                name: "Carol".into(),
                phone: "+380671234567".into(),
                address: "Kyiv 1".into(),
            },
        };
        let me = Actor::user(customer, Channel::Bot);
        let order = domain::ordering::orders::place(&ctx, &me, &new)
            .await
            .unwrap();
        let files = Arc::new(MemoryStorage::new());
        let inspected =
            pipeline::inspect(testkit::files::jpeg(320, 200), &pipeline::Limits::default())
                .await
                .unwrap();
        let stored = store::store(files.as_ref(), &inspected).await.unwrap();
        let receipt = domain::ordering::receipts::attach(
            &ctx,
            &me,
            &NewReceipt {
                order: OrderId(order.id),
                kind: inspected.kind,
                sha256: inspected.sha256.clone(),
                size_bytes: inspected.size as i64,
                storage_key: Some(stored.key),
                telegram_file_id: None,
                telegram_file_unique_id: None,
                width: None,
                height: None,
            },
        )
        .await
        .unwrap();
        let state = adjust(AppState::new(
            ctx.clone(),
            SECRET,
            files,
            "vitrina_test_bot",
        ));
        let app = backoffice::router(state);
        Web {
            _db: test_db,
            ctx,
            app,
            store,
            other_store,
            owner,
            admin,
            vendor,
            other_admin,
            customer,
            order,
            receipt,
        }
    }

    /// Cookies of a fresh session for `user`, as a browser would send them.
    pub async fn login(&self, user: UserId) -> String {
        let s = sessions::start(&self.ctx, user, "test browser", None)
            .await
            .unwrap();
        let access = tokens::issue_access(
            &tokens::JwtKeys::new(SECRET),
            user,
            &s.family,
            self.ctx.now(),
        )
        .unwrap();
        format!(
            "__Host-vitrina-access={access}; __Host-vitrina-refresh={}",
            s.refresh
        )
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        call(&self.app, req).await
    }

    /// A request as the server sees it from the TCP peer `peer` (a browser, or the proxy in
    /// front), with extra `headers` such as `X-Forwarded-For`.
    pub async fn send_from(
        &self,
        peer: &str,
        mut req: Request<Body>,
        headers: &[(&'static str, &str)],
    ) -> Reply {
        let peer: std::net::IpAddr = peer.parse().unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(peer, 40_000)));
        for (name, value) in headers {
            req.headers_mut().append(*name, value.parse().unwrap());
        }
        self.send(req).await
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut req = Request::get(path).header("host", "localhost");
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// A form post from our own page (same-origin), unless `origin` says otherwise.
    pub async fn post(
        &self,
        path: &str,
        cookie: Option<&str>,
        form: &str,
        origin: Option<&str>,
    ) -> Reply {
        let mut req = Request::post(path)
            .header("host", "localhost")
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        self.send(req.body(Body::from(form.to_owned())).unwrap())
            .await
    }

    pub async fn status_of(&self) -> OrderStatus {
        use sea_orm::EntityTrait;
        entity::orders::Entity::find_by_id(self.order.id)
            .one(&self.ctx.db)
            .await
            .unwrap()
            .unwrap()
            .status
    }
}

pub const SAME: Option<&str> = Some("http://localhost");

/// The page text with askama's escapes undone, to compare with translated messages.
/// One request through a router, its reply read whole.
pub async fn call(app: &Router, req: Request<Body>) -> Reply {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// The login token in the login page's `t.me/…?start=login_<token>` link.
pub fn login_token_in(page: &str) -> String {
    let at = page.find("start=login_").unwrap() + "start=login_".len();
    page[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

pub fn unescape(body: &str) -> String {
    body.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// An English text with its arguments.
pub fn en(key: &str, args: &[(&str, i18n::ArgValue)]) -> String {
    i18n::t_args(i18n::Lang::En, key, args)
}
