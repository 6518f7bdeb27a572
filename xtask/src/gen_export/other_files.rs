//! Files that are not SSI inputs (ad targeting, e-mail addresses, phone numbers, registration,
//! jobs, inferences), so importers can report them as skipped. Every address and number is fake.

use super::Ctx;
use super::archive::{Archive, Encoding, Quoting};
use super::calendar::{self, Pace, moment_between};
use super::people::{ascii_slug, company};
use anyhow::Result;
use chrono::TimeDelta;
use std::io::{Seek, Write};

/// Writes every non-SSI file.
pub(crate) fn write<W: Write + Seek>(ctx: &Ctx<'_>, archive: &mut Archive<W>) -> Result<()> {
    let mut rng = ctx.rng("other");
    let member = &ctx.network.member;
    let timeline = ctx.timeline;
    let account_start =
        timeline.start() - TimeDelta::days(365 * i64::from(ctx.opts.volume.account_years_before_window));

    let mut file = archive.csv("Ad_Targeting.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    file.header(
        &[
            "Member Age",
            "Company Names",
            "Company Industries",
            "Degrees",
            "Fields of Study",
            "Job Functions",
            "Job Seniorities",
            "Job Titles",
            "Member Skills",
            "Locations",
            "Interface Locales",
        ],
        false,
    )?;
    file.row(&[
        "35 to 54",
        &format!("{}; {}", company(&mut rng), company(&mut rng)),
        "Software Development; IT Services and IT Consulting",
        "Master of Science",
        "Management; Business Administration",
        "Sales; Business Development",
        "Director; Manager",
        "Head of Partnerships; Account Executive",
        "Social Selling; B2B Sales; Negotiation",
        &format!("{}, {}", member.city, member.country),
        "en_US",
    ])?;
    file.finish()?;

    let slug_first = ascii_slug(&member.person.first);
    let slug_last = ascii_slug(&member.person.last);
    let mut file = archive.csv("Email Addresses.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    file.header(&["Email Address", "Confirmed", "Primary", "Updated On"], false)?;
    file.row(&[&member.person.email, "Yes", "Yes", &calendar::us_short(account_start)])?;
    file.row(&[
        &format!("{slug_first}{slug_last}@mail.example.com"),
        "Yes",
        "No",
        &calendar::us_short(account_start + TimeDelta::days(400)),
    ])?;
    file.finish()?;

    let mut file = archive.csv("PhoneNumbers.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    file.header(&["Extension", "Number", "Type"], false)?;
    file.row(&["", &format!("+1 202-555-01{:02}", rng.between(0, 99)), "Mobile"])?;
    file.finish()?;

    let mut file = archive.csv("Registration.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    file.header(&["Registered At", "Registration Ip", "Subscription Types"], false)?;
    file.row(&[&calendar::us_short(account_start), &format!("192.0.2.{}", rng.between(1, 254)), ""])?;
    file.finish()?;

    let mut file = archive.csv("Inferences_about_you.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    file.header(&["Category", "Type of inference", "Description", "Inference"], false)?;
    file.row(&["Jobs", "Open to work", "Whether you may be open to new opportunities", "No"])?;
    file.row(&["Advertising", "Interests", "Topics you may be interested in", "Sales technology"])?;
    file.finish()?;

    const JOB_TITLES: &[&str] = &[
        "Head of Partnerships",
        "Director of Sales",
        "Senior Account Executive",
        "VP Business Development",
        "Channel Sales Manager",
    ];
    let sampler = timeline.sampler(Pace { before: 1.5, after: 0.3, bursty: false });
    let mut saved: Vec<_> = (0..ctx.opts.volume.saved_jobs).map(|_| sampler.moment(&mut rng)).collect();
    saved.sort_by(|a, b| b.cmp(a));
    let mut file = archive.csv("Jobs/Saved Jobs.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    file.header(&["Saved Date", "Job Url", "Job Title", "Company Name"], false)?;
    for at in saved {
        let url =
            format!("https://www.linkedin.com/jobs/view/{}", 3_000_000_000u64 + rng.below(1_000_000_000));
        file.row(&[&calendar::us_short(at), &url, *rng.pick::<&str>(JOB_TITLES), &company(&mut rng)])?;
    }
    file.finish()?;

    // The member applied for the job they hold now just before the behaviour change.
    let shift = timeline.shift_date().and_hms_opt(9, 0, 0).unwrap_or_default();
    let applied = moment_between(&mut rng, shift - TimeDelta::days(70), shift - TimeDelta::days(40));
    let mut file = archive.csv("Jobs/Job Applications.csv", Encoding::Utf8, Quoting::Rfc4180)?;
    file.header(
        &[
            "Application Date",
            "Contact Email",
            "Contact Phone Number",
            "Company Name",
            "Job Title",
            "Job Url",
            "Resume Name",
            "Question And Answers",
        ],
        false,
    )?;
    file.row(&[
        &calendar::us_short(applied),
        &member.person.email,
        "+1 202-555-0100",
        &company(&mut rng),
        "Head of Partnerships",
        &format!("https://www.linkedin.com/jobs/view/{}", 3_000_000_000u64 + rng.below(1_000_000_000)),
        &format!("{slug_first}-{slug_last}-cv.pdf"),
        "Years of experience in B2B sales? : 8 | Are you willing to travel? : Yes",
    ])?;
    file.finish()
}
