//! ssi-cli
