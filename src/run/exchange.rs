//! The batches an isolated pool sent its workers, as each worker waited on them: what its
//! timeline draws as messages, and the time the run spent in them.

use crate::run::MessageSpan;
use std::collections::HashMap;

/// One batch and its answer: when the page sent it and read the answer, and when its tasks ran
/// (ms on the run's clock).
#[derive(Clone, Debug, PartialEq)]
pub struct Exchange {
    pub worker: usize,
    pub sent_ms: f64,
    pub received_ms: f64,
    /// When its first task started and its last ended; `None` for a batch of no task.
    pub ran: Option<(f64, f64)>,
    /// Its tasks' time, added up.
    pub compute_ms: f64,
}

/// Each exchange's span as its worker waited on it, in the same order, and the time the
/// exchanges spent in messages, summed over workers. A batch sent ahead waited in its worker's
/// queue while the batch before it ran, not in a message: its span starts when that batch's last
/// task ended, if that is later than it was sent. And the answer to that batch before was on
/// its way while the worker went on to the next, not waited for: its span ends when its last
/// task did. So no two spans of a worker overlap.
pub fn message_spans(exchanges: &[Exchange]) -> (Vec<MessageSpan>, f64) {
    // Each exchange's worker's previous batch's last end, and when its next batch was sent.
    let mut last_end = HashMap::new();
    let before: Vec<Option<f64>> = exchanges
        .iter()
        .map(|e| match e.ran {
            Some((_, end)) => last_end.insert(e.worker, end),
            None => last_end.get(&e.worker).copied(),
        })
        .collect();
    let mut next_sent = HashMap::new();
    let mut after: Vec<Option<f64>> = exchanges
        .iter()
        .rev()
        .map(|e| next_sent.insert(e.worker, e.sent_ms))
        .collect();
    after.reverse();
    let mut messaging_ms = 0.0;
    let spans = exchanges
        .iter()
        .zip(before.into_iter().zip(after))
        .map(|(e, (before, after))| {
            let sent_ms = before.map_or(e.sent_ms, |end| e.sent_ms.max(end));
            let received_ms = after.map_or(e.received_ms, |sent| e.received_ms.min(sent));
            let received_ms = e.ran.map_or(received_ms, |(_, end)| received_ms.max(end));
            messaging_ms += (received_ms - sent_ms - e.compute_ms).max(0.0);
            MessageSpan {
                worker: e.worker,
                sent_ms,
                received_ms,
            }
        })
        .collect();
    (spans, messaging_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(worker: usize, sent_ms: f64, received_ms: f64, ran: (f64, f64)) -> Exchange {
        Exchange {
            worker,
            sent_ms,
            received_ms,
            ran: Some(ran),
            compute_ms: ran.1 - ran.0,
        }
    }

    fn span(worker: usize, sent_ms: f64, received_ms: f64) -> MessageSpan {
        MessageSpan {
            worker,
            sent_ms,
            received_ms,
        }
    }

    #[test]
    fn batches_sent_one_at_a_time_keep_their_spans() {
        // Sent at 0, ran 1–3, read at 4; sent at 4, ran 5–6, read at 8.
        let (spans, messaging) = message_spans(&[
            exchange(0, 0.0, 4.0, (1.0, 3.0)),
            exchange(0, 4.0, 8.0, (5.0, 6.0)),
        ]);
        assert_eq!(spans, vec![span(0, 0.0, 4.0), span(0, 4.0, 8.0)]);
        assert_eq!(messaging, 2.0 + 3.0);
    }

    #[test]
    fn a_batch_sent_ahead_waits_in_the_queue_not_in_a_message() {
        // Both sent at 0; the first ran 1–3 and was read at 5, the second ran 3–4, read at 6.
        let (spans, messaging) = message_spans(&[
            exchange(0, 0.0, 5.0, (1.0, 3.0)),
            exchange(0, 0.0, 6.0, (3.0, 4.0)),
        ]);
        assert_eq!(spans, vec![span(0, 0.0, 3.0), span(0, 3.0, 6.0)]);
        // 1 ms to arrive, then only the last answer's 2 ms on its way back.
        assert_eq!(messaging, 1.0 + 2.0);
    }

    #[test]
    fn an_answer_on_its_way_while_the_next_batch_waits_is_counted_once() {
        // The second batch was sent at 3.5, after the first's last task (3) and before its
        // answer was read (5): the worker waited 3–3.5 for it, and then ran it 4–4.5.
        let (spans, messaging) = message_spans(&[
            exchange(0, 0.0, 5.0, (1.0, 3.0)),
            exchange(0, 3.5, 6.0, (4.0, 4.5)),
        ]);
        assert_eq!(spans, vec![span(0, 0.0, 3.5), span(0, 3.5, 6.0)]);
        assert_eq!(messaging, 1.5 + 2.0);
    }

    #[test]
    fn workers_are_apart_and_an_answer_never_ends_before_its_tasks() {
        let mut odd = exchange(1, 0.0, 2.0, (0.5, 1.5));
        odd.ran = Some((0.5, 2.5));
        let (spans, messaging) = message_spans(&[
            exchange(0, 0.0, 5.0, (1.0, 3.0)),
            odd,
            exchange(1, 0.0, 9.0, (2.0, 3.0)),
            exchange(0, 0.0, 6.0, (4.0, 5.0)),
        ]);
        assert_eq!(
            spans,
            vec![
                span(0, 0.0, 3.0),
                span(1, 0.0, 2.5),
                span(1, 2.5, 9.0),
                span(0, 3.0, 6.0),
            ]
        );
        assert_eq!(messaging, 1.0 + 1.5 + 5.5 + 2.0);
    }

    #[test]
    fn an_empty_batch_is_all_message() {
        let empty = |sent_ms: f64| Exchange {
            worker: 0,
            sent_ms,
            received_ms: sent_ms + 0.5,
            ran: None,
            compute_ms: 0.0,
        };
        let (spans, messaging) = message_spans(&[
            empty(1.0),
            exchange(0, 1.5, 4.0, (2.0, 3.0)),
            empty(4.0),
            empty(5.0),
        ]);
        assert_eq!(
            spans,
            vec![
                span(0, 1.0, 1.5),
                span(0, 1.5, 4.0),
                span(0, 4.0, 4.5),
                span(0, 5.0, 5.5)
            ]
        );
        assert_eq!(messaging, 0.5 + 1.5 + 0.5 + 0.5);
    }
}
