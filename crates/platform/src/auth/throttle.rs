//! Login throttling: after too many failures for one account or one address
//! within a window, further attempts are refused until the window passes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new(5, Duration::from_secs(15 * 60))
    }
}

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self { max_failures, window, failures: Mutex::new(HashMap::new()) }
    }

    /// `Err(wait)` if any key is locked out, with how long to wait.
    pub fn check(&self, keys: &[&str]) -> Result<(), Duration> {
        let map = self.failures.lock().expect("throttle lock");
        let now = Instant::now();
        for key in keys {
            if let Some((count, since)) = map.get(*key) {
                let elapsed = now.duration_since(*since);
                if *count >= self.max_failures && elapsed < self.window {
                    return Err(self.window - elapsed);
                }
            }
        }
        Ok(())
    }

    pub fn fail(&self, keys: &[&str]) {
        let mut map = self.failures.lock().expect("throttle lock");
        let now = Instant::now();
        // Keep the map bounded: forget windows that have passed.
        if map.len() > 10_000 {
            map.retain(|_, (_, since)| now.duration_since(*since) < self.window);
        }
        for key in keys {
            let entry = map.entry((*key).to_owned()).or_insert((0, now));
            if now.duration_since(entry.1) >= self.window {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
    }

    pub fn succeed(&self, keys: &[&str]) {
        let mut map = self.failures.lock().expect("throttle lock");
        for key in keys {
            map.remove(*key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_and_resets_on_success() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..2 {
            t.fail(&["a@x.vn"]);
            assert!(t.check(&["a@x.vn"]).is_ok());
        }
        t.fail(&["a@x.vn"]);
        let wait = t.check(&["a@x.vn", "other"]).unwrap_err();
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        assert!(t.check(&["b@x.vn"]).is_ok());
        t.succeed(&["a@x.vn"]);
        assert!(t.check(&["a@x.vn"]).is_ok());
    }

    #[test]
    fn window_expires() {
        let t = LoginThrottle::new(1, Duration::from_millis(20));
        t.fail(&["ip:1"]);
        assert!(t.check(&["ip:1"]).is_err());
        std::thread::sleep(Duration::from_millis(30));
        assert!(t.check(&["ip:1"]).is_ok());
    }
}
