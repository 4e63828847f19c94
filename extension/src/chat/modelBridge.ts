// Runs one turn of the chat's model (VS Code's request.model) for the server: converts the server's messages and
// tool definitions to the model's, streams the text back as it comes, and returns the tool calls. The server owns
// the conversation and runs the tools; this only drives the model. It does not import `vscode` (the parts are made
// by an adapter), so it runs under node's test runner.
import type { CancellationToken } from 'vscode-jsonrpc';
import type { ModelMessageValue, ModelRequestParams, ModelRequestResult, ModelToolCallValue, ModelToolValue } from './protocol';

/** What is needed of vscode.LanguageModelChat. */
export interface ChatModelLike {
  sendRequest(
    messages: unknown[],
    options: { tools?: ModelToolValue[]; justification?: string },
    token: CancellationToken,
  ): Thenable<{ stream: AsyncIterable<unknown> }>;
}

/** Makes and reads the model's message parts (vscode.LanguageModel* classes in VS Code, plain objects in tests). */
export interface ModelParts {
  message(role: 'user' | 'assistant', parts: unknown[]): unknown;
  text(value: string): unknown;
  toolCall(callId: string, name: string, input: object): unknown;
  toolResult(callId: string, text: string): unknown;
  /** The text of a streamed part, if it is text. */
  readText(part: unknown): string | undefined;
  /** The call of a streamed part, if it is a tool call. */
  readToolCall(part: unknown): ModelToolCallValue | undefined;
}

/** The model answered with an error (no access, quota, blocked): the server says so in the chat. */
export class ModelTurnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelTurnError';
  }
}

export async function runModelTurn(
  model: ChatModelLike,
  params: ModelRequestParams,
  parts: ModelParts,
  onText: (text: string) => void,
  token: CancellationToken,
): Promise<ModelRequestResult> {
  const messages = (params.messages ?? []).map((m) => toMessage(m, parts));
  const tools = (params.tools ?? []).filter((t) => t && typeof t.name === 'string');
  let text = '';
  const toolCalls: ModelToolCallValue[] = [];
  let response: { stream: AsyncIterable<unknown> };
  try {
    response = await model.sendRequest(messages, { tools, justification: 'DbAgent answers with your schema, plans and statistics.' }, token);
  } catch (error) {
    throw new ModelTurnError(messageOf(error));
  }
  try {
    for await (const part of response.stream) {
      if (token.isCancellationRequested) {
        break;
      }
      const value = parts.readText(part);
      if (value !== undefined) {
        if (value.length > 0) {
          text += value;
          onText(value);
        }
        continue;
      }
      const call = parts.readToolCall(part);
      if (call) {
        toolCalls.push(call);
      }
    }
  } catch (error) {
    if (token.isCancellationRequested) {
      return { text, toolCalls: [] };
    }
    throw new ModelTurnError(messageOf(error));
  }
  return { text, toolCalls: token.isCancellationRequested ? [] : toolCalls };
}

function toMessage(message: ModelMessageValue, parts: ModelParts): unknown {
  const content = (message.content ?? []).map((part) => {
    switch (part.kind) {
      case 'toolCall':
        return parts.toolCall(part.callId, part.name, isObject(part.input) ? part.input : {});
      case 'toolResult':
        return parts.toolResult(part.callId, part.text ?? '');
      default:
        return parts.text(part.text ?? '');
    }
  });
  return parts.message(message.role === 'assistant' ? 'assistant' : 'user', content);
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The chats in progress whose model may be asked for a turn, by their partialResultToken. */
export class ActiveChats<M> {
  private readonly chats = new Map<string, { model: M; token: CancellationToken }>();

  add(chatToken: string, model: M, token: CancellationToken): { dispose(): void } {
    this.chats.set(chatToken, { model, token });
    return { dispose: () => this.chats.delete(chatToken) };
  }

  get(chatToken: string): { model: M; token: CancellationToken } | undefined {
    return this.chats.get(chatToken);
  }

  get size(): number {
    return this.chats.size;
  }
}
