//! Seniority from a job title, and whether a counterpart matches the member's target profile.
//!
//! [`classify_title`] runs once per connection (tens of thousands per import),
//! so it works on one lower-cased, accent-folded copy of the title and one
//! vector of word slices into it, and matches words against small constant
//! tables: no regular expressions, no further allocation.

use serde::{Deserialize, Serialize};

/// How senior a job title is. The first eight are decision makers by default.
///
/// When a title names several roles ("Founder & CEO"), [`classify_title`]
/// returns the one that comes first in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seniority {
    /// Chief officers and the C-suite (CEO, CFO, Chief Revenue Officer, PDG,
    /// Amministratore Delegato, Vorstand, …).
    CLevel,
    /// Founders and co-founders (Gründer, Fondateur, Fundador, Oprichter, …).
    Founder,
    /// Owners and proprietors (Inhaber, Titolare, Eigenaar, …), not "Product Owner".
    Owner,
    /// Partners and managing partners (Gesellschafter, Associé, Sócio, …), not "Partner Manager".
    Partner,
    /// Presidents, chairs, managing directors and general managers
    /// (Geschäftsführer, Directeur Général, Gérant, Gerente General, …).
    President,
    /// Vice presidents (VP, SVP, EVP, Vice Chair).
    VicePresident,
    /// Heads of a function (Head of, Leiter, Responsable, Jefe de, Hoofd, …).
    Head,
    /// Directors (Directeur, Direktor, Diretor, Direttore, …), not "Director's assistant".
    Director,
    /// Managers and team leads (also assistant and associate directors).
    Manager,
    /// Senior individual contributors (Senior, Principal, Staff, Lead engineer).
    Senior,
    /// Everyone else with a title.
    IndividualContributor,
    /// Interns, trainees, students.
    Entry,
    /// No title, or only former roles ("Ex-CEO").
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

    /// How strongly this seniority wins when a title names several roles:
    /// decision makers in declaration order, then manager, senior, individual
    /// contributor, entry, unknown.
    fn strength(self) -> u8 {
        match self {
            Seniority::CLevel => 12,
            Seniority::Founder => 11,
            Seniority::Owner => 10,
            Seniority::Partner => 9,
            Seniority::President => 8,
            Seniority::VicePresident => 7,
            Seniority::Head => 6,
            Seniority::Director => 5,
            Seniority::Manager => 4,
            Seniority::Senior => 3,
            Seniority::IndividualContributor => 2,
            Seniority::Entry => 1,
            Seniority::Unknown => 0,
        }
    }
}

