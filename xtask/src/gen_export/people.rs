//! The member and their network: names from many cultures, made-up companies, job titles with
//! many decision makers and a few false friends, and when each connection was made.

use super::calendar::{Pace, Timeline, time_of_day};
use super::rng::Rng;
use super::volume::Volume;
use chrono::{NaiveDateTime, TimeDelta};
use std::collections::HashSet;

/// The language a person writes messages in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    /// English.
    En,
    /// German.
    De,
    /// French.
    Fr,
}

/// Names of one culture, and the language its members write in.
struct NameGroup {
    weight: u32,
    lang: Lang,
    first: &'static [&'static str],
    last: &'static [&'static str],
}

const NAME_GROUPS: &[NameGroup] = &[
    NameGroup {
        weight: 30,
        lang: Lang::En,
        first: &[
            "James",
            "Emma",
            "Oliver",
            "Sophie",
            "Daniel",
            "Olivia",
            "Michael",
            "Charlotte",
            "David",
            "Grace",
            "Thomas",
            "Hannah",
            "Matthew",
            "Chloe",
            "Ryan",
            "Megan",
            "Jack",
            "Emily",
            "Samuel",
            "Lucy",
            "Andrew",
            "Rachel",
            "Christopher",
            "Laura",
            "Benjamin",
            "Kate",
            "Patrick",
            "Sarah",
            "Liam",
            "Amy",
        ],
        last: &[
            "Smith", "Johnson", "Williams", "Brown", "Taylor", "Wilson", "Evans", "Walker", "Wright",
            "Thompson", "O'Brien", "Murphy", "Hughes", "Edwards", "Green", "Hall", "Wood", "Clarke",
            "Harris", "Lewis", "Robinson", "Baker", "Carter", "Mitchell", "Turner", "Parker", "Collins",
            "Stewart", "Morris", "Bell",
        ],
    },
    NameGroup {
        weight: 18,
        lang: Lang::De,
        first: &[
            "Jürgen",
            "Anna",
            "Lukas",
            "Lena",
            "Maximilian",
            "Sophie",
            "Felix",
            "Marie",
            "Jonas",
            "Katharina",
            "Tobias",
            "Julia",
            "Sebastian",
            "Laura",
            "Stefan",
            "Sabine",
            "Matthias",
            "Claudia",
            "Björn",
            "Jörg",
            "Günther",
            "Käthe",
            "Uwe",
            "Birgit",
            "Moritz",
            "Franziska",
            "Niklas",
            "Susanne",
        ],
        last: &[
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Schulz",
            "Hoffmann",
            "Schäfer",
            "Koch",
            "Bauer",
            "Richter",
            "Klein",
            "Wolf",
            "Schröder",
            "Neumann",
            "Schwarz",
            "Zimmermann",
            "Krüger",
            "Hofmann",
            "Hartmann",
            "Lange",
            "Weiß",
            "Köhler",
            "Vogel",
            "Jäger",
        ],
    },
    NameGroup {
        weight: 12,
        lang: Lang::Fr,
        first: &[
            "François",
            "Camille",
            "Hélène",
            "Julien",
            "Chloé",
            "Mathieu",
            "Léa",
            "Nicolas",
            "Élodie",
            "Antoine",
            "Inès",
            "Thibault",
            "Margaux",
            "Sébastien",
            "Céline",
            "Jérôme",
            "Manon",
            "Benoît",
            "Zoé",
            "Rémi",
        ],
        last: &[
            "Martin",
            "Bernard",
            "Dubois",
            "Lefèvre",
            "Moreau",
            "Laurent",
            "Girard",
            "Rousseau",
            "Fournier",
            "Lambert",
            "Bonnet",
            "Faure",
            "Mercier",
            "Blanc",
            "Guérin",
            "Chevalier",
            "Gauthier",
            "Perrin",
        ],
    },
    NameGroup {
        weight: 8,
        lang: Lang::En,
        first: &[
            "José",
            "María",
            "Javier",
            "Lucía",
            "Alejandro",
            "Carmen",
            "Andrés",
            "Sofía",
            "Raúl",
            "Isabel",
            "Álvaro",
            "Marta",
        ],
        last: &[
            "García",
            "Martínez",
            "López",
            "Sánchez",
            "Pérez",
            "Gómez",
            "Fernández",
            "Díaz",
            "Núñez",
            "Ruiz",
            "Jiménez",
            "Ortega",
        ],
    },
    NameGroup {
        weight: 5,
        lang: Lang::En,
        first: &["Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro", "Federica", "Niccolò"],
        last: &["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "De Luca"],
    },
    NameGroup {
        weight: 5,
        lang: Lang::En,
        first: &["Daan", "Sanne", "Bram", "Femke", "Joost", "Lotte", "Pieter", "Anouk"],
        last: &["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "van Dijk"],
    },
    NameGroup {
        weight: 4,
        lang: Lang::En,
        first: &["Søren", "Åsa", "Øystein", "Ingrid", "Mikael", "Freja", "Lars", "Sigrid"],
        last: &["Nielsen", "Ødegaard", "Johansson", "Lindqvist", "Hansen", "Åberg", "Virtanen", "Berg"],
    },
    NameGroup {
        weight: 3,
        lang: Lang::En,
        first: &["Łukasz", "Agnieszka", "Paweł", "Małgorzata", "Krzysztof", "Zofia"],
        last: &["Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski"],
    },
    NameGroup {
        weight: 6,
        lang: Lang::En,
        first: &["Priya", "Rahul", "Ananya", "Vikram", "Deepa", "Arjun", "Sneha", "Karthik"],
        last: &["Sharma", "Patel", "Iyer", "Reddy", "Gupta", "Nair", "Menon", "Singh"],
    },
    NameGroup {
        weight: 3,
        lang: Lang::En,
        first: &["Wei", "Li", "Jun", "Mei", "Hao", "Xin"],
        last: &["Zhang", "Wang", "Chen", "Liu", "Huang", "Zhou"],
    },
    NameGroup {
        weight: 1,
        lang: Lang::En,
        first: &["伟", "静", "磊", "芳"],
        last: &["张", "王", "李", "陈"],
    },
    NameGroup {
        weight: 1,
        lang: Lang::En,
        first: &["Haruto", "Yui", "Sota", "Aoi"],
        last: &["Sato", "Suzuki", "Takahashi", "Tanaka"],
    },
    NameGroup {
        weight: 2,
        lang: Lang::En,
        first: &["Omar", "Layla", "Karim", "Yasmin", "Tarek", "Nour"],
        last: &["Haddad", "Khalil", "Mansour", "El-Amin", "Saleh", "Farouk"],
    },
    NameGroup {
        weight: 2,
        lang: Lang::En,
        first: &["Emre", "Elif", "Burak", "Zeynep"],
        last: &["Yılmaz", "Çelik", "Şahin", "Öztürk"],
    },
    NameGroup {
        weight: 1,
        lang: Lang::En,
        first: &["Γιώργος", "Ελένη"],
        last: &["Παπαδόπουλος", "Νικολάου"],
    },
    NameGroup {
        weight: 1, lang: Lang::En, first: &["Дмитрий", "Ольга"], last: &["Иванов", "Смирнова"]
    },
    NameGroup {
        weight: 2,
        lang: Lang::En,
        first: &["João", "Inês", "Gonçalo", "Mariana"],
        last: &["Silva", "Conceição", "Magalhães", "Araújo"],
    },
];

/// Contacts whose names are fixed, so that the accented names the tests look for are always
/// there: every one is representable in Windows-1252. The first also shows up as mojibake in
/// messages.csv, as real archives sometimes do.
pub(crate) const ANCHOR_NAMES: [(&str, &str, Lang); 5] = [
    ("José", "Martínez", Lang::En),
    ("Zoë", "Müller", Lang::De),
    ("François", "Lefèvre", Lang::Fr),
    ("Søren", "Ødegaard", Lang::En),
    ("Renée", "Böhm", Lang::De),
];

const COMPANY_STEMS: &[&str] = &[
    "Northwind",
    "Bluepeak",
    "Lumen",
    "Brightwater",
    "Ironclad",
    "Silverline",
    "Nordlicht",
    "Cobalt",
    "Helix",
    "Everstone",
    "Redwood",
    "Falkenstein",
    "Sonnenberg",
    "Atlas",
    "Vireo",
    "Kestrel",
    "Pinecrest",
    "Harbor",
    "Summit",
    "Zephyr",
    "Orbital",
    "Meridian",
    "Polaris",
    "Granite",
    "Alder",
    "Beacon",
    "Crescent",
    "Lichtwerk",
    "Rivage",
    "Azur",
    "Bergblick",
    "Tidewater",
    "Quillon",
    "Fjordline",
    "Larkspur",
    "Obsidian",
];

const COMPANY_CORES: &[&str] = &[
    "Analytics",
    "Software",
    "Consulting",
    "Logistics",
    "Robotics",
    "Health",
    "Capital",
    "Labs",
    "Systems",
    "Energy",
    "Media",
    "Foods",
    "Mobility",
    "Security",
    "Cloud",
    "Data",
    "Partners",
    "Solutions",
    "Digital",
    "Industries",
    "Bio",
    "Finance",
    "Learning",
    "Ventures",
    "Retail",
    "Payments",
    "Insurance",
];

const COMPANY_FORMS: &[(&str, u32)] = &[
    ("", 20),
    (" GmbH", 14),
    (" AG", 4),
    (" GmbH & Co. KG", 2),
    (" SAS", 6),
    (" SA", 3),
    (" Ltd", 8),
    (" Inc.", 8),
    (", Inc.", 3),
    (" LLC", 3),
    (" B.V.", 4),
    (" AB", 2),
    (" Oy", 1),
    (" S.L.", 2),
];

/// Titles that make someone a decision maker.
const DECISION_MAKER_TITLES: &[(&str, u32)] = &[
    ("CEO", 6),
    ("Chief Executive Officer", 4),
    ("Co-Founder & CEO", 4),
    ("Founder", 4),
    ("Co-Founder", 3),
    ("Founder & Managing Director", 2),
    ("VP Sales", 4),
    ("VP of Marketing", 3),
    ("Vice President, Business Development", 2),
    ("SVP Engineering", 1),
    ("EVP Operations", 1),
    ("Head of Marketing", 4),
    ("Head of Sales DACH", 2),
    ("Head of Growth", 2),
    ("Head of Procurement", 2),
    ("Head of People", 1),
    ("Director of Sales", 3),
    ("Sales Director EMEA", 2),
    ("Marketing Director", 2),
    ("Director, Product Management", 2),
    ("Managing Director", 4),
    ("Geschäftsführer", 4),
    ("Geschäftsführerin", 2),
    ("Directeur Général", 2),
    ("Directrice Générale", 1),
    ("Président", 1),
    ("CFO", 2),
    ("Chief Revenue Officer", 2),
    ("CTO", 2),
    ("Chief Marketing Officer", 1),
    ("COO", 1),
    ("Owner", 2),
    ("Inhaber", 1),
    ("Managing Partner", 2),
    ("Partner", 2),
    ("President", 1),
];

/// Titles of people who are not decision makers.
const OTHER_TITLES: &[(&str, u32)] = &[
    ("Account Executive", 5),
    ("Senior Account Executive", 3),
    ("Sales Development Representative", 4),
    ("Business Development Manager", 3),
    ("Key Account Manager", 3),
    ("Software Engineer", 5),
    ("Senior Software Engineer", 4),
    ("Data Scientist", 2),
    ("Product Manager", 3),
    ("Senior Product Manager", 2),
    ("Marketing Manager", 3),
    ("Content Marketing Specialist", 2),
    ("Customer Success Manager", 3),
    ("Technical Recruiter", 2),
    ("Talent Acquisition Specialist", 2),
    ("Consultant", 3),
    ("Senior Consultant", 2),
    ("Project Manager", 3),
    ("UX Designer", 2),
    ("Financial Analyst", 2),
    ("Operations Manager", 2),
    ("Team Lead Engineering", 1),
    ("Solutions Architect", 2),
    ("Werkstudent Marketing", 1),
    ("Praktikant Vertrieb", 1),
    ("Student", 1),
    ("Marketing Intern", 1),
    ("Freelance Copywriter", 1),
    ("Einkäufer", 1),
    ("Chargé d'affaires", 1),
    ("Ingénieur logiciel", 1),
    ("Vertriebsmitarbeiter", 1),
];

/// Titles that contain a senior word but do not make their holder a decision maker.
const FALSE_FRIEND_TITLES: &[(&str, u32)] = &[
    ("Director's assistant", 2),
    ("Executive Assistant to the CEO", 2),
    ("Assistant to the Managing Director", 1),
    ("Partner Manager", 2),
    ("Channel Partner Manager", 1),
    ("Partner Marketing Manager", 1),
    ("Partner Account Manager", 1),
    ("Assistentin der Geschäftsführung", 1),
    ("HR Business Partner", 1),
    ("Founders Associate", 1),
    ("Office Manager", 1),
];

/// Whether a title comes from the decision-maker list (used to bias outreach).
pub(crate) fn is_decision_maker_title(title: &str) -> bool {
    DECISION_MAKER_TITLES.iter().any(|(t, _)| *t == title)
}

/// A person as the archive shows them.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    /// First name as displayed.
    pub(crate) first: String,
    /// Last name as displayed.
    pub(crate) last: String,
    /// Public profile URL.
    pub(crate) url: String,
    /// Current employer (may be empty).
    pub(crate) company: String,
    /// Current job title (may be empty).
    pub(crate) position: String,
    /// E-mail shown to connections (mostly empty; always under example.com).
    pub(crate) email: String,
    /// The language they write messages in.
    pub(crate) lang: Lang,
}

impl Person {
    /// "First Last".
    pub(crate) fn full_name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
}

/// A first-degree connection.
#[derive(Debug, Clone)]
pub(crate) struct Contact {
    /// Who they are.
    pub(crate) person: Person,
    /// When the connection was made.
    pub(crate) connected_at: NaiveDateTime,
}

/// The archive's owner.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    /// Who they are (their current job is in Positions.csv).
    pub(crate) person: Person,
    /// The numeric member id some file names carry.
    pub(crate) member_id: u64,
    /// Where they live.
    pub(crate) city: &'static str,
    /// Their country.
    pub(crate) country: &'static str,
}

