//! Made-up prose for messages, posts, comments, recommendations and searches. All of it is
//! invented; the pools are small on purpose so the committed example compresses well.

use super::people::Lang;
use super::rng::Rng;

/// Why a message is written; chooses the pool its sentences come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MessageRole {
    /// The first message of a conversation the member or a contact starts.
    Opener,
    /// Any later message in a one-to-one conversation.
    Reply,
    /// A recruiter's InMail.
    RecruiterPitch,
    /// A cold sales pitch from a stranger.
    SalesPitch,
    /// A message in a group conversation.
    Group,
}

/// Who writes to whom, for greetings and sign-offs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MessageContext<'a> {
    /// What the message is for.
    pub(crate) role: MessageRole,
    /// The language it is written in.
    pub(crate) lang: Lang,
    /// First name of the (first) recipient.
    pub(crate) to_first: &'a str,
    /// First name of the sender.
    pub(crate) from_first: &'a str,
    /// A company to mention.
    pub(crate) company: &'a str,
    /// A city to mention.
    pub(crate) city: &'a str,
}

const TOPICS: &[&str] = &[
    "pipeline reviews",
    "social selling",
    "outbound in the DACH market",
    "pricing for usage-based SaaS",
    "hiring SDRs",
    "customer onboarding",
    "the new EU data rules",
    "remote sales teams",
    "account-based marketing",
    "procurement in manufacturing",
];

const EVENTS: &[&str] = &[
    "SaaStock",
    "the Berlin Sales Summit",
    "Web Summit",
    "a partner dinner in Munich",
    "the Lyon tech meetup",
];

const OPENERS_EN: &[&str] = &[
    "I came across your post about {topic} and really liked your take on it.",
    "We met briefly at {event} - great to be connected here.",
    "I'm working with a few teams on {topic}, and I'd love to hear how you approach it at {company}.",
    "Thanks for accepting my invitation! I noticed {company} is growing quickly, congrats.",
    "Would you be open to a 20-minute call next week? No pitch, just comparing notes on {topic}.",
    "Quick question: who owns {topic} at {company}? Happy to be pointed in the right direction.",
    "Great to connect! I saw you're also in {city}, we should grab a coffee.",
];

const REPLIES_EN: &[&str] = &[
    "Thanks, {to}!",
    "Sounds good.",
    "Tuesday at 10:00 works for me.",
    "Sure, happy to chat. Does Thursday afternoon work?",
    "Sorry for the late reply, last week was hectic.",
    "Sent you the deck by e-mail.",
    "Great talking earlier, I'll follow up with the notes.",
    "Haha, fair point 😄",
    "Let me check with my team and get back to you.",
    "Not a priority for us right now, but feel free to reach out in Q3.",
    "Here's the \"State of B2B Sales\" report I mentioned, pages 12-15 are the interesting part.",
    "Congrats on the new role!",
    "Could you send over a few times that work for you?",
    "I'll be in {city} on the 14th, coffee?",
    "Yes, we use it for {topic}, mostly happy with it, though reporting could be better.",
    "Makes sense. I'll loop in our Head of Operations.",
    "Perfect, see you then.",
    "Thanks for thinking of me, but I'm not looking to move right now.",
];

const OPENERS_DE: &[&str] = &[
    "ich habe deinen Beitrag zu {topic} gelesen und fand deine Sicht sehr spannend.",
    "danke für die Vernetzung! Wie geht ihr bei {company} mit {topic} um?",
    "wir hatten uns kurz auf {event} gesehen - schön, dass wir jetzt vernetzt sind.",
];

const REPLIES_DE: &[&str] = &[
    "Danke dir, {to}!",
    "Passt, Dienstag 10 Uhr geht bei mir.",
    "Klingt gut, lass uns telefonieren.",
    "Sorry für die späte Antwort - war viel los.",
    "Ich schicke dir die Unterlagen per Mail.",
    "Herzlichen Glückwunsch zur neuen Position!",
    "Gerne, ich melde mich nächste Woche.",
];

const OPENERS_FR: &[&str] = &[
    "j'ai lu ton post sur {topic}, très intéressant.",
    "merci pour la mise en relation ! Comment abordez-vous {topic} chez {company} ?",
];

