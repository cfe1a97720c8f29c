import dayjs from 'dayjs';
import 'dayjs/locale/ro';
import 'dayjs/locale/en-gb';
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en';
import ro from './ro';

export const LANGUAGES = ['en', 'ro'] as const;
export type Language = (typeof LANGUAGES)[number];

const KEY = 'oms.lang';

function initialLanguage(): Language {
  const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) : null;
  return stored === 'ro' || stored === 'en' ? stored : 'en';
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, ro: { translation: ro } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false }, // React escapes already
  returnNull: false,
});

function applyLocale(lng: string): void {
  dayjs.locale(lng === 'ro' ? 'ro' : 'en-gb');
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
}

applyLocale(i18n.language);
i18n.on('languageChanged', (lng) => {
  localStorage.setItem(KEY, lng);
  applyLocale(lng);
});

export default i18n;