/// The member and their connections, oldest connection first.
#[derive(Debug, Clone)]
pub(crate) struct Network {
    /// The archive's owner.
    pub(crate) member: Member,
    /// First-degree connections, sorted by when they were made.
    pub(crate) contacts: Vec<Contact>,
}

impl Network {
    /// The index of the contact with this exact name.
    pub(crate) fn find(&self, first: &str, last: &str) -> Option<usize> {
        self.contacts.iter().position(|c| c.person.first == first && c.person.last == last)
    }
}

/// Makes people with unique profile URLs.
#[derive(Debug)]
pub(crate) struct PersonFactory {
    used_slugs: HashSet<String>,
    allow_vanity: bool,
}

impl PersonFactory {
    /// A factory for the member's connections: some get plain vanity URLs.
    pub(crate) fn new() -> PersonFactory {
        PersonFactory { used_slugs: HashSet::new(), allow_vanity: true }
    }

    /// A factory for people outside the network: every URL carries a random suffix, so no
    /// stranger can share a URL with a connection.
    pub(crate) fn strangers() -> PersonFactory {
        PersonFactory { used_slugs: HashSet::new(), allow_vanity: false }
    }

    /// A random person; `decision_maker_bias` (0–1) raises the chance of a senior title.
    pub(crate) fn person(&mut self, rng: &mut Rng, decision_maker_bias: f64) -> Person {
        let groups: Vec<(usize, u32)> = NAME_GROUPS.iter().enumerate().map(|(i, g)| (i, g.weight)).collect();
        let group = &NAME_GROUPS[*rng.pick_weighted(&groups)];
        let first = *rng.pick(group.first);
        let last = *rng.pick(group.last);
        let (company, position) = job(rng, decision_maker_bias);
        self.finish(rng, first, last, group.lang, company, position, 0.03)
    }

