//! Tests of the job-title classifier and of target-profile matching, on real-looking titles.

use proptest::prelude::*;
use ssi_core::TargetProfile;
use ssi_core::seniority::{Seniority, classify_title};

use Seniority::{
    CLevel, Director, Entry, Founder, Head, IndividualContributor as Ic, Manager, Owner, Partner, President,
    Senior, Unknown, VicePresident as Vp,
};

/// Titles and the exact seniority each must get.
const TITLES: &[(&str, Seniority)] = &[
    // C-level, English.
    ("CEO", CLevel),
    ("Chief Executive Officer", CLevel),
    ("Chief Executive", CLevel),
    ("Co-CEO", CLevel),
    ("Founder & CEO", CLevel),
    ("CTO & Co-Founder", CLevel),
    ("CFO", CLevel),
    ("COO | Scaling B2B SaaS", CLevel),
    ("CMO, Acme Corp", CLevel),
    ("Chief Revenue Officer", CLevel),
    ("CRO", CLevel),
    ("CIO", CLevel),
    ("CISO", CLevel),
    ("CPO", CLevel),
    ("Chief Information Security Officer (CISO)", CLevel),
    ("Fractional CFO", CLevel),
    ("Interim CEO", CLevel),
    ("Deputy CEO", CLevel),
    ("C-Suite Advisor", Ic),
    ("Office of the CEO", Ic),
    ("Intern, Office of the CEO", Entry),
    ("C-Level Executive", CLevel),
    ("President & CEO", CLevel),
    ("EVP & Chief Operating Officer", CLevel),
    // Chief without "officer".
    ("Chief of Staff", Director),
    ("Chief of Staff to the CEO", Director),
    ("Chief Architect", Head),
    ("Editor-in-Chief", Head),
    // Founders.
    ("Founder", Founder),
    ("Co-Founder", Founder),
    ("Cofounder & Head of Product", Founder),
    ("Co-founder, Stealth Startup", Founder),
    ("Co-Founder Stealth Startup", Founder),
    ("Founder Coach", Ic),
    ("Founder (ex-Google)", Founder),
    ("Founder's Associate", Ic),
    ("Founders Associate", Ic),
    ("Founding Engineer", Ic),
    ("Head of Founder Relations", Head),
    // Owners.
    ("Owner", Owner),
    ("Business Owner", Owner),
    ("Co-Owner", Owner),
    ("Owner/Operator", Owner),
    ("Product Owner", Ic),
    ("Technical Product Owner", Ic),
    ("Senior Product Owner", Senior),
    ("Process Owner", Ic),
    ("Owner's Representative", Ic),
    ("Software Engineer at Owner Labs", Ic),
    // Partners.
    ("Partner", Partner),
    ("Partner, Deloitte", Partner),
    ("Managing Partner", Partner),
    ("Senior Partner at McKinsey & Company", Partner),
    ("General Partner", Partner),
    ("Partner Manager", Manager),
    ("Partner Marketing Manager", Manager),
    ("Channel Partner Manager", Manager),
    ("Director of Partner Marketing", Director),
    ("HR Business Partner", Ic),
    ("Talent Partner", Ic),
    ("Client Partner", Ic),
    ("Associate Partner", Manager),
    // Presidents, managing directors, general managers.
    ("President", President),
    ("Chairman of the Board", President),
    ("Managing Director", President),
    ("MD, Investment Banking", President),
    ("General Manager EMEA", President),
    ("GM", President),
    ("Deputy Managing Director", President),
    ("Retired Managing Director", Unknown),
    ("Managing Director (retired)", Unknown),
    // Vice presidents.
    ("Vice President", Vp),
    ("Vice President of Sales", Vp),
    ("VICE PRESIDENT OF SALES", Vp),
    ("Senior Vice President, Marketing", Vp),
    ("VP Sales", Vp),
    ("vp, sales", Vp),
    ("SVP Engineering", Vp),
    ("Vice Chairman", Vp),
    ("Assistant Vice President", Manager),
    ("AVP, Operations", Manager),
    // Heads.
    ("Head of Sales", Head),
    ("Head of Partnerships", Head),
    ("Head Chef", Head),
    ("Head Coach", Head),
    ("Head Hunter", Ic),
    ("Headhunter", Ic),
    ("General Counsel", Head),
    // Directors.
    ("Director", Director),
    ("Sales Director", Director),
    ("Senior Director", Director),
    ("Senior Director, Product", Director),
    ("Sr. Director", Director),
    ("Director of Photography", Director),
    ("Art Director", Director),
    ("Executive Director", Director),
    ("Non-Executive Director", Director),
    ("Go-To-Market Director", Director),
    ("Board Member", Director),
    ("Member of the Board of Directors", Director),
    ("Advisory Board Member", Ic),
    // Helpers of senior people.
    ("Director's assistant", Ic),
    ("Executive Assistant to the CEO", Ic),
    ("CEO Assistant", Ic),
    ("Advisor to the CEO", Ic),
    ("Assistant to the Managing Director", Ic),
    ("Assistant Director", Manager),
    ("Associate Director", Manager),
    ("Assistant General Manager", Manager),
    ("Assistant Professor", Ic),
    ("CEO Coach", Ic),
    // Former roles.
    ("Ex-CEO", Unknown),
    ("Former VP of Sales", Unknown),
    ("Past President", Unknown),
    ("CEO (retired)", Unknown),
    ("Former CEO | Advisor", Ic),
    ("Head of Growth, ex-Stripe", Head),
    ("Former Director, now Head of Sales", Head),
    // Below decision makers.
    ("Sales Manager", Manager),
    ("Team Lead", Manager),
    ("Lead, Partnerships", Manager),
    ("Lead Engineer", Senior),
    ("Lead Generation Specialist", Ic),
    ("Senior Software Engineer", Senior),
    ("Staff Engineer", Senior),
    ("Staff Accountant", Ic),
    ("Direct-to-Consumer Manager", Manager),
    ("Software Engineer", Ic),
    ("Account Executive", Ic),
    ("VPN Engineer", Ic),
    ("Marketing Intern", Entry),
    ("Senior Intern", Entry),
    ("Student Success Manager", Manager),
    ("Open to work", Ic),
    ("", Unknown),
    ("   ", Unknown),
    // German.
    ("Geschäftsführer", President),
    ("Geschäftsführerin", President),
    ("GESCHÄFTSFÜHRER", President),
    ("Geschaeftsfuehrer", President),
    ("Geschäftsführer (m/w/d)", President),
    ("Geschäftsführer*in", President),
    ("Geschäftsführer/-in", President),
    ("Stellvertretender Geschäftsführer", President),
    ("Geschäftsführender Gesellschafter", Partner),
    ("Mitglied der Geschäftsführung", President),
    ("Vorstand", CLevel),
    ("Vorstandsvorsitzender", CLevel),
    ("Mitglied des Vorstands", CLevel),
    ("Leiter Vertrieb", Head),
    ("Leiterin Marketing", Head),
    ("Leiter:in Vertrieb", Head),
    ("Leiter(in) Einkauf", Head),
    ("Bereichsleiter IT", Head),
    ("Abteilungsleiterin Einkauf", Head),
    ("Teamleiter Kundenservice", Manager),
    ("Projektleiter", Manager),
    ("Inhaber", Owner),
    ("Inhaberin", Owner),
    ("Inhaber & Geschäftsführer", Owner),
    ("Gründer", Founder),
    ("Gründerin", Founder),
    ("Mitgründer", Founder),
    ("Gründer und Geschäftsführer", Founder),
    ("Assistenz der Geschäftsführung", Ic),
    ("Vorstandsassistentin", Ic),
    ("Ehemaliger Geschäftsführer", Unknown),
    ("Werkstudent Marketing", Entry),
    // French.
    ("PDG", CLevel),
    ("Directeur Général", President),
    ("Directrice Générale", President),
    ("Directeur Ge\u{301}ne\u{301}ral", President),
    ("Directeur Général Adjoint", President),
    ("Directeur Commercial", Director),
    ("Directrice Commerciale", Director),
    ("Fondateur", Founder),
    ("Fondatrice & CEO", CLevel),
    ("Cofondatrice", Founder),
    ("Gérant", President),
    ("Gérante", President),
    ("Président", President),
    ("Présidente", President),
    ("Vice-Président Ventes", Vp),
    ("Responsable Marketing", Head),
    ("Responsable des Ventes", Head),
    ("Assistante de direction", Ic),
    ("Chef de projet", Manager),
    ("Chef d'entreprise", Owner),
    ("Associé", Partner),
    ("Directeur adjoint", Director),
    ("Membre du Conseil d'Administration", Director),
    ("Directeur·rice artistique", Director),
    ("Stagiaire", Entry),
    // Spanish and Portuguese.
    ("Director General", President),
    ("Directora General", President),
    ("Director(a) General", President),
    ("Director de Ventas", Director),
    ("Fundador", Founder),
    ("Fundador/a", Founder),
    ("Socio Gerente", Partner),
    ("Fundadora y CEO", CLevel),
    ("Gerente General", President),
    ("Gerente de Ventas", Manager),
    ("Jefe de Ventas", Head),
    ("Jefa de Marketing", Head),
    ("Consejero Delegado", CLevel),
    ("Diretor Comercial", Director),
    ("Diretora Executiva", CLevel),
    ("Sócio", Partner),
    ("Sócia-Fundadora", Founder),
    ("Sócio-Diretor", Partner),
    // Italian.
    ("Amministratore Delegato", CLevel),
    ("Amministratore di sistema", Ic),
    ("Direttore Generale", President),
    ("Direttore Commerciale", Director),
    ("Fondatore", Founder),
    ("Titolare", Owner),
    ("Responsabile Vendite", Head),
    // Dutch.
    ("Directeur", Director),
    ("Algemeen Directeur", President),
    ("Eigenaar", Owner),
    ("Mede-eigenaar", Owner),
    ("Directeur-eigenaar", Owner),
    ("Oprichter", Founder),
    ("Hoofd Marketing", Head),
];

