import { Badge, Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { usePdfPreview } from '@/components/PdfPreview';
import { fetchDeliveryNotePdf, type DeliveryNote } from '@/hooks/api/deliveryNotes';

const STATUS_COLOR: Record<DeliveryNote['status'], string> = { open: 'blue', dispatched: 'green', cancelled: 'gray' };

export function DeliveryNoteStatusBadge({ status }: { status: DeliveryNote['status'] }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLOR[status]} variant="light" tt="none" data-note-status={status}>
      {t(`deliveryNotes.status.${status}`)}
    </Badge>
  );
}

export function PartialBadge() {
  const { t } = useTranslation();
  return (
    <Badge color="orange" variant="outline" tt="none" data-testid="partial-badge">
      {t('deliveryNotes.partial')}
    </Badge>
  );
}

/** The delivery note's PDF (A4) in the operator's language. */
export function NotePdfButton({ note }: { note: Pick<DeliveryNote, 'id' | 'number'> }) {
  const { t, i18n } = useTranslation();
  const { show, loading, preview } = usePdfPreview();
  return (
    <>
      <Button
        size="compact-xs"
        variant="light"
        loading={loading !== null}
        onClick={() => void show('pdf', note.number, () => fetchDeliveryNotePdf(note.id, i18n.language))}
        data-testid="note-pdf"
      >
        {t('deliveryNotes.pdf')}
      </Button>
      {preview}
    </>
  );
}
