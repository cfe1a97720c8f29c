import { Anchor, Button, Group, Modal, Stack } from '@mantine/core';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchLabel } from '@/hooks/api/shipments';
import { notifyError } from '@/lib/notify';

interface Doc {
  title: string;
  url: string;
}

/**
 * PDFs the API serves behind the login (labels, delivery notes): fetched with the session's token, then shown
 * from a blob URL in a preview with "open in a new tab" and "download". A new tab opened only after the fetch
 * would be a popup the browser blocks; the link in the preview is a click of its own.
 */
export function usePdfPreview(): {
  show: (key: string, title: string, load: () => Promise<Blob>) => Promise<void>;
  loading: string | null;
  open: boolean;
  preview: ReactNode;
} {
  const [doc, setDoc] = useState<Doc | null>(null);
  const [loading, setLoading] = useState<string | null>(null);
  const url = useRef<string | null>(null);

  const release = useCallback(() => {
    if (url.current) URL.revokeObjectURL?.(url.current);
    url.current = null;
  }, []);
  useEffect(() => release, [release]);

  const show = useCallback(
    async (key: string, title: string, load: () => Promise<Blob>) => {
      setLoading(key);
      try {
        const blob = await load();
        release();
        url.current = URL.createObjectURL(blob);
        setDoc({ title, url: url.current });
      } catch (err) {
        notifyError(err);
      } finally {
        setLoading(null);
      }
    },
    [release],
  );

  const close = () => {
    setDoc(null);
    release();
  };

  return { show, loading, open: doc !== null, preview: <PdfPreviewModal doc={doc} onClose={close} /> };
}

function PdfPreviewModal({ doc, onClose }: { doc: Doc | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={doc !== null} onClose={onClose} title={doc?.title} size="xl" data-testid="pdf-preview">
      {doc && (
        <Stack gap="xs">
          <iframe src={doc.url} title={doc.title} style={{ width: '100%', height: '70vh', border: 0 }} />
          <Group justify="flex-end">
            <Anchor href={doc.url} target="_blank" rel="noopener" size="sm">
              {t('pdf.openTab')}
            </Anchor>
            <Anchor href={doc.url} download={`${doc.title}.pdf`} size="sm">
              {t('pdf.download')}
            </Anchor>
            <Button variant="default" onClick={onClose} data-autofocus>
              {t('app.close')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** "Label A4" / "Label thermal" for one AWB, each opening the label's PDF. */
export function LabelButtons({ shipmentId, awb }: { shipmentId: number; awb: string }) {
  const { t } = useTranslation();
  const { show, loading, preview } = usePdfPreview();
  return (
    <Group gap={4} wrap="nowrap">
      {(['a4', 'thermal'] as const).map((format) => (
        <Button
          key={format}
          size="compact-xs"
          variant="light"
          loading={loading === format}
          onClick={() => void show(format, t('pdf.labelTitle', { awb, format: t(`pdf.format.${format}`) }), () => fetchLabel(shipmentId, format))}
          data-label-format={format}
        >
          {t(`pdf.label.${format}`)}
        </Button>
      ))}
      {preview}
    </Group>
  );
}