#[test]
fn every_title_in_the_table_gets_its_seniority() {
    let wrong: Vec<String> = TITLES
        .iter()
        .filter(|(title, expected)| classify_title(title) != *expected)
        .map(|(title, expected)| format!("{title:?}: expected {expected:?}, got {:?}", classify_title(title)))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} titles misclassified:\n{}",
        wrong.len(),
        TITLES.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_table_is_large_and_covers_every_seniority() {
    assert!(TITLES.len() >= 60, "only {} titles", TITLES.len());
    let all =
        [CLevel, Founder, Owner, Partner, President, Vp, Head, Director, Manager, Senior, Ic, Entry, Unknown];
    for seniority in all {
        assert!(TITLES.iter().any(|(_, s)| *s == seniority), "no title in the table is {seniority:?}");
    }
}

#[test]
fn case_does_not_change_the_seniority() {
    for (title, expected) in TITLES {
        assert_eq!(classify_title(&title.to_uppercase()), *expected, "upper-cased {title:?}");
        assert_eq!(classify_title(&title.to_lowercase()), *expected, "lower-cased {title:?}");
    }
}

#[test]
fn decision_makers_are_exactly_the_eight_senior_classes() {
    for seniority in [CLevel, Founder, Owner, Partner, President, Vp, Head, Director] {
        assert!(seniority.is_decision_maker(), "{seniority:?} should be a decision maker");
    }
    for seniority in [Manager, Senior, Ic, Entry, Unknown] {
        assert!(!seniority.is_decision_maker(), "{seniority:?} should not be a decision maker");
    }
    assert_eq!(Seniority::decision_makers_vec(), Seniority::DECISION_MAKERS.to_vec());
}

