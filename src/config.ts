import net from 'node:net';
import path from 'node:path';

export type DatabaseConfig = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  /** Absolute origin used in feeds, canonical links and e-mails; no trailing slash. */
  publicUrl: string;
  /** Where quick exit sends the visitor: a neutral site of another origin. */
  quickExitUrl: string;
  /** Cookies get the Secure flag when the public address is https. */
  secureCookies: boolean;
  /** Optional secret from the environment; otherwise one is generated and kept in dataDir. */
  secret: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /**
   * Which peers may say who the client is (X-Forwarded-For): false (nobody, the default), a number
   * of proxy hops, or addresses and CIDR ranges of the proxies (Fastify's `trustProxy`).
   */
  trustProxy: false | number | string[];
  /** Bearer token for /metrics; without one, /metrics does not exist. */
  metricsToken: string | undefined;
}

/** Thrown with one sentence that names the variable; the CLI prints only the message. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const;

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 3000;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 1 to 65535, but it is "${raw}".`);
  }
  return port;
}

function parseHttpUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute http:// or https:// address, but it is "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must start with http:// or https://, but it is "${raw}".`);
  }
  return url;
}

/** proxy-addr's names for address ranges, accepted as they are. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(value: string): boolean {
  if (PROXY_RANGE_NAMES.has(value)) return true;
  const [address, bits, extra] = value.split('/');
  if (extra !== undefined || !address) return false;
  const family = net.isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  const max = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

function parseTrustProxy(raw: string | undefined): Config['trustProxy'] {
  const text = (raw ?? '').trim();
  if (text === '' || text === 'false' || text === 'off') return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops >= 1 && hops <= 10) return hops;
    throw new ConfigError(`TRUST_PROXY as a number of proxy hops must be from 1 to 10, but it is "${raw}".`);
  }
  if (text === 'true') {
    throw new ConfigError(
      'TRUST_PROXY=true would let any client choose its own address. Give the proxy addresses (e.g. 127.0.0.1 or 10.0.0.0/8) or a number of hops.',
    );
  }
  const list = text.split(',').map((part) => part.trim());
  const bad = list.find((part) => !isAddressOrRange(part));
  if (bad !== undefined) {
    throw new ConfigError(
      `TRUST_PROXY must be off, a number of hops, or a comma-separated list of IP addresses or CIDR ranges, but "${bad}" is none of these.`,
    );
  }
  return list;
}

function parseMetricsToken(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < 24 || !/^[\x21-\x7e]+$/.test(raw)) {
    throw new ConfigError(
      'METRICS_TOKEN must be at least 24 printable characters without spaces (e.g. from `openssl rand -hex 16`).',
    );
  }
  return raw;
}

function parseDatabase(raw: string | undefined, dataDir: string): DatabaseConfig {
  if (raw === undefined || raw === '') return { dialect: 'sqlite', file: path.join(dataDir, 'alongside.sqlite') };
  if (/^postgres(ql)?:\/\//.test(raw)) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError('DATABASE_URL looks like a PostgreSQL address but cannot be parsed.');
    }
    return { dialect: 'postgres', url: raw };
  }
  if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file) throw new ConfigError('DATABASE_URL "sqlite:" must be followed by a file path.');
    return { dialect: 'sqlite', file: path.resolve(file) };
  }
  throw new ConfigError(
    'DATABASE_URL must start with postgres:// (PostgreSQL) or sqlite: (a SQLite file), or be left unset.',
  );
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = parsePort(env.PORT);
  const host = env.HOST || '127.0.0.1';
  if (!/^[\w.:-]+$/.test(host)) throw new ConfigError(`HOST must be a host name or IP address, but it is "${host}".`);
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const database = parseDatabase(env.DATABASE_URL, dataDir);
  const publicUrl = parseHttpUrl(
    'PUBLIC_URL',
    env.PUBLIC_URL || `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
  );
  const quickExitUrl = parseHttpUrl('QUICK_EXIT_URL', env.QUICK_EXIT_URL || 'https://www.bbc.co.uk/weather');
  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.`);
  const secret = env.ALONGSIDE_SECRET || undefined;
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('ALONGSIDE_SECRET must be at least 32 characters long.');
  }
  return {
    port,
    host,
    dataDir,
    database,
    publicUrl: publicUrl.origin + publicUrl.pathname.replace(/\/+$/, ''),
    quickExitUrl: quickExitUrl.href,
    secureCookies: publicUrl.protocol === 'https:',
    secret,
    logLevel,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    metricsToken: parseMetricsToken(env.METRICS_TOKEN),
  };
}
