//! The overdue queue's orders as words: what `:sort` takes, the sort key walks and the tab line
//! shows, each the store's `SortKey`.

use crate::store::SortKey;

text_enum!(
    /// The queue's orders as `:sort` takes them; the sort key walks them in this order but for
    /// `due`, which is there for `:sort` alone (overdue loans are worked by how late they are).
    QueueSort, "sort", {
        Dpd => "dpd",
        Overdue => "overdue",
        LastContact => "last_contact",
        NextAction => "next_action",
        Due => "due",
    }
);

impl QueueSort {
    pub fn key(self) -> SortKey {
        match self {
            QueueSort::Dpd => SortKey::Dpd,
            QueueSort::Overdue => SortKey::Overdue,
            QueueSort::LastContact => SortKey::LastContact,
            QueueSort::NextAction => SortKey::NextAction,
            QueueSort::Due => SortKey::Due,
        }
    }

    /// The queue order of a store order (the due-soon list's order is none).
    pub fn of(key: SortKey) -> Option<QueueSort> {
        QueueSort::ALL.iter().copied().find(|s| s.key() == key)
    }

    /// The order after this one for the sort key.
    pub fn next(self) -> QueueSort {
        let walked: Vec<QueueSort> =
            QueueSort::ALL.iter().copied().filter(|s| *s != QueueSort::Due).collect();
        let i = walked.iter().position(|s| *s == self).unwrap_or(0);
        walked[(i + 1) % walked.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sort_key_walks_every_order_but_due() {
        let mut s = QueueSort::Dpd;
        let mut seen = vec![s];
        for _ in 0..3 {
            s = s.next();
            seen.push(s);
        }
        assert_eq!(seen, [QueueSort::Dpd, QueueSort::Overdue, QueueSort::LastContact, QueueSort::NextAction]);
        assert_eq!(s.next(), QueueSort::Dpd);
        for q in QueueSort::ALL {
            assert_eq!(QueueSort::of(q.key()), Some(*q));
        }
        assert_eq!(QueueSort::of(SortKey::DueSoon), None);
    }
}
