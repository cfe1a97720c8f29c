// The scaffolding the master-data screens share: list page, table columns, create/edit dialogs, URL state.
export { ActiveBadge, buttonColumn, DataTable, ListPage, type Column, type ListQuery } from './ListPage';
export { DialogForm, FormDialog, RemoveRowButton, savedThen, type ProblemTarget } from './FormDialog';
export { formPath, problemFieldErrors } from './problemFields';
export { editTarget, flatPages, useSearchPatch } from './useListPage';
