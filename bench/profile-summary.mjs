// Summarises what bench/profile.sh collected, as Markdown tables.
//   node profile-summary.mjs counters FILE.csv          dotnet-counters CSV: median and maximum of each counter
//   node profile-summary.mjs trace FILE.speedscope.json dotnet-trace speedscope: exclusive time by component and the
//                                                       frames with the most exclusive and inclusive time
// Shares are of the time threads ran managed code (see below for what is left out).
import { readFileSync } from 'node:fs';

const [mode, file] = process.argv.slice(2);

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function counters(path) {
  // Timestamp,Provider,Counter Name,Counter Type,Mean/Increment
  const series = new Map();
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    const cells = line.split(',');
    if (cells.length < 5) continue;
    const name = `${cells[2]}`;
    const value = Number(cells[4]);
    if (!Number.isFinite(value)) continue;
    if (!series.has(name)) series.set(name, []);
    series.get(name).push(value);
  }
  const wanted = [/cpu/i, /gc/i, /heap/i, /allocat/i, /working set/i, /thread ?pool/i, /lock/i, /exceptions/i, /request/i, /connection/i];
  console.log('| counter | median | max |');
  console.log('|---|---|---|');
  for (const [name, values] of series) {
    if (!wanted.some((w) => w.test(name))) continue;
    const fmt = (v) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2));
    console.log(`| ${name} | ${fmt(median(values))} | ${fmt(Math.max(...values))} |`);
  }
}

