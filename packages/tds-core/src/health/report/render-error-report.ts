import { reportTime, RULE, SEVERITY_MARK, STATUS_MARK } from './markers';
import type { HealthReport } from './types';

const LABEL_WIDTH = 'Remediation: '.length;

function block(label: string, lines: string[]): string[] {
  const pad = ' '.repeat(LABEL_WIDTH);
  return lines.map((line, i) => `   ${i === 0 ? label.padEnd(LABEL_WIDTH) : pad}${line}`);
}

/** The seed's error report: each finding with severity, component, problem, evidence and remediation. */
export function renderErrorReport(report: HealthReport): string {
  const h = report.health;
  const findings = report.findings;
  const count = (severity: string) => findings.filter((x) => x.severity === severity).length;
  const tally = (['emergency', 'critical', 'warning', 'info'] as const)
    .filter((s) => count(s) > 0)
    .map((s) => `${count(s)} ${s}`)
    .join(', ');
  const lines = [
    `🚨 TDS Error Report - ${reportTime(h.checked_at)}`,
    RULE,
    `Organization: ${h.organization_id}`,
    `Overall status: ${STATUS_MARK[h.status]} ${h.status.toUpperCase()}`,
    `Findings: ${findings.length}${tally ? ` (${tally})` : ''}`,
    '',
  ];
  if (findings.length === 0) lines.push('✅ No problems found.', '');
  findings.forEach((x, i) => {
    lines.push(`${i + 1}. ${SEVERITY_MARK[x.severity]} ${x.severity.toUpperCase()} · ${x.component} · ${x.code}`);
    lines.push(...block('Problem:', [x.problem]));
    lines.push(...block('Evidence:', x.evidence.length > 0 ? x.evidence.map((e) => `- ${e}`) : ['- none recorded']));
    lines.push(...block('Remediation:', [x.remediation]));
    lines.push('');
  });
  lines.push(RULE);
  return lines.join('\n');
}
