/**
 * Loaded into the command line under test by `npm run bench:nudge -- --loop-probe` (node --require): how late its
 * event loop ran (a ticket's timer fires no sooner than the loop is free) and how long garbage collection paused
 * it, written as one JSON line to LOOP_PROBE_OUT when the process exits. Not part of the product.
 */
const fs = require('node:fs');
const { monitorEventLoopDelay, PerformanceObserver } = require('node:perf_hooks');

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const gc = { count: 0, ms: 0, maxMs: 0, over10Ms: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.count += 1;
    gc.ms += entry.duration;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
    if (entry.duration > 10) gc.over10Ms += 1;
  }
}).observe({ entryTypes: ['gc'] });

const ms = (ns) => Math.round(ns / 1e4) / 100;
process.on('exit', () => {
  if (!process.env.LOOP_PROBE_OUT) return;
  const line = {
    delayP50Ms: ms(delay.percentile(50)),
    delayP99Ms: ms(delay.percentile(99)),
    delayMaxMs: ms(delay.max),
    delayMeanMs: ms(delay.mean),
    gcCount: gc.count,
    gcSeconds: Math.round(gc.ms) / 1000,
    gcMaxMs: Math.round(gc.maxMs * 10) / 10,
    gcOver10Ms: gc.over10Ms,
  };
  fs.appendFileSync(process.env.LOOP_PROBE_OUT, `${JSON.stringify(line)}\n`);
});
