// The msw face of the sandbox, a subpath of its own so the HTTP server's users do not need msw.
export { zohoSandboxHandlers, type ZohoSandboxHandlerOptions, type ZohoSandboxHandlers } from './msw/handlers';
export { createSandboxStore, type SandboxStore } from './store';
