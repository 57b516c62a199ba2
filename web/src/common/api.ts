/// <reference lib="dom" />
// The pages' only way to the ledger: HTTP to the API that served them (same origin), with the
// signed-in user's bearer token. Errors arrive as RFC 9457 problems; their detail is shown as is.

export interface KeyBinding {
  readonly key: string;
  readonly action: string;
  readonly reasonCode?: string;
}

export interface WebSettings {
  readonly keymap: { readonly bindings: readonly KeyBinding[] };
  readonly demoTokens: boolean;
}

export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  readonly status: number;

  constructor(status: number, detail: string) {
    super(detail);
    this.status = status;
  }
}

async function parse<T>(response: Response): Promise<T> {
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : null;
  if (!response.ok) {
    const detail = body && typeof body === 'object' && 'detail' in body ? String((body as { detail: unknown }).detail) : `${response.status} ${response.statusText}`;
    throw new ApiProblem(response.status, detail);
  }
  return body as T;
}

export async function api<T>(token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return parse<T>(response);
}

export async function webSettings(): Promise<WebSettings> {
  return parse<WebSettings>(await fetch('/web/settings', { headers: { accept: 'application/json' } }));
}

export async function demoToken(request: { role: string; agentId?: string; source?: string }): Promise<string> {
  const response = await fetch('/web/demo-tokens', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(request) });
  return (await parse<{ token: string }>(response)).token;
}