// dotnet-trace's sampled thread time ends every stack in a pseudo-frame: CPU_TIME (running managed code) or
// UNMANAGED_CODE_TIME (in native code: waiting, or the GC, the JIT, system calls). A native sample whose stack holds a
// wait is idle; the rest of the native samples are counted apart, as they cannot be attributed to managed frames.
const waits = [
  /Monitor\.Wait/, /WaitHandle\.Wait/, /LowLevelLifoSemaphore/, /LowLevelMonitor/, /Thread\.Sleep/, /WaitForSignal/,
  /ManualResetEventSlim\.Wait/, /SpinThenBlockingWait/, /InternalWait/, /WaitForSocketEvents/, /SemaphoreSlim\.Wait\(/,
  /Console.*Read/, /epoll/i,
];
const isWait = (name) => waits.some((r) => r.test(name));
// Managed frames where an idle thread-pool thread sits (spinning or parked) are idle too.
const idleTops = [
  /LowLevelLifoSemaphore/, /PortableThreadPool\+WorkerThread\.WorkerThreadStart/, /Task\.SpinWait/, /PollGC/, /WaitOneNoCheck/,
  /Monitor\.Wait/, /Thread\.Sleep/, /InternalWaitCore/,
];

function component(name) {
  const m = /^([\w.]+?)!/.exec(name);
  const module = m ? m[1] : '';
  const method = name.replace(/^[\w.]+!/, '');
  if (/^Discernus/.test(method)) {
    const parts = method.split('.');
    return parts.slice(0, 2).join('.');
  }
  if (/^(Garnet|Tsavorite)/.test(method) || /Garnet|Tsavorite/.test(module)) return 'Garnet (embedded Redis)';
  if (/^StackExchange\.Redis/.test(method) || /StackExchange/.test(module)) return 'StackExchange.Redis';
  if (/^System\.Text\.Json/.test(method)) return 'System.Text.Json';
  if (/^System\.Text\.RegularExpressions/.test(method) || /RegularExpressions/.test(module)) return 'Regex';
  if (/^System\.Net\.(Http|Security)/.test(method)) return 'System.Net.Http';
  if (/^System\.Net\.Sockets|^System\.IO\.Pipelines/.test(method)) return 'sockets and pipelines';
  if (/^Microsoft\.AspNetCore/.test(method)) return 'Kestrel / ASP.NET Core';
  if (/^Microsoft\.Extensions\.AI|^OpenAI|^System\.ClientModel/.test(method)) return 'Microsoft.Extensions.AI / OpenAI SDK';
  if (/^Polly/.test(method)) return 'Polly';
  if (/^System\.Security\.Cryptography/.test(method)) return 'hashing (SHA-256)';
  if (/^System\.IO/.test(method)) return 'file I/O';
  if (/^System\.Threading|^System\.Runtime\.CompilerServices/.test(method)) return 'async machinery, thread pool';
  if (/GC|gc_heap|WKS::|SVR::|Allocat/.test(method) || /coreclr/.test(module)) return 'runtime (GC, JIT, allocation)';
  if (/^System\.(Collections|Linq|String|Text\.)/.test(method)) return 'strings, collections, LINQ';
  return module ? `other (${module})` : 'other';
}

function trace(path) {
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  const frames = doc.shared.frames.map((f) => f.name);
  const exclusive = new Map();
  const inclusive = new Map();
  const byComponent = new Map();
  let managed = 0;
  let native = 0;
  let waiting = 0;
  for (const profile of doc.profiles) {
    if (profile.type !== 'evented') continue;
    const stack = [];
    let last = profile.startValue ?? 0;
    const account = (now) => {
      const dt = now - last;
      last = now;
      if (dt <= 0 || stack.length === 0) return;
      const leaf = frames[stack[stack.length - 1]];
      if (leaf === 'UNMANAGED_CODE_TIME') {
        if (stack.some((f) => isWait(frames[f]))) waiting += dt;
        else native += dt;
        return;
      }
      if (leaf !== 'CPU_TIME') return;
      const top = stack.length > 1 ? frames[stack[stack.length - 2]] : leaf;
      if (idleTops.some((r) => r.test(top))) {
        waiting += dt;
        return;
      }
      managed += dt;
      exclusive.set(top, (exclusive.get(top) ?? 0) + dt);
      const c = component(top);
      byComponent.set(c, (byComponent.get(c) ?? 0) + dt);
      for (const f of new Set(stack)) {
        const name = frames[f];
        if (name !== 'CPU_TIME') inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
      }
    };
    for (const e of profile.events) {
      account(e.at);
      if (e.type === 'O') stack.push(e.frame);
      else if (e.type === 'C') {
        const i = stack.lastIndexOf(e.frame);
        if (i >= 0) stack.splice(i, 1);
      }
    }
  }
  const pct = (v) => `${((100 * v) / managed).toFixed(1)} %`;
  const short = (name) => name.replace(/^[\w.]+!/, '').replace(/\|/g, '\\|').slice(0, 140);
  const s = (v) => `${(v / 1000).toFixed(1)} s`;
  console.log(`Thread time sampled: running managed code ${s(managed)}, in native code outside waits (GC, JIT, system calls, interop) ${s(native)}, waiting or idle in the thread pool ${s(waiting)}. Shares below are of the ${s(managed)} of managed code.`);
  console.log();
  console.log('| component (exclusive time) | share |');
  console.log('|---|---|');
  for (const [c, v] of [...byComponent].sort((a, b) => b[1] - a[1]).slice(0, 18)) console.log(`| ${c} | ${pct(v)} |`);
  console.log();
  console.log('| Discernus frame (inclusive time) | share |');
  console.log('|---|---|');
  const ours = [...inclusive].filter(([n]) => /Discernus\./.test(n));
  for (const [n, v] of ours.sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`| ${short(n)} | ${pct(v)} |`);
  console.log();
  console.log('| frame (exclusive time) | share |');
  console.log('|---|---|');
  for (const [n, v] of [...exclusive].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`| ${short(n)} | ${pct(v)} |`);
}

if (mode === 'counters') counters(file);
else if (mode === 'trace') trace(file);
else {
  console.error('usage: node profile-summary.mjs counters FILE.csv | trace FILE.speedscope.json');
  process.exit(2);
}