/// Classifies a job title into a [`Seniority`].
///
/// The classifier is a set of word rules, written down here so that a score
/// built on it can be explained. It reads English, German, French, Spanish,
/// Portuguese, Italian and Dutch titles in Latin script; anything else is an
/// [`IndividualContributor`](Seniority::IndividualContributor).
///
/// # How a title is read
///
/// 1. **Normalised.** Lower-cased, accents folded (`é`→`e`, `ä`→`a`, `ß`→`ss`,
///    also for decomposed text), so "Geschäftsführer", "GESCHÄFTSFÜHRER" and
///    "Geschaftsfuhrer" agree; "Geschaeftsfuehrer" is recognised too. Gender
///    endings are dropped: "Leiter(in)", "Leiter:in", "Geschäftsführer*in",
///    "Director(a)", "Fundador/a", "Directeur·rice".
/// 2. **Split into clauses** at `|` `,` `;` `:` brackets, `·`, `•`, en and em
///    dashes and a hyphen between spaces. Inside a clause, `&`, `/`, `+`,
///    "and", "und", "et", "y", "e", "en" join roles ("Founder & CEO"). A
///    hyphen inside a word only separates words ("Co-Founder", "Ex-CEO").
/// 3. **Only the person's own, current role counts.**
///    * Words after "at", "@", "from", "bei", "chez", "presso", "bij", "auprès" name the
///      employer ("Engineer at Owner Inc." is not an owner).
///    * Words after "of", "for", "in", "de", "du", "des", "d'", "di", "del(la)",
///      "da", "do", "der", "des", "von", "für", "van", "voor", … name the
///      function, not the rank ("Head of *Founder Relations*", "Office of the
///      CEO"), until the next joiner.
///    * "to" followed by a senior title names the boss: "Assistant to the
///      CEO", "Advisor to the Managing Director" ("Go-to-Market Director" is
///      still a director).
///    * Possessives name someone else: "Director's assistant", "Founder's
///      Associate", "Owner's representative".
///    * "Ex", "former(ly)", "previously", "past", "ehemalig", "ancien(ne)",
///      "antiguo/a", "voormalig", "aspiring" make the rest of their clause a
///      past (or wished-for) role; "retired", "emeritus", "pensioniert",
///      "retraité", "jubilado", "aposentado" make their whole clause past, and a
///      clause that is only such a word, as in "CEO (retired)", makes the clause
///      before it past. A title with nothing current is
///      [`Unknown`](Seniority::Unknown).
/// 4. **Head nouns.** English puts the role last, so a senior word followed
///    by another role noun in the same phrase is only a modifier: "Partner
///    Manager", "CEO Coach", "Founder Associate", "Student Success Manager". This
///    applies to C-suite abbreviations, founder, owner, English "partner" and
///    entry words; "Head Chef" and "Head Coach" stay heads.
/// 5. **Helpers.** An assistant word (assistant, Assistent(in), Assistenz,
///    assistante, asistente, secretary, Sekretär(in), secrétaire, Referent(in))
///    is the role unless a rank follows it: "Executive Assistant to the CEO",
///    "Assistenz der Geschäftsführung", "CEO Assistant" are individual
///    contributors; "Assistant Director", "Assistant Vice President",
///    "Assistant General Manager" are managers. "Associate" right before a
///    decision-maker rank also makes a manager ("Associate Director",
///    "Associate Partner"). "Deputy", "vice" (except before president/chair),
///    "stellvertretend", "adjoint", "interim", "acting" and "fractional" keep
///    the rank.
/// 6. **Several roles:** the first in [`Seniority`]'s order wins ("Founder &
///    CEO" is C-level, "Inhaber & Geschäftsführer" an owner). Within one
///    phrase an entry word beats senior ("Senior Intern"). A clause without any rank word ("Office of the CEO") adds
///    nothing, so "Intern, Office of the CEO" is entry; a current title with
///    no rank word at all is an individual contributor.
///
/// # Vocabulary
///
/// | Seniority | Words and phrases |
/// |---|---|
/// | C-level | CEO, CFO, CTO, COO, CMO, CRO, CIO, CISO, CPO, CSO, CDO, CHRO, CCO, CLO, CAO, CxO, …; "chief … officer", "chief executive", C-level, C-suite; PDG; Vorstand (and Vorstandsvorsitzender, Mitglied des Vorstands); Amministratore Delegato; Consejero Delegado; Director(a) Ejecutivo(a), Diretor(a) Executivo(a) |
/// | Founder | founder, co-founder; Gründer(in), Mitgründer(in); fondateur/fondatrice (co-); fundador(a) (co-); fondatore; oprichter (mede-) |
/// | Owner | owner, co-owner, proprietor; Inhaber(in), Mitinhaber; propriétaire; propietario/a, dueño/a; proprietário/a; titolare; eigenaar, DGA; chef d'entreprise |
/// | Partner | partner (managing, senior, general, equity, founding, …); Gesellschafter(in); associé(e); socio/a, sócio/a; vennoot |
/// | President | president, chair(man/woman/person), Vorsitzende(r), voorzitter; managing director, MD; general manager, GM; Geschäftsführer(in), Geschäftsführung, Geschäftsleiter; directeur/directrice général(e), DG; gérant(e); director(a) general, gerente general, diretor(a) geral, direttore generale, algemeen directeur, zaakvoerder; amministratore unico |
/// | Vice president | VP, SVP, EVP, GVP, RVP, CVP; vice president, vice chair(man); vice-président(e), vicepresidente, Vizepräsident(in) |
/// | Head | head (of); headmaster, head teacher; chief without "officer" (chief architect, editor-in-chief); general counsel; Leiter(in)/Leitung and compounds (Bereichsleiter, Vertriebsleiter, Abteilungsleiterin); responsable; responsabile; jefe/jefa (de), chefe; hoofd; chef de service/cuisine |
/// | Director | director, dir.; directeur/directrice; Direktor(in); director(a); diretor(a); direttore/direttrice; board member, board director; Aufsichtsrat; chief of staff |
/// | Manager | manager, mgr, supervisor; gerente; Teamleiter, Projektleiter, Gruppenleiter, Filialleiter, Bauleiter, …; teamleider; chef de projet/produit/équipe; "X lead" (team lead, tech lead); AVP; assistant and associate directors |
/// | Senior | senior, sr, principal; staff engineer/scientist/designer/… (not staff accountant); "lead X" (lead engineer) |
/// | Entry | intern(ship), trainee, student, apprentice; Praktikant(in), Werkstudent(in), Azubi; stagiaire; becario/a; estagiário/a; tirocinante, stagista; stagiair |
///
/// # Decisions on ambiguous titles
///
/// | Title | Seniority | Why |
/// |---|---|---|
/// | Assistant Director, Associate Director | Manager | one grade below director; users who sell to them can add the words as title keywords |
/// | Assistant / Associate Vice President, AVP | Manager | a banking grade below VP |
/// | Chief of Staff | Director | runs the executive office and influences decisions, but is not an officer |
/// | Chief Architect, Chief Economist, Editor-in-Chief | Head | leads a discipline; not the C-suite |
/// | General Counsel | Head | heads the legal function |
/// | Executive Director, Art Director, Director of Photography, Non-Executive Director | Director | classified by the title word, not by industry |
/// | Head Chef, Head Coach | Head | "head" as an adjective still means the one in charge |
/// | Head Hunter, Headhunter, Head Office Manager | not a head | |
/// | Product Owner, Process Owner, Data Owner, … | not an owner | an accountability role, not a proprietor |
/// | Business Owner | Owner | owns a business |
/// | HR Business Partner, Talent Partner, Client Partner, … | not a partner | a function partnering with the business |
/// | Partner Manager, Partner Marketing Manager, Channel Partner Manager | Manager | partner is a modifier |
/// | Geschäftsführender Gesellschafter | Partner | managing partner (owner-manager) |
/// | Gérant(e) | President | the legal managing director of a SARL |
/// | Responsable, Jefe de | Head | the French and Spanish "head of" |
/// | Teamleiter, Projektleiter, Chef de projet, Team Lead | Manager | leads a team or project, not a function |
/// | Lead Engineer | Senior | "lead" as an adjective; "Lead Generation" is no lead at all |
/// | Principal | Senior | ambiguous between school head, consulting grade and engineering grade |
/// | Board Member | Director | sits on a board; an advisory board member does not |
/// | MD | President | managing director, not a medical doctor |
/// | Chair, Chairman | President | presides over a board (a department chair too) |
/// | Director Ejecutivo, Diretor Executivo | C-level | the usual Spanish and Portuguese for CEO (the English "Executive Director" stays Director) |
/// | Deputy CEO, Interim CEO, Fractional CFO | C-level | acting in the role |
/// | Ex-CEO, Former VP, Past President, CEO (retired) | Unknown | a former title is not current seniority |
/// | Founding Engineer | Individual contributor | an early employee, not a founder |
///
/// ```
/// use ssi_core::seniority::{Seniority, classify_title};
///
/// assert_eq!(classify_title("VP, Sales"), Seniority::VicePresident);
/// assert_eq!(classify_title("Geschäftsführerin"), Seniority::President);
/// assert_eq!(classify_title("Product Owner"), Seniority::IndividualContributor);
/// assert_eq!(classify_title("Executive Assistant to the CEO"), Seniority::IndividualContributor);
/// assert_eq!(classify_title("Ex-CEO"), Seniority::Unknown);
/// ```
pub fn classify_title(title: &str) -> Seniority {
    let folded = fold(title);
    let tokens = tokenize(&folded);
    let mut best = None;
    let mut has_current_role = false;
    // A clause's role waits here until the next clause shows it is not "(retired)".
    let mut pending: Option<Option<Seniority>> = None;
    for clause in tokens.split(|t| t.text == BOUNDARY) {
        match classify_clause(clause) {
            ClauseOutcome::Current(rank) => {
                if let Some(previous) = pending.replace(rank) {
                    best = stronger(best, previous);
                    has_current_role = true;
                }
            }
            ClauseOutcome::RetiresPrevious => pending = None,
            ClauseOutcome::Nothing => {}
        }
    }
    if let Some(previous) = pending {
        best = stronger(best, previous);
        has_current_role = true;
    }
    best.unwrap_or(if has_current_role { Seniority::IndividualContributor } else { Seniority::Unknown })
}

