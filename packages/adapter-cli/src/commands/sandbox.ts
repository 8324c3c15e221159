import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import { sandboxEnvironment, startZohoSandbox, type SandboxChange } from '@tsh/zoho-sandbox';
import type { CliContext } from '../runtime/context';
import { writeLine } from '../runtime/io';
import { printJson } from '../runtime/output';
import { parseWholeNumber } from '../runtime/parse';
import { sendChangeWebhooks } from '../runtime/sandbox-webhooks';
import { installShutdown } from '../runtime/shutdown';

interface SandboxFlags {
  port: number;
  host: string;
  seed: string;
  items?: number;
  customers?: number;
  invoices?: number;
  bills?: number;
  requestsPerMinute: number;
  mutateEvery: number;
  mutateCount: number;
  webhooksTo?: string;
  json?: boolean;
}

function parseBaseUrl(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new InvalidArgumentError('must be an http(s) URL, e.g. http://127.0.0.1:3000');
  return url.toString().replace(/\/+$/, '');
}

export function registerSandbox(program: Command, ctx: CliContext): void {
  program
    .command('sandbox')
    .description('run a local Zoho Books + Inventory stand-in (OAuth, paging, rate limits, signed webhooks) and print the env lines that point TDS at it')
    .option('--port <port>', 'port (0 picks a free one)', parseWholeNumber(0, 65_535), 0)
    .option('--host <host>', 'interface', '127.0.0.1')
    .option('--seed <seed>', 'same seed, same catalogue and credentials', 'tds')
    .option('--items <n>', 'catalogue size (default 500)', parseWholeNumber(0, 200_000))
    .option('--customers <n>', 'customers (default 150)', parseWholeNumber(0, 100_000))
    .option('--invoices <n>', 'invoices (default 300)', parseWholeNumber(0, 100_000))
    .option('--bills <n>', 'bills (default 100)', parseWholeNumber(0, 100_000))
    .option('--requests-per-minute <n>', 'API rate limit before 429, like Zoho', parseWholeNumber(1, 1_000_000), 100)
    .option('--mutate-every <seconds>', 'change some records every N seconds (0: never)', parseWholeNumber(0, 86_400), 30)
    .option('--mutate-count <n>', 'changes per tick', parseWholeNumber(1, 10_000), 5)
    .option('--webhooks-to <url>', 'send signed webhooks for every change to this TDS server, e.g. http://127.0.0.1:3000', parseBaseUrl)
    .option('--json', 'print the URLs and env as one JSON document instead of env lines')
    .addHelpText(
      'after',
      '\nTypical use, in two terminals:\n  tds sandbox --requests-per-minute 1000 --webhooks-to http://127.0.0.1:3000 > .env\n  tds migrate && tds sync all --full && tds serve\nCtrl-C stops the sandbox.',
    )
    .action(async (options: SandboxFlags) => {
      const shutdown = installShutdown(ctx.io);
      try {
        const sandbox = await startZohoSandbox({
          port: options.port,
          host: options.host,
          seed: options.seed,
          items: options.items,
          customers: options.customers,
          invoices: options.invoices,
          bills: options.bills,
          requestsPerMinute: options.requestsPerMinute,
          mutateEveryMs: options.mutateEvery * 1000,
          mutateCount: options.mutateCount,
        });
        try {
          const env: Record<string, string> = { ...sandboxEnvironment(sandbox), TDS_ADMIN_TOKEN: `sandbox-admin-${randomBytes(12).toString('hex')}` };
          // TDS must keep to the sandbox's limit, as it keeps to Zoho's 100/min by default.
          if (options.requestsPerMinute !== 100) env.TDS_RATE_LIMIT_PER_MINUTE = String(options.requestsPerMinute);
          if (options.json) {
            printJson(ctx.io, { url: sandbox.url, accountsUrl: sandbox.accountsUrl, apiUrl: sandbox.apiUrl, organizationId: sandbox.organizationId, env });
          } else {
            for (const [key, value] of Object.entries(env)) writeLine(ctx.io.stdout, `${key}=${value}`);
          }
          const counts = ['item', 'contact', 'invoice', 'bill', 'pricebook'] as const;
          writeLine(
            ctx.io.stderr,
            [
              `Zoho sandbox on ${sandbox.url} (organization ${sandbox.organizationId}): ${counts.map((e) => `${sandbox.store.count(e)} ${e}s`).join(', ')}.`,
              `The lines on stdout are the environment that points TDS at it (save them as .env); the credentials are the sandbox's own.`,
              options.mutateEvery > 0 ? `Every ${options.mutateEvery}s ${options.mutateCount} records change${options.webhooksTo ? `, each announced by a signed webhook to ${options.webhooksTo}` : ''}.` : 'Records do not change (--mutate-every 0).',
              'Ctrl-C stops it.',
            ].join('\n'),
          );
          const inFlight = new Set<Promise<unknown>>();
          const unsubscribe = sandbox.store.onChange((change: SandboxChange) => {
            writeLine(ctx.io.stderr, `sandbox: ${change.kind} ${change.entity} ${change.id} (${change.detail})`);
            if (!options.webhooksTo) return;
            const sending = sendChangeWebhooks(sandbox, options.webhooksTo, [change]).then(([sent]) => {
              if (sent) writeLine(ctx.io.stderr, `sandbox: webhook ${sent.result.method} ${new URL(sent.result.url).pathname} → ${sent.result.status ?? sent.result.error}`);
            });
            inFlight.add(sending);
            void sending.finally(() => inFlight.delete(sending));
          });
          await shutdown.stopped;
          unsubscribe();
          await Promise.allSettled([...inFlight]);
        } finally {
          await sandbox.close();
        }
      } finally {
        shutdown.dispose();
      }
    });
}
