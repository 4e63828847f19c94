// The chat side of DbAgent's own LSP methods (the server's records are in Features/Chat/ChatProtocol.cs).
// The C# side declares the same method names in server/DbAgent.Server/Features/Custom/CustomMethods.cs.
import { ProgressType, RequestType } from 'vscode-jsonrpc';

/** An LSP position: 0-based line and UTF-16 character. */
export interface Position {
  line: number;
  character: number;
}

/** An LSP range. */
export interface Range {
  start: Position;
  end: Position;
}

/** The participant's id, as declared in package.json (contributes.chatParticipants). */
export const participantId = 'dbagent.database-expert';

/** The slash commands of @database-expert, without the slash. */
export const chatCommands = [
  'schema',
  'optimize',
  'indexes',
  'migrations',
  'review',
  'explain',
  'stats',
  'backup',
  'scaling',
] as const;

export type ChatCommand = (typeof chatCommands)[number];

export interface ChatHistoryTurn {
  role: 'user' | 'assistant';
  content: string;
  command?: string;
}

export interface ChatDocument {
  uri: string;
  languageId: string;
}

export interface ChatParams {
  prompt: string;
  command: string | null;
  history: ChatHistoryTurn[];
  document: ChatDocument | null;
  selection: Range | null;
  partialResultToken: string;
}

/** One streamed piece of the answer, sent as the value of `$/progress` on the request's partialResultToken. */
export type ChatPart =
  | { kind: 'markdown'; text: string }
  | { kind: 'reference'; uri: string; range: Range | null }
  | { kind: 'progress'; message: string };

export interface ChatFollowup {
  label: string;
  prompt: string;
  command: string | null;
}

export interface ChatResult {
  followups: ChatFollowup[];
  metadata: { command: string | null };
}

export const ChatRequest = new RequestType<ChatParams, ChatResult, void>('dbagent/chat');

export const ChatPartProgress = new ProgressType<ChatPart>();

/** Server → client: the API key of the chat model (`dbagent.model.*`), from SecretStorage. */
export interface ModelApiKeyResult {
  apiKey: string | null;
}

export const ModelApiKeyRequest = new RequestType<Record<string, never>, ModelApiKeyResult, void>('dbagent/modelApiKey');

/** The SecretStorage key of the chat model's API key. */
export const modelApiKeySecret = 'dbagent.model.apiKey';
