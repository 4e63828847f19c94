// Just enough of the `vscode` module for vscode-languageclient's protocol converter (protocolConverter.js) to load
// and run outside VS Code, so that tests put the server's real responses through the converter the extension
// uses. The classes keep the checks VS Code's own types make (a Position is never negative, a DocumentSymbol's
// selectionRange lies inside its range); anything else the converter reaches for throws, so a conversion path
// this stub does not know fails loudly instead of passing.
import Module from 'node:module';

class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {
    if (!Number.isInteger(line) || !Number.isInteger(character) || line < 0 || character < 0) {
      throw new Error(`Illegal argument: Position(${line}, ${character})`);
    }
  }
  isBeforeOrEqual(other: Position): boolean {
    return this.line < other.line || (this.line === other.line && this.character <= other.character);
  }
}

class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(startLine: number, startCharacter: number, endLine: number, endCharacter: number) {
    const a = new Position(startLine, startCharacter);
    const b = new Position(endLine, endCharacter);
    [this.start, this.end] = a.isBeforeOrEqual(b) ? [a, b] : [b, a];
  }
  contains(other: Range): boolean {
    return this.start.isBeforeOrEqual(other.start) && other.end.isBeforeOrEqual(this.end);
  }
}

class Uri {
  private constructor(readonly value: string) {}
  static parse(value: string): Uri {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) {
      throw new Error(`Uri.parse: "${value}" has no scheme`);
    }
    return new Uri(value);
  }
  get scheme(): string {
    return this.value.slice(0, this.value.indexOf(':'));
  }
  toString(): string {
    return this.value;
  }
}

class CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = CodeActionKind.Empty.append('quickfix');
  static readonly Refactor = CodeActionKind.Empty.append('refactor');
  static readonly RefactorExtract = CodeActionKind.Refactor.append('extract');
  static readonly RefactorInline = CodeActionKind.Refactor.append('inline');
  static readonly RefactorRewrite = CodeActionKind.Refactor.append('rewrite');
  static readonly Source = CodeActionKind.Empty.append('source');
  static readonly SourceOrganizeImports = CodeActionKind.Source.append('organizeImports');
  constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
}

class CodeAction {
  kind?: CodeActionKind;
  diagnostics?: Diagnostic[];
  edit?: WorkspaceEdit;
  isPreferred?: boolean;
  constructor(
    readonly title: string,
    kind?: CodeActionKind,
  ) {
    this.kind = kind;
  }
}

class Diagnostic {
  code?: string | number | { value: string | number; target: Uri };
  source?: string;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: number = DiagnosticSeverity.Error,
  ) {
    if (!(range instanceof Range)) throw new Error('Diagnostic: range must be a Range');
  }
}

const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 } as const;

type WorkspaceEditEntry =
  | { kind: 'create'; uri: Uri; options: unknown }
  | { kind: 'rename'; from: Uri; to: Uri }
  | { kind: 'delete'; uri: Uri }
  | { kind: 'edit'; uri: Uri; range: Range; newText: string };

class WorkspaceEdit {
  readonly entries: WorkspaceEditEntry[] = [];
  createFile(uri: Uri, options?: unknown): void {
    this.entries.push({ kind: 'create', uri, options });
  }
  renameFile(from: Uri, to: Uri): void {
    this.entries.push({ kind: 'rename', from, to });
  }
  deleteFile(uri: Uri): void {
    this.entries.push({ kind: 'delete', uri });
  }
  replace(uri: Uri, range: Range, newText: string): void {
    if (!(range instanceof Range)) throw new Error('WorkspaceEdit.replace: range must be a Range');
    this.entries.push({ kind: 'edit', uri, range, newText });
  }
  set(uri: Uri, edits: TextEdit[]): void {
    for (const edit of edits) {
      if (!(edit instanceof TextEdit)) throw new Error('WorkspaceEdit.set: edits must be TextEdits');
      this.entries.push({ kind: 'edit', uri, range: edit.range, newText: edit.newText });
    }
  }
}

class TextEdit {
  constructor(
    readonly range: Range,
    readonly newText: string,
  ) {
    if (!(range instanceof Range)) throw new Error('TextEdit: range must be a Range');
  }
}

class MarkdownString {
  isTrusted?: boolean;
  supportHtml?: boolean;
  constructor(public value = '') {}
  appendText(text: string): this {
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!]/g, '\\$&');
    return this;
  }
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
  appendCodeblock(code: string, language = ''): this {
    this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
    return this;
  }
}

class Hover {
  readonly contents: MarkdownString[];
  constructor(
    contents: MarkdownString | MarkdownString[],
    readonly range?: Range,
  ) {
    this.contents = Array.isArray(contents) ? contents : [contents];
  }
}

class DocumentSymbol {
  children: DocumentSymbol[] = [];
  tags?: number[];
  constructor(
    readonly name: string,
    readonly detail: string,
    readonly kind: number,
    readonly range: Range,
    readonly selectionRange: Range,
  ) {
    // As VS Code's extHostTypes.DocumentSymbol validates.
    if (!name) throw new Error('name must not be falsy');
    if (!range.contains(selectionRange)) throw new Error('selectionRange must be contained in fullRange');
  }
}

class Location {
  constructor(
    readonly uri: Uri,
    readonly range: Range,
  ) {}
}

/** Classes the converter's modules extend when they load, but that the tested conversions never create. */
class Unused {
  constructor() {
    throw new Error('This vscode stub class is not meant to be constructed by the conversions under test.');
  }
}

const members: Record<string, unknown> = {
  Position,
  Range,
  Uri,
  CodeAction,
  CodeActionKind,
  Diagnostic,
  DiagnosticSeverity,
  DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
  DiagnosticRelatedInformation: class {
    constructor(
      readonly location: Location,
      readonly message: string,
    ) {}
  },
  WorkspaceEdit,
  TextEdit,
  MarkdownString,
  Hover,
  DocumentSymbol,
  Location,
  SymbolKind: { Property: 6 },
  SymbolTag: { Deprecated: 1 },
  workspace: { getWorkspaceFolder: () => undefined },
  CompletionItem: Unused,
  CodeLens: Unused,
  DocumentLink: Unused,
  CallHierarchyItem: Unused,
  TypeHierarchyItem: Unused,
  SymbolInformation: Unused,
  InlayHint: Unused,
};

const vscodeStub = new Proxy(members, {
  get(target, property) {
    if (typeof property === 'symbol' || property === '__esModule' || property === 'then' || property === 'default') {
      return undefined;
    }
    if (!(property in target)) {
      throw new Error(`The vscode stub has no "${property}": the conversion under test reached beyond it.`);
    }
    return target[property];
  },
});

let installed = false;

/** Makes `require('vscode')` return the stub (idempotent). */
export function installVscodeStub(): void {
  if (installed) return;
  installed = true;
  const moduleWithLoad = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = moduleWithLoad._load;
  moduleWithLoad._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscodeStub : load.call(this, request, ...rest);
  };
}

export type StubWorkspaceEdit = WorkspaceEdit;
export type StubCodeAction = CodeAction;
export type StubDiagnostic = Diagnostic;
export type StubHover = Hover;
export type StubDocumentSymbol = DocumentSymbol;
