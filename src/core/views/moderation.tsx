import type { ComponentChildren } from 'preact';
import { CsrfField } from './components.tsx';
import { useLocale } from './locale.ts';
import { t } from './messages.ts';

/*
 * The one set of moderation buttons every queue uses (comments, pledges, suggestions, reports), so
 * a moderator reads the same three verdicts the same way everywhere: approve is the primary
 * button, reject a secondary one, spam a danger one set apart — each with its own words and
 * colour, never three identical buttons. The caller says what each button sends, because queues
 * post differently (one form with a button per comment, a small form per pledge).
 */
export const VERDICTS = ['approve', 'reject', 'spam'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface VerdictButton {
  /** The form field the button sends and its value ("single" = "12:approve", "action" = "approve"). */
  name?: string;
  value?: string;
  /** Where the button posts when it is not where its form posts. */
  formaction?: string;
  /** What the button says when the queue has its own word ("Create listing", "Mark as dealt with"). */
  label?: string;
  /** Hooks for scripts and tests, e.g. { 'data-action': 'approve' }. */
  data?: Record<`data-${string}`, string>;
}

const LOOK: Record<Verdict, { className: string; label: MessageKey; glyph: string }> = {
  approve: { className: 'moderation-actions__approve', label: 'verdictApprove', glyph: '✓' },
  reject: { className: 'secondary moderation-actions__reject', label: 'verdictReject', glyph: '✕' },
  spam: { className: 'danger moderation-actions__spam', label: 'verdictSpam', glyph: '⚠' },
};
type MessageKey = Parameters<typeof t>[1];

export interface ModerationActionsProps {
  /** The group's accessible name: which item the buttons act on ("Comment by Ana on “Hello”"). */
  label: string;
  /** The verdicts this queue offers, each with what its button sends; absent ones are not shown. */
  buttons: Partial<Record<Verdict, VerdictButton>>;
  /** Given when the buttons are not inside a form already: they get one of their own. */
  form?: { action: string; csrfToken: string };
  /** Lesser actions shown after the verdicts (edit, open the post). */
  children?: ComponentChildren;
}

export function ModerationActions({ label, buttons, form, children }: ModerationActionsProps) {
  const locale = useLocale();
  const group = (
    <div class="moderation-actions" role="group" aria-label={label}>
      {VERDICTS.map((verdict) => {
        const button = buttons[verdict];
        if (!button) return null;
        const look = LOOK[verdict];
        return (
          <button
            type="submit"
            class={look.className}
            name={button.name}
            value={button.value}
            formaction={button.formaction}
            data-verdict={verdict}
            {...button.data}
          >
            <span aria-hidden="true">{look.glyph} </span>
            {button.label ?? t(locale, look.label)}
          </button>
        );
      })}
      {children && <span class="moderation-actions__more">{children}</span>}
    </div>
  );
  if (!form) return group;
  return (
    <form method="post" action={form.action} class="moderation-actions__form">
      <CsrfField token={form.csrfToken} />
      {group}
    </form>
  );
}
