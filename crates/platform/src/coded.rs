//! Coded values (a closed list: sex, level, status…): the code kept in
//! storage and the API, the label's message key, the OpenAPI schema — from
//! one declaration, so every capability's lists behave alike.
//!
//! ```ignore
//! platform::coded!(
//!     /// Trình độ đào tạo
//!     Level as TrainingLevel, "tr.level.", [College = "college", Elementary = "elementary"]
//! );
//! ```
//! The calling crate depends on `serde` and `utoipa` (the derives name them).

/// A coded value: its code in storage and the API, its label from the catalog.
#[macro_export]
macro_rules! coded {
    ($(#[$m:meta])* $name:ident as $schema:ident, $prefix:literal, [$($variant:ident = $code:literal),+ $(,)?]) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        #[schema(as = $schema)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
            /// Its label's message key.
            pub fn key(self) -> String {
                format!(concat!($prefix, "{}"), self.as_str())
            }
            pub fn index(self) -> usize {
                self as usize
            }
        }
    };
}
