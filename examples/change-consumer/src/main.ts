// A small service keeping product prices fresh from TDS's change feed, answering
//   GET /prices/<zoho_item_id>  → { name, sku, unit_price, consumer_price, wholesale_price }
// Run against the database TDS syncs into (DATABASE_URL), e.g. with the sandbox: see README.md.
import { createServer } from 'node:http';
import { createDatabase } from '@tsh/tds-core';
import { startPriceCache } from './price-cache';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required: the PostgreSQL database TDS syncs into');
  process.exit(2);
}
const database = await createDatabase({ url, applicationName: 'example-change-consumer' });
const cache = await startPriceCache(database, {
  onRefresh: (changes) => console.error(`feed: ${changes.length} product change(s) up to ${changes[changes.length - 1].id}`),
});
console.error(`cached the prices of ${cache.size} products`);

const server = createServer((req, res) => {
  const match = /^\/prices\/([A-Za-z0-9_-]{1,100})$/.exec(req.url ?? '');
  const prices = match ? cache.get(match[1]) : undefined;
  res.writeHead(prices ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify(prices ?? { error: 'no such live product' }));
});
const port = Number(process.env.PORT ?? 3100);
server.listen(port, '127.0.0.1', () => console.error(`prices on http://127.0.0.1:${port}/prices/<zoho_item_id>`));

const stop = async () => {
  server.close();
  await cache.stop();
  await database.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