    /// A person with a given name and a random job.
    pub(crate) fn named(&mut self, rng: &mut Rng, first: &str, last: &str, lang: Lang) -> Person {
        let (company, position) = job(rng, 0.0);
        self.finish(rng, first, last, lang, company, position, 0.0)
    }

    /// A person with a given name and job title at a random company.
    pub(crate) fn with_title(&mut self, rng: &mut Rng, title: &str) -> Person {
        let mut person = self.person(rng, 0.0);
        person.position = title.to_string();
        if person.company.is_empty() {
            person.company = company(rng);
        }
        person
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        rng: &mut Rng,
        first: &str,
        last: &str,
        lang: Lang,
        company: String,
        position: String,
        email_chance: f64,
    ) -> Person {
        let base = format!("{}-{}", slug(first), slug(last));
        // Most public URLs carry a random suffix; some members picked a plain vanity URL.
        let mut handle = if self.allow_vanity && rng.chance(0.15) {
            base.clone()
        } else {
            format!("{base}-{}", rng.hex(8))
        };
        while !self.used_slugs.insert(handle.clone()) {
            handle = format!("{base}-{}", rng.hex(8));
        }
        let email = if rng.chance(email_chance) {
            format!("{}.{}@example.com", ascii_slug(first), ascii_slug(last))
        } else {
            String::new()
        };
        Person {
            first: first.to_string(),
            last: last.to_string(),
            url: format!("https://www.linkedin.com/in/{handle}"),
            company,
            position,
            email,
            lang,
        }
    }
}

