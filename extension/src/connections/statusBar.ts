// The status bar item: which connection the active file uses and whether it answers, as the server reports
// it through dbagent/connectionStatus; and, while the server itself is not running, that it is not.
import * as vscode from 'vscode';
import type { DbAgentServer } from '../server/languageServer';
import { ConnectionStatusNotification } from './protocol';
import { ConnectionStatusStore, statusView } from './statusStore';

export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('dbagent.connection', vscode.StatusBarAlignment.Right, 100);
  private readonly store = new ConnectionStatusStore();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly server: DbAgentServer) {
    this.item.name = 'DbAgent Connection';
    server.register((client) => [
      client.onNotification(ConnectionStatusNotification, (status) => {
        if (this.store.update(status)) {
          this.render();
        }
      }),
    ]);
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.workspace.onDidCloseTextDocument((document) => this.store.forget(document.uri.toString())),
      server.onDidChangeState((state) => {
        // What a server said holds only while it runs; a new one reports afresh.
        if (state.kind !== 'running') {
          this.store.clear();
        }
        this.render();
      }),
    );
    this.render();
  }

  private render(): void {
    const editor = vscode.window.activeTextEditor;
    const status = editor ? this.store.statusOf(editor.document.uri.toString()) : undefined;
    const view = statusView(this.server.state, status, editor?.document.languageId === 'sql');
    if (!view) {
      this.item.hide();
      return;
    }
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.command = view.command;
    this.item.backgroundColor =
      view.background === undefined ? undefined : new vscode.ThemeColor(`statusBarItem.${view.background}Background`);
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
