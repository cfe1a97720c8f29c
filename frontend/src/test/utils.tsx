import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, RouterProvider } from '@tanstack/react-router';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import { makeRouter } from '@/app/router';
import { theme } from '@/app/theme';
import { session } from '@/auth/session';

export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } } });
}

export function renderWithProviders(ui: ReactNode, client = testQueryClient()) {
  return render(
    <QueryClientProvider client={client}>
      <MantineProvider theme={theme} env="test">
        <Notifications />
        {ui}
      </MantineProvider>
    </QueryClientProvider>,
  );
}

/** The whole console at a URL (with /admin), signed in with the given roles. */
export function renderApp(url: string, roles: string[] = ['operator']) {
  session.reset();
  session.start('test-token', { id: 1, email: 'op@test.local', name: 'Op Erator', roles }, 3600);
  const client = testQueryClient();
  const router = makeRouter(client, { history: createMemoryHistory({ initialEntries: [url] }) });
  const result = renderWithProviders(<RouterProvider router={router} />, client);
  return { ...result, router, client };
}

type Handler = (req: Request, url: URL) => Response | Promise<Response>;

// JSON bodies are compared as values; anything else (an uploaded PDF) as the text that was sent.
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function json(body: unknown, init: ResponseInit & { headers?: Record<string, string> } = {}): Response {
  const problem = (init.status ?? 200) >= 400;
  return new Response(JSON.stringify(body), {
    ...init,
    headers: { 'content-type': problem ? 'application/problem+json' : 'application/json', ...(init.headers ?? {}) },
  });
}

/**
 * A fake API: "METHOD /path" -> handler; ":id" matches one path segment. Every request is recorded so a
 * test can assert what the console asked for.
 */
export function mockApi(routes: Record<string, Handler>) {
  const calls: { method: string; url: URL; headers: Headers; body: unknown }[] = [];
  const compiled = Object.entries(routes).map(([key, handler]) => {
    const [method, path] = key.split(' ');
    const re = new RegExp(`^${path.replace(/:[a-z_]+/gi, '[^/]+')}$`);
    return { method, re, handler };
  });
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const url = new URL(req.url);
    const text = req.method === 'GET' || req.method === 'HEAD' ? '' : await req.clone().text();
    calls.push({ method: req.method, url, headers: req.headers, body: text ? parseBody(text) : undefined });
    const hit = compiled.find((r) => r.method === req.method && r.re.test(url.pathname));
    if (!hit) return json({ title: 'Not found', status: 404, detail: `no mock for ${req.method} ${url.pathname}` }, { status: 404 });
    return hit.handler(req, url);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}