/// A made-up company name.
pub(crate) fn company(rng: &mut Rng) -> String {
    let stem = rng.pick(COMPANY_STEMS);
    let core = rng.pick(COMPANY_CORES);
    let form = rng.pick_weighted(COMPANY_FORMS);
    format!("{stem} {core}{form}")
}

/// A company and title; a few people hide both.
fn job(rng: &mut Rng, decision_maker_bias: f64) -> (String, String) {
    if rng.chance(0.04) {
        return (String::new(), String::new());
    }
    let roll = rng.unit();
    let decision_maker_share = 0.34 + 0.3 * decision_maker_bias;
    let title = if roll < decision_maker_share {
        rng.pick_weighted(DECISION_MAKER_TITLES)
    } else if roll < decision_maker_share + 0.07 {
        rng.pick_weighted(FALSE_FRIEND_TITLES)
    } else {
        rng.pick_weighted(OTHER_TITLES)
    };
    (company(rng), (*title).to_string())
}

/// The URL form of a name: lower case, accents dropped, other scripts percent-encoded.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        match fold_latin(c) {
            Some(ascii) => out.push_str(ascii),
            None if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            None if c == '\'' => {}
            None if c == ' ' || c == '-' => {
                if !out.ends_with('-') {
                    out.push('-');
                }
            }
            None => {
                let mut bytes = [0u8; 4];
                for byte in c.encode_utf8(&mut bytes).bytes() {
                    out.push_str(&format!("%{byte:02X}"));
                }
            }
        }
    }
    out
}

