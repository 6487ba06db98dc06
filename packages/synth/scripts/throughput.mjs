// Task samples per second of the training stream in Node (one core).
// Usage: npm run build -w @mobile-mm/synth && node packages/synth/scripts/throughput.mjs [seconds]
import { createRenderer, taskBatches } from '@mobile-mm/synth';

const seconds = Number(process.argv[2] ?? 5);
const t0 = performance.now();
const renderer = await createRenderer();
console.log(`renderer ${renderer.backend}: ready in ${(performance.now() - t0).toFixed(0)} ms`);

for (const [name, mix] of [
  ['mix 1:1:1', { caption: 1, ocr: 1, vqa: 1 }],
  ['caption', { caption: 1 }],
  ['ocr', { ocr: 1 }],
  ['vqa', { vqa: 1 }],
]) {
  const stream = taskBatches({ renderer, batchSize: 64, mix });
  for (let i = 0; i < 5; i++) await stream.next(); // warm up
  const rates = [];
  for (let rep = 0; rep < 5; rep++) {
    let n = 0;
    const t = performance.now();
    while (performance.now() - t < (seconds * 1000) / 5) n += (await stream.next()).value.length;
    rates.push(n / ((performance.now() - t) / 1000));
  }
  rates.sort((a, b) => a - b);
  console.log(`${name.padEnd(10)} median ${rates[2].toFixed(0)} samples/s (min ${rates[0].toFixed(0)}, max ${rates[4].toFixed(0)})`);
}
