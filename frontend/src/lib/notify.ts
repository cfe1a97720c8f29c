import { notifications } from '@mantine/notifications';
import { ApiError } from '@/api/client';
import i18n from '@/i18n';

/**
 * The text an operator should read for a failure: the problem's detail when the API sent one, with the
 * fields it names (except those a form already shows next to their input).
 */
export function errorMessage(err: unknown, shownFields?: ReadonlySet<string>): string {
  if (err instanceof ApiError) {
    const fields = err.problem.errors
      ?.filter((e) => !shownFields?.has(e.field))
      .map((e) => `${e.field}: ${e.message}`)
      .join('; ');
    const detail = err.problem.detail || err.problem.title || `HTTP ${err.status}`;
    return fields ? `${detail} (${fields})` : detail;
  }
  if (err instanceof TypeError) return i18n.t('errors.network');
  return err instanceof Error ? err.message : String(err);
}

export function notifyError(err: unknown, title?: string): void {
  notifications.show({
    color: 'red',
    title: title ?? (err instanceof ApiError && err.problem.title ? err.problem.title : i18n.t('errors.title')),
    message: errorMessage(err),
    autoClose: 8000,
  });
}

export function notifySuccess(message: string): void {
  notifications.show({ color: 'green', message, autoClose: 4000 });
}
