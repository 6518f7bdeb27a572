//! Who the member is: the names and profile URL that mark their own messages, inferred from every clue the export offers.
//!
//! Sent and received messages are told apart by the sender being the
//! member. Exports rarely say who the member is outright: Profile.csv gives a
//! full name that messages may shorten ("Davide" for "Davide Mock"), many
//! shared exports lack Profile.csv, and the own profile URL appears only in
//! Invitations.csv. The one thing every conversation has in common is the
//! member: [`Participation`] counts, per name and URL, the conversations a
//! person takes part in, so that the member can be recognised as the
//! participant present in (nearly) all of them.

use crate::pseudonym::{normalise_name, normalise_profile_url};
use crate::table::Row;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// Share of conversations (in tenths) the member must take part in to be
/// recognised by participation alone: a few conversations may have been
/// exported without the member's side (a message request never answered).
const PRESENT_IN_TENTHS: usize = 9;

/// Fewest conversations from which a participant is taken for the member
/// without any other clue: with one or two, both sides are present in all.
const FEWEST_CONVERSATIONS: usize = 3;

/// Conversation by conversation, who takes part (by normalised name and by
/// normalised profile URL).
///
/// Kept small, since a heavy messages.csv has 20,000 conversations: names
/// and URLs are numbered once, conversations are known by a 64-bit hash of
/// their id, and each holds the numbers of its participants.
#[derive(Default)]
pub(crate) struct Participation {
    names: Numbering,
    urls: Numbering,
    conversations: HashMap<u64, (Vec<u32>, Vec<u32>)>,
    /// Whether some row says its direction outright (the 2018 layout).
    pub(crate) has_direction: bool,
}

/// Each distinct text gets a number, in order of first sight.
#[derive(Default)]
struct Numbering {
    numbers: HashMap<String, u32>,
    texts: Vec<String>,
}

impl Numbering {
    fn number(&mut self, text: String) -> u32 {
        if let Some(number) = self.numbers.get(&text) {
            return *number;
        }
        let number = u32::try_from(self.texts.len()).unwrap_or(u32::MAX);
        self.texts.push(text.clone());
        self.numbers.insert(text, number);
        number
    }
}

/// Adds `number` to a conversation's participants unless it is there.
fn add_once(participants: &mut Vec<u32>, number: u32) {
    if !participants.contains(&number) {
        participants.push(number);
    }
}

/// A name or URL and the number of conversations it takes part in.
pub(crate) struct Frequent {
    pub(crate) value: String,
    pub(crate) conversations: usize,
}

impl Participation {
    /// Notes the sender and recipients of one messages.csv row. Rows without
    /// a conversation id (the 2018 layout, whose Direction column decides) are ignored.
    pub(crate) fn add(&mut self, row: &Row<'_>) {
        self.has_direction |= !row.get("DIRECTION").is_empty();
        let id = row.get("CONVERSATION ID");
        if id.is_empty() {
            return;
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        id.hash(&mut hasher);
        let (names, urls) = self.conversations.entry(hasher.finish()).or_default();
        let to = row.get("TO");
        // A name may hold a comma ("Femi O SPHRi, CPHR"): the whole cell counts as well as its parts.
        let to_names = std::iter::once(to).chain(to.split([',', ';']).filter(|_| to.contains([',', ';'])));
        for name in std::iter::once(row.get("FROM")).chain(to_names) {
            let name = normalise_name(name);
            if !name.is_empty() {
                add_once(names, self.names.number(name));
            }
        }
        let recipients = row.get("RECIPIENT PROFILE URLS");
        for url in std::iter::once(row.get("SENDER PROFILE URL")).chain(recipients.split([';', ','])) {
            let url = normalise_profile_url(url);
            if !url.is_empty() {
                add_once(urls, self.urls.number(url));
            }
        }
    }

    /// Conversations seen.
    pub(crate) fn total(&self) -> usize {
        self.conversations.len()
    }

    /// Conversations the name takes part in.
    pub(crate) fn name_count(&self, name: &str) -> usize {
        let Some(number) = self.names.numbers.get(name) else { return 0 };
        self.conversations.values().filter(|(names, _)| names.contains(number)).count()
    }

    /// Names present in nearly every conversation, most present first.
    pub(crate) fn frequent_names(&self) -> Vec<Frequent> {
        self.frequent(&self.names, |(names, _)| names)
    }

    /// Profile URLs present in nearly every conversation, most present first.
    pub(crate) fn frequent_urls(&self) -> Vec<Frequent> {
        self.frequent(&self.urls, |(_, urls)| urls)
    }

    fn frequent(
        &self,
        numbering: &Numbering,
        side: impl Fn(&(Vec<u32>, Vec<u32>)) -> &Vec<u32>,
    ) -> Vec<Frequent> {
        let mut counts = vec![0usize; numbering.texts.len()];
        for participants in self.conversations.values() {
            for number in side(participants) {
                if let Some(count) = counts.get_mut(*number as usize) {
                    *count += 1;
                }
            }
        }
        let total = self.total();
        let mut frequent: Vec<Frequent> = counts
            .into_iter()
            .zip(&numbering.texts)
            .filter(|(n, _)| n * 10 >= total * PRESENT_IN_TENTHS)
            .map(|(conversations, value)| Frequent { value: value.clone(), conversations })
            .collect();
        frequent.sort_by(|a, b| b.conversations.cmp(&a.conversations).then_with(|| a.value.cmp(&b.value)));
        frequent
    }

    /// The one participant present in nearly every conversation, when the
    /// export has enough conversations to tell and exactly one such person.
    pub(crate) fn only_constant(frequent: &[Frequent], total: usize) -> Option<&Frequent> {
        match frequent {
            [only] if total >= FEWEST_CONVERSATIONS => Some(only),
            _ => None,
        }
    }
}

/// What two sets of account keys (see [`crate::MemberReport::account_keys`])
/// say of the accounts they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountMatch {
    /// A key in common: the same account.
    Same,
    /// Nothing to compare (one side has no e-mail or registration key of a
    /// kind the other has): an import goes ahead, as it always has.
    Unknown,
    /// Keys of this kind on both sides, none in common: another person.
    Different(AccountKeyKind),
}