#[test]
fn decision_maker_titles_are_decision_makers_and_false_friends_are_not() {
    for title in ["CEO", "Gründerin", "Titolare", "Managing Partner", "Gérant", "SVP Sales", "Jefe de Ventas"]
    {
        assert!(classify_title(title).is_decision_maker(), "{title:?}");
    }
    for title in [
        "Director's assistant",
        "Executive Assistant to the CEO",
        "Partner Manager",
        "Product Owner",
        "Founder's Associate",
        "Ex-CEO",
        "Assistant Director",
        "VPN Engineer",
    ] {
        assert!(!classify_title(title).is_decision_maker(), "{title:?}");
    }
}

proptest! {
    #[test]
    fn any_text_classifies_without_panicking(title in "\\PC{0,60}") {
        let first = classify_title(&title);
        prop_assert_eq!(first, classify_title(&title));
    }

    #[test]
    fn punctuation_heavy_text_classifies_without_panicking(
        title in "[a-zA-Zäéß'’()/:*_·|&@ -]{0,40}"
    ) {
        classify_title(&title);
    }

    #[test]
    fn an_employer_after_at_never_changes_the_seniority(
        index in 0..TITLES.len(),
        employer in "(Owner|Partner|Chief|Founder|Head) (Inc|Labs|GmbH)",
    ) {
        let (title, expected) = TITLES[index];
        // Titles that are nothing but a former role stay Unknown; the rest keep their class.
        prop_assume!(!title.trim().is_empty());
        prop_assert_eq!(classify_title(&format!("{title} at {employer}")), expected, "{} at {}", title, employer);
    }
}

