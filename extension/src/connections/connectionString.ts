// Takes the password out of a connection string or URL the user pastes, so that the rest can go to
// settings and the password to SecretStorage. Pure: tested without VS Code.
import type { Engine } from './protocol';

export interface StrippedConnectionString {
  /** The input without its password, otherwise as the user wrote it. */
  connectionString: string;
  /** The password that was in it (URL-decoded for URLs), or null. */
  password: string | null;
}

const urlPattern = /^([a-z][a-z0-9+.-]*):\/\//i;

// ADO.NET keys that carry a password, across Npgsql, MySqlConnector, SqlClient and Microsoft.Data.Sqlite.
const passwordKeys = new Set(['password', 'pwd']);

// Query parameters that carry a password in libpq and MySQL URLs.
const passwordQueryKeys = new Set(['password', 'pwd', 'pass']);

export function isConnectionUrl(input: string): boolean {
  return urlPattern.test(input.trim());
}

/** The engine a URL names by its scheme, e.g. `postgres://` → postgres; undefined for other input. */
export function engineOfUrl(input: string): Engine | undefined {
  const scheme = urlPattern.exec(input.trim())?.[1].toLowerCase();
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return 'postgres';
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    case 'sqlserver':
    case 'mssql':
      return 'sqlserver';
    case 'sqlite':
    case 'file':
      return 'sqlite';
    default:
      return undefined;
  }
}

export function stripPassword(input: string): StrippedConnectionString {
  const trimmed = input.trim();
  return isConnectionUrl(trimmed) ? stripUrlPassword(trimmed) : stripKeyValuePassword(trimmed);
}

/** `scheme://user:password@host/db?password=...` → `scheme://user@host/db`. Works on the text, not through
 * WHATWG URL, because libpq URLs may list several hosts, which URL does not parse. */
function stripUrlPassword(url: string): StrippedConnectionString {
  const scheme = urlPattern.exec(url)![0];
  let rest = url.slice(scheme.length);
  let password: string | null = null;

  const authorityEnd = firstIndexOf(rest, ['/', '?', '#']);
  const authority = rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userInfo = authority.slice(0, at);
    const colon = userInfo.indexOf(':');
    if (colon >= 0) {
      password = decode(userInfo.slice(colon + 1));
      rest = userInfo.slice(0, colon) + authority.slice(at) + rest.slice(authorityEnd);
    }
  }

  const queryStart = rest.indexOf('?');
  if (queryStart >= 0) {
    const fragmentStart = rest.indexOf('#', queryStart);
    const queryEnd = fragmentStart >= 0 ? fragmentStart : rest.length;
    const kept: string[] = [];
    for (const pair of rest.slice(queryStart + 1, queryEnd).split('&')) {
      const key = decode(pair.split('=', 1)[0]).toLowerCase();
      if (passwordQueryKeys.has(key)) {
        password ??= decode(pair.slice(pair.indexOf('=') + 1).replace(/\+/g, ' '));
      } else if (pair.length > 0) {
        kept.push(pair);
      }
    }
    rest = rest.slice(0, queryStart) + (kept.length > 0 ? `?${kept.join('&')}` : '') + rest.slice(queryEnd);
  }
  return { connectionString: scheme + rest, password };
}

/** `Host=h;Password="a;b";Database=d` → `Host=h;Database=d`. Values may be quoted with ' or ", with the quote
 * doubled inside, as ADO.NET's DbConnectionStringBuilder reads them. */
function stripKeyValuePassword(text: string): StrippedConnectionString {
  const kept: string[] = [];
  let password: string | null = null;
  for (const segment of splitSegments(text)) {
    const equals = segment.raw.indexOf('=');
    const key = (equals >= 0 ? segment.raw.slice(0, equals) : segment.raw).replace(/\s+/g, '').toLowerCase();
    if (passwordKeys.has(key)) {
      password ??= segment.value;
    } else {
      kept.push(segment.raw.trim());
    }
  }
  return { connectionString: kept.join(';'), password };
}

interface Segment {
  raw: string;
  value: string;
}

function splitSegments(text: string): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  while (i < text.length) {
    const start = i;
    // Key: up to the first '=' (or ';' for a malformed segment without a value).
    while (i < text.length && text[i] !== '=' && text[i] !== ';') {
      i++;
    }
    if (i >= text.length || text[i] === ';') {
      const raw = text.slice(start, i);
      if (raw.trim().length > 0) {
        segments.push({ raw, value: '' });
      }
      i++;
      continue;
    }
    i++; // '='
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) {
      i++;
    }
    let value = '';
    const quote = text[i];
    if (quote === '"' || quote === "'") {
      i++;
      while (i < text.length) {
        if (text[i] === quote) {
          if (text[i + 1] === quote) {
            value += quote;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      while (i < text.length && text[i] !== ';') {
        i++;
      }
    } else {
      const valueStart = i;
      while (i < text.length && text[i] !== ';') {
        i++;
      }
      value = text.slice(valueStart, i).trim();
    }
    const raw = text.slice(start, i);
    if (raw.trim().length > 0) {
      segments.push({ raw, value });
    }
    i++; // ';'
  }
  return segments;
}

function firstIndexOf(text: string, characters: string[]): number {
  let best = text.length;
  for (const c of characters) {
    const index = text.indexOf(c);
    if (index >= 0 && index < best) {
      best = index;
    }
  }
  return best;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
