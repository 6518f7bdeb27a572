//! Integration tests of the `ssi` binary: each runs the real program in a temporary home
//! (HOME and the XDG folders point inside it), with `SSI_TODAY` fixed and `NO_COLOR` set,
//! so human output is stable enough for snapshots.

mod completions;
mod config;
mod dashboard;
mod errors;
mod explain;
mod history;
mod import;
mod member;
mod model;
mod push;
mod reading;
mod readme;
mod support;