fn only_seniority(seniorities: Vec<Seniority>) -> TargetProfile {
    TargetProfile { seniorities, ..TargetProfile::default() }
}

#[test]
fn the_default_target_is_the_decision_makers() {
    let target = TargetProfile::default();
    assert_eq!(target.seniorities, Seniority::DECISION_MAKERS.to_vec());
    assert!(target.matches(Some("VP Sales"), Some("Acme")));
    assert!(target.matches(Some("Geschäftsführerin"), None));
    assert!(target.matches(Some("Head of Marketing"), Some("Globex")));
    assert!(!target.matches(Some("Software Engineer"), Some("Acme")));
    assert!(!target.matches(Some("Product Owner"), Some("Acme")));
    assert!(!target.matches(Some("Executive Assistant to the CEO"), Some("Acme")));
    assert!(!target.matches(Some("VPN Engineer"), None));
    assert!(!target.matches(None, Some("Acme")));
    assert!(!target.matches(None, None));
}

#[test]
fn custom_seniorities_replace_the_default() {
    let target = only_seniority(vec![Manager]);
    assert!(target.matches(Some("Sales Manager"), None));
    assert!(target.matches(Some("Partner Manager"), None));
    assert!(!target.matches(Some("CEO"), None));
}

#[test]
fn title_keywords_match_whole_words_case_insensitively() {
    let target = TargetProfile { titles: vec!["data scientist".into()], ..only_seniority(vec![]) };
    assert!(target.matches(Some("Senior Data Scientist"), None));
    assert!(target.matches(Some("DATA SCIENTIST, Recommendations"), Some("Acme")));
    assert!(!target.matches(Some("Data Science Manager"), None));
    assert!(!target.matches(Some("Scientist, Data Platform"), None));
    assert!(!target.matches(Some("CEO"), None), "no seniority counts once the list is empty");
}

#[test]
fn a_keyword_vp_does_not_match_vpn() {
    let target = TargetProfile { titles: vec!["VP".into()], ..only_seniority(vec![]) };
    assert!(target.matches(Some("VP Engineering"), None));
    assert!(target.matches(Some("Regional vp, Sales"), None));
    assert!(!target.matches(Some("VPN Engineer"), None));
    assert!(!target.matches(Some("SVP Engineering"), None));
}

#[test]
fn company_keywords_match_the_company_only() {
    let target = TargetProfile { companies: vec!["Acme".into()], ..only_seniority(vec![]) };
    assert!(target.matches(Some("Engineer"), Some("ACME Corp")));
    assert!(target.matches(None, Some("acme")));
    assert!(!target.matches(Some("Engineer"), Some("Acmeware")));
    assert!(!target.matches(Some("Acme Specialist"), Some("Globex")));
}

#[test]
fn industry_keywords_match_company_or_title() {
    let target = TargetProfile { industries: vec!["fintech".into()], ..only_seniority(vec![]) };
    assert!(target.matches(Some("Engineer"), Some("Nova Fintech GmbH")));
    assert!(target.matches(Some("Product Manager, FinTech"), Some("Globex")));
    assert!(!target.matches(Some("Engineer"), Some("Fintechs United")));
    assert!(!target.matches(Some("Engineer"), Some("Globex")));
}

#[test]
fn keywords_and_seniorities_combine_with_or() {
    let target = TargetProfile {
        companies: vec!["Globex".into()],
        industries: vec!["healthcare".into()],
        ..TargetProfile::default()
    };
    assert!(target.matches(Some("CFO"), Some("Initech")));
    assert!(target.matches(Some("Nurse"), Some("Globex")));
    assert!(target.matches(Some("Nurse"), Some("Healthcare Partners")));
    assert!(!target.matches(Some("Nurse"), Some("Initech")));
}
