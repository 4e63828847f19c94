// @database-expert: the VS Code side of the chat. It only translates between VS Code's chat API and
// forwarder.ts, which does the protocol work.
import * as vscode from 'vscode';
import type { DbAgentServer } from '../server/languageServer';
import { ChatCancelledError, ChatInput, ChatSink, forwardChat } from './forwarder';
import { ChatFollowup, ChatHistoryTurn, participantId, Range } from './protocol';

interface DbAgentChatMetadata {
  command: string | null;
  followups: ChatFollowup[];
}

export function activateChat(context: vscode.ExtensionContext, server: DbAgentServer): void {
  const participant = vscode.chat.createChatParticipant(participantId, async (request, chatContext, stream, token) => {
    const client = await server.ready();
    if (!client) {
      stream.markdown(
        `The DbAgent language server is not running, so @database-expert cannot answer.\n\n${server.startError ?? ''}`,
      );
      stream.button({ command: 'dbagent.showOutput', title: 'Show DbAgent output' });
      return { metadata: { command: request.command ?? null, followups: [] } satisfies DbAgentChatMetadata };
    }
    try {
      const result = await forwardChat(client, toChatInput(request, chatContext), streamSink(stream), token);
      const metadata: DbAgentChatMetadata = { command: result.metadata.command, followups: result.followups };
      return { metadata };
    } catch (error) {
      if (error instanceof ChatCancelledError) {
        return {};
      }
      return { errorDetails: { message: `DbAgent could not answer: ${messageOf(error)}` } };
    }
  });
  participant.iconPath = new vscode.ThemeIcon('database');
  participant.followupProvider = {
    provideFollowups(result) {
      const metadata = result.metadata as DbAgentChatMetadata | undefined;
      return (metadata?.followups ?? []).map((f) => ({
        prompt: f.prompt,
        label: f.label,
        command: f.command ?? undefined,
      }));
    },
  };
  context.subscriptions.push(participant);
}

function toChatInput(request: vscode.ChatRequest, chatContext: vscode.ChatContext): ChatInput {
  const editor = vscode.window.activeTextEditor;
  const selection = editor && !editor.selection.isEmpty ? toRange(editor.selection) : null;
  return {
    prompt: request.prompt,
    command: request.command ?? null,
    history: chatContext.history.map(toHistoryTurn).filter((t) => t.content.length > 0 || t.role === 'user'),
    document: editor ? { uri: editor.document.uri.toString(), languageId: editor.document.languageId } : null,
    selection,
  };
}

function toHistoryTurn(turn: vscode.ChatRequestTurn | vscode.ChatResponseTurn): ChatHistoryTurn {
  if (turn instanceof vscode.ChatRequestTurn) {
    return withCommand({ role: 'user', content: turn.prompt }, turn.command);
  }
  // The answer as the user saw it: the markdown parts in order.
  const content = turn.response
    .map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : ''))
    .join('');
  return withCommand({ role: 'assistant', content }, turn.command);
}

function withCommand(turn: ChatHistoryTurn, command: string | undefined): ChatHistoryTurn {
  return command ? { ...turn, command } : turn;
}

function streamSink(stream: vscode.ChatResponseStream): ChatSink {
  return {
    markdown: (text) => stream.markdown(text),
    reference: (uri, range) => {
      const target = vscode.Uri.parse(uri);
      stream.reference(range ? new vscode.Location(target, fromRange(range)) : target);
    },
    progress: (message) => stream.progress(message),
  };
}

function toRange(range: vscode.Range): Range {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}

function fromRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
