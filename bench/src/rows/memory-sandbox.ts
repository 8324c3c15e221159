// The sandbox of the memory row, in a process of its own so its catalogue is not in the measured
// process. Prints its connection details as one JSON line; SIGTERM stops it.
import { startZohoSandbox } from '@tsh/zoho-sandbox';

const sandbox = await startZohoSandbox({
  seed: 'bench-memory',
  items: Number(process.argv[2]),
  customers: 2,
  vendors: 1,
  invoices: 1,
  bills: 1,
  requestsPerMinute: 1_000_000,
  maxConcurrent: 100,
  dailyLimit: 1_000_000,
});
const { apiUrl, accountsUrl, organizationId, credentials, webhookSecret } = sandbox;
process.stdout.write(`${JSON.stringify({ apiUrl, accountsUrl, organizationId, credentials, webhookSecret })}\n`);
process.on('SIGTERM', () => {
  // Its stderr is the row's: a close that waits on a lingering connection would keep the row's output open.
  setTimeout(() => process.exit(0), 2000).unref();
  void sandbox.close().then(() => process.exit(0));
});
