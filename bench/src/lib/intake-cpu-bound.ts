/**
 * The most the webhook row's ratio can be when both closed loops are CPU-bound on the same cores:
 * what the bare side spends per request (its server and the load generator) over what the TDS side
 * spends per stored delivery (its server, its PostgreSQL backends and the load generator), read
 * from webhook-ingest.ts's "CPU per request" line (docs/intake-profile.md, "The floor").
 */
export interface IntakeCpuBound {
  bareMs: number;
  tdsMs: number;
  ratio: number;
}

const ms = (line: string, pattern: RegExp) => Number(pattern.exec(line)?.[1] ?? Number.NaN);

export function intakeCpuBound(cpuLine: string): IntakeCpuBound | null {
  const bareMs = ms(cpuLine, /bare server ([\d.]+) ms/) + ms(cpuLine, /([\d.]+) ms \(bare run\)/);
  const tdsMs = ms(cpuLine, /TDS server ([\d.]+) ms/) + ms(cpuLine, /TDS server [\d.]+ ms, its PostgreSQL backends ([\d.]+) ms/) + ms(cpuLine, /([\d.]+) ms \(TDS run\)/);
  if (!Number.isFinite(bareMs) || !Number.isFinite(tdsMs) || tdsMs <= 0) return null;
  return { bareMs, tdsMs, ratio: bareMs / tdsMs };
}
