//! Integration tests of the `ssi` binary: each runs the real program in a temporary home
//! (HOME and the XDG folders point inside it), with `SSI_TODAY` fixed and `NO_COLOR` set,
//! so human output is stable enough for snapshots.

mod advise;
mod analytics;
mod calibrate;
mod check;
mod completions;
mod config;
mod crash;
mod dashboard;
mod errors;
mod explain;
mod history;
mod horizon;
mod impact;
mod import;
mod member;
mod model;
mod plan;
mod push;
mod reading;
mod readme;
mod support;
mod wild;
