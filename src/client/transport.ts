/**
 * How the client reaches an API server. Two transports implement this: in-process (a
 * component inside the server calls the handler chain directly, with authentication,
 * authorization and admission intact) and HTTPS (agents and users).
 */

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface RequestOptions {
  body?: Buffer | string;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

export interface Transport {
  request(method: string, path: string, opts?: RequestOptions): Promise<HttpResponse>;
  /**
   * A streaming GET (watch): yields each line of the body as it arrives, until the server
   * ends the stream or `signal` aborts. A non-200 answer throws its Status as ApiStatusError.
   */
  stream(path: string, signal: AbortSignal): AsyncIterable<string>;
  /**
   * A watch whose events arrive as objects, not text (the in-process transport: the watch
   * cache's own immutable objects, shared with every other reader). Without it, clients
   * parse the lines of `stream`.
   */
  watch?(path: string, signal: AbortSignal): AsyncIterable<{ type: string; object: unknown }>;
  close(): void;
}

/** Cuts text that arrives in pieces into its non-blank lines. */
export class LineSplitter {
  private rest = '';

  /** The lines `chunk` completes, in order. */
  push(chunk: Buffer | string): string[] {
    this.rest += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    const out: string[] = [];
    for (let i = this.rest.indexOf('\n'); i >= 0; i = this.rest.indexOf('\n')) {
      const line = this.rest.slice(0, i);
      this.rest = this.rest.slice(i + 1);
      if (line.trim()) out.push(line);
    }
    return out;
  }

  /** What follows the last newline, unless blank. */
  end(): string | undefined {
    return this.rest.trim() ? this.rest : undefined;
  }
}

/** Splits a byte stream into lines (a watch stream is one JSON object per line). */
export async function* lines(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const split = new LineSplitter();
  for await (const c of chunks) yield* split.push(c);
  const last = split.end();
  if (last !== undefined) yield last;
}
