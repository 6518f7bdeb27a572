//! ssi-store
