import type { ZohoLineItem } from '@tsh/zoho-client';
import type { ApplyContext } from './apply-context';
import { replaceDocumentLines, storedLines, type StoredLine } from './document-lines';
import { inRecordTransaction } from './record-transaction';
import { prepareForTombstone, softDeleteChildren, softDeleteRow } from './soft-delete';
import { assertStorableText } from './storable-text';
import { RecordRejectedError, isWritten, type ApplyDb, type ApplyOutcome, type ApplyTx } from './types';
import { upsertVersioned } from './versioned-upsert';

/** Where one kind of document (invoice, bill) and its lines are stored. */
export interface DocumentTables {
  entity: 'invoice' | 'bill';
  table: 'invoices' | 'bills';
  key: 'zoho_invoice_id' | 'zoho_bill_id';
  linesTable: 'invoice_lines' | 'bill_lines';
}

export interface PreparedDocument {
  id: string;
  version: string | null;
  header: Record<string, unknown>;
  lines: StoredLine[];
}

/** Checks and shapes a transformed document; a document without `line_items` is refused (fetch its detail). */
export function prepareDocument(
  tables: DocumentTables,
  id: string,
  header: Record<string, unknown> & { zoho_last_modified_time: string | null },
  lines: ReadonlyArray<Parameters<typeof storedLines>[0][number]> | null,
  source: { line_items?: ZohoLineItem[] },
  keepRaw: boolean,
): PreparedDocument {
  if (lines === null || source.line_items === undefined) {
    throw new RecordRejectedError(tables.entity, id, 'the record has no line_items (a list row); fetch its detail before applying');
  }
  const row = keepRaw ? { ...header, raw: JSON.stringify(source) } : { ...header };
  const stored = storedLines(lines, source.line_items);
  assertStorableText(tables.entity, id, { row, lines: stored, raw: keepRaw ? source : null });
  return { id, version: header.zoho_last_modified_time, header: row, lines: stored };
}

async function writeDocument(tx: ApplyTx, tables: DocumentTables, doc: PreparedDocument): Promise<ApplyOutcome> {
  const { outcome } = await upsertVersioned(tx, { table: tables.table, key: tables.key, row: doc.header });
  if (isWritten(outcome)) await replaceDocumentLines(tx, tables.linesTable, tables.key, doc.id, doc.lines, doc.version);
  return outcome;
}

/** One transaction: the header (guarded by its version) and, when it was written, its lines as a set. */
export function applyDocument(db: ApplyDb, tables: DocumentTables, doc: PreparedDocument, ctx: ApplyContext): Promise<ApplyOutcome> {
  return inRecordTransaction(db, ctx, (tx) => writeDocument(tx, tables, doc));
}

/** Soft-deletes a document and its lines; stored as deleted when only the deletion is known. */
export function deleteDocument(
  db: ApplyDb,
  tables: DocumentTables,
  id: string,
  version: string | null,
  ctx: ApplyContext,
  prepare?: () => PreparedDocument,
): Promise<ApplyOutcome> {
  const tombstone = prepare ? prepareForTombstone(prepare) : null;
  return inRecordTransaction(db, ctx, async (tx) => {
    let result = await softDeleteRow(tx, tables.table, tables.key, id, version);
    if (result === 'missing') {
      if (!tombstone || tombstone.id !== id) return 'unchanged';
      await writeDocument(tx, tables, tombstone);
      result = await softDeleteRow(tx, tables.table, tables.key, id, null);
    }
    if (result === 'deleted') await softDeleteChildren(tx, tables.linesTable, tables.key, id);
    return result === 'deleted' ? 'deleted' : result === 'stale' ? 'stale' : 'unchanged';
  });
}
