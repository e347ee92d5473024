//! The integration tests: one binary (one link instead of 33, and one pool
//! of test threads for the whole suite), one module per capability or journey.

mod access;
mod browser;
mod browser_board;
mod browser_dashboard;
mod browser_demand;
mod browser_emulation;
mod browser_exchange;
mod browser_journeys;
mod browser_poverty;
mod browser_registry;
mod browser_sessions;
mod browser_training;
mod cli;
mod demand;
mod dump;
mod employers_import;
mod emulation;
mod exchange;
mod follow;
mod hardening;
mod import;
mod jobs;
mod matching;
mod openapi;
mod pages;
mod placements;
mod poverty;
mod registry;
mod schema;
mod sessions;
mod story;
mod training;
mod vacancies_import;
