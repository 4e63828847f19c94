// The plan view: a webview drawing a statement's plan (and the same plan with the proposed indexes), opened from a
// code lens on plan findings, from their hover, and from the command palette at the caret.
import * as vscode from 'vscode';
import type { DbAgentServer } from '../server/languageServer';
import { planPageHtml } from './planHtml';
import { StatementPlanRequest, type StatementPlanParams } from './protocol';

export const showPlanCommand = 'dbagent.showPlan';

export function activatePlanView(context: vscode.ExtensionContext, server: DbAgentServer): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('dbagent.showPlan', async (uri?: string, line?: number, character?: number, relation?: string) => {
      const editor = vscode.window.activeTextEditor;
      const documentUri = uri ?? editor?.document.uri.toString();
      if (!documentUri) {
        void vscode.window.showInformationMessage('DbAgent: open a SQL file and put the cursor in a statement to see its plan.');
        return;
      }
      const position = line !== undefined ? { line, character: character ?? 0 } : editor ? { line: editor.selection.active.line, character: editor.selection.active.character } : { line: 0, character: 0 };
      const client = await server.ready();
      if (!client) {
        void vscode.window.showWarningMessage('DbAgent: the language server is not running.');
        return;
      }
      const params: StatementPlanParams = { textDocument: { uri: documentUri }, position, relation: relation ?? undefined };
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'DbAgent: planning' },
        () => client.sendRequest(StatementPlanRequest, params),
      );
      const panel = vscode.window.createWebviewPanel('dbagent.plan', 'DbAgent Plan', vscode.ViewColumn.Beside, {
        enableScripts: false,
        localResourceRoots: [],
      });
      panel.webview.html = planPageHtml(result, panel.webview.cspSource);
    }),
    vscode.languages.registerCodeLensProvider({ language: 'sql' }, new PlanFindingLenses()),
  );
}

/** "Show plan" above every plan finding (rule ids plan-*), with the table it is about. */
class PlanFindingLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor() {
    vscode.languages.onDidChangeDiagnostics(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    const seen = new Set<number>();
    for (const d of vscode.languages.getDiagnostics(document.uri)) {
      const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
      if (d.source !== 'dbagent' || !code.startsWith('plan-') || seen.has(d.range.start.line)) continue;
      seen.add(d.range.start.line);
      const relation = relationOf(d);
      lenses.push(
        new vscode.CodeLens(d.range, {
          title: 'DbAgent: Show plan',
          command: showPlanCommand,
          arguments: [document.uri.toString(), d.range.start.line, d.range.start.character, relation],
        }),
      );
    }
    return lenses;
  }
}

function relationOf(d: vscode.Diagnostic): string | undefined {
  const data = (d as vscode.Diagnostic & { data?: Record<string, string> }).data;
  return data && typeof data.table === 'string' ? data.table.split('.').pop() : undefined;
}
