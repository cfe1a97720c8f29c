import { useSyncExternalStore } from 'react';

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  roles: string[];
  locale?: string;
}

interface Stored {
  token: string;
  user: SessionUser;
  expiresAt: number; // epoch ms
}

const KEY = 'oms.session';
const EXPIRED_FLAG = 'oms.session.expired';

type Listener = () => void;
const listeners = new Set<Listener>();
let cached: Stored | null | undefined;

function read(): Stored | null {
  if (cached !== undefined) return cached;
  try {
    const raw = localStorage.getItem(KEY);
    cached = raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    cached = null;
  }
  return cached;
}

function write(value: Stored | null): void {
  cached = value;
  if (value) localStorage.setItem(KEY, JSON.stringify(value));
  else localStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

/** The staff session: a bearer token kept in localStorage until it expires or the user logs out. */
export const session = {
  current(): Stored | null {
    const s = read();
    return s && s.expiresAt > Date.now() ? s : null;
  },
  token(): string | null {
    return session.current()?.token ?? null;
  },
  user(): SessionUser | null {
    return session.current()?.user ?? null;
  },
  isValid(): boolean {
    return session.current() !== null;
  },
  start(token: string, user: SessionUser, expiresInS: number): void {
    sessionStorage.removeItem(EXPIRED_FLAG);
    write({ token, user, expiresAt: Date.now() + expiresInS * 1000 });
  },
  logout(): void {
    sessionStorage.removeItem(EXPIRED_FLAG);
    write(null);
  },
  /** The server refused the token: drop it and let the login page say why. */
  expire(): void {
    if (read() === null) return;
    sessionStorage.setItem(EXPIRED_FLAG, '1');
    write(null);
  },
  wasExpired(): boolean {
    return sessionStorage.getItem(EXPIRED_FLAG) === '1';
  },
  msUntilExpiry(): number | null {
    const s = read();
    return s ? s.expiresAt - Date.now() : null;
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Tests only: forget the in-memory copy so localStorage is read again. */
  reset(): void {
    cached = undefined;
  },
};

export function useSessionUser(): SessionUser | null {
  return useSyncExternalStore(session.subscribe, session.user, session.user);
}

export function hasRole(user: SessionUser | null, ...roles: string[]): boolean {
  if (!user) return false;
  return user.roles.includes('admin') || roles.some((r) => user.roles.includes(r));
}

/** The staff roles (domain.actors.Role), in the order forms offer them. */
export const STAFF_ROLES = ['operator', 'sales_manager', 'warehouse', 'finance', 'admin'] as const;
