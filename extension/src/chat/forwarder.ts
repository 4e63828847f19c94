// Forwards one chat request to the server and replays the streamed parts into a sink.
// It does not import `vscode`, so it runs under node's test runner against the real server process;
// the VS Code participant (participant.ts) is a thin adapter over it.
import { randomUUID } from 'node:crypto';
import type { CancellationToken, Disposable, ProgressType, RequestType } from 'vscode-jsonrpc';
import {
  ChatDocument,
  ChatHistoryTurn,
  ChatModelInfo,
  ChatReferenceValue,
  ChatPart,
  ChatPartProgress,
  ChatRequest,
  ChatResult,
  Range,
} from './protocol';

/** What the forwarder needs of a JSON-RPC connection; both vscode-jsonrpc's MessageConnection and LanguageClient have it. */
export interface ChatConnection {
  sendRequest<P, R, E>(type: RequestType<P, R, E>, params: P, token?: CancellationToken): Promise<R>;
  onProgress<P>(type: ProgressType<P>, token: string | number, handler: (value: P) => void): Disposable;
}

/** Where the parts of an answer go: the ChatResponseStream in VS Code, a recorder in tests. */
export interface ChatSink {
  markdown(text: string): void;
  reference(uri: string, range: Range | null): void;
  progress(message: string): void;
}

export interface ChatInput {
  prompt: string;
  command: string | null;
  history: ChatHistoryTurn[];
  document: ChatDocument | null;
  selection: Range | null;
  model?: ChatModelInfo | null;
  references?: ChatReferenceValue[];
}

/** Thrown when the caller cancelled the request; no part reaches the sink after the cancellation. */
export class ChatCancelledError extends Error {
  constructor() {
    super('The chat request was cancelled.');
    this.name = 'ChatCancelledError';
  }
}

export async function forwardChat(
  connection: ChatConnection,
  input: ChatInput,
  sink: ChatSink,
  token?: CancellationToken,
  partialResultToken: string = randomUUID(),
): Promise<ChatResult> {
  if (token?.isCancellationRequested) {
    throw new ChatCancelledError();
  }
  let cancelled = false;
  // VS Code (1.139) folds every part shown before a progress message into the collapsed "Completed N steps"
  // section: once the answer's text has begun, a later progress message would hide it. So progress is shown only
  // until the first markdown part.
  let answering = false;
  const progress = connection.onProgress(ChatPartProgress, partialResultToken, (part) => {
    if (cancelled || (answering && part?.kind === 'progress')) {
      return;
    }
    answering ||= part?.kind === 'markdown';
    deliver(part, sink);
  });
  // Stop rendering the moment the user cancels, even before the server acknowledges it.
  const onCancel = token?.onCancellationRequested(() => {
    cancelled = true;
  });
  try {
    const result = await connection.sendRequest(
      ChatRequest,
      { ...input, partialResultToken },
      token,
    );
    if (cancelled || token?.isCancellationRequested) {
      throw new ChatCancelledError();
    }
    return normaliseResult(result);
  } catch (error) {
    if (error instanceof ChatCancelledError || cancelled || token?.isCancellationRequested || isRequestCancelled(error)) {
      throw new ChatCancelledError();
    }
    throw error;
  } finally {
    onCancel?.dispose();
    progress.dispose();
  }
}

function deliver(part: ChatPart, sink: ChatSink): void {
  // Parts come from another process: check their shape rather than trust it.
  if (part === null || typeof part !== 'object') {
    return;
  }
  switch (part.kind) {
    case 'markdown':
      if (typeof part.text === 'string' && part.text.length > 0) {
        sink.markdown(part.text);
      }
      break;
    case 'reference':
      if (typeof part.uri === 'string' && part.uri.length > 0) {
        sink.reference(part.uri, isRange(part.range) ? part.range : null);
      }
      break;
    case 'progress':
      if (typeof part.message === 'string') {
        sink.progress(part.message);
      }
      break;
  }
}

function normaliseResult(result: ChatResult | null | undefined): ChatResult {
  const followups = Array.isArray(result?.followups)
    ? result.followups.filter((f) => f && typeof f.prompt === 'string')
    : [];
  return {
    followups: followups.map((f) => ({
      label: typeof f.label === 'string' && f.label.length > 0 ? f.label : f.prompt,
      prompt: f.prompt,
      command: typeof f.command === 'string' && f.command.length > 0 ? f.command : null,
    })),
    metadata: { command: result?.metadata?.command ?? null },
  };
}

function isRange(value: unknown): value is Range {
  const r = value as Range | null | undefined;
  return (
    !!r &&
    typeof r.start?.line === 'number' &&
    typeof r.start?.character === 'number' &&
    typeof r.end?.line === 'number' &&
    typeof r.end?.character === 'number'
  );
}

// LSP RequestCancelled; the server answers it after $/cancelRequest.
const requestCancelledCode = -32800;

function isRequestCancelled(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === requestCancelledCode;
}
