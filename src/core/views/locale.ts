import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { translate, type Locale, type Message } from '../i18n/index.ts';

/*
 * The page's UI locale, provided once by the layout, so shared components (form errors,
 * pagination) translate the messages they are given without every caller passing the locale.
 */
export const LocaleContext = createContext<Locale>('en');

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

/** Translates a message in the page's locale (inside a component rendered under the layout). */
export function useTranslate(): (message: Message) => string {
  const locale = useLocale();
  return (message) => translate(locale, message);
}
