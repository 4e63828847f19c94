// The chat side of DbAgent's own LSP methods (the server's records are in Features/Chat/ChatProtocol.cs).
// The C# side declares the same method names in server/DbAgent.Server/Features/Custom/CustomMethods.cs.
import { NotificationType, ProgressType, RequestType } from 'vscode-jsonrpc';

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
  /** The model the user picked in the chat (request.model); absent or null: the server answers without it. */
  model?: ChatModelInfo | null;
  /** What the user attached to the request (#file, selections, symbols), with the text read here. */
  references?: ChatReferenceValue[];
}

export interface ChatModelInfo {
  id: string;
  name: string;
  vendor: string;
  family: string;
}

export interface ChatReferenceValue {
  name: string;
  uri?: string;
  range?: Range;
  text?: string;
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

// The chat's model, run here for the server (the server owns the conversation and the tools).

/** One part of a model message: text, a tool call the model made, or a tool result the server gives back. */
export type ModelPartValue =
  | { kind: 'text'; text: string }
  | { kind: 'toolCall'; callId: string; name: string; input: unknown }
  | { kind: 'toolResult'; callId: string; text: string; isError?: boolean };

export interface ModelMessageValue {
  role: 'user' | 'assistant';
  content: ModelPartValue[];
}

export interface ModelToolValue {
  name: string;
  description: string;
  inputSchema: object;
}

export interface ModelRequestParams {
  /** The partialResultToken of the chat request whose model runs this turn. */
  chatToken: string;
  /** Names this turn in the dbagent/modelText notifications. */
  requestToken: string;
  messages: ModelMessageValue[];
  tools: ModelToolValue[];
}

export interface ModelToolCallValue {
  callId: string;
  name: string;
  input: unknown;
}

export interface ModelRequestResult {
  text: string;
  toolCalls: ModelToolCallValue[];
}

/** Server → client: run one turn of the chat's model. C#: CustomMethods.ModelRequest. */
export const ModelRequest = new RequestType<ModelRequestParams, ModelRequestResult, void>('dbagent/modelRequest');

export interface ModelTextParams {
  requestToken: string;
  text: string;
}

/** Client → server: a piece of the model turn's text, as it streams. C#: CustomMethods.ModelText. */
export const ModelTextNotification = new NotificationType<ModelTextParams>('dbagent/modelText');

export interface RunToolParams {
  name: string;
  input: unknown;
  document: ChatDocument | null;
}

export interface RunToolResult {
  text: string;
  isError: boolean;
}

/** Client → server: run one DbAgent tool for agent mode (read-only). C#: CustomMethods.RunTool. */
export const RunToolRequest = new RequestType<RunToolParams, RunToolResult, void>('dbagent/runTool');
