/**
 * A local stand-in for Groq's API on 127.0.0.1, port 0: `POST /openai/v1/chat/completions` in Groq's
 * OpenAI-style wire format (https://console.groq.com/docs/api-reference#chat-create), tool calls
 * included. Each request is recorded and answered by `respond`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A chat-completions request as received. */
export interface GroqRequest {
  readonly authorization: string | undefined;
  readonly body: {
    model: string;
    messages: { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string }[];
    tools?: { type: string; function: { name: string; description: string; parameters: unknown } }[];
  };
}

/** What to answer: a status and a JSON body. */
export interface GroqReply {
  readonly status: number;
  readonly body: unknown;
}

/** A completion whose message calls tools. */
export function toolCallsReply(
  model: string,
  calls: { id: string; name: string; args: Record<string, unknown> }[],
): GroqReply {
  return completion(
    model,
    {
      role: 'assistant',
      content: null,
      tool_calls: calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: JSON.stringify(c.args) },
      })),
    },
    'tool_calls',
  );
}

/** A completion with a final text answer. */
export function textReply(model: string, content: string): GroqReply {
  return completion(model, { role: 'assistant', content }, 'stop');
}

function completion(model: string, message: unknown, finishReason: string): GroqReply {
  return {
    status: 200,
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1_700_000_000,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 },
      system_fingerprint: 'fp_test',
    },
  };
}

/** Starts the fake Groq API. */
export async function startFakeGroq(
  respond: (request: GroqRequest, index: number) => GroqReply,
): Promise<{ url: string; requests: GroqRequest[]; close(): Promise<void> }> {
  const requests: GroqRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/openai/v1/chat/completions') {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: `unknown route ${req.method} ${req.url}` } }));
        return;
      }
      const request: GroqRequest = {
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      };
      requests.push(request);
      const reply = respond(request, requests.length - 1);
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