const REPLIES_FR: &[&str] = &[
    "Merci {to} !",
    "Ça marche pour mardi 10h.",
    "Désolé pour la réponse tardive.",
    "Je t'envoie la présentation par e-mail.",
    "Félicitations pour le nouveau poste !",
    "Avec plaisir, on s'appelle la semaine prochaine.",
];

const RECRUITER_EN: &[&str] = &[
    "I'm reaching out because your background in {topic} caught my eye.",
    "We're hiring for a senior, customer-facing role with a fast-growing client in {city}.",
    "The team is small, the product is loved, and the package is competitive.",
    "Would you be open to a short, confidential conversation this week?",
];

const SALES_EN: &[&str] = &[
    "I help revenue teams like yours at {company} cut ramp time for new reps by 40%.",
    "Companies in your space use us to make {topic} measurable.",
    "Worth a 15-minute look? If not, no worries at all.",
    "Happy to share a short case study if that's easier.",
];

const GROUP_EN: &[&str] = &[
    "Agenda for tomorrow is in the shared folder.",
    "Can everyone make 3pm?",
    "+1",
    "I'll take the action item on pricing.",
    "Thanks all, great session today!",
    "Moving this to Thursday, same time.",
    "Who's presenting the numbers?",
];

const SUBJECTS: &[&str] = &[
    "Opportunity: Head of Partnerships ({city})",
    "Quick question about {topic}",
    "Confidential: Sales leadership role",
    "Idea for {company}",
    "Invitation: roundtable on {topic}",
];

const GROUP_TITLES: &[&str] = &[
    "Q3 partner sync",
    "{company} x {city} kickoff",
    "Sales leaders {city}",
    "Conference carpool",
    "Pricing workshop",
];

/// Fills `{to}`, `{company}`, `{city}`, `{topic}` and `{event}` in a template.
fn fill(rng: &mut Rng, template: &str, ctx: &MessageContext<'_>) -> String {
    let mut text =
        template.replace("{to}", ctx.to_first).replace("{company}", ctx.company).replace("{city}", ctx.city);
    if text.contains("{topic}") {
        text = text.replace("{topic}", pick_str(rng, TOPICS));
    }
    if text.contains("{event}") {
        text = text.replace("{event}", pick_str(rng, EVENTS));
    }
    text
}

