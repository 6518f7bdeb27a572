//! The member's own profile: Profile.csv, Profile Summary.csv, Positions, Education, Skills,
//! Certifications, Languages, Projects, Publications, Honors and the rich-media log.

use super::Ctx;
use super::archive::{Archive, Encoding, Quoting};
use super::calendar::{self, Pace};
use super::people::{self, Lang};
use super::rng::Rng;
use anyhow::Result;
use chrono::{Datelike, NaiveDate, TimeDelta};
use std::io::{Seek, Write};

/// The member's skills; endorsements received name these.
pub(crate) const MEMBER_SKILLS: &[&str] = &[
    "Social Selling",
    "B2B Sales",
    "Sales Management",
    "Key Account Management",
    "Negotiation",
    "SaaS",
    "Business Development",
    "Partnerships",
    "Salesforce.com",
    "Sales Navigator",
    "Pipeline Management",
    "Forecasting",
    "Account-Based Marketing",
    "Lead Generation",
    "Cold Calling",
    "Customer Relationship Management (CRM)",
    "Solution Selling",
    "Public Speaking",
    "Team Leadership",
    "Go-to-Market Strategy",
    "Channel Sales",
    "Marketing Strategy",
    "Presentation Skills",
    "Coaching",
    "Contract Negotiation",
    "Market Research",
    "Project Management",
    "Digital Marketing",
    "Inside Sales",
    "Enterprise Software",
    "Start-ups",
    "Strategic Planning",
    "Customer Success",
    "Product Marketing",
    "HubSpot",
    "English",
    "German",
    "French",
    "Microsoft Excel",
    "Storytelling",
];

/// One job in the member's history, newest first.
struct Job {
    title: &'static str,
    company: String,
    location: String,
    started: NaiveDate,
    finished: Option<NaiveDate>,
    description: Option<&'static str>,
}

/// The member's career: the current job starts when their behaviour changes.
fn career(rng: &mut Rng, ctx: &Ctx<'_>) -> Vec<Job> {
    const TRACKS: &[[&str; 5]] = &[
        [
            "Head of Partnerships",
            "Senior Account Executive",
            "Account Executive",
            "Sales Development Representative",
            "Marketing Intern",
        ],
        [
            "Director of Sales DACH",
            "Enterprise Account Executive",
            "Account Executive",
            "Business Development Representative",
            "Working Student Sales",
        ],
        [
            "VP Business Development",
            "Senior Key Account Manager",
            "Key Account Manager",
            "Inside Sales Representative",
            "Sales Intern",
        ],
    ];
    const DESCRIPTIONS: &[&str] = &[
        "Building the partner channel from zero: recruiting resellers, co-selling with them, and making \
         the numbers visible.\nFirst year: 42 partners, 31% of new ARR sourced by partners.",
        "Owned a €1.8M quota across mid-market accounts in Germany, Austria and Switzerland.\n\
         Closed the company's largest deal to date (\"Project Atlas\").",
        "Full-cycle sales for new logos, from first call to signature.",
        "Booked meetings for a team of six AEs; 140% of target in my second year.",
    ];
    let track = rng.pick(TRACKS);
    let city = ctx.network.member.city;
    let country = ctx.network.member.country;
    let location = format!("{city}, {country}");
    let shift = ctx.timeline.shift_date();
    let current_start = NaiveDate::from_ymd_opt(shift.year(), shift.month(), 1).unwrap_or(shift);
    let previous_company = people::company(rng);
    let mut jobs = vec![Job {
        title: track[0],
        company: people::company(rng),
        location: location.clone(),
        started: current_start,
        finished: None,
        description: Some(DESCRIPTIONS[0]),
    }];
    let mut end = current_start - TimeDelta::days(1);
    let spans_months = [rng.between(24, 40), rng.between(18, 30), rng.between(18, 30), 6];
    for (i, months) in spans_months.iter().enumerate() {
        let start = end - TimeDelta::days(months * 30);
        let start = NaiveDate::from_ymd_opt(start.year(), start.month(), 1).unwrap_or(start);
        let company = if i < 2 { previous_company.clone() } else { people::company(rng) };
        jobs.push(Job {
            title: track[i + 1],
            company,
            location: if i == 3 { "Mannheim, Germany".to_string() } else { location.clone() },
            started: start,
            finished: Some(NaiveDate::from_ymd_opt(end.year(), end.month(), 1).unwrap_or(end)),
            description: DESCRIPTIONS.get(i + 1).copied().filter(|_| i != 1 || rng.chance(0.5)),
        });
        end = start - TimeDelta::days(1);
    }
    jobs
}

