// Preloaded (node --import) into the built CLI by the memory row: at exit, writes the process's
// peak resident set size (getrusage maxrss) and its size before the CLI's code was loaded to
// BENCH_RSS_FILE. Plain JavaScript, so nothing but Node itself is loaded beside the CLI.
import { writeFileSync } from 'node:fs';

const rssAtStart = process.memoryUsage().rss;
process.on('exit', () => {
  writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify({ rssAtStart, peakRss: process.resourceUsage().maxRSS * 1024 }));
});
