import express4 from 'express4';
import { vi } from 'vitest';
import { describeMountedRouter } from './helpers/mounted-router-suite';

// With express a peer dependency, a host on Express 4 runs the router's own routes on Express 4
// too: the adapter's `import express from 'express'` gets the host's copy, as it does here.
vi.mock('express', async () => await import('express4'));

describeMountedRouter('4', express4 as never);