/// The token the tokenizer emits between clauses.
const BOUNDARY: &str = "|";
/// The token the tokenizer emits between roles of one clause.
const JOINER: &str = "&";

/// One word of a title, as a slice of the folded title.
#[derive(Debug, Clone, Copy)]
struct Word<'a> {
    text: &'a str,
    /// Written with a possessive `'s`: the word names someone else.
    possessive: bool,
}

fn stronger(a: Option<Seniority>, b: Option<Seniority>) -> Option<Seniority> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.strength() > x.strength() { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    }
}

fn fold(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => out.push('a'),
            'æ' => out.push_str("ae"),
            'ç' | 'ć' | 'č' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ı' => out.push('i'),
            'ñ' | 'ń' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => out.push('o'),
            'œ' => out.push_str("oe"),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ß' => out.push_str("ss"),
            'ł' => out.push('l'),
            'ř' => out.push('r'),
            'š' | 'ś' => out.push('s'),
            'ž' | 'ź' | 'ż' => out.push('z'),
            '’' | '‘' | '`' | '´' | 'ʼ' => out.push('\''),
            // Combining marks of decomposed text ("e" + U+0301).
            '\u{0300}'..='\u{036f}' => {}
            other => out.push(other),
        }
    }
    out
}

/// Characters that can introduce a gender ending right after a word.
const GENDER_MARKS: [char; 6] = ['(', '/', '*', ':', '_', '·'];
/// Gender endings: Leiter(in), Director(a), Gérant(e), Directeur·rice, Fundador/a.
const GENDER_ENDINGS: [&str; 9] = ["a", "e", "in", "innen", "ne", "rice", "trice", "euse", "ra"];

