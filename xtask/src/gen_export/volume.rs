//! How much each archive size holds: the row counts and the length of the activity window.

/// The three archive sizes `gen-export` knows (`--size`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Size {
    /// About 200 connections and 1k messages over four months: quick tests.
    Small,
    /// About 1k connections and 8k messages over a year and a half: the committed example.
    Typical,
    /// About 30k connections and 150k messages over three years: performance work.
    Heavy,
}

impl Size {
    /// The row counts of this size.
    pub(crate) fn volume(self) -> Volume {
        match self {
            Size::Small => Volume {
                activity_days: 122,
                account_years_before_window: 2,
                connections: 200,
                connections_in_window_percent: 30,
                conversations: 120,
                messages: 1_000,
                conversation_drafts: 1,
                message_drafts: 2,
                assistant_messages: 10,
                invitations: 12,
                reactions: 150,
                comments: 40,
                shares: 15,
                instant_reposts: 4,
                votes: 3,
                articles: 1,
                searches: 150,
                endorsements_received: 25,
                endorsements_given: 10,
                recommendations_received: 2,
                recommendations_given: 1,
                company_follows: 20,
                member_follows: 10,
                events: 3,
                saved_jobs: 5,
                rich_media: 4,
            },
            Size::Typical => Volume {
                activity_days: 548,
                account_years_before_window: 4,
                connections: 1_000,
                connections_in_window_percent: 35,
                conversations: 800,
                messages: 8_000,
                conversation_drafts: 2,
                message_drafts: 6,
                assistant_messages: 24,
                invitations: 40,
                reactions: 1_000,
                comments: 300,
                shares: 80,
                instant_reposts: 12,
                votes: 15,
                articles: 3,
                searches: 1_200,
                endorsements_received: 120,
                endorsements_given: 60,
                recommendations_received: 5,
                recommendations_given: 3,
                company_follows: 80,
                member_follows: 40,
                events: 12,
                saved_jobs: 25,
                rich_media: 12,
            },
            Size::Heavy => Volume {
                activity_days: 1_095,
                account_years_before_window: 7,
                connections: 30_000,
                connections_in_window_percent: 60,
                conversations: 20_000,
                messages: 150_000,
                conversation_drafts: 6,
                message_drafts: 40,
                assistant_messages: 60,
                invitations: 300,
                reactions: 20_000,
                comments: 5_000,
                shares: 2_000,
                instant_reposts: 150,
                votes: 80,
                articles: 12,
                searches: 8_000,
                endorsements_received: 900,
                endorsements_given: 400,
                recommendations_received: 14,
                recommendations_given: 9,
                company_follows: 400,
                member_follows: 300,
                events: 60,
                saved_jobs: 120,
                rich_media: 60,
            },
        }
    }
}

/// Row counts for one archive. Every count is exact: the generator writes that many data rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Volume {
    /// Days of activity before the export date (messages, posts, reactions, logins, …).
    pub(crate) activity_days: u32,
    /// Years the account existed before the activity window (older connections only).
    pub(crate) account_years_before_window: u32,
    /// Rows of `Connections.csv`.
    pub(crate) connections: usize,
    /// Share of connections made inside the activity window, in percent.
    pub(crate) connections_in_window_percent: u32,
    /// Distinct conversation ids in `messages.csv`.
    pub(crate) conversations: usize,
    /// Rows of `messages.csv`, drafts included.
    pub(crate) messages: usize,
    /// Conversations that hold nothing but a draft (IS CONVERSATION DRAFT).
    pub(crate) conversation_drafts: usize,
    /// Unsent last messages in otherwise normal conversations (IS MESSAGE DRAFT).
    pub(crate) message_drafts: usize,
    /// Rows of each assistant file (`guide_messages.csv`, `learning_coach_messages.csv`).
    pub(crate) assistant_messages: usize,
    /// Pending invitations in `Invitations.csv`.
    pub(crate) invitations: usize,
    /// Rows of `Reactions.csv`.
    pub(crate) reactions: usize,
    /// Rows of `Comments.csv`.
    pub(crate) comments: usize,
    /// Rows of the shares file, plain reposts (empty commentary) included.
    pub(crate) shares: usize,
    /// Rows of the instant-reposts file.
    pub(crate) instant_reposts: usize,
    /// Rows of `Votes.csv`.
    pub(crate) votes: usize,
    /// HTML files under `Articles/Articles/`.
    pub(crate) articles: usize,
    /// Rows of `SearchQueries.csv`.
    pub(crate) searches: usize,
    /// Rows of the endorsements-received file.
    pub(crate) endorsements_received: usize,
    /// Rows of the endorsements-given file.
    pub(crate) endorsements_given: usize,
    /// Rows of the recommendations-received file.
    pub(crate) recommendations_received: usize,
    /// Rows of the recommendations-given file.
    pub(crate) recommendations_given: usize,
    /// Rows of `Company Follows.csv`.
    pub(crate) company_follows: usize,
    /// Rows of `Member_Follows.csv`.
    pub(crate) member_follows: usize,
    /// Rows of `Events.csv`.
    pub(crate) events: usize,
    /// Rows of `Jobs/Saved Jobs.csv`.
    pub(crate) saved_jobs: usize,
    /// Rows of the rich-media file (profile and background photos, post images).
    pub(crate) rich_media: usize,
}

