// Secrets bound to what they were given for. A database password is stored under its connection target (engine,
// host, port, database, user; or the connection string without its password), never under the connection's name
// alone: a workspace's .vscode/settings.json that reuses a name with another host must not receive the password.
// The model API key is stored under its endpoint. A secret is handed out for another target only after the user
// says yes; secrets stored under the old keys (by name; one model key for every endpoint) are migrated the same
// way: the first time one would be used, the user is asked whether it belongs to the current target.
// No `vscode` import here: the commands pass SecretStorage and a prompt in, and the tests pass fakes.
import type { ConnectionSetting } from './protocol';

/** The part of vscode.SecretStorage used here. */
export interface SecretStore {
  get(key: string): Thenable<string | undefined> | Promise<string | undefined>;
  store(key: string, value: string): Thenable<void> | Promise<void>;
  delete(key: string): Thenable<void> | Promise<void>;
}

/** Asks the user a yes/no question (a modal message with one button); true only for an explicit yes. */
export type Confirm = (message: string, yes: string) => Promise<boolean>;

const defaultPorts: Record<string, number | undefined> = { postgres: 5432, mysql: 3306, sqlserver: 1433 };

/** What a password is for, in one canonical line (also what the prompts show: it holds no secret). */
export function connectionTarget(setting: ConnectionSetting): string {
  if (setting.connectionString && setting.connectionString.trim()) {
    return `${setting.engine} ${setting.connectionString.trim()}`;
  }
  const host = (setting.host ?? 'localhost').trim().toLowerCase();
  const port = setting.port ?? defaultPorts[setting.engine] ?? '';
  return `${setting.engine}://${(setting.user ?? '').trim()}@${host}:${port}/${(setting.database ?? '').trim()}`;
}

/** The SecretStorage key of a connection's password: its target, not its name. */
export function passwordSecretKey(setting: ConnectionSetting): string {
  return `dbagent.password.target:${connectionTarget(setting)}`;
}

/** Where a name's password was last stored (the target line): to notice when the settings point the name elsewhere. */
function boundTargetKey(name: string): string {
  return `dbagent.password.boundTarget:${name}`;
}

/** The key a password had before secrets were bound to targets. */
export function legacyPasswordKey(name: string): string {
  return `dbagent.password.${name}`;
}

export async function storePassword(secrets: SecretStore, setting: ConnectionSetting, password: string | null): Promise<void> {
  if (password) {
    await secrets.store(passwordSecretKey(setting), password);
    await secrets.store(boundTargetKey(setting.name), connectionTarget(setting));
  } else {
    await secrets.delete(passwordSecretKey(setting));
  }
  await secrets.delete(legacyPasswordKey(setting.name));
}

/**
 * The password for a configured connection: the one stored for its target; else one stored for this name under
 * another target or under the old key by name, but only when the user confirms it may go to this target (then it is
 * stored for the target, so the question is asked once). Null when there is none or the user says no.
 */
export async function passwordFor(secrets: SecretStore, setting: ConnectionSetting, confirm: Confirm): Promise<string | null> {
  const target = connectionTarget(setting);
  const exact = await secrets.get(passwordSecretKey(setting));
  if (exact !== undefined) {
    return exact;
  }
  const boundTarget = await secrets.get(boundTargetKey(setting.name));
  if (boundTarget !== undefined && boundTarget !== target) {
    const other = await secrets.get(`dbagent.password.target:${boundTarget}`);
    if (other !== undefined) {
      const yes = await confirm(
        `DbAgent: the password of connection "${setting.name}" was stored for ${boundTarget}. The settings now point "${setting.name}" at ${target}. Send that password there?`,
        'Send the password',
      );
      if (!yes) {
        return null;
      }
      await secrets.store(passwordSecretKey(setting), other);
      return other;
    }
  }
  const legacy = await secrets.get(legacyPasswordKey(setting.name));
  if (legacy !== undefined) {
    const yes = await confirm(
      `DbAgent: a password for connection "${setting.name}" was stored before DbAgent bound passwords to their database. Is it the password for ${target}?`,
      'Yes, use it there',
    );
    if (!yes) {
      return null;
    }
    await storePassword(secrets, setting, legacy);
    return legacy;
  }
  return null;
}

/** The model endpoint as its key: empty means OpenAI's own; trailing slashes and case of the host do not matter. */
export function modelEndpoint(endpoint: string | undefined): string {
  const raw = (endpoint ?? '').trim() || 'https://api.openai.com/v1';
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return raw.replace(/\/+$/, '');
  }
}

export const legacyModelKey = 'dbagent.model.apiKey';
const modelKeyPrefix = 'dbagent.model.apiKey.endpoint:';
const modelKeyBound = 'dbagent.model.apiKey.boundEndpoint';

export async function storeModelKey(secrets: SecretStore, endpoint: string | undefined, key: string | null): Promise<void> {
  const at = modelEndpoint(endpoint);
  if (key) {
    await secrets.store(modelKeyPrefix + at, key);
    await secrets.store(modelKeyBound, at);
  } else {
    await secrets.delete(modelKeyPrefix + at);
  }
  await secrets.delete(legacyModelKey);
}

/** The model API key for the configured endpoint, under the same rules as passwords. */
export async function modelKeyFor(secrets: SecretStore, endpoint: string | undefined, confirm: Confirm): Promise<string | null> {
  const at = modelEndpoint(endpoint);
  const exact = await secrets.get(modelKeyPrefix + at);
  if (exact !== undefined) {
    return exact;
  }
  const bound = await secrets.get(modelKeyBound);
  if (bound !== undefined && bound !== at) {
    const other = await secrets.get(modelKeyPrefix + bound);
    if (other !== undefined) {
      const yes = await confirm(
        `DbAgent: the model API key was stored for ${bound}. dbagent.model.endpoint is now ${at}. Send the key there?`,
        'Send the key',
      );
      if (!yes) {
        return null;
      }
      await secrets.store(modelKeyPrefix + at, other);
      return other;
    }
  }
  const legacy = await secrets.get(legacyModelKey);
  if (legacy !== undefined) {
    const yes = await confirm(
      `DbAgent: a model API key was stored before DbAgent bound it to an endpoint. Send it to ${at}?`,
      'Yes, send it there',
    );
    if (!yes) {
      return null;
    }
    await storeModelKey(secrets, endpoint, legacy);
    return legacy;
  }
  return null;
}
