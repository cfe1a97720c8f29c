import { ActionIcon, Button, Group, Modal, Stack, type ModalProps } from '@mantine/core';
import { useEffect, useMemo, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '@/components/states';
import { notifySuccess } from '@/lib/notify';
import { formPath, problemFieldErrors } from './problemFields';

/** What DialogForm needs of a Mantine form to put the server's field errors next to their inputs. */
export interface ProblemTarget {
  values: unknown;
  setErrors: (errors: Record<string, ReactNode>) => void;
}

export interface DialogFormProps {
  onSubmit: (event?: FormEvent<HTMLFormElement>) => void;
  onCancel: () => void;
  /** The failed save (a mutation's `error`): its detail above the buttons, its field errors at their inputs. */
  error?: unknown;
  /** The form (useForm) whose inputs the problem's `errors[].field` may name. */
  form?: ProblemTarget;
  /** API field name -> form path, when the form's shape differs from the request body. */
  fieldPath?: (field: string) => string | null;
  pending?: boolean;
  /** Looking without the right to change: inputs disabled, no save button. */
  readOnly?: boolean;
  submitLabel?: string;
  /** Buttons on the left of the footer (e.g. "Add line"). */
  extraActions?: ReactNode;
  children: ReactNode;
}

/** A dialog's form: the inputs, the failed save's problem, Cancel and Save. */
export function DialogForm({
  onSubmit,
  onCancel,
  error = null,
  form,
  fieldPath = formPath,
  pending = false,
  readOnly = false,
  submitLabel,
  extraActions,
  children,
}: DialogFormProps) {
  const { t } = useTranslation();
  // Read once per failure: the inputs the server named keep their message until the user edits them.
  const fieldErrors = useMemo(
    () => (form ? problemFieldErrors(error, form.values, fieldPath) : null),
    [error],
  );
  useEffect(() => {
    if (form && fieldErrors && fieldErrors.shown.size > 0) form.setErrors(fieldErrors.errors);
  }, [fieldErrors]);

  const fields = readOnly ? (
    <fieldset disabled style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
      <Stack gap="xs">{children}</Stack>
    </fieldset>
  ) : (
    children
  );
  return (
    <form onSubmit={onSubmit}>
      <Stack gap="xs">
        {fields}
        {error != null && <FormError error={error} shownFields={fieldErrors?.shown} />}
        <Group justify={extraActions ? 'space-between' : 'flex-end'} mt={4}>
          {extraActions}
          <Group gap="xs">
            <Button variant="default" onClick={onCancel}>
              {readOnly ? t('app.close') : t('app.cancel')}
            </Button>
            {!readOnly && (
              <Button type="submit" loading={pending}>
                {submitLabel ?? t('app.save')}
              </Button>
            )}
          </Group>
        </Group>
      </Stack>
    </form>
  );
}

export interface FormDialogProps extends Omit<DialogFormProps, 'onCancel'> {
  title: ReactNode;
  onClose: () => void;
  size?: ModalProps['size'];
}

/** The create/edit dialog of a list screen: a modal around a DialogForm. */
export function FormDialog({ title, onClose, size, ...form }: FormDialogProps) {
  return (
    <Modal opened onClose={onClose} title={title} size={size}>
      <DialogForm onCancel={onClose} {...form} />
    </Modal>
  );
}

/**
 * The ×-button that removes one row of a repeated group of inputs (rules, lines, addresses…). In a row
 * aligned to the top (so that an input's error message does not lift it), `top` puts it level with the inputs.
 */
export function RemoveRowButton({ onClick, label, top = false }: { onClick: () => void; label?: string; top?: boolean }) {
  const { t } = useTranslation();
  return (
    <ActionIcon variant="subtle" color="red" aria-label={label ?? t('app.remove')} onClick={onClick} {...(top ? { mt: 22 } : { mb: 4 })}>
      ×
    </ActionIcon>
  );
}

/** Mutation options for a dialog's save: a toast, then close. */
export function savedThen(message: string, close: () => void) {
  return {
    onSuccess: () => {
      notifySuccess(message);
      close();
    },
  };
}