/// A random template of `pool`, filled in.
fn fill_from(rng: &mut Rng, pool: &[&'static str], ctx: &MessageContext<'_>) -> String {
    let template = pick_str(rng, pool);
    fill(rng, template, ctx)
}

/// A message body; often several lines (greeting, body, sign-off).
pub(crate) fn message(rng: &mut Rng, ctx: &MessageContext<'_>) -> String {
    let (openers, replies, greeting, signoffs): (&[&str], &[&str], &str, &[&str]) = match ctx.lang {
        Lang::En => (OPENERS_EN, REPLIES_EN, "Hi", &["Best,", "Cheers,", "Thanks,", "Kind regards,"]),
        Lang::De => (OPENERS_DE, REPLIES_DE, "Hallo", &["Viele Grüße", "Beste Grüße,"]),
        Lang::Fr => (OPENERS_FR, REPLIES_FR, "Bonjour", &["Bonne journée,", "Cordialement,"]),
    };
    match ctx.role {
        MessageRole::Opener => {
            let body = fill_from(rng, openers, ctx);
            let body = if ctx.lang == Lang::En { capitalize(&body) } else { body };
            let mut text = format!("{greeting} {},\n\n{body}", ctx.to_first);
            if ctx.lang == Lang::En && rng.chance(0.5) {
                text.push(' ');
                text.push_str(&fill_from(rng, REPLIES_EN, ctx));
            }
            text.push_str(&format!("\n\n{}\n{}", rng.pick(signoffs), ctx.from_first));
            text
        }
        MessageRole::Reply => {
            let mut text = fill_from(rng, replies, ctx);
            if rng.chance(0.25) {
                let more = fill_from(rng, replies, ctx);
                text = if rng.chance(0.5) { format!("{text}\n{more}") } else { format!("{text} {more}") };
            }
            text
        }
        MessageRole::RecruiterPitch | MessageRole::SalesPitch => {
            let pool = if ctx.role == MessageRole::RecruiterPitch { RECRUITER_EN } else { SALES_EN };
            let sentences: Vec<String> = pool.iter().map(|s| fill(rng, s, ctx)).collect();
            format!(
                "Hi {},\n\n{} {}\n\n{}\n\nBest regards,\n{}",
                ctx.to_first,
                sentences[0],
                sentences[1],
                sentences[2..].join(" "),
                ctx.from_first
            )
        }
        MessageRole::Group => fill_from(rng, GROUP_EN, ctx),
    }
}

/// A subject line for InMail and pitches.
pub(crate) fn subject(rng: &mut Rng, ctx: &MessageContext<'_>) -> String {
    let template = *rng.pick(SUBJECTS);
    fill(rng, template, ctx)
}

/// A title for a group conversation.
pub(crate) fn group_title(rng: &mut Rng, ctx: &MessageContext<'_>) -> String {
    let template = *rng.pick(GROUP_TITLES);
    fill(rng, template, ctx)
}

/// One string of a pool (a copy of the reference, so `rng` is free again).
fn pick_str(rng: &mut Rng, pool: &[&'static str]) -> &'static str {
    pool[rng.index(pool.len())]
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

const POST_OPENERS: &[&str] = &[
    "Three lessons from {years} years in B2B sales:",
    "We just closed our biggest quarter ever, and I couldn't be prouder of this team 🚀",
    "Hot take: cold calling isn't dead, bad cold calling is.",
    "Thrilled to share that our team is growing again!",
    "What's the one question you always ask in a discovery call? Mine: \"What happens if you do nothing?\"",
    "Huge thanks to everyone who joined our webinar on {topic} yesterday.",
    "Hiring! We're looking for two Account Executives in {city}.",
    "My takeaway from {event}: buyers want fewer slides and more honest numbers.",
    "Reading list for the weekend, what would you add?",
    "A customer told me last week: \"You're the first vendor who asked about our goals, not our budget.\"",
];

const POST_MIDDLES: &[&str] = &[
    "1. Listen more than you talk. 2. Follow up - deals die of silence, not competitors. 3. Write things down.",
    "None of this happened by accident: weekly pipeline reviews, honest forecasts, and a lot of coffee.",
    "The recording is linked below 👇",
    "If you know someone great, tag them in the comments.",
    "Curious how others handle {topic}.",
    "We tested it for a quarter. Reply rates went from 4% to 11%.",
];

const HASHTAGS: &[&str] = &[
    "#sales #socialselling #b2b",
    "#leadership #hiring",
    "#saas #startups",
    "#customersuccess",
    "#salesenablement",
];

/// The paragraphs of a post (first line, optional middle, optional hashtags).
pub(crate) fn post_paragraphs(rng: &mut Rng, city: &str) -> Vec<String> {
    let fill_post = |rng: &mut Rng, template: &str| {
        let mut text = template.replace("{city}", city).replace("{years}", &rng.between(5, 15).to_string());
        if text.contains("{topic}") {
            text = text.replace("{topic}", pick_str(rng, TOPICS));
        }
        if text.contains("{event}") {
            text = text.replace("{event}", pick_str(rng, EVENTS));
        }
        text
    };
    let first = *rng.pick(POST_OPENERS);
    let mut paragraphs = vec![fill_post(rng, first)];
    if rng.chance(0.7) {
        let middle = *rng.pick(POST_MIDDLES);
        paragraphs.push(fill_post(rng, middle));
    }
    if rng.chance(0.6) {
        paragraphs.push((*rng.pick(HASHTAGS)).to_string());
    }
    paragraphs
}

const COMMENTS: &[&str] = &[
    "Great insights, {name}!",
    "Totally agree with the \"less is more\" point.",
    "Congrats! 🎉",
    "Well deserved!",
    "Thanks for sharing, this is gold.",
    "Interesting - how do you measure that?",
    "Couldn't agree more.",
    "We saw the same with \"inbound\" leads, especially in Q4.",
    "Love this, {name}. Saving it for my team.",
    "Glückwunsch, {name}!",
    "Bravo, bien mérité !",
    "This, 100%.",
    "Great point, although I'd add: the follow-up is where most deals are won, not the first call.",
];

/// A comment on someone's post.
pub(crate) fn comment(rng: &mut Rng, name: &str) -> String {
    pick_str(rng, COMMENTS).replace("{name}", name)
}

const POLL_OPTIONS: &[&str] = &[
    "Phone",
    "E-mail",
    "LinkedIn messages",
    "In person",
    "Monday morning",
    "Friday afternoon",
    "Yes, weekly",
    "Only when needed",
    "AI-assisted",
];

/// The option chosen in a poll.
pub(crate) fn poll_option(rng: &mut Rng) -> &'static str {
    pick_str(rng, POLL_OPTIONS)
}

const SEARCH_TEMPLATES: &[&str] = &[
    "vp sales fintech",
    "head of marketing {city}",
    "geschäftsführer logistik",
    "directeur commercial lyon",
    "founder saas",
    "social selling",
    "sales enablement jobs",
    "procurement director manufacturing",
    "cro series b",
    "account executive",
];

/// A search query: a person's name, a company, a title with a place, or a topic.
pub(crate) fn search_query(rng: &mut Rng, person_name: &str, company: &str, city: &str) -> String {
    match rng.below(4) {
        0 => person_name.to_string(),
        1 => company.to_string(),
        _ => rng.pick(SEARCH_TEMPLATES).replace("{city}", &city.to_lowercase()),
    }
}

const RECOMMENDATION_SENTENCES: &[&str] = &[
    "I had the pleasure of working with {name} for two years.",
    "{name} is the rare seller who understands the product as well as the customer.",
    "Always prepared, always honest about the forecast, and great fun to work with.",
    "{name} built our partner channel from scratch and doubled its revenue within a year.",
    "Any team would be lucky to have {name}.",
];

/// A recommendation text.
pub(crate) fn recommendation(rng: &mut Rng, name: &str) -> String {
    let count = rng.between(2, 4) as usize;
    let mut sentences: Vec<&str> = RECOMMENDATION_SENTENCES.to_vec();
    rng.shuffle(&mut sentences);
    sentences.iter().take(count).map(|s| s.replace("{name}", name)).collect::<Vec<_>>().join(" ")
}

/// A short paragraph for an article body.
pub(crate) fn article_paragraph(rng: &mut Rng) -> String {
    let middle = pick_str(rng, POST_MIDDLES);
    let first = middle.replace("{topic}", pick_str(rng, TOPICS));
    format!("{first} {}", rng.pick(RECOMMENDATION_SENTENCES).replace("{name}", "the team"))
}

/// A title for an article.
pub(crate) fn article_title(rng: &mut Rng) -> String {
    const TITLES: &[&str] = &[
        "Why your pipeline review is lying to you",
        "Five things I learned about {topic}",
        "The quiet power of the follow-up",
        "What buyers told us in 100 discovery calls",
        "Social selling is just selling, done in public",
        "Notes from a year of {topic}",
    ];
    let title = *rng.pick(TITLES);
    let topic = pick_str(rng, TOPICS);
    title.replace("{topic}", topic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openers_greet_and_sign() {
        let mut rng = Rng::new(9);
        let ctx = MessageContext {
            role: MessageRole::Opener,
            lang: Lang::En,
            to_first: "Ana",
            from_first: "Alex",
            company: "Northwind Labs",
            city: "Berlin",
        };
        let text = message(&mut rng, &ctx);
        assert!(text.starts_with("Hi Ana,\n\n"), "{text}");
        assert!(text.ends_with("\nAlex"), "{text}");
        assert!(!text.contains('{'), "{text}");
    }

    #[test]
    fn no_placeholder_survives() {
        let mut rng = Rng::new(10);
        for role in [
            MessageRole::Opener,
            MessageRole::Reply,
            MessageRole::RecruiterPitch,
            MessageRole::SalesPitch,
            MessageRole::Group,
        ] {
            for lang in [Lang::En, Lang::De, Lang::Fr] {
                for _ in 0..50 {
                    let ctx = MessageContext {
                        role,
                        lang,
                        to_first: "A",
                        from_first: "B",
                        company: "C",
                        city: "D",
                    };
                    let text = message(&mut rng, &ctx);
                    assert!(!text.contains('{'), "{text}");
                    assert!(!subject(&mut rng, &ctx).contains('{'));
                    assert!(!group_title(&mut rng, &ctx).contains('{'));
                }
            }
        }
        for _ in 0..50 {
            assert!(post_paragraphs(&mut rng, "Berlin").iter().all(|p| !p.contains('{')));
            assert!(!comment(&mut rng, "Ana").contains('{'));
            assert!(!recommendation(&mut rng, "Ana").contains('{'));
            assert!(!article_title(&mut rng).contains('{'));
            assert!(!article_paragraph(&mut rng).contains('{'));
        }
    }
}
