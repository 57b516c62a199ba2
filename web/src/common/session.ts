/// <reference lib="dom" />
// Signing a page in. In production staff paste a token issued by the bank's identity provider
// (claims: role, agentId for agents, source for ingest); in the development mode
// LEDGER_WEB_DEMO_TOKENS=on the page can ask the API for a one-hour demo token instead. The
// token stays in this tab's sessionStorage (gone when the tab closes) and is checked by the API on
// every request; the page only reads its claims to greet the user and refuse the wrong role early.
import { demoToken, type WebSettings } from './api.ts';
import { byId, el, render } from './dom.ts';

export interface Session {
  readonly token: string;
  readonly role: string;
  readonly subject: string;
  readonly agentId: string | null;
  readonly source: string | null;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** The claims of a token as the page needs them; throws with a reason when it is not one for this role. */
export function sessionOf(token: string, role: string, now: number): Session {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new Error('This is not a JWT (three dot-separated parts).');
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  } catch {
    throw new Error('The token\'s claims cannot be read.');
  }
  if (claims.role !== role) throw new Error(`This page needs a ${role} token; this one is for ${String(claims.role ?? 'no role')}.`);
  const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : 0;
  if (expiresAt <= now) throw new Error('The token has expired; get a new one.');
  return {
    token: token.trim(), role, subject: String(claims.sub ?? ''), expiresAt,
    agentId: typeof claims.agentId === 'string' ? claims.agentId : null, source: typeof claims.source === 'string' ? claims.source : null,
  };
}

const storageKey = (role: string) => `call-ledger.token.${role}`;

export function signOut(role: string): void {
  sessionStorage.removeItem(storageKey(role));
}

/**
 * The session of this tab, or a sign-in form in `mountId` that resolves once a valid token is
 * given. `demo` is what the development mode asks for (e.g. { agentId } from a field).
 */
export function signIn(role: string, mountId: string, settings: WebSettings, demo: { label: string; request: () => { role: string; agentId?: string; source?: string }; fields?: readonly HTMLElement[] }): Promise<Session> {
  const stored = sessionStorage.getItem(storageKey(role));
  if (stored) {
    try {
      return Promise.resolve(sessionOf(stored, role, Date.now()));
    } catch {
      signOut(role);
    }
  }
  const mount = byId(mountId);
  return new Promise((resolve) => {
    const error = el('p', { class: 'error', role: 'alert', id: 'sign-in-error' });
    const accept = (token: string) => {
      try {
        const session = sessionOf(token, role, Date.now());
        sessionStorage.setItem(storageKey(role), session.token);
        mount.hidden = true;
        resolve(session);
      } catch (e) {
        render(error, (e as Error).message);
      }
    };
    const pasted = el('textarea', { id: 'token', rows: 4, placeholder: 'eyJhbGciOiJIUzI1NiJ9…', 'aria-label': `${role} token` });
    const form = el('form', { class: 'sign-in', onsubmit: (event: Event) => { event.preventDefault(); accept(pasted.value); } },
      el('h2', {}, `Sign in (${role})`),
      el('label', { for: 'token' }, 'Token from the bank\'s identity provider'),
      pasted,
      el('button', { type: 'submit', id: 'sign-in-submit' }, 'Sign in'),
    );
    const demoPanel = settings.demoTokens
      ? el('div', { class: 'demo' },
        el('h3', {}, 'Development mode'),
        ...(demo.fields ?? []),
        el('button', {
          type: 'button', id: 'demo-token',
          onclick: () => { demoToken(demo.request()).then(accept, (e: unknown) => render(error, (e as Error).message)); },
        }, demo.label))
      : null;
    render(mount, form, demoPanel, error);
    mount.hidden = false;
  });
}
