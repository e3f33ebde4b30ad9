// A real graphql-transport-ws client for the gateway's tests: graphql-ws over ws.
//
//   node client.mjs ws://127.0.0.1:PORT/v1/graphql?access_token=TOKEN
//
// Reads one JSON command per line on stdin:
//   {"id":"s1","query":"subscription { ... }","variables":{...}}   subscribe (or query)
//   {"cancel":"s1"}                                                 complete it
// and writes one JSON event per line on stdout:
//   {"connected":true}
//   {"id":"s1","next":{data,errors}} · {"id":"s1","error":[...]} · {"id":"s1","complete":true}
//   {"closed":{"code":N,"reason":"..."}}
// It exits when stdin ends, or when the socket closes.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import readline from 'node:readline';

const url = process.argv[2];
const out = (event) => process.stdout.write(JSON.stringify(event) + '\n');
const unsubscribes = new Map();

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  lazy: false,
  retryAttempts: 0,
  on: {
    connected: () => out({ connected: true }),
    closed: (event) => {
      out({ closed: { code: event.code, reason: String(event.reason || '') } });
      process.exit(0);
    },
    error: (error) => out({ socketError: String(error && error.message || error) }),
  },
});

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (!line.trim()) return;
  const command = JSON.parse(line);
  if (command.cancel) {
    const unsubscribe = unsubscribes.get(command.cancel);
    if (unsubscribe) unsubscribe();
    return;
  }
  const { id } = command;
  unsubscribes.set(id, client.subscribe(
    { query: command.query, variables: command.variables || {} },
    {
      next: (payload) => out({ id, next: payload }),
      error: (error) => out({ id, error: Array.isArray(error) ? error : String(error && error.reason || error) }),
      complete: () => out({ id, complete: true }),
    },
  ));
});
lines.on('close', async () => {
  await client.dispose();
  process.exit(0);
});
