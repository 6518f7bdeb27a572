//! ssi-import
