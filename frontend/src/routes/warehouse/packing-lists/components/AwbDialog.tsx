import { Alert, Badge, Button, FileInput, Group, Loader, Modal, Paper, Radio, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LabelButtons } from '@/components/PdfPreview';
import { useActiveCouriers } from '@/hooks/api/couriers';
import {
  LABEL_FORMATS,
  MANUAL_COURIERS,
  useGenerateAwb,
  useOffers,
  type AwbResult,
  type Courier,
  type LabelFormat,
  type Offer,
  type PackingList,
} from '@/hooks/api/packingLists';
import { useUploadLabel } from '@/hooks/api/shipments';
import { useFormat } from '@/i18n/format';
import { errorMessage } from '@/lib/notify';
import { AwbProblem } from './AwbProblem';
import { CourierChoice } from './CourierChoice';

const offerKey = (o: Offer) => `${o.carrier_id ?? ''}:${o.service}`;

interface Props {
  list: PackingList | null;
  onClose: () => void;
}

/**
 * The AWB of one packing list: pick the courier and service (Innoship: its price offers side by side), or for a
 * manual courier (Palex) type the AWB made in its portal and upload its label. Ends on the AWB and its labels.
 * Only couriers with an active account are offered, the first (Innoship when it has one) preselected.
 */
export function AwbDialog({ list, onClose }: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={list !== null} onClose={onClose} size="xl" title={list && t('packing.awb.title', { number: list.number, order: list.order_number })}>
      {list && <AwbForm key={list.id} list={list} onClose={onClose} />}
    </Modal>
  );
}