/// Like [`slug`] but only ASCII letters (for e-mail addresses); other scripts become `x`.
pub(crate) fn ascii_slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        match fold_latin(c) {
            Some(ascii) => out.push_str(ascii),
            None if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            None if c.is_alphabetic() && !out.ends_with('x') => out.push('x'),
            None => {}
        }
    }
    if out.is_empty() { "member".to_string() } else { out }
}

/// The plain lower-case letters for an accented Latin letter.
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ı' | 'Í' | 'Î' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' | 'Ó' | 'Ö' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ú' | 'Ü' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        'ł' | 'Ł' => "l",
        'ś' | 'ş' | 'Ś' | 'Ş' => "s",
        'ź' | 'ż' => "z",
        'ń' => "n",
        'ę' => "e",
        'ą' => "a",
        'ć' => "c",
        'ğ' => "g",
        _ => return None,
    })
}

/// Builds the member and their connections. The first connections carry the anchor names.
pub(crate) fn build_network(seed: u64, volume: &Volume, timeline: &Timeline) -> Network {
    let mut rng = Rng::stream(seed, "network");
    let mut factory = PersonFactory::new();
    let member = make_member(&mut rng, &mut factory);

    let total = volume.connections;
    let sampler = timeline.sampler(Pace { before: 0.6, after: 1.5, bursty: true });
    let account_start =
        timeline.start() - TimeDelta::days(365 * i64::from(volume.account_years_before_window));
    let older_days = (timeline.start() - account_start).num_days().max(1) as f64;

    let mut contacts = Vec::with_capacity(total);
    for i in 0..total {
        let connected_at = if rng.below(100) < u64::from(volume.connections_in_window_percent) {
            sampler.moment(&mut rng)
        } else {
            // Older connections: the network grew faster over the years (density rising linearly).
            let day = (older_days * rng.unit().sqrt()).floor() as i64;
            let date = account_start.date() + TimeDelta::days(day.min(older_days as i64 - 1));
            date.and_time(time_of_day(&mut rng, super::calendar::is_weekend(date)))
        };
        let bias = 0.5 * timeline.progress_at(connected_at);
        let person = match ANCHOR_NAMES.get(i) {
            Some((first, last, lang)) => factory.named(&mut rng, first, last, *lang),
            None => factory.person(&mut rng, bias),
        };
        contacts.push(Contact { person, connected_at });
    }
    contacts.sort_by_key(|c| c.connected_at);
    Network { member, contacts }
}

