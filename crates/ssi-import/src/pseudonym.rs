//! Keyed hashes (HMAC-SHA256) that stand for people, conversations and source rows without revealing them.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use ssi_core::PseudonymKey;
use std::borrow::Cow;

type HmacSha256 = Hmac<Sha256>;

/// Hex characters kept of each hash: 128 bits.
const KEY_HEX_CHARS: usize = 32;

/// Turns identifying values into [`PseudonymKey`]s and natural keys under a
/// per-database secret.
///
/// Every hash is `HMAC-SHA256(key, domain ‖ parts)`, each part prefixed with
/// its length so that no two different inputs collide, shown as the first
/// 32 hex characters. People are keyed by their normalised profile URL when
/// one is known (`linkedin.com/in/jane-doe`: scheme, `www.`, query and
/// trailing slash dropped, lower case), else by their normalised name (lower
/// case, single spaces, mojibake repaired), so the same person gets the same
/// key in every file that names them the same way.
#[derive(Clone)]
pub struct Pseudonymizer {
    prototype: HmacSha256,
}

impl std::fmt::Debug for Pseudonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymizer(<keyed>)")
    }
}

impl Pseudonymizer {
    /// A pseudonymizer under `key`.
    pub fn new(key: &[u8; 32]) -> Self {
        // HMAC pads keys shorter than the block to 64 bytes with zeros, so this
        // is HMAC under the 32-byte key itself, built without a fallible call.
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(key);
        Pseudonymizer { prototype: <HmacSha256 as hmac::digest::KeyInit>::new(&block.into()) }
    }

