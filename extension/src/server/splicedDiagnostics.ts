// A document's diagnostics as the server sends them to this extension: splices of the last ones it sent
// (`dbagent/diagnosticsSplice`, declared by the client capability `experimental.dbagentDiagnosticsSplice`). A keystroke
// in a long migration then carries the few diagnostics around the edit instead of all of them, which the client would
// otherwise parse and convert on every change. The server's side is DiagnosticsPublication.PrepareSplice.

/** The payload of `dbagent/diagnosticsSplice`; `D` is the server's (protocol) diagnostic. */
export interface DiagnosticsSplice<D> {
  uri: string;
  version?: number;
  /** The splice whose diagnostics this one edits; 0: none (the list starts empty). */
  base: number;
  id: number;
  start: number;
  deleteCount: number;
  diagnostics: D[];
}

export const diagnosticsSpliceMethod = 'dbagent/diagnosticsSplice';
/** Client → server: `{ uri }`, a splice did not follow the last one applied; the next comes whole. */
export const diagnosticsResyncMethod = 'dbagent/diagnosticsResync';
/** The client capability, under `capabilities.experimental`. */
export const diagnosticsSpliceCapability = 'dbagentDiagnosticsSplice';

/** Per document, the diagnostics last applied and the id of their splice. Pure: `T` is whatever the editor shows. */
export class SplicedDiagnostics<T> {
  private readonly documents = new Map<string, { id: number; items: T[] }>();

  /**
   * Applies a splice whose diagnostics are already converted (`inserted`). Returns the document's diagnostics now, or
   * undefined when the splice does not follow the last one applied here (nothing changes; ask for a resync).
   */
  apply(splice: Omit<DiagnosticsSplice<unknown>, 'diagnostics'>, inserted: readonly T[]): T[] | undefined {
    const last = this.documents.get(splice.uri);
    if (splice.base !== 0 && last?.id !== splice.base) {
      return undefined;
    }
    const before = splice.base === 0 || last === undefined ? [] : last.items;
    if (splice.start < 0 || splice.deleteCount < 0 || splice.start + splice.deleteCount > before.length) {
      return undefined;
    }
    const items = [...before.slice(0, splice.start), ...inserted, ...before.slice(splice.start + splice.deleteCount)];
    if (splice.id === 0 && items.length === 0) {
      this.documents.delete(splice.uri); // cleared on close
    } else {
      this.documents.set(splice.uri, { id: splice.id, items });
    }
    return items;
  }
}