fn make_member(rng: &mut Rng, factory: &mut PersonFactory) -> Member {
    const MEMBERS: &[(&str, &str, Lang, &str, &str)] = &[
        ("Alex", "Morgan", Lang::En, "Berlin", "Germany"),
        ("Katrin", "Vogt", Lang::De, "Munich", "Germany"),
        ("Julien", "Marchand", Lang::Fr, "Lyon", "France"),
        ("Sam", "Whitaker", Lang::En, "Amsterdam", "Netherlands"),
        ("Lea", "Brandt", Lang::De, "Hamburg", "Germany"),
        ("Nora", "Lindgren", Lang::En, "Copenhagen", "Denmark"),
    ];
    let (first, last, lang, city, country) = *rng.pick(MEMBERS);
    let mut person = factory.named(rng, first, last, lang);
    person.email = format!("{}.{}@example.com", ascii_slug(first), ascii_slug(last));
    person.position.clear();
    person.company.clear();
    let member_id = 100_000_000 + rng.below(900_000_000);
    Member { person, member_id, city, country }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_accents_and_encode_other_scripts() {
        assert_eq!(slug("José"), "jose");
        assert_eq!(slug("de Jong"), "de-jong");
        assert_eq!(slug("O'Brien"), "obrien");
        assert_eq!(slug("Weiß"), "weiss");
        assert_eq!(slug("张"), "%E5%BC%A0");
        assert_eq!(ascii_slug("Γιώργος"), "x");
    }

    #[test]
    fn anchor_names_fit_windows_1252() {
        for (first, last, _) in ANCHOR_NAMES {
            let (_, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&format!("{first} {last}"));
            assert!(!unmappable, "{first} {last}");
        }
    }

    #[test]
    fn factory_urls_are_unique() {
        let mut rng = Rng::new(5);
        let mut factory = PersonFactory::new();
        let urls: HashSet<String> = (0..2000).map(|_| factory.person(&mut rng, 0.0).url).collect();
        assert_eq!(urls.len(), 2000);
    }
}
