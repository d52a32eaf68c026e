import { systemClock } from './src/clock.js';
const late: number[] = [];
for (let i = 0; i < 40; i++) {
  await new Promise<void>((r) => { const d = performance.now() + 50; systemClock.at(d, () => { late.push(performance.now() - d); r(); }, { precise: true }); });
}
late.sort((a, b) => a - b);
console.log('p50', late[20].toFixed(3), 'p90', late[36].toFixed(3), 'max', late[39].toFixed(3));
const late2: number[] = [];
for (let i = 0; i < 40; i++) {
  await new Promise<void>((r) => { const d = performance.now() + 50; setTimeout(() => { late2.push(performance.now() - d); r(); }, 50); });
}
late2.sort((a, b) => a - b);
console.log('setTimeout p50', late2[20].toFixed(3), 'p90', late2[36].toFixed(3), 'max', late2[39].toFixed(3));
