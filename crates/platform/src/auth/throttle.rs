//! Throttles: a fixed window ([`LoginThrottle`], for anonymous registrations)
//! and growing delays for logins ([`Backoff`], [`LoginGuard`]).

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

/// Growing delays after failures (đăng nhập sai): the first `free` failures
/// of a key cost nothing, then each makes the next attempt wait twice as long
/// as the last, from one second up to `max`. A key with no failure for an
/// hour starts again. Only the one who fails is slowed: callers key it by
/// (account, address) and by address, never by account alone, so nobody can
/// lock an owner out of their own account.
#[derive(Debug)]
pub struct Backoff {
    free: u32,
    max: Duration,
    entries: Mutex<HashMap<String, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

/// A key forgets its failures after this long without one.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);

impl Backoff {
    pub fn new(free: u32, max: Duration) -> Self {
        Self { free, max, entries: Mutex::new(HashMap::new()) }
    }

    /// How long a key must wait after `failures` failures: nothing for the
    /// first `free`, then 1 s, 2 s, 4 s, … up to `max`.
    pub fn delay(failures: u32, free: u32, max: Duration) -> Duration {
        if failures < free.saturating_add(1) {
            return Duration::ZERO;
        }
        let doublings = (failures - free - 1).min(30);
        Duration::from_secs(1u64 << doublings).min(max)
    }

    /// `Err(wait)` while any of `keys` must still wait.
    pub fn check(&self, keys: &[&str]) -> Result<(), Duration> {
        let map = self.entries.lock().expect("backoff lock");
        let now = Instant::now();
        let wait = keys
            .iter()
            .filter_map(|k| map.get(*k))
            .map(|f| {
                let until = f.last + Self::delay(f.count, self.free, self.max);
                until.saturating_duration_since(now)
            })
            .max()
            .unwrap_or_default();
        if wait.is_zero() {
            Ok(())
        } else {
            Err(wait)
        }
    }

    /// Count a failure for `key`; its number of failures so far.
    pub fn fail(&self, key: &str) -> u32 {
        let mut map = self.entries.lock().expect("backoff lock");
        let now = Instant::now();
        // Bounded memory: keys quiet for an hour are dropped.
        if map.len() > 100_000 {
            map.retain(|_, f| now.duration_since(f.last) < FORGET_AFTER);
        }
        let f = map.entry(key.to_owned()).or_insert(Failures { count: 0, last: now });
        if now.duration_since(f.last) >= FORGET_AFTER {
            f.count = 0;
        }
        f.count += 1;
        f.last = now;
        f.count
    }

    pub fn succeed(&self, key: &str) {
        self.entries.lock().expect("backoff lock").remove(key);
    }
}

/// The login's throttle: per (account, address), per address, and a count
/// per account that only tells its owner (never slows them).
#[derive(Debug)]
pub struct LoginGuard {
    pair: Backoff,
    address: Backoff,
    account: Backoff,
}

/// Every this many failures on an account, its owner is told.
pub const GUESS_NOTICE_EVERY: u32 = 10;

impl Default for LoginGuard {
    fn default() -> Self {
        let max = Duration::from_secs(15 * 60);
        // An office behind one NAT shares an address: more room there.
        Self { pair: Backoff::new(5, max), address: Backoff::new(20, max), account: Backoff::new(u32::MAX, max) }
    }
}

impl LoginGuard {
    fn keys(account: &str, address: &str) -> (String, String) {
        (format!("{account}\u{0}{address}"), address.to_owned())
    }

    /// `Err(wait)` when this address must wait before trying this account.
    pub fn check(&self, account: &str, address: &str) -> Result<(), Duration> {
        let (pair, addr) = Self::keys(account, address);
        self.pair.check(&[&pair]).and(self.address.check(&[&addr]))
    }

    /// Count a failure; the account's count of failures when its owner
    /// should now be told that someone is guessing their password.
    pub fn fail(&self, account: &str, address: &str) -> Option<u32> {
        let (pair, addr) = Self::keys(account, address);
        self.pair.fail(&pair);
        self.address.fail(&addr);
        let n = self.account.fail(account);
        (n % GUESS_NOTICE_EVERY == 0).then_some(n)
    }

    /// The right password from this address: its slate is clean (the
    /// account's count stays, so a guesser cannot reset the owner's notice).
    pub fn succeed(&self, account: &str, address: &str) {
        let (pair, addr) = Self::keys(account, address);
        self.pair.succeed(&pair);
        self.address.succeed(&addr);
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

    #[test]
    fn delays_double_after_the_free_failures() {
        let max = Duration::from_secs(900);
        let d = |n| Backoff::delay(n, 5, max).as_secs();
        assert_eq!((d(0), d(5)), (0, 0));
        assert_eq!((d(6), d(7), d(8), d(10)), (1, 2, 4, 16));
        assert_eq!((d(15), d(40), d(u32::MAX)), (512, 900, 900));
    }

    #[test]
    fn only_the_guessing_address_waits() {
        let g = LoginGuard::default();
        let mut told = 0;
        for _ in 0..6 {
            told += g.fail("a@x.vn", "10.0.0.1").is_some() as u32;
        }
        assert!(g.check("a@x.vn", "10.0.0.1").is_err(), "the sixth failure waits");
        assert!(g.check("a@x.vn", "10.0.0.2").is_ok(), "the owner elsewhere does not");
        assert!(g.check("b@x.vn", "10.0.0.1").is_ok(), "another account from there neither, yet");
        for _ in 0..4 {
            told += g.fail("a@x.vn", "10.0.0.2").is_some() as u32;
        }
        assert_eq!(told, 1, "the tenth failure tells the owner");
        g.succeed("a@x.vn", "10.0.0.1");
        assert!(g.check("a@x.vn", "10.0.0.1").is_ok());
    }

    #[test]
    fn an_address_trying_many_accounts_waits() {
        let g = LoginGuard::default();
        for i in 0..21 {
            g.fail(&format!("u{i}@x.vn"), "10.0.0.9");
        }
        assert!(g.check("new@x.vn", "10.0.0.9").is_err());
        assert!(g.check("new@x.vn", "10.0.0.8").is_ok());
    }
}
