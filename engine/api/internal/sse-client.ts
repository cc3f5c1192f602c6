import http from 'node:http';

/** Test-only SSE client over a real socket. */
export interface SseMessage {
  id: string | undefined;
  event: string;
  data: Record<string, unknown>;
}

export interface SseRead {
  status: number;
  messages: SseMessage[];
  /** True when the client hung up (stopWhen), false when the server ended the stream. */
  aborted: boolean;
}

/** Reads `url` until the server ends it, or until `stopWhen` says to hang up. */
export function readSse(
  url: string,
  headers: Record<string, string>,
  stopWhen: (m: SseMessage, all: SseMessage[]) => boolean = () => false,
): Promise<SseRead> {
  return new Promise((resolve, reject) => {
    const messages: SseMessage[] = [];
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      let buffer = '';
      let aborted = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0 && !aborted) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields = new Map<string, string>();
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const i = line.indexOf(':');
            fields.set(line.slice(0, i), line.slice(i + 1).trimStart());
          }
          const data = fields.get('data');
          if (data === undefined) continue;
          const m: SseMessage = {
            id: fields.get('id'),
            event: fields.get('event') ?? 'message',
            data: JSON.parse(data) as Record<string, unknown>,
          };
          messages.push(m);
          if (stopWhen(m, messages)) {
            aborted = true;
            req.destroy();
            resolve({ status: res.statusCode ?? 0, messages, aborted: true });
          }
        }
      });
      res.on('end', () => {
        if (!aborted) resolve({ status: res.statusCode ?? 0, messages, aborted: false });
      });
      res.on('error', (err) => {
        if (!aborted) reject(err);
      });
    });
    req.on('error', (err) => {
      if (!req.destroyed || messages.length === 0) reject(err);
    });
  });
}