/// The length of a gender ending that follows `mark` at the start of `rest`.
fn gender_ending_len(rest: &str, mark: char) -> Option<usize> {
    let body = usize::from(rest.starts_with('-'));
    let letters = rest[body..].bytes().take_while(u8::is_ascii_lowercase).count();
    if !GENDER_ENDINGS.contains(&&rest[body..body + letters]) {
        return None;
    }
    let mut len = body + letters;
    if mark == '(' {
        if !rest[len..].starts_with(')') {
            return None;
        }
        len += 1;
    } else if rest[len..].chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    Some(len)
}

/// Words that join two roles like "&".
const AND_WORDS: [&str; 6] = ["and", "und", "et", "y", "e", "en"];

fn push_word<'a>(tokens: &mut Vec<Word<'a>>, text: &'a str, possessive: bool) {
    let text = if AND_WORDS.contains(&text) { JOINER } else { text };
    tokens.push(Word { text, possessive });
}

/// Splits a folded title into words, [`JOINER`]s and [`BOUNDARY`]s.
fn tokenize(text: &str) -> Vec<Word<'_>> {
    let mut tokens = Vec::with_capacity(16);
    let mut word_start: Option<usize> = None;
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        let after = at + c.len_utf8();
        if c.is_alphanumeric() {
            word_start.get_or_insert(at);
            at = after;
            continue;
        }
        if let Some(start) = word_start.take() {
            let rest = &text[after..];
            let possessive = c == '\''
                && rest.starts_with('s')
                && !rest[1..].chars().next().is_some_and(char::is_alphanumeric);
            push_word(&mut tokens, &text[start..at], possessive);
            if possessive {
                at = after + 1;
                continue;
            }
            if GENDER_MARKS.contains(&c)
                && let Some(len) = gender_ending_len(rest, c)
            {
                at = after + len;
                continue;
            }
        }
        let spaced_hyphen = c == '-'
            && text[..at].chars().next_back().is_none_or(char::is_whitespace)
            && text[after..].chars().next().is_none_or(char::is_whitespace);
        match c {
            '|' | ',' | ';' | ':' | '(' | ')' | '[' | ']' | '{' | '}' | '·' | '•' | '–' | '—' | '\n'
            | '\r' => tokens.push(Word { text: BOUNDARY, possessive: false }),
            '-' if spaced_hyphen => tokens.push(Word { text: BOUNDARY, possessive: false }),
            '&' | '/' | '+' => tokens.push(Word { text: JOINER, possessive: false }),
            '@' => tokens.push(Word { text: "at", possessive: false }),
            _ => {}
        }
        at = after;
    }
    if let Some(start) = word_start {
        push_word(&mut tokens, &text[start..], false);
    }
    tokens
}

/// What one clause says about the person's current role.
enum ClauseOutcome {
    /// A current role, with its rank if a word names one.
    Current(Option<Seniority>),
    /// The clause is only "retired" or "emeritus": the clause before it is past.
    RetiresPrevious,
    /// Nothing current (empty, an employer, or a former role).
    Nothing,
}

/// Words after which the rest of the clause is a former or wished-for role.
const FORMER_MARKERS: [&str; 18] = [
    "ex",
    "former",
    "formerly",
    "previously",
    "previous",
    "prev",
    "past",
    "ehemalig",
    "ehemaliger",
    "ehemalige",
    "ehem",
    "ancien",
    "ancienne",
    "antiguo",
    "antigua",
    "voormalig",
    "voormalige",
    "aspiring",
];
/// Words that make their whole clause a former role.
const RETIREMENT_MARKERS: [&str; 11] = [
    "retired",
    "emeritus",
    "emerita",
    "pensioniert",
    "pensionierte",
    "retraite",
    "retraitee",
    "jubilado",
    "jubilada",
    "aposentado",
    "aposentada",
];
/// Words after which the rest of the clause names the employer.
const EMPLOYER_MARKERS: [&str; 7] = ["at", "from", "bei", "chez", "presso", "bij", "aupres"];

