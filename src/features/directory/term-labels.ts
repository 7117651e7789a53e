import type { Locale } from '../../core/i18n/index.ts';
import { DEFAULT_TERMS } from './vocabulary.ts';

/*
 * Readers see taxonomy terms in their language. Terms are data (curators rename and add them at
 * /admin/resources/taxonomy) and carry one name; the starting vocabulary's terms have a French name
 * here, by code. A term a curator renamed or added keeps the name it was given, in every language:
 * a French label written for the old name would no longer say the same thing.
 */
const FRENCH: Record<string, string> = {
  'sex-work-support': 'Droits et soutien des travailleur·ses du sexe',
  'trafficking-support': 'Soutien aux victimes de traite',
  legal: 'Juridique',
  health: 'Santé',
  housing: 'Logement',
  safety: 'Sécurité',
  'crisis-line': 'Lignes d’écoute',
  immigration: 'Immigration',
  financial: 'Argent et droits sociaux',
  community: 'Communauté',
  'sex-worker-led': 'Mené par des travailleur·ses du sexe',
  'peer-led': 'Mené par des pairs',
  'harm-reduction': 'Réduction des risques',
  'no-police': 'Sans intervention de la police',
  confidential: 'Confidentiel',
  anonymous: 'Anonyme',
  'no-id': 'Sans pièce d’identité',
  free: 'Gratuit',
  'drop-in': 'Sans rendez-vous',
  'no-exit-requirement': 'Sans obligation d’arrêter le travail du sexe',
  'trans-inclusive': 'Inclusif des personnes trans',
  'migrant-inclusive': 'Ouvert aux personnes migrantes quel que soit leur statut',
  'sex-workers': 'Travailleur·ses du sexe',
  'trafficking-survivors': 'Personnes victimes de traite',
  women: 'Femmes',
  men: 'Hommes',
  'trans-nonbinary': 'Personnes trans et non binaires',
  'young-people': 'Jeunes',
  migrants: 'Personnes migrantes',
  lgbtq: 'Personnes LGBTQ+',
  'in-person': 'Sur place',
  phone: 'Par téléphone',
  text: 'Par SMS ou messagerie',
  online: 'En ligne',
};

/** The default English name of each starting term, by code (to tell a renamed term). */
const DEFAULT_NAMES = new Map(
  Object.values(DEFAULT_TERMS)
    .flat()
    .map(([code, name]) => [code, name]),
);

/** A term's name for a reader in `locale`. */
export function termLabel(locale: Locale, term: { code: string | null; name: string }): string {
  if (locale !== 'fr' || !term.code || DEFAULT_NAMES.get(term.code) !== term.name) return term.name;
  return FRENCH[term.code] ?? term.name;
}

const CODE_OF_DEFAULT_NAME = new Map([...DEFAULT_NAMES].map(([code, name]) => [name, code]));

/** The same for a term known by its name only (a result card's badges). */
export function termLabelByName(locale: Locale, name: string): string {
  return termLabel(locale, { code: CODE_OF_DEFAULT_NAME.get(name) ?? null, name });
}

/** Every starting term has its French name (checked by the directory's tests). */
export const frenchTermCodes = (): string[] => Object.keys(FRENCH);