impl Volume {
    /// The same shape with every row count divided by `divisor` (at least one row each, and at
    /// least one message per conversation); the activity window keeps its length. Lets tests
    /// check a large size's proportions without writing the large archive.
    #[cfg(test)]
    pub(crate) fn scaled_down(&self, divisor: usize) -> Volume {
        let d = divisor.max(1);
        let s = |n: usize| (n / d).max(1);
        let conversations = s(self.conversations);
        Volume {
            activity_days: self.activity_days,
            account_years_before_window: self.account_years_before_window,
            connections: s(self.connections).max(8),
            connections_in_window_percent: self.connections_in_window_percent,
            conversations,
            messages: s(self.messages).max(conversations),
            conversation_drafts: s(self.conversation_drafts),
            message_drafts: s(self.message_drafts),
            assistant_messages: s(self.assistant_messages).max(2),
            invitations: s(self.invitations),
            reactions: s(self.reactions),
            comments: s(self.comments),
            shares: s(self.shares),
            instant_reposts: s(self.instant_reposts),
            votes: s(self.votes),
            articles: s(self.articles),
            searches: s(self.searches),
            endorsements_received: s(self.endorsements_received),
            endorsements_given: s(self.endorsements_given),
            recommendations_received: s(self.recommendations_received),
            recommendations_given: s(self.recommendations_given),
            company_follows: s(self.company_follows),
            member_follows: s(self.member_follows),
            events: s(self.events),
            saved_jobs: s(self.saved_jobs),
            rich_media: s(self.rich_media).max(2),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heavy_matches_the_documented_volumes() {
        let heavy = Size::Heavy.volume();
        assert_eq!(heavy.connections, 30_000);
        assert_eq!(heavy.messages, 150_000);
        assert_eq!(heavy.conversations, 20_000);
        assert_eq!(heavy.reactions, 20_000);
        assert_eq!(heavy.comments, 5_000);
        assert_eq!(heavy.shares, 2_000);
        assert_eq!(heavy.activity_days, 3 * 365);
    }

    #[test]
    fn sizes_grow() {
        let (small, typical, heavy) = (Size::Small.volume(), Size::Typical.volume(), Size::Heavy.volume());
        assert!(small.connections < typical.connections && typical.connections < heavy.connections);
        assert!(small.activity_days < typical.activity_days && typical.activity_days < heavy.activity_days);
        assert_eq!(typical.messages, 8_000);
        assert_eq!(typical.conversations, 800);
    }

    #[test]
    fn scaling_keeps_proportions_and_window() {
        let heavy = Size::Heavy.volume();
        let scaled = heavy.scaled_down(100);
        assert_eq!(scaled.activity_days, heavy.activity_days);
        assert_eq!(scaled.connections, 300);
        assert_eq!(scaled.messages, 1_500);
        assert_eq!(scaled.conversations, 200);
        assert!(scaled.messages >= scaled.conversations);
    }
}