    /// The raw keyed hash of `parts` in `domain`.
    fn digest(&self, domain: &str, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = self.prototype.clone();
        mac.update(&(domain.len() as u64).to_le_bytes());
        mac.update(domain.as_bytes());
        for part in parts {
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    fn key(&self, domain: &str, parts: &[&[u8]]) -> PseudonymKey {
        PseudonymKey(hex(&self.digest(domain, parts)[..KEY_HEX_CHARS / 2]))
    }

    /// A person known by profile URL or, failing that, by name; `None` when both are blank.
    pub fn person(&self, profile_url: &str, name: &str) -> Option<PseudonymKey> {
        let url = normalise_profile_url(profile_url);
        if !url.is_empty() {
            return Some(self.key("person-url", &[url.as_bytes()]));
        }
        let name = normalise_name(name);
        if !name.is_empty() {
            return Some(self.key("person-name", &[name.as_bytes()]));
        }
        None
    }

    /// A group of people (a message to several recipients): order-independent.
    pub fn group(&self, members: &[String]) -> PseudonymKey {
        let mut sorted: Vec<&[u8]> = members.iter().map(|m| m.as_bytes()).collect();
        sorted.sort_unstable();
        sorted.dedup();
        self.key("group", &sorted)
    }

    /// A conversation known by LinkedIn's conversation id.
    pub fn conversation(&self, conversation_id: &str) -> PseudonymKey {
        self.key("conversation", &[conversation_id.trim().as_bytes()])
    }

    /// An account attribute (`email`: an e-mail address, lower case and
    /// trimmed; `registered`: the registration instant in Unix seconds) as
    /// `kind:` and its keyed hash; the value itself is never kept.
    pub fn account(&self, kind: &str, value: &str) -> String {
        format!(
            "{kind}:{}",
            self.key("account", &[kind.as_bytes(), value.trim().to_lowercase().as_bytes()]).0
        )
    }

    /// An organisation (a company followed), by its name.
    pub fn organisation(&self, name: &str) -> PseudonymKey {
        self.key("organisation", &[normalise_name(name).as_bytes()])
    }

    /// The identity of a source row: its file kind and identifying fields.
    pub(crate) fn row_digest(&self, file_kind: &str, parts: &[&str]) -> RowDigest {
        let bytes: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
        let digest = self.digest(file_kind, &bytes);
        let mut short = [0u8; 16];
        short.copy_from_slice(&digest[..16]);
        RowDigest(short)
    }

    /// The natural key of the `occurrence`-th (0-based) row with `digest` in one file.
    pub(crate) fn natural_key(&self, digest: RowDigest, occurrence: u32) -> String {
        if occurrence == 0 {
            return hex(&digest.0);
        }
        let digest = self.digest("occurrence", &[&digest.0, &occurrence.to_le_bytes()]);
        hex(&digest[..KEY_HEX_CHARS / 2])
    }
}

/// A row's identity before its occurrence number is folded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct RowDigest([u8; 16]);

impl RowDigest {
    /// The first 64 bits: a keyed hash's bits are uniform, so two different
    /// rows of one file share them with odds of about n²/2⁶⁵ (6 in 10¹⁰ for
    /// the 150,000 rows of a heavy messages.csv).
    pub(crate) fn prefix(&self) -> u64 {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&self.0[..8]);
        u64::from_le_bytes(bytes)
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

/// `https://www.linkedin.com/in/Jane-Doe/?x=1` → `linkedin.com/in/jane-doe`.
pub(crate) fn normalise_profile_url(url: &str) -> String {
    let url = url.trim().to_lowercase();
    let url = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or(&url);
    let url = url.strip_prefix("www.").unwrap_or(url);
    let url = url.split(['?', '#']).next().unwrap_or("");
    url.trim_end_matches('/').to_string()
}

/// Lower case, single spaces, mojibake repaired: `"  JosÃ©   Díaz "` → `josé díaz`.
pub(crate) fn normalise_name(name: &str) -> String {
    let repaired = repair_mojibake(name);
    repaired.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Undoes the classic mojibake of UTF-8 read as Windows-1252 (`JosÃ©` →
/// `José`), which real exports show in names; text that is not such
/// mojibake is returned unchanged.
pub(crate) fn repair_mojibake(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| matches!(c, 'Ã' | 'Â' | 'Ä' | 'Å' | 'â' | 'Ð' | 'Ñ')) {
        return Cow::Borrowed(text);
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    if unmappable {
        return Cow::Borrowed(text);
    }
    match String::from_utf8(bytes.into_owned()) {
        Ok(repaired) => Cow::Owned(repaired),
        Err(_) => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_person_same_key_whatever_the_spelling_of_the_url() {
        let p = Pseudonymizer::new(&[1; 32]);
        let a = p.person("https://www.linkedin.com/in/Jane-Doe/", "Jane Doe");
        let b = p.person("linkedin.com/in/jane-doe?trk=x", "");
        assert_eq!(a, b);
        assert_eq!(a.as_ref().map(|k| k.as_str().len()), Some(32));
        assert_ne!(p.person("", "Jane Doe"), a);
        assert_eq!(p.person("", "  jane   DOE "), p.person("", "Jane Doe"));
        assert_eq!(p.person(" ", " "), None);
    }

    #[test]
    fn keys_depend_on_the_secret() {
        let a = Pseudonymizer::new(&[1; 32]).conversation("2-abc");
        let b = Pseudonymizer::new(&[2; 32]).conversation("2-abc");
        assert_ne!(a, b);
        assert!(!a.as_str().contains("abc"));
    }

    #[test]
    fn the_key_is_plain_hmac_sha256() {
        let key = [9u8; 32];
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&key).unwrap();
        mac.update(b"x");
        let expected: [u8; 32] = mac.finalize().into_bytes().into();
        let mut ours = Pseudonymizer::new(&key).prototype;
        ours.update(b"x");
        let got: [u8; 32] = ours.finalize().into_bytes().into();
        assert_eq!(got, expected);
    }

    #[test]
    fn occurrences_and_parts_are_distinguished() {
        let p = Pseudonymizer::new(&[3; 32]);
        let d = p.row_digest("shares", &["a", "bc"]);
        assert_ne!(d, p.row_digest("shares", &["ab", "c"]));
        assert_ne!(d, p.row_digest("comments", &["a", "bc"]));
        assert_ne!(p.natural_key(d, 0), p.natural_key(d, 1));
        assert_eq!(p.natural_key(d, 1), p.natural_key(d, 1));
        assert_eq!(p.natural_key(d, 0).len(), 32);
    }

    #[test]
    fn mojibake_is_repaired_and_clean_text_kept() {
        assert_eq!(repair_mojibake("JosÃ©"), "José");
        assert_eq!(repair_mojibake("José"), "José");
        assert_eq!(repair_mojibake("Ã and ü€"), "Ã and ü€");
        assert_eq!(normalise_name("JosÃ©  MÃ¼ller"), "josé müller");
    }
}