fn classify_clause(clause: &[Word<'_>]) -> ClauseOutcome {
    if clause.iter().any(|w| RETIREMENT_MARKERS.contains(&w.text)) {
        // "(retired)", "(retired from Acme)": the clause says nothing but that.
        let only_markers = clause.iter().take_while(|w| !EMPLOYER_MARKERS.contains(&w.text)).all(|w| {
            w.text == JOINER || RETIREMENT_MARKERS.contains(&w.text) || FORMER_MARKERS.contains(&w.text)
        });
        return if only_markers { ClauseOutcome::RetiresPrevious } else { ClauseOutcome::Nothing };
    }
    let mut end = clause.len();
    for (k, word) in clause.iter().enumerate() {
        let addresses_boss = word.text == "to" && names_senior(&clause[k + 1..]);
        if addresses_boss || FORMER_MARKERS.contains(&word.text) || EMPLOYER_MARKERS.contains(&word.text) {
            end = k;
            break;
        }
    }
    let role = &clause[..end];
    if role.iter().all(|w| w.text == JOINER) {
        return ClauseOutcome::Nothing;
    }
    ClauseOutcome::Current(role.split(|w| w.text == JOINER).map(classify_phrase).fold(None, stronger))
}

/// Words between "to" and the boss's title: "to the CEO", "to our Managing Director".
const BOSS_FILLERS: [&str; 25] = [
    "the",
    "a",
    "an",
    "our",
    "my",
    "his",
    "her",
    "their",
    "der",
    "die",
    "des",
    "dem",
    "den",
    "la",
    "le",
    "les",
    "el",
    "al",
    "du",
    "senior",
    "sr",
    "executive",
    "deputy",
    "interim",
    "acting",
];

/// Whether the words after "to" start with a decision maker's title.
fn names_senior(rest: &[Word<'_>]) -> bool {
    let phrase = rest.split(|w| w.text == JOINER).next().unwrap_or_default();
    let skip = phrase.iter().take_while(|w| BOSS_FILLERS.contains(&w.text)).count();
    let phrase = &phrase[skip..];
    let role_end = phrase.iter().position(|w| PREPOSITIONS.contains(&w.text)).unwrap_or(phrase.len());
    (0..role_end.min(3))
        .filter_map(|i| rank_at(phrase, role_end, i))
        .any(|hit| hit.start == 0 && hit.rank.is_decision_maker())
}

/// Prepositions after which words name the function, not the rank.
const PREPOSITIONS: [&str; 30] = [
    "of", "for", "in", "de", "del", "della", "dello", "dei", "degli", "delle", "di", "da", "do", "dos",
    "das", "du", "des", "d", "der", "den", "dem", "fur", "von", "vom", "zur", "zum", "van", "voor", "per",
    "within",
];
/// "Member of …": the body named after the preposition gives the seniority.
const MEMBER_WORDS: [&str; 6] = ["member", "mitglied", "membre", "miembro", "membro", "lid"];
/// Governing bodies whose members are directors.
const BOARD_WORDS: [&str; 8] =
    ["board", "consejo", "conseil", "consiglio", "conselho", "raad", "bestuur", "aufsichtsrat"];

/// Classifies one role phrase (a clause between joiners); `None` if no word names a rank.
fn classify_phrase(phrase: &[Word<'_>]) -> Option<Seniority> {
    if phrase.is_empty() {
        return None;
    }
    let role_end = phrase.iter().position(|w| PREPOSITIONS.contains(&w.text)).unwrap_or(phrase.len());
    let mut rank = classify_role(phrase, role_end);
    // "Editor-in-Chief": the rank comes after the preposition.
    if phrase.windows(2).any(|p| p[0].text == "in" && p[1].text == "chief") {
        rank = stronger(rank, Some(Seniority::Head));
    }
    // "Member of the Board", "Mitglied der Geschäftsführung".
    if role_end < phrase.len() && phrase[..role_end].iter().any(|w| MEMBER_WORDS.contains(&w.text)) {
        let body = &phrase[role_end + 1..];
        let body_rank = if body.iter().any(|w| w.text == "advisory") {
            None
        } else if body.iter().any(|w| BOARD_WORDS.contains(&w.text)) {
            Some(Seniority::Director)
        } else {
            let body_end = body.iter().position(|w| PREPOSITIONS.contains(&w.text)).unwrap_or(body.len());
            classify_role(body, body_end).filter(|r| r.is_decision_maker())
        };
        rank = stronger(rank, body_rank);
    }
    rank
}

/// Words that assist a senior person rather than being one.
fn is_helper(word: &str) -> bool {
    word.contains("assist")
        || word.starts_with("asist")
        || word.ends_with("referent")
        || word.ends_with("referentin")
        || word.ends_with("sekretar")
        || word.ends_with("sekretarin")
        || matches!(word, "secretary" | "secretaire" | "asst")
}

/// "Associate Director": one grade below the rank.
const ASSOCIATE_WORDS: [&str; 2] = ["associate", "assoc"];

/// Role nouns that, following a senior word, make it a modifier ("Partner Manager").
const ROLE_NOUNS: [&str; 42] = [
    "manager",
    "mgr",
    "managerin",
    "lead",
    "specialist",
    "engineer",
    "representative",
    "rep",
    "coordinator",
    "analyst",
    "architect",
    "consultant",
    "associate",
    "advocate",
    "strategist",
    "officer",
    "administrator",
    "admin",
    "developer",
    "scientist",
    "designer",
    "marketer",
    "recruiter",
    "liaison",
    "assistant",
    "intern",
    "expert",
    "supervisor",
    "coach",
    "trainer",
    "advisor",
    "adviser",
    "mentor",
    "ambassador",
    "agent",
    "producer",
    "editor",
    "writer",
    "researcher",
    "technician",
    "accountant",
    "counsel",
];

/// Classifies the role part `phrase[..role_end]` of a phrase; `None` if it holds no rank word.
fn classify_role(phrase: &[Word<'_>], role_end: usize) -> Option<Seniority> {
    let mut decision_maker = None;
    let (mut manager, mut senior, mut entry) = (false, false, false);
    let mut helper_at = None;
    let mut rank_after_helper = false;
    for (i, word) in phrase[..role_end].iter().enumerate() {
        if word.possessive {
            continue;
        }
        if is_helper(word.text) {
            helper_at.get_or_insert(i);
            continue;
        }
        let Some(hit) = rank_at(phrase, role_end, i) else { continue };
        let followed_by_role_noun = phrase
            .get(hit.end + 1..role_end)
            .is_some_and(|rest| rest.iter().any(|w| !w.possessive && ROLE_NOUNS.contains(&w.text)));
        if hit.may_be_modifier && followed_by_role_noun {
            continue;
        }
        let mut rank = hit.rank;
        if helper_at.is_some_and(|h| h < hit.start) {
            rank_after_helper = true;
            if rank.is_decision_maker() {
                rank = Seniority::Manager;
            }
        }
        if rank.is_decision_maker() && hit.start > 0 && ASSOCIATE_WORDS.contains(&phrase[hit.start - 1].text)
        {
            rank = Seniority::Manager;
        }
        match rank {
            Seniority::Manager => manager = true,
            Seniority::Senior => senior = true,
            Seniority::Entry => entry = true,
            r if r.is_decision_maker() => decision_maker = stronger(decision_maker, Some(r)),
            _ => {}
        }
    }
    if helper_at.is_some() && !rank_after_helper {
        return Some(Seniority::IndividualContributor);
    }
    decision_maker.or(if entry {
        Some(Seniority::Entry)
    } else if manager {
        Some(Seniority::Manager)
    } else if senior {
        Some(Seniority::Senior)
    } else {
        None
    })
}

/// A rank found in a phrase, spanning words `start..=end`.
struct Hit {
    rank: Seniority,
    start: usize,
    end: usize,
    /// Whether a following role noun turns it into a modifier ("CEO Coach").
    may_be_modifier: bool,
}

impl Hit {
    fn word(rank: Seniority, at: usize) -> Option<Hit> {
        Some(Hit { rank, start: at, end: at, may_be_modifier: false })
    }

    fn span(rank: Seniority, start: usize, end: usize) -> Option<Hit> {
        Some(Hit { rank, start, end, may_be_modifier: false })
    }

    fn modifier(rank: Seniority, at: usize) -> Option<Hit> {
        Some(Hit { rank, start: at, end: at, may_be_modifier: true })
    }
}

const C_SUITE: [&str; 24] = [
    "ceo", "cfo", "cto", "coo", "cmo", "cro", "cio", "ciso", "cpo", "cso", "cdo", "chro", "cco", "clo",
    "cao", "cbo", "cgo", "cxo", "cpto", "cdao", "cno", "cito", "cvo", "cuo",
];
const FOUNDER_WORDS: [&str; 10] = [
    "founder",
    "fondateur",
    "fondatrice",
    "fondatore",
    "fundador",
    "fundadora",
    "grunder",
    "grunderin",
    "oprichter",
    "oprichtster",
];
const OWNER_WORDS: [&str; 14] = [
    "owner",
    "coowner",
    "proprietor",
    "proprietress",
    "proprietaire",
    "propietario",
    "propietaria",
    "proprietario",
    "proprietaria",
    "dueno",
    "duena",
    "eigenaar",
    "titolare",
    "dga",
];
/// Words before "owner" that make it an accountability role ("Product Owner").
const OWNER_FUNCTIONS: [&str; 48] = [
    "product",
    "process",
    "service",
    "data",
    "risk",
    "control",
    "platform",
    "application",
    "app",
    "system",
    "feature",
    "solution",
    "content",
    "asset",
    "domain",
    "capability",
    "release",
    "module",
    "component",
    "budget",
    "account",
    "relationship",
    "policy",
    "backlog",
    "journey",
    "value",
    "stream",
    "program",
    "programme",
    "project",
    "category",
    "channel",
    "incident",
    "problem",
    "change",
    "case",
    "deal",
    "topic",
    "epic",
    "requirements",
    "test",
    "quality",
    "model",
    "information",
    "security",
    "api",
    "technical",
    "tech",
];
/// Words before "partner" that make it a function, not a firm's partner ("HR Business Partner").
const PARTNER_FUNCTIONS: [&str; 37] = [
    "business",
    "talent",
    "people",
    "hr",
    "recruiting",
    "recruitment",
    "acquisition",
    "hiring",
    "learning",
    "success",
    "channel",
    "alliance",
    "alliances",
    "implementation",
    "client",
    "customer",
    "account",
    "technology",
    "solution",
    "solutions",
    "sales",
    "community",
    "growth",
    "marketing",
    "support",
    "training",
    "delivery",
    "integration",
    "reseller",
    "referral",
    "affiliate",
    "development",
    "strategic",
    "finance",
    "care",
    "brand",
    "independent",
];
const OTHER_PARTNER_WORDS: [&str; 7] =
    ["gesellschafter", "gesellschafterin", "socio", "socia", "associe", "associee", "vennoot"];
const PRESIDENT_WORDS: [&str; 12] = [
    "president",
    "presidente",
    "presidenta",
    "prasident",
    "prasidentin",
    "chairman",
    "chairwoman",
    "chairperson",
    "chair",
    "vorsitzender",
    "vorsitzende",
    "voorzitter",
];
const VICE_PRESIDENT_WORDS: [&str; 13] = [
    "vp",
    "svp",
    "evp",
    "gvp",
    "rvp",
    "cvp",
    "vicepresident",
    "vicepresidente",
    "vicepresidenta",
    "vizeprasident",
    "vizeprasidentin",
    "vicechair",
    "vicechairman",
];
const MANAGING_DIRECTOR_WORDS: [&str; 8] =
    ["md", "gm", "dg", "gerant", "gerante", "cogerant", "cogerante", "zaakvoerder"];
const GENERAL_WORDS: [&str; 4] = ["general", "generale", "geral", "generaal"];
const EXECUTIVE_WORDS: [&str; 4] = ["ejecutivo", "ejecutiva", "executivo", "executiva"];
const DIRECTOR_WORDS: [&str; 11] = [
    "director",
    "directora",
    "directeur",
    "directrice",
    "diretor",
    "diretora",
    "direttore",
    "direttrice",
    "direktor",
    "direktorin",
    "dir",
];
const HEAD_WORDS: [&str; 9] = [
    "headmaster",
    "headmistress",
    "headteacher",
    "hoofd",
    "jefe",
    "jefa",
    "chefe",
    "responsable",
    "responsabile",
];
/// Compounds of "-leiter" that lead a team or a site rather than a function.
const LEITER_MANAGER_PREFIXES: [&str; 12] = [
    "team",
    "projekt",
    "teilprojekt",
    "gruppen",
    "bau",
    "filial",
    "schicht",
    "objekt",
    "markt",
    "stations",
    "kurs",
    "kolonnen",
];
const MANAGER_WORDS: [&str; 6] = ["manager", "mgr", "managerin", "supervisor", "supervisora", "teamleider"];
const SENIOR_WORDS: [&str; 4] = ["senior", "sr", "snr", "principal"];
/// "Staff Engineer" is a senior grade; "Staff Accountant" and "Staff Nurse" are not.
const STAFF_GRADE_NEXT: [&str; 14] = [
    "engineer",
    "scientist",
    "developer",
    "designer",
    "architect",
    "researcher",
    "software",
    "data",
    "ml",
    "machine",
    "product",
    "research",
    "security",
    "infrastructure",
];
const ENTRY_WORDS: [&str; 20] = [
    "intern",
    "internship",
    "trainee",
    "student",
    "apprentice",
    "praktikant",
    "praktikantin",
    "werkstudent",
    "werkstudentin",
    "azubi",
    "auszubildende",
    "auszubildender",
    "stagiaire",
    "becario",
    "becaria",
    "estagiario",
    "estagiaria",
    "tirocinante",
    "stagista",
    "stagiair",
];

fn is_founder(word: &str) -> bool {
    let base = ["co", "mit", "mede"].iter().find_map(|p| word.strip_prefix(p)).unwrap_or(word);
    FOUNDER_WORDS.contains(&base)
        || FOUNDER_WORDS.contains(&word)
        || word.ends_with("grunder")
        || word.ends_with("grunderin")
}

fn is_owner(word: &str) -> bool {
    OWNER_WORDS.contains(&word) || word.ends_with("inhaber") || word.ends_with("inhaberin")
}

/// The rank of a German "-leiter(in)" / "-leitung" compound, if `word` is one.
fn leiter_rank(word: &str) -> Option<Seniority> {
    let prefix = ["leiterin", "leiter", "leitung"].iter().find_map(|s| word.strip_suffix(s))?;
    // Begleiter (companion) and Halbleiter (semiconductor) lead nothing.
    if prefix.ends_with("beg") || prefix == "halb" {
        None
    } else if LEITER_MANAGER_PREFIXES.contains(&prefix) {
        Some(Seniority::Manager)
    } else {
        Some(Seniority::Head)
    }
}

/// The rank whose phrase has its main word at `phrase[i]`, looking at neighbours as needed.
fn rank_at(phrase: &[Word<'_>], role_end: usize, i: usize) -> Option<Hit> {
    use Seniority::*;
    let word = phrase[i].text;
    let prev = if i > 0 { phrase[i - 1].text } else { "" };
    let next = if i + 1 < role_end { phrase[i + 1].text } else { "" };
    // Looks past the role part, for phrases that span a preposition.
    let ahead = |k: usize| phrase.get(i + k).map_or("", |w| w.text);

    if C_SUITE.contains(&word) {
        return Hit::modifier(CLevel, i);
    }
    if word == "chief" {
        if ahead(1) == "of" && ahead(2) == "staff" {
            return Hit::span(Director, i, i + 2);
        }
        if let Some(officer) = (i + 1..role_end).find(|&k| phrase[k].text == "officer") {
            return Hit::span(CLevel, i, officer);
        }
        return if next == "executive" { Hit::span(CLevel, i, i + 1) } else { Hit::word(Head, i) };
    }
    if word == "c" && matches!(next, "level" | "suite") {
        return Some(Hit { rank: CLevel, start: i, end: i + 1, may_be_modifier: true });
    }
    if word == "pdg" || word.starts_with("vorstand") {
        return Hit::word(CLevel, i);
    }
    if word == "amministratore" {
        return match next {
            "delegato" | "delegata" => Hit::span(CLevel, i, i + 1),
            "unico" | "unica" => Hit::span(President, i, i + 1),
            _ => None,
        };
    }
    if matches!(word, "consejero" | "consejera") && matches!(next, "delegado" | "delegada") {
        return Hit::span(CLevel, i, i + 1);
    }
    if is_founder(word) {
        return Hit::modifier(Founder, i);
    }
    if is_owner(word) {
        return if OWNER_FUNCTIONS.contains(&prev) { None } else { Hit::modifier(Owner, i) };
    }
    if matches!(word, "partner" | "partnerin") {
        return if PARTNER_FUNCTIONS.contains(&prev) { None } else { Hit::modifier(Partner, i) };
    }
    if OTHER_PARTNER_WORDS.contains(&word) {
        return Hit::word(Partner, i);
    }
    if PRESIDENT_WORDS.contains(&word) || word.ends_with("vorsitzender") || word.ends_with("vorsitzende") {
        return if prev == "vice" { Hit::span(VicePresident, i - 1, i) } else { Hit::word(President, i) };
    }
    if VICE_PRESIDENT_WORDS.contains(&word) {
        return Hit::word(VicePresident, i);
    }
    if word == "avp" {
        return Hit::word(Manager, i);
    }
    if MANAGING_DIRECTOR_WORDS.contains(&word)
        || ["geschaftsfuhr", "geschaeftsfuehr", "geschaftsleit", "geschaeftsleit"]
            .iter()
            .any(|p| word.starts_with(p))
    {
        return Hit::word(President, i);
    }
    if word.starts_with("aufsichtsrat") {
        return Hit::word(Director, i);
    }
    if word == "board" && matches!(next, "member" | "director") && prev != "advisory" {
        return Hit::span(Director, i, i + 1);
    }
    if DIRECTOR_WORDS.contains(&word) {
        if GENERAL_WORDS.contains(&next) {
            return Hit::span(President, i, i + 1);
        }
        if EXECUTIVE_WORDS.contains(&next) {
            return Hit::span(CLevel, i, i + 1);
        }
        if matches!(prev, "managing" | "general" | "algemeen") {
            return Hit::span(President, i - 1, i);
        }
        return Hit::word(Director, i);
    }
    if word == "counsel" && prev == "general" {
        return Hit::span(Head, i - 1, i);
    }
    if word == "gerente" {
        return if matches!(next, "general" | "geral") {
            Hit::span(President, i, i + 1)
        } else {
            Hit::word(Manager, i)
        };
    }
    if word == "head" {
        return if matches!(next, "hunter" | "hunting" | "office" | "quarters") {
            None
        } else {
            Hit::word(Head, i)
        };
    }
    if HEAD_WORDS.contains(&word) {
        return Hit::word(Head, i);
    }
    if let Some(rank) = leiter_rank(word) {
        return Hit::word(rank, i);
    }
    if word == "chef" {
        if !matches!(ahead(1), "de" | "d" | "du" | "des") {
            return None;
        }
        return match ahead(2) {
            "entreprise" => Hit::span(Owner, i, i + 2),
            "service" | "departement" | "division" | "cuisine" => Hit::span(Head, i, i + 2),
            _ => Hit::span(Manager, i, i + 2),
        };
    }
    if MANAGER_WORDS.contains(&word) {
        return if prev == "general" { Hit::span(President, i - 1, i) } else { Hit::word(Manager, i) };
    }
    if word == "lead" {
        return match next {
            "" => Hit::word(Manager, i),
            "generation" | "gen" | "generator" => None,
            _ => Hit::word(Senior, i),
        };
    }
    if SENIOR_WORDS.contains(&word) || (word == "staff" && STAFF_GRADE_NEXT.contains(&next)) {
        return Hit::word(Senior, i);
    }
    if ENTRY_WORDS.contains(&word) {
        return Hit::modifier(Entry, i);
    }
    None
}
