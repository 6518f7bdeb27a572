//! ssi-server