/// Writes every profile file.
pub(crate) fn write<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut rng = ctx.rng("profile");
    let member = &ctx.network.member;
    let jobs = career(&mut rng, ctx);
    let current = &jobs[0];
    let headline = format!(
        "{} at {} | Helping B2B teams sell where their buyers are | Speaker on social selling",
        current.title, current.company
    );
    let summary = format!(
        "I help B2B sales teams turn LinkedIn from a noisy feed into a pipeline.\n\n\
         Before {company} I spent years carrying a quota, so I know that \"social selling\" only \
         matters if it shows up in the forecast.\n\nAsk me about partner ecosystems, \
         account-based outreach, and the best coffee in {city}.",
        company = current.company,
        city = member.city
    );

    let mut profile = archive.csv("Profile.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    profile.header(
        &[
            "First Name",
            "Last Name",
            "Maiden Name",
            "Address",
            "Birth Date",
            "Headline",
            "Summary",
            "Industry",
            "Zip Code",
            "Geo Location",
            "Twitter Handles",
            "Websites",
            "Instant Messengers",
        ],
        false,
    )?;
    let birth = NaiveDate::from_ymd_opt(1988, rng.between(1, 12) as u32, rng.between(1, 28) as u32)
        .unwrap_or_default();
    let handle = people::ascii_slug(&member.person.first) + &people::ascii_slug(&member.person.last);
    let websites = format!(
        "[PORTFOLIO:https://portfolio.example.com/{handle},COMPANY:https://www.example.com,BLOG:https://blog.example.org/{handle}]"
    );
    profile.row(&[
        &member.person.first,
        &member.person.last,
        "",
        "",
        &calendar::month_day(birth),
        &headline,
        &summary,
        "Software Development",
        "10115",
        &format!("{}, {}", member.city, member.country),
        &format!("[{handle}_example]"),
        &websites,
        "",
    ])?;
    profile.finish()?;

    if ctx.current() {
        let mut summary_file = archive.csv("Profile Summary.csv", Encoding::Utf8, Quoting::Rfc4180)?;
        summary_file.header(&["Profile Summary"], false)?;
        summary_file.row(&[&summary])?;
        summary_file.finish()?;
    }

    let mut positions = archive.csv("Positions.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    positions
        .header(&["Company Name", "Title", "Description", "Location", "Started On", "Finished On"], false)?;
    for job in &jobs {
        positions.row(&[
            &job.company,
            job.title,
            job.description.unwrap_or(""),
            &job.location,
            &calendar::month_year(job.started),
            &job.finished.map(calendar::month_year).unwrap_or_default(),
        ])?;
    }
    positions.finish()?;

    let oldest = jobs.last().map(|j| j.started.year()).unwrap_or(2012);
    let mut education = archive.csv("Education.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    education
        .header(&["School Name", "Start Date", "End Date", "Notes", "Degree Name", "Activities"], false)?;
    let (school, master) = match member.person.lang {
        Lang::De => ("Universität Mannheim", "Master of Science - MS, Management"),
        Lang::Fr => ("emlyon business school", "Master's degree, Management"),
        Lang::En => ("University of Edinburgh", "MSc, Marketing"),
    };
    education.row(&[
        school,
        &calendar::month_year(NaiveDate::from_ymd_opt(oldest - 2, 10, 1).unwrap_or_default()),
        &calendar::month_year(NaiveDate::from_ymd_opt(oldest, 9, 1).unwrap_or_default()),
        "Thesis on trust in B2B buying committees.",
        master,
        "Debating club, student consultancy",
    ])?;
    education.row(&[
        "Hochschule für Wirtschaft und Recht Berlin",
        &(oldest - 5).to_string(),
        &(oldest - 2).to_string(),
        "",
        "Bachelor of Arts - BA, Business Administration",
        "",
    ])?;
    education.finish()?;

    let mut skills = archive.csv("Skills.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    skills.header(&["Name"], false)?;
    let skill_count = rng.between(25, MEMBER_SKILLS.len() as i64) as usize;
    for skill in &MEMBER_SKILLS[..skill_count] {
        skills.row(&[skill])?;
    }
    skills.finish()?;

    let window_year = ctx.timeline.first_day().year();
    let mut certifications = archive.csv("Certifications.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    certifications
        .header(&["Name", "Url", "Authority", "Started On", "Finished On", "License Number"], false)?;
    let certs = [
        ("Social Selling Foundations", "LinkedIn", window_year, ""),
        ("Certified Scrum Product Owner (CSPO)", "Scrum Alliance", window_year - 2, "000123456"),
        ("Salesforce Certified Administrator", "Salesforce", window_year - 4, ""),
    ];
    for (name, authority, year, license) in certs {
        let url = format!("https://www.example.com/certificates/{}", rng.hex(12));
        certifications.row(&[
            name,
            &url,
            authority,
            &calendar::month_year(NaiveDate::from_ymd_opt(year, 11, 1).unwrap_or_default()),
            "",
            license,
        ])?;
    }
    certifications.finish()?;

    let mut languages = archive.csv("Languages.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    languages.header(&["Name", "Proficiency"], false)?;
    languages.row(&["English", "Full professional proficiency"])?;
    languages.row(&["German", "Native or bilingual proficiency"])?;
    languages.row(&["French", "Limited working proficiency"])?;
    languages.finish()?;

    let mut projects = archive.csv("Projects.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    projects.header(&["Title", "Description", "Url", "Started On", "Finished On"], false)?;
    projects.row(&[
        "Partner Academy",
        "A six-week enablement programme for reseller sales teams, from pitch deck to joint account plans.",
        "https://academy.example.com",
        &calendar::month_year(ctx.timeline.shift_date()),
        "",
    ])?;
    projects.row(&[
        "CRM migration",
        "Moved 40k accounts and five years of history to a new CRM, without losing a single open deal.",
        "",
        &calendar::month_year(NaiveDate::from_ymd_opt(window_year - 2, 3, 1).unwrap_or_default()),
        &calendar::month_year(NaiveDate::from_ymd_opt(window_year - 2, 9, 1).unwrap_or_default()),
    ])?;
    projects.finish()?;

    let mut publications = archive.csv("Publications.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    publications.header(&["Name", "Published On", "Description", "Publisher", "Url"], false)?;
    publications.row(&[
        "Selling to committees, not contacts",
        &calendar::month_year(NaiveDate::from_ymd_opt(window_year - 1, 5, 1).unwrap_or_default()),
        "An essay on multi-threading deals.",
        "Sales Leaders Quarterly",
        "https://quarterly.example.com/committees",
    ])?;
    publications.finish()?;

    let mut honors = archive.csv("Honors.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    honors.header(&["Title", "Description", "Issued On"], false)?;
    honors.row(&[
        "President's Club",
        "Top 5% of the sales organisation by attainment.",
        &calendar::month_year(NaiveDate::from_ymd_opt(window_year - 1, 1, 1).unwrap_or_default()),
    ])?;
    honors.finish()?;

    write_rich_media(ctx, archive)
}

/// The rich-media log: prose dates, the only sign of profile and background photo changes.
fn write_rich_media<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut rng = ctx.rng("rich-media");
    let timeline = ctx.timeline;
    let count = ctx.opts.volume.rich_media.max(2);
    // A new profile photo early on, and a fresh one (with a new background) for the new job.
    let shift = timeline.shift_date().and_hms_opt(8, 3, 0).unwrap_or_default();
    let mut items = vec![
        ("profile photo", timeline.start() + TimeDelta::days(3) + TimeDelta::minutes(rng.between(420, 1200))),
        ("profile photo", shift + TimeDelta::days(rng.between(1, 10))),
        ("background photo", shift + TimeDelta::days(rng.between(1, 10)) + TimeDelta::hours(2)),
    ];
    let sampler = timeline.sampler(Pace { before: 0.3, after: 1.5, bursty: true });
    while items.len() < count {
        items.push(("image", sampler.moment(&mut rng)));
    }
    items.truncate(count);
    items.sort_by_key(|(_, at)| std::cmp::Reverse(*at));
    let (name, columns): (&str, [&str; 3]) = if ctx.current() {
        ("Rich_Media.csv", ["Date/Time", "Media Description", "Media Link"])
    } else {
        ("Rich Media.csv", ["Date/Time", "Type", "Link"])
    };
    let mut file = archive.csv(name, Encoding::Utf8, Quoting::Rfc4180)?;
    file.header(&columns, false)?;
    for (kind, at) in items {
        let at = at.min(timeline.end());
        let (sentence, description, path) = match kind {
            "profile photo" => ("You uploaded a profile photo", "", "profile-displayphoto-shrink_800_800"),
            "background photo" => {
                ("You uploaded a background photo", "", "profile-displaybackgroundimage-shrink_350_1400")
            }
            _ => ("You uploaded an image for a post", "Team offsite, slide 3", "feedshare-shrink_2048_1536"),
        };
        let link = format!(
            "https://media.licdn.com/dms/image/v2/D4E{}/{path}/0/{}?e=2147483647&v=beta",
            rng.hex(20).to_uppercase(),
            calendar::unix_millis(at)
        );
        let prose = format!("{sentence} on {}", calendar::prose(at));
        let middle = if ctx.current() { description } else { kind };
        file.row(&[&prose, middle, &link])?;
    }
    file.finish()?;
    Ok(())
}
