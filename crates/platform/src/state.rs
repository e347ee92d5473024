//! What every handler can reach.

use crate::auth::throttle::LoginGuard;
use crate::db::Db;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Settings {
    /// GSO code of the province this installation serves (56 = Khánh Hòa).
    pub province_code: String,
    /// Send cookies with `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Where uploads, rejected-row files and exports are kept.
    pub data_dir: PathBuf,
    /// Where the public reaches this server (links in feeds, sitemaps, posters, mails).
    pub public_url: String,
    /// `smtp://host:port`: e-mail notifications are sent when set.
    pub smtp_url: Option<String>,
    /// Sender of notification mails.
    pub mail_from: String,
    /// SMS gateway and Zalo endpoints: messages to people's phones (see [`crate::channels`]).
    pub sms: Option<crate::channels::Endpoint>,
    pub zalo: Option<crate::channels::Endpoint>,
    /// Who runs this installation, shown on every public page.
    pub org: Arc<Org>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (the client's
    /// address for the login throttle and the audit log); nobody else's.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// The operating organisation (đơn vị vận hành): named on every page, with
/// its hotline and logo, so a visitor knows whose service this is.
#[derive(Debug, Clone)]
pub struct Org {
    pub name: String,
    /// Telephone number people may call (shown and dialled as written).
    pub hotline: Option<String>,
    pub address: Option<String>,
    /// The logo's bytes and media type; the built-in mark when `None`.
    pub logo: Option<(Vec<u8>, &'static str)>,
}

impl Default for Org {
    fn default() -> Self {
        Self { name: Org::default_name("Tỉnh Khánh Hòa"), hotline: None, address: None, logo: None }
    }
}

impl Org {
    /// "Trung tâm Dịch vụ việc làm tỉnh Khánh Hòa" from "Tỉnh Khánh Hòa".
    pub fn default_name(province: &str) -> String {
        let lower = province
            .strip_prefix("Tỉnh ")
            .map(|p| format!("tỉnh {p}"))
            .or_else(|| province.strip_prefix("Thành phố ").map(|p| format!("thành phố {p}")))
            .unwrap_or_else(|| province.to_owned());
        format!("Trung tâm Dịch vụ việc làm {lower}").trim_end().to_owned()
    }

    /// Read a logo file (PNG, JPEG, SVG or WebP, at most 1 MiB).
    pub fn read_logo(path: &std::path::Path) -> anyhow::Result<(Vec<u8>, &'static str)> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        let mime = match ext.as_str() {
            "png" => "image/png",
            "jpg" | "jpeg" => "image/jpeg",
            "svg" => "image/svg+xml",
            "webp" => "image/webp",
            _ => anyhow::bail!("the logo must be a .png, .jpg, .svg or .webp file: {}", path.display()),
        };
        let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read the logo {}: {e}", path.display()))?;
        anyhow::ensure!(bytes.len() <= 1 << 20, "the logo is larger than 1 MiB: {}", path.display());
        Ok((bytes, mime))
    }

    /// `tel:` link target: the digits and a leading +.
    pub fn hotline_tel(&self) -> String {
        self.hotline.as_deref().unwrap_or("").chars().filter(|c| c.is_ascii_digit() || *c == '+').collect()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            province_code: "56".into(),
            secure_cookies: false,
            data_dir: PathBuf::from("ketnoi-data"),
            public_url: "http://127.0.0.1:8080".into(),
            smtp_url: None,
            mail_from: "Kết Nối <no-reply@ketnoi.invalid>".into(),
            sms: None,
            zalo: None,
            org: Arc::new(Org::default()),
            trusted_proxies: Vec::new(),
        }
    }
}

/// State a capability keeps for the life of the server (e.g. a search index),
/// one value per type.
#[derive(Default, Clone)]
pub struct Services(HashMap<TypeId, Arc<dyn Any + Send + Sync>>);

impl Services {
    pub fn insert<T: Any + Send + Sync>(&mut self, value: Arc<T>) {
        self.0.insert(TypeId::of::<T>(), value);
    }
    pub fn get<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        self.0.get(&TypeId::of::<T>()).cloned().and_then(|v| v.downcast::<T>().ok())
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub throttle: Arc<LoginGuard>,
    /// Who tokens and sessions are, remembered for a few seconds.
    pub identities: Arc<crate::auth::cache::Identities>,
    pub settings: Arc<Settings>,
    pub services: Arc<Services>,
}

impl Settings {
    /// An absolute URL for a local path.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.public_url.trim_end_matches('/'))
    }
}

impl AppState {
    pub fn new(db: Db, settings: Settings, services: Services) -> Self {
        Self {
            db,
            throttle: Arc::new(LoginGuard::default()),
            identities: Arc::default(),
            settings: Arc::new(settings),
            services: Arc::new(services),
        }
    }

    /// A capability's service; its absence is a wiring bug.
    pub fn service<T: Any + Send + Sync>(&self) -> Arc<T> {
        self.services.get::<T>().unwrap_or_else(|| panic!("service {} not registered", std::any::type_name::<T>()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operator_is_named_after_its_province() {
        assert_eq!(Org::default_name("Tỉnh Khánh Hòa"), "Trung tâm Dịch vụ việc làm tỉnh Khánh Hòa");
        assert_eq!(Org::default_name("Thành phố Hà Nội"), "Trung tâm Dịch vụ việc làm thành phố Hà Nội");
        let o = Org { hotline: Some("0258 3 822 999".into()), ..Org::default() };
        assert_eq!(o.hotline_tel(), "02583822999");
    }
}
