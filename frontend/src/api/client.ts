import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';
import { session } from '@/auth/session';

export type Schemas = components['schemas'];
export type Order = Schemas['OrderOut'];
export type OrderSummary = Schemas['OrderSummary'];
export type StatusCount = Schemas['StatusCount'];
export type OrderLine = Schemas['LineOut'];
export type LineInput = Schemas['LineIn'];

/** An RFC 9457 problem as the API sends it; `detail` is what the operator is shown. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string | null;
  errors?: { field: string; message: string }[] | null;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** Someone else changed the resource since we read it (If-Match no longer matches). */
  get isConflict(): boolean {
    return this.status === 412;
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    // A 401 on anything but the login call means the token expired or was revoked.
    if (response.status === 401 && !request.url.endsWith('/api/auth/login') && session.token()) {
      session.expire();
    }
    return response;
  },
};

function origin(): string {
  return typeof window !== 'undefined' ? window.location.origin : 'http://localhost';
}

// `fetch` is looked up per call so tests can stub globalThis.fetch after this module loaded.
// no-store: the order's ETag names its version only, while allowed_actions depend on who asks; a browser
// revalidating its cached copy (If-None-Match -> 304) would show one user the buttons of another.
export const api = createClient<paths>({
  baseUrl: origin(),
  fetch: (req) => globalThis.fetch(req),
  cache: 'no-store',
});
api.use(auth);

function asProblem(status: number, body: unknown): Problem {
  if (body && typeof body === 'object') return body as Problem;
  return { status, title: `HTTP ${status}`, detail: typeof body === 'string' && body ? body : null };
}

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a successful answer, or an ApiError carrying the problem. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined) throw new ApiError(response.status, asProblem(response.status, error));
  return data as T;
}

/** Like unwrap, plus the ETag header the next write must send as If-Match. */
export async function unwrapWithEtag<T>(call: Promise<Result<T>>): Promise<{ data: T; etag: string | null }> {
  const result = await call;
  const data = await unwrap(Promise.resolve(result));
  return { data, etag: result.response.headers.get('ETag') };
}

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;

/** The JSON a route answers with on success (200 or 201), by path and method: immune to schema renames. */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: infer A }
    ? JsonOf<A>
    : R extends { 201: infer B }
      ? JsonOf<B>
      : never
  : never;

/** The JSON body a route takes, by path and method. */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;
