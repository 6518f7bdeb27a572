//! Seniority from a job title, and whether a counterpart matches the member's target profile.

use serde::{Deserialize, Serialize};

/// How senior a job title is. The first seven are decision makers by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seniority {
    /// Chief officers and the C-suite (CEO, CFO, Chief Revenue Officer, …).
    CLevel,
    /// Founders and co-founders.
    Founder,
    /// Owners and proprietors.
    Owner,
    /// Partners and managing partners (not "partner manager").
    Partner,
    /// Presidents and managing directors.
    President,
    /// Vice presidents (VP, SVP, EVP).
    VicePresident,
    /// Heads of a function.
    Head,
    /// Directors (not "director's assistant").
    Director,
    /// Managers and team leads.
    Manager,
    /// Senior individual contributors.
    Senior,
    /// Everyone else with a title.
    IndividualContributor,
    /// Interns, trainees, students.
    Entry,
    /// No title, or nothing recognisable.
    Unknown,
}

impl Seniority {
    /// The seniorities counted as decision makers by default.
    pub const DECISION_MAKERS: [Seniority; 8] = [
        Seniority::CLevel,
        Seniority::Founder,
        Seniority::Owner,
        Seniority::Partner,
        Seniority::President,
        Seniority::VicePresident,
        Seniority::Head,
        Seniority::Director,
    ];

    /// [`Seniority::DECISION_MAKERS`] as a vector (a serde default).
    pub fn decision_makers_vec() -> Vec<Seniority> {
        Self::DECISION_MAKERS.to_vec()
    }

    /// Whether this seniority is a decision maker by default.
    pub fn is_decision_maker(self) -> bool {
        Self::DECISION_MAKERS.contains(&self)
    }
}

/// Classifies a job title into a [`Seniority`].
///
/// Works on lower-cased words, so "VP Sales", "vp, sales" and "Vice President
/// of Sales" agree. Titles that only mention a senior person ("Assistant to the
/// CEO", "Director's assistant") or use a senior word as a modifier ("Partner
/// Manager", "Head Chef" is still a head) are handled by the rules below.
pub fn classify_title(title: &str) -> Seniority {
    let lower = title.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return Seniority::Unknown;
    }
    let has = |w: &str| words.iter().any(|x| *x == w);
    let phrase = |p: &str| lower.contains(p);

    // Someone who assists a senior person is not senior themselves.
    if words.iter().any(|w| w.starts_with("assistant") || *w == "assistent" || *w == "assistante")
        || phrase("assistant to")
        || words.iter().any(|w| w.ends_with("'s"))
    {
        return Seniority::IndividualContributor;
    }
    if has("intern")
        || has("internship")
        || has("trainee")
        || has("student")
        || has("apprentice")
        || has("praktikant")
        || has("stagiaire")
    {
        return Seniority::Entry;
    }
    const C_LEVEL: [&str; 12] =
        ["ceo", "cfo", "cto", "coo", "cmo", "cro", "cio", "ciso", "cpo", "cso", "cdo", "chro"];
    if words.iter().any(|w| C_LEVEL.contains(w)) || has("chief") || phrase("c-level") || phrase("c-suite") {
        return Seniority::CLevel;
    }
    if words.iter().any(|w| {
        w.contains("founder")
            || *w == "fondateur"
            || *w == "fondatrice"
            || *w == "gründer"
            || *w == "fundador"
            || *w == "fundadora"
    }) {
        return Seniority::Founder;
    }
    if phrase("managing director")
        || has("geschäftsführer")
        || has("geschäftsführerin")
        || phrase("directeur général")
        || phrase("directrice générale")
        || phrase("director general")
        || phrase("direttore generale")
        || has("president")
        || has("présidente")
        || has("président")
        || has("presidente")
    {
        if phrase("vice") {
            return Seniority::VicePresident;
        }
        return Seniority::President;
    }
    if has("owner") || has("proprietor") || has("inhaber") || has("inhaberin") || has("propriétaire") {
        return Seniority::Owner;
    }
    // "Partner" is senior when it is the role, not when it qualifies another noun.
    if let Some(pos) =
        words.iter().position(|w| *w == "partner" || *w == "partnerin" || *w == "associé" || *w == "associée")
    {
        let next = words.get(pos + 1).copied();
        let qualifies = matches!(
            next,
            Some(
                "manager"
                    | "management"
                    | "marketing"
                    | "success"
                    | "sales"
                    | "account"
                    | "development"
                    | "programs"
                    | "program"
                    | "relations"
                    | "enablement"
                    | "specialist"
                    | "executive"
                    | "coordinator"
                    | "engineer"
                    | "operations"
                    | "support"
            )
        );
        if !qualifies {
            return Seniority::Partner;
        }
    }
    if has("vp")
        || has("svp")
        || has("evp")
        || phrase("vice president")
        || phrase("vice-president")
        || phrase("vizepräsident")
    {
        return Seniority::VicePresident;
    }
    if phrase("head of")
        || has("head")
        || phrase("leiter")
        || phrase("leiterin")
        || phrase("responsable")
        || phrase("jefe")
        || phrase("responsabile")
    {
        return Seniority::Head;
    }
    if has("director")
        || has("directeur")
        || has("directrice")
        || has("direktor")
        || has("direktorin")
        || has("directora")
        || has("direttore")
    {
        return Seniority::Director;
    }
    if words
        .iter()
        .any(|w| w.starts_with("manag") || *w == "lead" || *w == "teamleiter" || *w == "supervisor")
    {
        return Seniority::Manager;
    }
    if has("senior") || has("sr") || has("principal") || has("staff") {
        return Seniority::Senior;
    }
    Seniority::IndividualContributor
}
