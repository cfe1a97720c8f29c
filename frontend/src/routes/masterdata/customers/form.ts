import type { Schemas } from '@/api/client';
import type { Customer, CustomerPatch } from '@/hooks/api/customers';

/** An address as the form edits it: every field a string, empty for "none". */
export interface AddressRow {
  name: string;
  company: string;
  street: string;
  city: string;
  county: string;
  postcode: string;
  country: string;
  phone: string;
}

type AddressIn = Schemas['CustomerAddress'];
type AddressOut = Omit<AddressIn, 'phone' | 'company'> & { phone?: string | null; company?: string | null };

export const emptyAddress = (name = ''): AddressRow => ({
  name,
  company: '',
  street: '',
  city: '',
  county: '',
  postcode: '',
  country: 'RO',
  phone: '',
});

export function addressRow(a: AddressOut): AddressRow {
  return { ...a, company: a.company ?? '', phone: a.phone ?? '', county: a.county ?? '', postcode: a.postcode ?? '' };
}

export function addressBody(a: AddressRow): AddressIn {
  return {
    name: a.name.trim(),
    company: a.company.trim() || null,
    street: a.street.trim(),
    city: a.city.trim(),
    county: a.county.trim(),
    postcode: a.postcode.trim(),
    country: a.country.trim().toUpperCase(),
    phone: a.phone.trim() || null,
  };
}

/** Client-side checks of one address (the API's limits): Mantine applies them to every row. */
export function addressRules(required: string, country: string) {
  const need = (v: string) => (v.trim() ? null : required);
  return { name: need, street: need, city: need, country: (v: string) => (/^[A-Za-z]{2}$/.test(v.trim()) ? null : country) };
}

export interface CustomerFormValues {
  name: string;
  type: string;
  email: string;
  phone: string;
  company: string;
  vat_code: string;
  addresses: AddressRow[];
}

export function customerValues(c: Customer | null): CustomerFormValues {
  return {
    name: c?.name ?? '',
    type: c?.type ?? 'b2c',
    email: c?.email ?? '',
    phone: c?.phone ?? '',
    company: c?.company ?? '',
    vat_code: c?.vat_code ?? '',
    addresses: (c?.addresses ?? []).map(addressRow),
  };
}

/** The request body (POST or PATCH): empty optional fields are null, and the address list is sent whole. */
export function customerBody(v: CustomerFormValues): CustomerPatch {
  return {
    name: v.name.trim(),
    type: v.type as 'b2b' | 'b2c',
    email: v.email.trim() || null,
    phone: v.phone.trim() || null,
    company: v.company.trim() || null,
    vat_code: v.vat_code.trim() || null,
    addresses: v.addresses.map(addressBody),
  };
}
