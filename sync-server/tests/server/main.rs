//! The server's integration tests, one binary: each module is one area of behaviour.

#[macro_use]
mod common;

mod accounts;
mod admin;
mod adversary;
mod attachments;
mod exports;
mod faults;
mod fees;
mod files;
mod import;
mod js_interop;
mod kill_restart;
mod layers;
mod lists;
mod nodes;
mod office_api;
mod openapi;
mod operations;
mod outages;
mod permissions;
mod prices;
mod projection;
mod reports;
mod samples;
mod statistics;
mod surveys;
mod sync;
