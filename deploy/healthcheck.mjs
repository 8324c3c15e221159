#!/usr/bin/env node
// HEALTHCHECK of the image: GET /api/health on this container's own port, exit 0 on 200.
// Node's fetch, because the slim base has neither curl nor wget.
const port = process.env.PORT || '3000';
try {
  const response = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(4_000) });
  process.exit(response.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
