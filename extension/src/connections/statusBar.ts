// The status bar item: which connection the active file uses and whether it answers, as the server reports
// it through dbagent/connectionStatus.
import * as vscode from 'vscode';
import type { DbAgentServer } from '../server/languageServer';
import { ConnectionStatusNotification } from './protocol';
import { ConnectionStatusStore } from './statusStore';

export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('dbagent.connection', vscode.StatusBarAlignment.Right, 100);
  private readonly store = new ConnectionStatusStore();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(server: DbAgentServer) {
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
      server.onDidStart(() => {
        // A new server reports afresh; what the old one said no longer holds.
        this.store.clear();
        this.render();
      }),
    );
    this.render();
  }

  private render(): void {
    const editor = vscode.window.activeTextEditor;
    const status = editor ? this.store.statusOf(editor.document.uri.toString()) : undefined;
    if (!editor || editor.document.languageId !== 'sql' || !status) {
      this.item.hide();
      return;
    }
    const name = status.connection ?? 'no connection';
    switch (status.state) {
      case 'connected':
        this.item.text = `$(database) ${name}`;
        this.item.backgroundColor = undefined;
        this.item.command = 'dbagent.testConnection';
        break;
      case 'unreachable':
        this.item.text = `$(debug-disconnect) ${name}`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        this.item.command = 'dbagent.testConnection';
        break;
      default:
        this.item.text = '$(database) no connection';
        this.item.backgroundColor = undefined;
        this.item.command = 'dbagent.addConnection';
        break;
    }
    const state = status.state === 'connected' ? 'connected' : status.state === 'unreachable' ? 'unreachable' : 'not connected';
    this.item.tooltip = `DbAgent: ${name} (${state})${status.message ? `\n${status.message}` : ''}`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
