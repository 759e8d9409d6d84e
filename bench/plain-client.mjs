// The reference a researcher would write instead of Discernus: every document of a corpus folder sent to an
// OpenAI-compatible endpoint as one chat completion, a fixed number at a time, with Node's own fetch. No retries, no
// parsing, no files: what is left of a run's wall time after this is the pipeline's own cost (bench/efficiency.sh).
// Usage: node bench/plain-client.mjs BASE_URL CORPUS_DIR FRAMEWORK_FILE CONCURRENCY   → one JSON line on stdout.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const [base, corpus, frameworkFile, concurrencyText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const framework = await readFile(frameworkFile, 'utf8');
const files = (await readdir(corpus)).filter((f) => f.endsWith('.txt')).sort();
const started = performance.now();
let next = 0, ok = 0, failed = 0;
async function lane() {
  while (next < files.length) {
    const document = await readFile(join(corpus, files[next++]), 'utf8');
    const response = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer plain' },
      body: JSON.stringify({ model: 'fake', messages: [{ role: 'system', content: framework }, { role: 'user', content: document }] }),
    });
    await response.text();
    response.ok ? ok++ : failed++;
  }
}
await Promise.all(Array.from({ length: concurrency }, lane));
console.log(JSON.stringify({ documents: files.length, ok, failed, wall_s: (performance.now() - started) / 1000 }));
