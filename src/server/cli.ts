// `npm run server -- --port 8787 --catalog demo/catalog.json [--host 127.0.0.1]
//   [--token-ttl 3600] [--heartbeat-ms 30000] [--cors-origins '*'] [--profile extended|hosted]
//   [--data ./planship-data.json]`
import { resolve } from 'node:path';
import { CatalogError, DataFileError, ServerOptionsError, startServer, type ServerProfile } from './index.ts';

function flag(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index >= 0) return process.argv[index + 1];
  const inline = process.argv.find((argument) => argument.startsWith(`--${name}=`));
  return inline?.slice(name.length + 3);
}

function numberFlag(name: string): number | undefined {
  const value = flag(name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    console.error(`--${name} expects a number, got "${value}"`);
    process.exit(1);
  }
  return parsed;
}

/** A path flag given without a path must not quietly mean "no file" (for --data: no state kept). */
function pathFlag(name: string): string | undefined {
  const value = flag(name);
  const given = process.argv.some((argument) => argument === `--${name}` || argument.startsWith(`--${name}=`));
  if (given && (value === undefined || value === '' || value.startsWith('--'))) {
    console.error(`--${name} expects a file path`);
    process.exit(1);
  }
  return value;
}

const dataFile = pathFlag('data');

try {
  const server = await startServer({
    port: numberFlag('port') ?? 8787,
    host: flag('host'),
    catalog: flag('catalog'),
    tokenTtlSeconds: numberFlag('token-ttl'),
    heartbeatMs: numberFlag('heartbeat-ms'),
    corsOrigins: flag('cors-origins'),
    profile: flag('profile') as ServerProfile | undefined,
    dataFile,
  });
  const kept = dataFile === undefined ? 'state in memory' : `state kept in ${resolve(dataFile)}`;
  console.log(`Planship-compatible API (${flag('profile') ?? 'extended'} profile) listening on ${server.url} (WebSocket ${server.wsUrl}; ${kept})`);
  const stop = () => {
    // close() writes the last state to the data file; a failure to do so is worth an exit code.
    server.close().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(error.message);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  if (error instanceof CatalogError || error instanceof DataFileError || error instanceof ServerOptionsError) console.error(error.message);
  else console.error(`Could not start the server: ${(error as Error).message}`);
  process.exit(1);
}
