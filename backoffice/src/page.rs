//! What every page needs: the translator, the staff member, their stores.
use chrono::{DateTime, Utc};
use domain::kernel::money::Locale;
use domain::{Channel, OrderStatus};
use i18n::{ArgValue, Lang};

/// Translation helpers callable from templates.
#[derive(Clone, Copy, Debug)]
pub struct Tr(pub Lang);

impl Tr {
    pub fn t(&self, key: &str) -> String {
        i18n::t(self.0, key)
    }

    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        i18n::t_args(self.0, key, &[(name, ArgValue::infer(value.to_owned()))])
    }

    pub fn lang(&self) -> &'static str {
        self.0.as_str()
    }

    pub fn money(&self, minor: &i64, currency: &str) -> String {
        domain::kernel::money::show(*minor, currency, Locale::from_tag(self.0.as_str()))
    }

    pub fn status(&self, status: &OrderStatus) -> String {
        self.t(&format!("status-{status}"))
    }

    pub fn channel(&self, channel: &Channel) -> String {
        self.t(&format!("channel-{channel}"))
    }

    /// `21.11.2026 14:02` (UTC), the same in every language.
    pub fn when(&self, at: &DateTime<Utc>) -> String {
        at.format("%d.%m.%Y %H:%M").to_string()
    }
}

/// One store in the switcher.
#[derive(Clone, Debug)]
pub struct StoreChoice {
    pub id: i64,
    pub name: String,
    pub current: bool,
}

/// The frame around every staff page.
#[derive(Clone, Debug)]
pub struct Frame {
    pub tr: Tr,
    pub user_name: String,
    pub stores: Vec<StoreChoice>,
    pub can_decide: bool,
    /// ADMIN or above in the current store: the people, customers, audit and settings pages.
    pub administers: bool,
    /// Unread notifications, for the bell.
    pub unread: u64,
    pub assets: &'static str,
    /// Sandbox mode: the page says it is not connected to Telegram.
    pub sandbox: bool,
}

/// The QR code of a link.
pub fn qr_code(link: &str) -> Result<qrcode::QrCode, crate::AppError> {
    qrcode::QrCode::new(link.as_bytes()).map_err(|e| crate::AppError::Internal(e.to_string()))
}

/// The QR code of a link as SVG, at least `size` pixels wide.
pub fn qr_svg(link: &str, size: u32) -> Result<String, crate::AppError> {
    Ok(qr_code(link)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(size, size)
        .quiet_zone(true)
        .build())
}
