//! Outcomes written in groups: a group gathers the outcomes that arrive within
//! a few milliseconds of its first (and while the last group is being committed),
//! one statement and one flush for all of them, so a slow row never holds the
//! others back and more rows in flight cost fewer commits each.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_postgres::Client;

use super::health::Health;
use crate::settled::Settled;
use crate::store::StoreError;

/// The most outcomes in one statement.
const MAX_GROUP: usize = 256;

/// How long a group gathers after its first outcome. Outcomes wait that much
/// longer to be durable (a worker that dies meanwhile leaves rows the next one
/// looks up), and a worker sharing the batch with others commits groups a few
/// times larger: fewer statements and commits for the database to run.
const LINGER: Duration = Duration::from_millis(2);

/// A fact is written whoever holds the row and never overwritten; anything else
/// only by the row's holder, and never over a fact. Each outcome's row is looked
/// up by its key.
const WRITE: &str = "UPDATE feennex_rows r
     SET state = o.state, payout_id = o.payout_id, write_off = o.write_off,
         shop_currency = o.shop_currency, preexisting = o.preexisting, code = o.code,
         message = o.message, id_taken = o.id_taken,
         lease_until = clock_timestamp(), settled_at = clock_timestamp()
     FROM unnest($3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::integer[],
                 $8::boolean[], $9::bigint[], $10::text[], $11::boolean[])
          AS o(record, state, payout_id, write_off, shop_currency, preexisting, code, message, id_taken)
     WHERE r.batch_id = $1 AND r.record = o.record
       AND r.state NOT IN ('paid', 'conflict', 'unverified')
       AND (r.owner = $2 OR o.state IN ('paid', 'conflict', 'unverified'))";

struct Pending {
    record: i64,
    settled: Settled,
    done: oneshot::Sender<Result<(), String>>,
}

/// Where a worker's outcomes go.
#[derive(Debug)]
pub(super) struct Outcomes {
    sender: mpsc::Sender<Pending>,
    health: Health,
}

impl Outcomes {
    /// Starts one writer per connection in `clients`, each with its statement
    /// prepared once.
    pub(super) async fn start(
        clients: Vec<Client>,
        batch_id: &str,
        worker: &str,
        health: &Health,
    ) -> Result<(Self, Vec<JoinHandle<()>>), StoreError> {
        let (sender, receiver) = mpsc::channel(MAX_GROUP * 2);
        let receiver = Arc::new(Mutex::new(receiver));
        let mut tasks = Vec::new();
        for client in clients {
            // One plan for every group, made for a batch of average size: planned
            // for its values, a group's plan would follow statistics that may not
            // know the batch yet (a batch registered after them looks like one row)
            // and read the whole batch for each group.
            let planning = client.batch_execute("SET plan_cache_mode = force_generic_plan");
            health.answer("preparing statements", planning).await?;
            let statement = health.answer("preparing statements", client.prepare(WRITE)).await?;
            let writer = Writer {
                client,
                statement,
                batch_id: batch_id.to_owned(),
                worker: worker.to_owned(),
                health: health.clone(),
            };
            tasks.push(tokio::spawn(writer.run(receiver.clone())));
        }
        Ok((Self { sender, health: health.clone() }, tasks))
    }

    /// Writes a row's outcome; returns once it is committed.
    pub(super) async fn write(&self, record: i64, settled: &Settled) -> Result<(), StoreError> {
        self.health.check()?;
        let (done, committed) = oneshot::channel();
        let pending = Pending { record, settled: settled.clone(), done };
        let stopped = || StoreError::Database("the outcome writer stopped".into());
        self.sender.send(pending).await.map_err(|_| stopped())?;
        committed.await.map_err(|_| stopped())?.map_err(StoreError::Database)
    }
}

struct Writer {
    client: Client,
    statement: tokio_postgres::Statement,
    batch_id: String,
    worker: String,
    health: Health,
}

impl Writer {
    async fn run(self, receiver: Arc<Mutex<mpsc::Receiver<Pending>>>) {
        let mut group = Vec::new();
        loop {
            {
                let mut receiver = receiver.lock().await;
                let Some(first) = receiver.recv().await else { return };
                group.push(first);
                let until = tokio::time::Instant::now() + LINGER;
                while group.len() < MAX_GROUP {
                    match tokio::time::timeout_at(until, receiver.recv()).await {
                        Ok(Some(more)) => group.push(more),
                        Ok(None) | Err(_) => break,
                    }
                }
            }
            let result = self.write(&group).await.map_err(|error| error.to_string());
            for pending in group.drain(..) {
                let _ = pending.done.send(result.clone());
            }
        }
    }

    async fn write(&self, group: &[Pending]) -> Result<(), StoreError> {
        // Rows locked in record order, as the lease renewal locks them: two
        // statements of this worker never wait for each other in a cycle.
        let mut ordered: Vec<&Pending> = group.iter().collect();
        ordered.sort_unstable_by_key(|pending| pending.record);
        let mut columns = Columns::default();
        for pending in ordered {
            columns.push(pending.record, &pending.settled);
        }
        let Columns {
            records,
            states,
            payout_ids,
            write_offs,
            currencies,
            preexisting,
            codes,
            messages,
            id_taken,
        } = &columns;
        self.health
            .answer(
                "writing outcomes",
                self.client.execute(
                    &self.statement,
                    &[
                        &self.batch_id,
                        &self.worker,
                        records,
                        states,
                        payout_ids,
                        write_offs,
                        currencies,
                        preexisting,
                        codes,
                        messages,
                        id_taken,
                    ],
                ),
            )
            .await?;
        Ok(())
    }
}

/// A group of outcomes as the statement's arrays.
#[derive(Default)]
struct Columns {
    records: Vec<i64>,
    states: Vec<&'static str>,
    payout_ids: Vec<Option<i64>>,
    write_offs: Vec<Option<String>>,
    currencies: Vec<Option<i32>>,
    preexisting: Vec<Option<bool>>,
    codes: Vec<Option<i64>>,
    messages: Vec<Option<String>>,
    id_taken: Vec<bool>,
}

impl Columns {
    fn push(&mut self, record: i64, settled: &Settled) {
        let (mut payout_id, mut write_off, mut currency, mut preexisting, mut code, mut message) =
            (None, None, None, None, None, None);
        let mut id_taken = false;
        let state = match settled {
            Settled::Paid {
                payout_id: id,
                write_off: paid,
                shop_currency,
                preexisting: before,
            } => {
                payout_id = Some(*id as i64);
                write_off = Some(paid.to_string());
                currency = Some(i32::from(*shop_currency));
                preexisting = Some(*before);
                "paid"
            }
            Settled::Failed { code: refused, message: why } => {
                code = *refused;
                message = Some(why.clone());
                "failed"
            }
            Settled::Unknown { message: why, id_taken: taken } => {
                id_taken = *taken;
                message = Some(why.clone());
                "unknown"
            }
            Settled::Conflict { payout_id: id, message: why } => {
                payout_id = Some(*id as i64);
                message = Some(why.clone());
                "conflict"
            }
            Settled::Unverified { payout_id: id, message: why } => {
                payout_id = Some(*id as i64);
                message = Some(why.clone());
                "unverified"
            }
        };
        self.records.push(record);
        self.states.push(state);
        self.payout_ids.push(payout_id);
        self.write_offs.push(write_off);
        self.currencies.push(currency);
        self.preexisting.push(preexisting);
        self.codes.push(code);
        self.messages.push(message);
        self.id_taken.push(id_taken);
    }
}
