import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxWebhookRequest, ZohoSandbox } from '@tsh/zoho-sandbox';

/** A webhook exactly as the Zoho stand-in sent it over the wire. */
export interface ZohoDelivery {
  method: string;
  /** Query pairs of the URL, decoded. */
  query: Array<[string, string]>;
  contentType: string;
  body: Buffer;
  /** The X-Zoho-Webhook-Signature the stand-in computed. */
  signature: string | undefined;
}

/**
 * Records what the Zoho stand-in sends: its webhooks go here first (answered 204), and the test
 * replays them to TDS, signed by its own spec-derived code. So every record has Zoho's real
 * shape, and the stand-in's signature is checked against the spec as a bonus.
 */
export interface DeliveryRecorder {
  record(request: Omit<SandboxWebhookRequest, 'target'>): Promise<ZohoDelivery>;
  close(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startDeliveryRecorder(sandbox: ZohoSandbox): Promise<DeliveryRecorder> {
  const received: ZohoDelivery[] = [];
  const server = createServer((req, res) => {
    void readAll(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://recorder');
      const signature = req.headers['x-zoho-webhook-signature'];
      received.push({
        method: req.method ?? '',
        query: [...url.searchParams],
        contentType: String(req.headers['content-type'] ?? ''),
        body,
        signature: Array.isArray(signature) ? signature[0] : signature,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/zoho-webhook`;
  return {
    async record(request) {
      const before = received.length;
      const result = await sandbox.sendWebhook({ ...request, target });
      if (result.status !== 204 || received.length !== before + 1) throw new Error(`the stand-in's webhook did not arrive: ${result.error ?? result.status}`);
      return received[before];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