function AwbForm({ list, onClose }: { list: PackingList; onClose: () => void }) {
  const { t } = useTranslation();
  const active = useActiveCouriers();
  // The operator's pick, as long as it is still offered; otherwise the first courier offered.
  const [picked, setPicked] = useState<Courier | null>(null);
  const courier: Courier | undefined = picked !== null && active.couriers.includes(picked) ? picked : active.couriers[0];
  const [service, setService] = useState('');
  const [offer, setOffer] = useState<string | null>(null);
  const [awbNumber, setAwbNumber] = useState('');
  const [awbError, setAwbError] = useState<string | null>(null);
  const generate = useGenerateAwb();
  const manual = courier !== undefined && MANUAL_COURIERS.has(courier);
  const offers = useOffers(list.id, 'innoship', courier === 'innoship' && !generate.isSuccess);
  const sorted = [...(offers.data?.items ?? [])].sort((a, b) => Number(a.price) - Number(b.price));

  // The cheapest offer is preselected; the operator moves with the arrow keys.
  useEffect(() => {
    if (offer === null && sorted.length) setOffer(offerKey(sorted[0]));
  }, [offer, sorted]);

  if (generate.isSuccess) return <AwbDone result={generate.data} courier={generate.variables.courier} onClose={onClose} />;

  const submit = () => {
    if (courier === undefined) return;
    if (manual && !awbNumber.trim()) {
      setAwbError(t('packing.awb.awbRequired'));
      return;
    }
    const picked = courier === 'innoship' ? sorted.find((o) => offerKey(o) === offer) : undefined;
    generate.mutate({
      id: list.id,
      courier,
      service: picked ? picked.service : service.trim() || null,
      carrier_id: picked?.carrier_id ?? null,
      awb_number: manual ? awbNumber.trim() : null,
    });
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Stack gap="sm">
        <CourierChoice
          query={active.query}
          couriers={active.couriers}
          value={courier}
          onChange={(c) => {
            setPicked(c);
            setOffer(null);
            generate.reset();
          }}
          empty={t('packing.awb.noCouriers')}
        />
        {courier === undefined ? null : courier === 'innoship' ? (
          <Offers query={offers} offers={sorted} value={offer} onChange={setOffer} />
        ) : manual ? (
          <TextInput
            label={t('packing.awb.awbNumber')}
            description={t('packing.awb.manualHint')}
            value={awbNumber}
            onChange={(e) => {
              setAwbNumber(e.currentTarget.value);
              setAwbError(null);
            }}
            error={awbError}
            withAsterisk
            maxLength={64}
          />
        ) : (
          <TextInput
            label={t('packing.awb.service')}
            placeholder={t('packing.awb.serviceDefault')}
            value={service}
            onChange={(e) => setService(e.currentTarget.value)}
            maxLength={64}
          />
        )}
        {generate.isError && <AwbProblem error={generate.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('app.cancel')}
          </Button>
          <Button
            type="submit"
            loading={generate.isPending}
            disabled={courier === undefined || (courier === 'innoship' && offers.isFetching)}
            data-testid="awb-submit"
          >
            {manual ? t('packing.awb.record') : t('packing.awb.generate')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Offers({
  query,
  offers,
  value,
  onChange,
}: {
  query: ReturnType<typeof useOffers>;
  offers: Offer[];
  value: string | null;
  onChange: (v: string) => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  if (query.isFetching && !query.data) {
    return (
      <Group gap="xs">
        <Loader size="xs" />
        <Text size="sm" c="dimmed">
          {t('packing.awb.loadingOffers')}
        </Text>
      </Group>
    );
  }
  if (query.isError) {
    return (
      <Stack gap={4}>
        <AwbProblem error={query.error} />
        <Group>
          <Button size="compact-xs" variant="light" onClick={() => void query.refetch()}>
            {t('app.retry')}
          </Button>
        </Group>
      </Stack>
    );
  }
  if (offers.length === 0) return <Text size="sm" c="dimmed">{t('packing.awb.noOffers')}</Text>;
  return (
    <Radio.Group value={value} onChange={onChange} label={t('packing.awb.offers')} name="offer">
      <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="xs" mt={4} data-testid="offers">
        {offers.map((o) => (
          <Paper key={offerKey(o)} withBorder p="xs" data-offer={offerKey(o)} bg={value === offerKey(o) ? 'var(--mantine-color-blue-light)' : undefined}>
            <Radio
              value={offerKey(o)}
              label={
                <Stack gap={0}>
                  <Text size="sm" fw={600}>
                    {o.carrier_name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {o.service_name || o.service}
                  </Text>
                  <Group gap={6} mt={2}>
                    <Text size="sm" fw={600}>
                      {fmt.money(o.price, o.currency)}
                    </Text>
                    {o.delivery_days !== null && (
                      <Badge size="xs" variant="light">
                        {t('packing.awb.days', { count: o.delivery_days })}
                      </Badge>
                    )}
                  </Group>
                </Stack>
              }
            />
          </Paper>
        ))}
      </SimpleGrid>
    </Radio.Group>
  );
}

/** The AWB is there: its number and labels; for a manual courier, the upload of the portal's label first. */
function AwbDone({ result, courier, onClose }: { result: AwbResult; courier: Courier; onClose: () => void }) {
  const { t } = useTranslation();
  const upload = useUploadLabel();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<LabelFormat>('a4');
  const manual = MANUAL_COURIERS.has(courier);
  return (
    <Stack gap="sm" data-testid="awb-done">
      <Alert color="green" p="xs">
        <Group gap="xs">
          <Text size="sm">{result.already ? t('packing.awb.already') : t('packing.awb.created')}</Text>
          <Text size="lg" fw={700} ff="monospace" data-testid="awb-number">
            {result.awb_number}
          </Text>
        </Group>
      </Alert>
      {manual && !upload.isSuccess ? (
        <Stack gap="xs">
          <Text size="sm">{t('packing.awb.uploadHint')}</Text>
          <Group align="flex-end" gap="xs">
            <FileInput
              label={t('packing.awb.labelFile')}
              accept="application/pdf"
              value={file}
              onChange={setFile}
              clearable
              w={280}
            />
            <SegmentedControl
              aria-label={t('packing.labels.format')}
              value={format}
              onChange={(v) => setFormat(v as LabelFormat)}
              data={LABEL_FORMATS.map((f) => ({ value: f, label: t(`pdf.format.${f}`) }))}
            />
            <Button
              disabled={!file}
              loading={upload.isPending}
              onClick={() => file && upload.mutate({ shipmentId: result.shipment_id, format, file })}
            >
              {t('packing.awb.upload')}
            </Button>
          </Group>
          {upload.isError && (
            <Text size="sm" c="red" role="alert">
              {errorMessage(upload.error)}
            </Text>
          )}
        </Stack>
      ) : (
        <Group gap="xs">
          <Text size="sm">{t('packing.labels.title')}:</Text>
          <LabelButtons shipmentId={result.shipment_id} awb={result.awb_number} />
        </Group>
      )}
      <Group justify="flex-end">
        <Button onClick={onClose} data-autofocus>
          {t('app.close')}
        </Button>
      </Group>
    </Stack>
  );
}
