import { defineMessages, type Message } from '../i18n/index.ts';
import type { TextFault } from './gate.ts';

/*
 * Why text from a file was refused, for the command line: `{at}` says where (file, row and field;
 * item and field), the rest says what to do. The character is named by its code, never printed.
 */
const { msg } = defineMessages('text', {
  en: {
    encoding:
      '{at}: the text is not valid UTF-8 ({code} at character {position}). Save the file as UTF-8 and try again.',
    control:
      '{at}: the text holds the invisible control character {code} (character {position}). Remove it and try again.',
    bidi: '{at}: the text holds the text-direction override {code} (character {position}), which can make text read differently than it is. Remove it and try again.',
  },
  fr: {
    encoding:
      '{at} : le texte n’est pas de l’UTF-8 valable ({code} au caractère {position}). Enregistrez le fichier en UTF-8 et réessayez.',
    control:
      '{at} : le texte contient le caractère de contrôle invisible {code} (caractère {position}). Retirez-le et réessayez.',
    bidi: '{at} : le texte contient le forçage de direction {code} (caractère {position}), qui peut faire lire le texte autrement qu’il n’est. Retirez-le et réessayez.',
  },
});

/** The sentence for a refused piece of text, `at` naming where it was. */
export function textFaultMessage(at: Message, fault: TextFault): Message {
  return msg(fault.kind, { at, code: fault.code, position: fault.position });
}
