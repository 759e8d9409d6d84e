// BullMQ no-op throughput, the reference for Discernus's coordination benchmark (bench/coordination.sh):
// N jobs added with addBulk, one Worker with concurrency M and a processor that does nothing, jobs removed on
// completion (Discernus's ack deletes a task's keys too). The clock runs from the first add to the Nth completion
// seen by a QueueEvents listener (a separate reader of the completions, like Discernus's RunCompletions waiter);
// the time of the worker's own Nth 'completed' event is printed too. One warm-up round is not reported.
// Usage: node noop.mjs --redis redis://127.0.0.1:P [--tasks N] [--concurrency M] [--rounds R]
import { Queue, Worker, QueueEvents } from 'bullmq';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const url = new URL(arg('--redis', 'redis://127.0.0.1:6379'));
const tasks = Number(arg('--tasks', '20000'));
const concurrency = Number(arg('--concurrency', '64'));
const rounds = Number(arg('--rounds', '3'));
const connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
const prefix = `bench-bullmq-${process.pid}`;

async function round(n, index) {
  const name = `noop${index}`;
  const queue = new Queue(name, { connection, prefix });
  const events = new QueueEvents(name, { connection, prefix });
  await events.waitUntilReady();
  let workerDone = 0;
  let eventsDone = 0;
  let workerAt = 0;
  let start = 0;
  const finished = new Promise((resolve) => {
    events.on('completed', () => {
      eventsDone++;
      if (eventsDone === n) resolve(performance.now());
    });
  });
  const worker = new Worker(name, async () => null, { connection, prefix, concurrency, autorun: false });
  worker.on('completed', () => {
    workerDone++;
    if (workerDone === n) workerAt = performance.now();
  });
  start = performance.now();
  const chunk = 500;
  const adding = (async () => {
    for (let i = 0; i < n; i += chunk) {
      const jobs = [];
      for (let j = i; j < Math.min(n, i + chunk); j++) {
        jobs.push({ name: 'noop', data: { i: j }, opts: { removeOnComplete: true, removeOnFail: true } });
      }
      await queue.addBulk(jobs);
    }
  })();
  worker.run();
  await adding;
  const end = await finished;
  await worker.close();
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { seconds: (end - start) / 1000, workerSeconds: (workerAt - start) / 1000 };
}

for (let r = 0; r <= rounds; r++) {
  const n = r === 0 ? Math.min(tasks, 2000) : tasks;
  const { seconds, workerSeconds } = await round(n, r);
  if (r > 0) {
    console.log(`bullmq round=${r} tasks=${n} concurrency=${concurrency} seconds=${seconds.toFixed(3)} tasks_per_s=${Math.round(n / seconds)} worker_seconds=${workerSeconds.toFixed(3)} worker_tasks_per_s=${Math.round(n / workerSeconds)}`);
  }
}
