//! What one loop of a shared-memory run did, packed as columns for the message back to the page:
//! a few lists per loop instead of a record per task, so that a run of a thousand tiny tasks is
//! answered in a few copies rather than a thousand encoded records.

use crate::run::TaskRecord;
use crate::workloads::Value;
use serde::{Deserialize, Serialize};

/// The tasks one loop ran, in the order it ran them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lane {
    /// The pool thread the loop ran on.
    worker: usize,
    /// Each task's index in the job.
    indices: Vec<usize>,
    /// Each task's place in the run's completion order (0 for the first task any loop ended).
    places: Vec<usize>,
    /// `times[0]` when the first task started, `times[i + 1]` when task `i` ended and the next
    /// began (the loop reads the clock once per task), in ms on the run's clock.
    times: Vec<f64>,
    values: Vec<Value>,
    /// With a GIL, each task's wait for it and the spans it held it; empty without one.
    gil: Vec<(f64, Vec<(f64, f64)>)>,
}

impl Lane {
    /// A loop on pool thread `worker` about to start its first task at `start_ms`, with room for
    /// `tasks` tasks.
    pub fn new(worker: usize, start_ms: f64, tasks: usize) -> Self {
        let mut times = Vec::with_capacity(tasks + 1);
        times.push(start_ms);
        Self {
            worker,
            indices: Vec::with_capacity(tasks),
            places: Vec::with_capacity(tasks),
            times,
            values: Vec::with_capacity(tasks),
            gil: Vec::new(),
        }
    }

    /// Adds task `index`, the `place`-th to end in the run, which ended at `end_ms` (when the
    /// loop's next task begins) with `value`; with a GIL, its wait and the spans it held it.
    pub fn push(
        &mut self,
        index: usize,
        place: usize,
        end_ms: f64,
        value: Value,
        gil: Option<(f64, Vec<(f64, f64)>)>,
    ) {
        self.indices.push(index);
        self.places.push(place);
        self.times.push(end_ms);
        self.values.push(value);
        self.gil.extend(gil);
    }

    /// How many tasks the loop ran.
    pub fn len(&self) -> usize {
        self.indices.len()
    }

    /// Whether the loop ran no task.
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// What is wrong with a lane whose lists do not fit together, if anything.
    fn misfit(&self) -> Option<String> {
        let n = self.len();
        let fits = self.places.len() == n
            && self.times.len() == n + 1
            && self.values.len() == n
            && (self.gil.is_empty() || self.gil.len() == n);
        (!fits).then(|| {
            format!(
                "thread {} sent {n} tasks with {} places, {} times, {} values and {} GIL spans",
                self.worker,
                self.places.len(),
                self.times.len(),
                self.values.len(),
                self.gil.len()
            )
        })
    }
}

/// Every task of `lanes` as a record with its value, in the run's completion order. Says what is
/// wrong with lanes that do not make one run: lists that do not fit together, or a place in the
/// completion order out of range or taken twice (so that none is missing).
pub fn unpack(lanes: Vec<Lane>) -> Result<Vec<(TaskRecord, Value)>, String> {
    if let Some(why) = lanes.iter().find_map(Lane::misfit) {
        return Err(why);
    }
    let total = lanes.iter().map(Lane::len).sum();
    let mut slots: Vec<Option<(TaskRecord, Value)>> = vec![None; total];
    for lane in lanes {
        let mut gil = lane.gil.into_iter();
        let tasks = lane.indices.iter().zip(&lane.places).zip(lane.values);
        for (i, ((&index, &place), value)) in tasks.enumerate() {
            let (gil_wait_ms, held) = gil.next().unwrap_or_default();
            let record = TaskRecord {
                index,
                worker: lane.worker,
                start_ms: lane.times[i],
                end_ms: lane.times[i + 1],
                gil_wait_ms,
                held,
            };
            let slot = slots
                .get_mut(place)
                .ok_or_else(|| format!("place {place} among {total} tasks"))?;
            if slot.replace((record, value)).is_some() {
                return Err(format!("two tasks ended in place {place}"));
            }
        }
    }
    // Every place is in range and none was taken twice, so all `total` are filled.
    Ok(slots.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_lanes() -> Vec<Lane> {
        // Thread 0 ran tasks 0 and 2, thread 1 task 1; they ended in the order 0, 1, 2.
        let mut a = Lane::new(0, 1.0, 2);
        a.push(0, 0, 2.0, Value::Int(10), None);
        a.push(2, 2, 5.0, Value::Int(12), None);
        let mut b = Lane::new(1, 1.5, 1);
        b.push(1, 1, 3.0, Value::Int(11), None);
        vec![a, b]
    }

    #[test]
    fn unpacks_in_completion_order_with_each_loop_s_times() {
        let done = unpack(two_lanes()).expect("one run");
        assert_eq!(
            done,
            vec![
                (TaskRecord::new(0, 0, 1.0, 2.0), Value::Int(10)),
                (TaskRecord::new(1, 1, 1.5, 3.0), Value::Int(11)),
                (TaskRecord::new(2, 0, 2.0, 5.0), Value::Int(12)),
            ]
        );
    }

    #[test]
    fn keeps_the_gil_s_wait_and_spans() {
        let mut lane = Lane::new(3, 0.0, 1);
        lane.push(7, 0, 4.0, Value::Int(1), Some((1.5, vec![(1.5, 4.0)])));
        let done = unpack(vec![lane]).expect("one run");
        let record = &done[0].0;
        assert_eq!((record.index, record.worker), (7, 3));
        assert_eq!((record.start_ms, record.end_ms), (0.0, 4.0));
        assert_eq!(record.gil_wait_ms, 1.5);
        assert_eq!(record.held, vec![(1.5, 4.0)]);
    }

    #[test]
    fn survives_postcard() {
        let lanes = two_lanes();
        let bytes = postcard::to_allocvec(&lanes).expect("encodes");
        let back: Vec<Lane> = postcard::from_bytes(&bytes).expect("decodes");
        assert_eq!(back, lanes);
    }

    #[test]
    fn no_lanes_no_tasks() {
        assert_eq!(unpack(Vec::new()), Ok(Vec::new()));
        let idle = Lane::new(0, 1.0, 4);
        assert!(idle.is_empty());
        assert!(!two_lanes()[1].is_empty());
        assert_eq!(unpack(vec![idle]), Ok(Vec::new()));
    }

    #[test]
    fn refuses_lanes_that_are_not_one_run() {
        let mut twice = two_lanes();
        twice[1].places[0] = 0;
        assert_eq!(unpack(twice), Err("two tasks ended in place 0".into()));

        let mut beyond = two_lanes();
        beyond[1].places[0] = 3;
        assert_eq!(unpack(beyond), Err("place 3 among 3 tasks".into()));

        let mut short = two_lanes();
        short[0].times.pop();
        assert_eq!(
            unpack(short),
            Err("thread 0 sent 2 tasks with 2 places, 2 times, 2 values and 0 GIL spans".into())
        );

        let mut values = two_lanes();
        values[1].values.push(Value::Int(0));
        assert!(unpack(values).is_err());

        let mut places = two_lanes();
        places[1].places.push(2);
        assert!(unpack(places).is_err());

        let mut gil = two_lanes();
        gil[0].gil.push((0.0, Vec::new()));
        assert!(unpack(gil).is_err());
    }
}
