import { FormFlag, FormText, Id, Type } from '../../core/http/schemas.ts';
import type { CommentInput } from './service.ts';
import type { CommentFormValues } from './views.tsx';

/*
 * The comment forms as they arrive (TypeBox schemas shared by the reader's and the staff routes).
 * What people type stays text here, with generous limits: the service answers a too-long or empty
 * comment with a field error and the text kept. Hidden fields are strict.
 */

/** Name and text: the writer's and the moderator's edit forms. */
export const CommentTextForm = Type.Object({
  name: Type.Optional(FormText(1_000)),
  body: Type.Optional(FormText(100_000)),
});

/** A new comment: its text, the comment it answers, the proof of work and the honeypot. */
export const NewCommentForm = Type.Object({
  name: Type.Optional(FormText(1_000)),
  body: Type.Optional(FormText(100_000)),
  parent_id: Type.Optional(Id),
  altcha: Type.Optional(FormText(20_000)),
  website: Type.Optional(FormText(1_000)),
});

/** `?saved=1` after a redirect from a form that saved. */
export const SavedQuery = Type.Object({ saved: Type.Optional(FormFlag) });

interface CommentFields {
  name?: string;
  body?: string;
  parent_id?: number;
}

export const commentInput = (form: CommentFields): CommentInput => ({
  displayName: form.name,
  body: form.body,
  parentId: form.parent_id,
});

/** What the reader typed, to show the form again with it. */
export const formValues = (form: CommentFields): CommentFormValues => ({
  name: form.name ?? '',
  body: form.body ?? '',
  parentId: form.parent_id,
});
