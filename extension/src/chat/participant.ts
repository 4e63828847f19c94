// @database-expert: the VS Code side of the chat. It only translates between VS Code's chat API and
// forwarder.ts / modelBridge.ts, which do the protocol work: the server owns the conversation and the tools,
// and asks for turns of the model the user picked (request.model) through dbagent/modelRequest.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { ResponseError } from 'vscode-languageclient/node';
import { planButton } from '../plans/planLinks';
import type { DbAgentServer } from '../server/languageServer';
import { ChatCancelledError, ChatInput, ChatSink, forwardChat } from './forwarder';
import { ActiveChats, ModelParts, runModelTurn } from './modelBridge';
import {
  ChatFollowup,
  ChatHistoryTurn,
  ChatReferenceValue,
  ModelRequest,
  ModelTextNotification,
  participantId,
  Range,
} from './protocol';

interface DbAgentChatMetadata {
  command: string | null;
  followups: ChatFollowup[];
}

/** Longest text of one attachment handed to the server (a #file of a huge dump is cut). */
const maxReferenceChars = 20_000;

export function activateChat(context: vscode.ExtensionContext, server: DbAgentServer): void {
  const chats = new ActiveChats<vscode.LanguageModelChat>();

  server.register((client) => [
    client.onRequest(ModelRequest, async (params, token) => {
      const chat = chats.get(params?.chatToken);
      if (!chat) {
        throw new ResponseError(-32602, 'This chat request has no language model (it ended, or VS Code gave none).');
      }
      // The turn stops when the server cancels it or the user cancels the chat, whichever comes first.
      const cancel = new vscode.CancellationTokenSource();
      const subscriptions = [token.onCancellationRequested(() => cancel.cancel()), chat.token.onCancellationRequested(() => cancel.cancel())];
      if (token.isCancellationRequested || chat.token.isCancellationRequested) {
        cancel.cancel();
      }
      try {
        return await runModelTurn(chat.model, params, vscodeParts, (text) => {
          void client.sendNotification(ModelTextNotification, { requestToken: params.requestToken, text });
        }, cancel.token);
      } catch (error) {
        throw new ResponseError(-32803, `${chat.model.name}: ${messageOf(error)}`);
      } finally {
        subscriptions.forEach((s) => s.dispose());
        cancel.dispose();
      }
    }),
  ]);

  const participant = vscode.chat.createChatParticipant(participantId, async (request, chatContext, stream, token) => {
    const client = await server.ready();
    if (!client) {
      stream.markdown(
        `The DbAgent language server is not running, so @database-expert cannot answer.\n\n${server.startError ?? ''}`,
      );
      stream.button({ command: 'dbagent.showOutput', title: 'Show DbAgent output' });
      return { metadata: { command: request.command ?? null, followups: [] } satisfies DbAgentChatMetadata };
    }
    const chatToken = randomUUID();
    // The model the user picked; the server uses it unless dbagent.model.* names an endpoint of its own.
    const model = request.model;
    const registration = model ? chats.add(chatToken, model, token) : undefined;
    try {
      const input: ChatInput = {
        ...toChatInput(request, chatContext),
        model: model ? { id: model.id, name: model.name, vendor: model.vendor, family: model.family } : null,
        references: await readReferences(request.references ?? []),
      };
      const result = await forwardChat(client, input, streamSink(stream), token, chatToken);
      // Under an /explain or /indexes answer: the plan view of the statement the question was asked about.
      const editor = vscode.window.activeTextEditor;
      const button = planButton(request.command, input.document, editor ? (input.selection?.start ?? editor.selection.active) : null);
      if (button) {
        stream.button(button);
      }
      const metadata: DbAgentChatMetadata = { command: result.metadata.command, followups: result.followups };
      return { metadata };
    } catch (error) {
      if (error instanceof ChatCancelledError) {
        return {};
      }
      return { errorDetails: { message: `DbAgent could not answer: ${messageOf(error)}` } };
    } finally {
      registration?.dispose();
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
  context.subscriptions.push(
    participant.onDidReceiveFeedback((feedback) => {
      const metadata = feedback.result.metadata as DbAgentChatMetadata | undefined;
      const kind = feedback.kind === vscode.ChatResultFeedbackKind.Helpful ? 'helpful' : 'unhelpful';
      server.output.appendLine(`[chat] feedback: ${kind} (${metadata?.command ? `/${metadata.command}` : 'free-form question'})`);
    }),
  );
  context.subscriptions.push(participant);
}

/** VS Code's language model parts. */
const vscodeParts: ModelParts = {
  message: (role, parts) =>
    role === 'assistant'
      ? vscode.LanguageModelChatMessage.Assistant(parts as (vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart)[])
      : vscode.LanguageModelChatMessage.User(parts as (vscode.LanguageModelTextPart | vscode.LanguageModelToolResultPart)[]),
  text: (value) => new vscode.LanguageModelTextPart(value),
  toolCall: (callId, name, input) => new vscode.LanguageModelToolCallPart(callId, name, input),
  toolResult: (callId, text) => new vscode.LanguageModelToolResultPart(callId, [new vscode.LanguageModelTextPart(text)]),
  readText: (part) => (part instanceof vscode.LanguageModelTextPart ? part.value : undefined),
  readToolCall: (part) =>
    part instanceof vscode.LanguageModelToolCallPart ? { callId: part.callId, name: part.name, input: part.input } : undefined,
};

/** The attachments with their text: a #file, a selection (a Location), or a plain value (a symbol name, a string). */
async function readReferences(references: readonly vscode.ChatPromptReference[]): Promise<ChatReferenceValue[]> {
  const values: ChatReferenceValue[] = [];
  for (const reference of references.slice(0, 20)) {
    const name = reference.modelDescription ?? reference.id;
    const value = reference.value;
    try {
      if (value instanceof vscode.Uri) {
        const document = await vscode.workspace.openTextDocument(value);
        values.push({ name, uri: value.toString(), text: document.getText().slice(0, maxReferenceChars) });
      } else if (value instanceof vscode.Location) {
        const document = await vscode.workspace.openTextDocument(value.uri);
        values.push({ name, uri: value.uri.toString(), range: toRange(value.range), text: document.getText(value.range).slice(0, maxReferenceChars) });
      } else if (typeof value === 'string') {
        values.push({ name, text: value.slice(0, maxReferenceChars) });
      } else {
        values.push({ name });
      }
    } catch {
      // An attachment that cannot be read (a binary, a deleted file) is named, without its text.
      values.push({ name, uri: value instanceof vscode.Uri ? value.toString() : undefined });
    }
  }
  return values;
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

/** Every file (and line) an answer names is an inline anchor, and listed once among the answer's references. */
function streamSink(stream: vscode.ChatResponseStream): ChatSink {
  const listed = new Set<string>();
  return {
    markdown: (text) => stream.markdown(text),
    reference: (uri, range) => {
      const target = vscode.Uri.parse(uri);
      const location = range ? new vscode.Location(target, fromRange(range)) : target;
      const name = target.path.slice(target.path.lastIndexOf('/') + 1);
      stream.anchor(location, range ? `${name}:${range.start.line + 1}` : name);
      const key = `${uri}#${range ? range.start.line : ''}`;
      if (!listed.has(key)) {
        listed.add(key);
        stream.reference(location);
      }
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
