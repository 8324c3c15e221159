import { startCli, type RunningCli } from '../helpers/run-cli';

export interface ServeProcess {
  cli: RunningCli;
  /** http://127.0.0.1:<port> */
  url: string;
}

/** `tds serve` on a free port of 127.0.0.1 (no scheduled syncs: the test decides when Zoho is read). */
export async function startServe(env: Record<string, string>, cwd: string, extraArgs: string[] = []): Promise<ServeProcess> {
  const cli = startCli(['serve', '--host', '127.0.0.1', '--no-scheduler', ...extraArgs], { cwd, env: { PORT: '0', ...env }, timeoutMs: 170_000 });
  const [, url] = await cli.waitFor(/listening on (http:\/\/\S+?),? /);
  return { cli, url };
}
