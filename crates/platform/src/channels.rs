//! Kênh nhắn tin: messages to a person's phone (SMS, Zalo) behind one
//! interface, for people who have no account to read in-app notifications.
//!
//! Each channel is configured by an HTTP endpoint. A channel that is not
//! configured sends nothing, says so on the admin's jobs page, and its
//! messages are counted as not sent: it never pretends. The server carries
//! no TLS stack (as for SMTP): an `https://` provider is reached through a
//! relay inside the province's network, so endpoints must be `http://`.

use crate::types::PhoneNumber;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// How one channel is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub url: String,
    /// Bearer token (SMS) or Zalo OA access token.
    pub token: Option<String>,
    /// Zalo ZNS template id (Zalo only sends approved templates).
    pub template: Option<String>,
}

impl Endpoint {
    /// Check an endpoint at start, so a typo stops the server with a reason.
    pub fn new(url: &str, token: Option<String>, template: Option<String>) -> anyhow::Result<Self> {
        let parsed = url::Url::parse(url).map_err(|e| anyhow::anyhow!("{url}: {e}"))?;
        anyhow::ensure!(
            parsed.scheme() == "http",
            "{url}: the endpoint must be http:// (put an https provider behind a relay: this server has no TLS stack)"
        );
        Ok(Self { url: url.to_owned(), token, template })
    }
}

/// Sending can fail for a reason worth showing (the gateway's answer).
pub type Sent<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// One way to reach a phone.
pub trait Channel: Send + Sync {
    /// `sms` or `zalo`: the name shown and counted.
    fn name(&self) -> &'static str;
    /// Send `text` (with `link`, an absolute URL) to `to`.
    fn send<'a>(&'a self, to: &'a PhoneNumber, text: &'a str, link: &'a str) -> Sent<'a>;
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("a plain HTTP client")
}

/// An SMS gateway taking `POST {"to": "+84…", "text": "…"}` with a bearer token.
pub struct Sms {
    endpoint: Endpoint,
    http: reqwest::Client,
}

/// Zalo Notification Service: `POST {"phone": "84…", "template_id", "template_data": {"text", "link"}}`
/// with the OA's `access_token` header.
pub struct Zalo {
    endpoint: Endpoint,
    http: reqwest::Client,
}

/// "0912345678" → "84912345678".
fn international(p: &PhoneNumber) -> String {
    format!("84{}", &p.as_str()[1..])
}

async fn post(req: reqwest::RequestBuilder) -> Result<(), String> {
    let res = req.send().await.map_err(|e| e.to_string())?;
    if res.status().is_success() {
        Ok(())
    } else {
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        Err(format!("{status}: {}", body.chars().take(200).collect::<String>()))
    }
}

impl Channel for Sms {
    fn name(&self) -> &'static str {
        "sms"
    }

    fn send<'a>(&'a self, to: &'a PhoneNumber, text: &'a str, link: &'a str) -> Sent<'a> {
        Box::pin(async move {
            let body = serde_json::json!({ "to": format!("+{}", international(to)), "text": format!("{text} {link}") });
            let mut req = self.http.post(&self.endpoint.url).json(&body);
            if let Some(t) = &self.endpoint.token {
                req = req.bearer_auth(t);
            }
            post(req).await
        })
    }
}

impl Channel for Zalo {
    fn name(&self) -> &'static str {
        "zalo"
    }

    fn send<'a>(&'a self, to: &'a PhoneNumber, text: &'a str, link: &'a str) -> Sent<'a> {
        Box::pin(async move {
            let body = serde_json::json!({
                "phone": international(to),
                "template_id": self.endpoint.template.clone().unwrap_or_default(),
                "template_data": { "text": text, "link": link },
            });
            let mut req = self.http.post(&self.endpoint.url).json(&body);
            if let Some(t) = &self.endpoint.token {
                req = req.header("access_token", t);
            }
            post(req).await
        })
    }
}

/// Every phone channel this server knows, configured or not.
#[derive(Default)]
pub struct Channels {
    pub sms: Option<Sms>,
    pub zalo: Option<Zalo>,
}

/// A channel's state, for the admin page.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ChannelState {
    pub name: &'static str,
    pub configured: bool,
    /// Where it sends (host only), when configured.
    pub target: Option<String>,
}

impl Channels {
    pub fn new(sms: Option<Endpoint>, zalo: Option<Endpoint>) -> Self {
        Channels {
            sms: sms.map(|endpoint| Sms { endpoint, http: client() }),
            zalo: zalo.map(|endpoint| Zalo { endpoint, http: client() }),
        }
    }

    /// The configured channels, in the order they are tried.
    pub fn ready(&self) -> Vec<&dyn Channel> {
        let mut v: Vec<&dyn Channel> = Vec::new();
        if let Some(z) = &self.zalo {
            v.push(z);
        }
        if let Some(s) = &self.sms {
            v.push(s);
        }
        v
    }

    pub fn states(&self) -> Vec<ChannelState> {
        let host = |e: &Endpoint| url::Url::parse(&e.url).ok().and_then(|u| u.host_str().map(str::to_owned));
        vec![
            ChannelState {
                name: "sms",
                configured: self.sms.is_some(),
                target: self.sms.as_ref().and_then(|s| host(&s.endpoint)),
            },
            ChannelState {
                name: "zalo",
                configured: self.zalo.is_some(),
                target: self.zalo.as_ref().and_then(|z| host(&z.endpoint)),
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_checked_at_start() {
        assert!(Endpoint::new("http://127.0.0.1:9000/sms", None, None).is_ok());
        let e = Endpoint::new("https://business.openapi.zalo.me/message/template", None, None).unwrap_err();
        assert!(e.to_string().contains("relay"), "{e}");
        assert!(Endpoint::new("not a url", None, None).is_err());
    }

    #[test]
    fn unconfigured_channels_say_so() {
        let none = Channels::default();
        assert!(none.ready().is_empty());
        assert!(none.states().iter().all(|s| !s.configured && s.target.is_none()));
        let sms = Channels::new(Some(Endpoint::new("http://gw.local:8080/send", None, None).unwrap()), None);
        assert_eq!(sms.ready().iter().map(|c| c.name()).collect::<Vec<_>>(), ["sms"]);
        assert_eq!(sms.states()[0].target.as_deref(), Some("gw.local"));
    }
}