/// The kinds of account key that tell two people apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKeyKind {
    /// The addresses of Email Addresses.csv.
    Email,
    /// The instant of Registration.csv.
    Registered,
}

impl AccountKeyKind {
    /// The kind in words, for messages ("e-mail addresses", "registration date").
    pub fn describe(self) -> &'static str {
        match self {
            AccountKeyKind::Email => "e-mail addresses",
            AccountKeyKind::Registered => "registration date",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            AccountKeyKind::Email => "email:",
            AccountKeyKind::Registered => "registered:",
        }
    }
}

/// Compares the account keys of a member's earlier imports with an
/// export's. A profile URL in common confirms the account, but different
/// URLs refute nothing (a member may change their public URL).
pub fn compare_accounts(stored: &[String], export: &[String]) -> AccountMatch {
    if stored.iter().any(|key| export.contains(key)) {
        return AccountMatch::Same;
    }
    for kind in [AccountKeyKind::Email, AccountKeyKind::Registered] {
        let has = |keys: &[String]| keys.iter().any(|k| k.starts_with(kind.prefix()));
        if has(stored) && has(export) {
            return AccountMatch::Different(kind);
        }
    }
    AccountMatch::Unknown
}

/// Whether two normalised names are forms of one name: every word of one is
/// a word of the other ("davide" and "davide mock"; "femi o sphri, cphr"
/// and "femi o sphri"). Equal names are not variants (nothing to learn).
pub(crate) fn is_variant(a: &str, b: &str) -> bool {
    let words = |name: &str| -> Vec<String> {
        name.split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (a_words, b_words) = (words(a), words(b));
    if a_words.is_empty() || b_words.is_empty() || a_words == b_words {
        return false;
    }
    let within = |small: &[String], large: &[String]| small.iter().all(|w| large.contains(w));
    within(&a_words, &b_words) || within(&b_words, &a_words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_match_on_one_key_and_differ_only_on_a_shared_kind() {
        let keys = |list: &[&str]| -> Vec<String> { list.iter().map(|k| k.to_string()).collect() };
        let stored = keys(&["email:a", "email:b", "registered:r"]);
        assert_eq!(compare_accounts(&stored, &keys(&["email:b"])), AccountMatch::Same);
        assert_eq!(
            compare_accounts(&stored, &keys(&["email:c"])),
            AccountMatch::Different(AccountKeyKind::Email)
        );
        assert_eq!(
            compare_accounts(&keys(&["registered:r"]), &keys(&["registered:s", "url:u"])),
            AccountMatch::Different(AccountKeyKind::Registered)
        );
        assert_eq!(compare_accounts(&keys(&["url:u"]), &keys(&["url:v"])), AccountMatch::Unknown);
        assert_eq!(compare_accounts(&[], &keys(&["email:a"])), AccountMatch::Unknown);
    }

    #[test]
    fn variants_share_every_word_of_the_shorter_name() {
        assert!(is_variant("davide", "davide mock"));
        assert!(is_variant("davide mock", "davide"));
        assert!(is_variant("femi o sphri, cphr", "femi o sphri"));
        assert!(!is_variant("davide mock", "davide mock"));
        assert!(!is_variant("david", "davide mock"));
        assert!(!is_variant("", "davide"));
    }

    #[test]
    fn the_constant_participant_needs_enough_conversations_and_no_rival() {
        let frequent = |values: &[(&str, usize)]| -> Vec<Frequent> {
            values.iter().map(|(v, n)| Frequent { value: v.to_string(), conversations: *n }).collect()
        };
        let one = frequent(&[("me", 10)]);
        assert_eq!(Participation::only_constant(&one, 10).map(|f| f.value.as_str()), Some("me"));
        assert!(Participation::only_constant(&one, 2).is_none(), "two conversations tell nothing");
        assert!(Participation::only_constant(&frequent(&[("me", 3), ("you", 3)]), 3).is_none());
    }
}
