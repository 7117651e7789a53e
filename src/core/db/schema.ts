import type { Generated, Kysely, Selectable, Transaction } from 'kysely';

/*
 * The one typed description of the database. Every feature adds its tables in its own
 * section below; repos derive row types with Selectable/Insertable/Updateable.
 *
 * Conventions that keep one set of queries valid on SQLite and PostgreSQL:
 * - times are ISO-8601 UTC strings (text), so they sort and compare the same everywhere;
 * - booleans are integers 0/1;
 * - ids are integer identities unless a spec (HSDS) asks for text ids.
 */

// ── core ────────────────────────────────────────────────────────────────────
export type Role = 'admin' | 'editor' | 'moderator' | 'trainer';

export interface UsersTable {
  id: Generated<number>;
  email: string;
  display_name: string;
  /** Public author slug (author pages). */
  slug: string;
  role: Role;
  password_hash: string;
  bio: string;
  is_disabled: Generated<number>;
  created_at: string;
  /** Failed login attempts since the last successful login (a count only: no address, no user-agent). */
  failed_logins: Generated<number>;
  /** Failed attempts to tell the owner about once, on the staff home after their next login. */
  failed_logins_notice: Generated<number>;
  /** Base32 TOTP secret once the second factor is on; null without one. */
  totp_secret: string | null;
  /** A secret shown for enrolment, not yet confirmed with a code. */
  totp_pending_secret: string | null;
  /** The last time step whose code was accepted: a code of that step or earlier is refused (no replay). */
  totp_last_step: number | null;
}

export interface SessionsTable {
  /** SHA-256 of the cookie token: a leaked table cannot be replayed as cookies. */
  token_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  /** Coarse "browser on system" from a fixed vocabulary, derived at login; never the user-agent. */
  device: Generated<string>;
  last_seen_at: string | null;
}

/** Recovery codes for a lost second factor: SHA-256 of each (80 random bits), deleted when used. */
export interface RecoveryCodesTable {
  code_hash: string;
  user_id: number;
}

/** Between a right password and a right code: a short-lived, attempt-limited pending login. */
export interface LoginChallengesTable {
  token_hash: string;
  user_id: number;
  device: Generated<string>;
  attempts: Generated<number>;
  expires_at: string;
}

/** Single-use password-reset links an admin made; only the token's hash is kept. */
export interface PasswordResetsTable {
  token_hash: string;
  user_id: number;
  created_by: number | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  user_id: number | null;
  action: string;
  subject: string;
  detail: string;
  created_at: string;
}

// ── training ──
/** The trainers' working copy of a course; learners only ever see published versions. */
export interface TrainingCoursesTable {
  id: Generated<number>;
  slug: string;
  title: string;
  summary: string;
  audience: string;
  language: string;
  minutes: number;
  /** Bumped on every edit of the course or anything in it: a stale form is refused. */
  revision: number;
  published_version_id: number | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface TrainingModulesTable {
  id: Generated<number>;
  course_id: number;
  position: number;
  title: string;
}

export interface TrainingLessonsTable {
  id: Generated<number>;
  module_id: number;
  position: number;
  slug: string;
  title: string;
  body_md: string;
  is_required: number;
  /** Percentage of quiz questions to answer correctly. */
  pass_mark: number;
  /** Failed tries after which the quiz shows its right answers (a pass always does). */
  reveal_after: Generated<number>;
}

export interface TrainingQuestionsTable {
  id: Generated<number>;
  lesson_id: number;
  position: number;
  /** single | multiple | reflection */
  kind: string;
  prompt: string;
  /** JSON: [{ text, correct, explanation }] (empty for reflection prompts). */
  options_json: string;
}

/** A frozen, published snapshot of a course (JSON), so learners part way keep a consistent course. */
export interface TrainingCourseVersionsTable {
  id: Generated<number>;
  course_id: number;
  version: number;
  content_json: string;
  published_at: string;
  published_by: number | null;
}

/** A progress code: only its keyed hash, so a leaked table cannot resume anyone's progress. */
export interface TrainingLearnersTable {
  id: Generated<number>;
  code_hash: string;
  /** argon2id of an optional passphrase. */
  passphrase_hash: string | null;
  /** Day granularity only (YYYY-MM-DD): enough for expiry, too coarse to follow anyone. */
  expires_on: string;
}

export interface TrainingEnrolmentsTable {
  id: Generated<number>;
  learner_id: number;
  course_id: number;
  version_id: number;
  /** No dates: when someone studied is nobody's business; only whether they finished. */
  is_complete: number;
}

export interface TrainingLessonProgressTable {
  enrolment_id: number;
  lesson_key: string;
  is_complete: number;
  /** Best quiz score in percent, null for lessons without a quiz. */
  best_score: number | null;
  is_passed: number;
  /** Quiz tries so far, to know when the right answers may be shown. */
  attempts: Generated<number>;
}

/** Aggregate counters only: no row says who answered. */
export interface TrainingQuestionStatsTable {
  course_id: number;
  question_key: string;
  attempts: number;
  correct: number;
}

export interface TrainingCertificatesTable {
  id: Generated<number>;
  code: string;
  course_id: number;
  version_id: number;
  course_title: string;
  holder_name: string;
  issued_on: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

// ── posts ──
export type PostStatus = 'draft' | 'scheduled' | 'published';

export interface PostsTable {
  id: Generated<number>;
  slug: string;
  title: string;
  excerpt: string;
  body_md: string;
  /** Shown before the text, e.g. "mentions violence"; empty when none. */
  content_note: string;
  /** BCP 47 language code ("en", "fr", ...). */
  language: string;
  /** Posts that are translations of each other share this number (the first post's id). */
  translation_group: number | null;
  author_id: number;
  status: PostStatus;
  /** Set for scheduled and published posts; a scheduled post is live once published_at <= now. */
  published_at: string | null;
  /** File name under DATA_DIR/uploads/posts (generated, never the uploader's name). */
  cover_image: string | null;
  cover_alt: string;
  cover_width: number | null;
  cover_height: number | null;
  comments_closed: Generated<number>;
  created_at: string;
  updated_at: string;
  updated_by: number | null;
  /** Source of an imported post ("wp:<site>:<id>"); null for posts written here. */
  legacy_id: string | null;
}

/** Old slugs of posts whose slug changed after publication: /posts/<old> redirects. */
export interface PostSlugsOldTable {
  slug: string;
  post_id: number;
  created_at: string;
}

export interface TagsTable {
  id: Generated<number>;
  slug: string;
  name: string;
}

export interface PostTagsTable {
  post_id: number;
  tag_id: number;
}

/** Every save keeps a revision: who changed what and when, and what to restore. */
export interface PostRevisionsTable {
  id: Generated<number>;
  post_id: number;
  user_id: number | null;
  /** What happened: "create", "save", "publish", "schedule", "unpublish", "restore", "import". */
  action: string;
  /** Which fields changed, comma-separated. */
  changed: string;
  title: string;
  slug: string;
  excerpt: string;
  body_md: string;
  content_note: string;
  language: string;
  tags: string;
  created_at: string;
}

// ── comments ──
export type CommentStatus = 'pending' | 'approved' | 'rejected' | 'spam';

/**
 * One reader or staff comment. Nothing identifies the writer: an optional pseudonym and the
 * SHA-256 of their private-link token. Replies point at an approved top-level comment of the
 * same post (two levels). The WordPress import stores approved comments with `legacy_id`
 * (the WordPress comment id, unique per post), status 'approved', token_hash null.
 */
export interface CommentsTable {
  id: Generated<number>;
  post_id: number;
  parent_id: number | null;
  /** '' shows as "Anonymous". */
  display_name: string;
  body_md: string;
  status: CommentStatus;
  is_staff: number;
  staff_user_id: number | null;
  /** 0 when the proof of work was not done (no JavaScript): shown in the stricter queue. */
  challenge_passed: number;
  token_hash: string | null;
  /** SHA-256 of the normalised text, for duplicate detection. */
  fingerprint: string;
  legacy_id: string | null;
  created_at: string;
  updated_at: string;
  /** The writer may edit through the private link until then (15 minutes after posting). */
  editable_until: string | null;
  /** When the status last changed: purging counts from here. */
  status_changed_at: string;
  moderated_by: number | null;
  edit_count: number;
}

/** Every edit keeps the previous text; user_id null means the writer edited via the private link. */
export interface CommentEditsTable {
  id: Generated<number>;
  comment_id: number;
  user_id: number | null;
  previous_display_name: string;
  previous_body_md: string;
  created_at: string;
}

/** Shared anti-spam (core/antispam): proof-of-work challenges already used, until they expire. */
/** Shared guards (core/guards): windowed counters, replay sets and the daily salt, by key. */
export interface GuardsTable {
  key: string;
  count: number;
  value: string | null;
  /** Milliseconds since the epoch; the row means nothing after it. */
  expires_at: number;
}

// ── campaigns ──
export interface CampaignsTable {
  id: Generated<number>;
  slug: string;
  title: string;
  description: string;
  /** Posts carrying this tag are shown on the campaign page. */
  tag_slug: string;
  /** IANA zone in which "today is day N" is computed, e.g. "Europe/London". */
  time_zone: string;
  /** Local calendar dates (YYYY-MM-DD), inclusive. */
  starts_on: string;
  ends_on: string;
  /** 0 when staff closed the board: no new pledges. */
  is_board_open: number;
  created_at: string;
  updated_at: string;
}

export interface CampaignDaysTable {
  campaign_id: number;
  day_number: number;
  theme: string;
}

export interface CampaignEventsTable {
  id: Generated<number>;
  campaign_id: number;
  title: string;
  description: string;
  starts_at: string;
  ends_at: string;
  /** City-level place or "Online". */
  place: string;
  link: string;
  created_at: string;
  /** '' (once), 'daily' or 'weekly': the event repeats at the same local time in the campaign's zone. */
  repeat: Generated<EventRepeat>;
  /** How many times it happens in all (1 when it does not repeat). */
  repeat_count: Generated<number>;
}

export type EventRepeat = '' | 'daily' | 'weekly';

export type PledgeStatus = 'pending' | 'approved' | 'rejected' | 'spam';

export interface CampaignPledgesTable {
  id: Generated<number>;
  campaign_id: number;
  action: string;
  /** Day numbers as ",1,5,16," so one portable LIKE filters by day. */
  days: string;
  kind: string;
  display_name: string;
  place: string;
  link: string;
  status: PledgeStatus;
  is_featured: number;
  me_too_count: number;
  /** SHA-256 of the private link token (edit/delete); the token itself is never stored. */
  token_hash: string;
  /** Hash of the normalised action text: the same pledge twice on one campaign is refused. */
  fingerprint: string;
  created_at: string;
  updated_at: string;
  moderated_by: number | null;
  moderated_at: string | null;
}

// ── directory ──────────────────────────────────────────────────────────────
// HSDS 3.x tables with the specification's names and text UUID ids (features/directory/hsds.ts lists the
// fields); extension fields of this directory are marked "ext".
type S = string | null;
type N = number | null;
export interface HsdsOrganizationTable {
  id: string;
  name: string;
  alternate_name: S;
  description: string;
  email: S;
  website: S;
  tax_status: S;
  tax_id: S;
  year_incorporated: N;
  legal_status: S;
  logo: S;
  uri: S;
  parent_organization_id: S;
}
export interface HsdsServiceTable {
  id: string;
  organization_id: string;
  program_id: S;
  name: string;
  alternate_name: S;
  description: S;
  url: S;
  email: S;
  status: string;
  interpretation_services: S;
  application_process: S;
  fees_description: S;
  wait_time: S;
  fees: S;
  accreditations: S;
  eligibility_description: S;
  minimum_age: N;
  maximum_age: N;
  assured_date: S;
  assurer_email: S;
  licenses: S;
  alert: S;
  last_modified: S;
  /** ext: public URL slug */ slug: string;
  /** ext: display name of the curator who last verified it */ verified_by: S;
  /** ext */ created_at: string;
}
export interface HsdsLocationTable {
  id: string;
  location_type: string;
  url: S;
  organization_id: S;
  name: S;
  alternate_name: S;
  description: S;
  transportation: S;
  latitude: N;
  longitude: N;
  external_identifier: S;
  external_identifier_type: S;
  /** ext: a shelter or safe house: only the area is ever shown */ is_confidential: number;
  /** ext: the area shown for a confidential location (city or region) */ area_name: S;
  /** ext: coordinates search and the public see: the area's centre when confidential */ public_latitude: N;
  public_longitude: N;
}
export interface HsdsServiceAtLocationTable {
  id: string;
  service_id: string;
  location_id: string;
  description: S;
}
export interface HsdsAddressTable {
  id: string;
  location_id: S;
  attention: S;
  address_1: string;
  address_2: S;
  city: string;
  region: S;
  state_province: string;
  postal_code: string;
  country: string;
  address_type: string;
}
export interface HsdsPhoneTable {
  id: string;
  location_id: S;
  service_id: S;
  organization_id: S;
  contact_id: S;
  service_at_location_id: S;
  number: string;
  extension: N;
  type: S;
  description: S;
}
export interface HsdsScheduleTable {
  id: string;
  service_id: S;
  location_id: S;
  service_at_location_id: S;
  valid_from: S;
  valid_to: S;
  dtstart: S;
  timezone: N;
  until: S;
  count: N;
  wkst: S;
  freq: S;
  interval: N;
  byday: S;
  byweekno: S;
  bymonthday: S;
  byyearday: S;
  description: S;
  opens_at: S;
  closes_at: S;
  schedule_link: S;
  attending_type: S;
  notes: S;
  /** ext: IANA time zone, so "open now" follows daylight-saving changes */ timezone_name: S;
}
export interface HsdsLanguageTable {
  id: string;
  service_id: S;
  location_id: S;
  phone_id: S;
  name: S;
  code: S;
  note: S;
}
export interface HsdsServiceAreaTable {
  id: string;
  service_id: S;
  service_at_location_id: S;
  name: S;
  description: S;
  extent: S;
  extent_type: S;
  uri: S;
}
export interface HsdsContactTable {
  id: string;
  organization_id: S;
  service_id: S;
  service_at_location_id: S;
  location_id: S;
  name: S;
  title: S;
  department: S;
  email: S;
}
export interface HsdsTaxonomyTable {
  id: string;
  name: string;
  description: string;
  uri: S;
  version: S;
}
export interface HsdsTaxonomyTermTable {
  id: string;
  code: S;
  name: string;
  description: string;
  parent_id: S;
  taxonomy: S;
  language: S;
  taxonomy_id: S;
  term_uri: S;
}
/** Words readers use for a term, per language (migration 2026_11_29_0200). */
export interface TaxonomyTermSynonymsTable {
  term_id: string;
  language: string;
  word: string;
}
export interface HsdsAttributeTable {
  id: string;
  link_id: string;
  taxonomy_term_id: string;
  link_type: S;
  link_entity: string;
  value: S;
  label: S;
}
/*
 * The other HSDS 3.0 tables (migration 2026_11_29_0100_hsds_tables): kept as they come in a package and exported
 * again. Only the id is NOT NULL: the importer checks what HSDS requires.
 */
export interface HsdsProgramTable {
  id: string;
  organization_id: S;
  name: S;
  alternate_name: S;
  description: S;
}
export interface HsdsFundingTable {
  id: string;
  organization_id: S;
  service_id: S;
  source: S;
}
export interface HsdsCostOptionTable {
  id: string;
  service_id: S;
  valid_from: S;
  valid_to: S;
  option: S;
  currency: S;
  amount: N;
  amount_description: S;
}
export interface HsdsRequiredDocumentTable {
  id: string;
  service_id: S;
  document: S;
  uri: S;
}
export interface HsdsAccessibilityTable {
  id: string;
  location_id: S;
  description: S;
  details: S;
  url: S;
}
export interface HsdsOrganizationIdentifierTable {
  id: string;
  organization_id: S;
  identifier_scheme: S;
  identifier_type: S;
  identifier: S;
}
export interface HsdsMetadataTable {
  id: string;
  resource_id: S;
  resource_type: S;
  last_action_date: S;
  last_action_type: S;
  field_name: S;
  previous_value: S;
  replacement_value: S;
  updated_by: S;
}
export interface HsdsMetaTableDescriptionTable {
  id: string;
  name: S;
  language: S;
  character_set: S;
}
export interface ResourceSuggestionsTable {
  id: Generated<number>;
  name: string;
  url: string;
  domain: string;
  /** What it is, and why it helps (or the comment text around the link). */
  context: string;
  /** Where it is or which area it covers, free text. */
  where_text: string;
  /** How to reach it (a public phone or e-mail of the service, never the suggester's). */
  contact_text: string;
  source: 'form' | 'comment';
  source_comment_id: number | null;
  status: 'pending' | 'approved' | 'merged' | 'rejected';
  /** The listing created from it or merged into. */
  service_id: string | null;
  created_at: string;
  reviewed_at: string | null;
  reviewed_by: number | null;
}
export interface DirectoryReportsTable {
  id: Generated<number>;
  service_id: string;
  message: string;
  status: 'open' | 'resolved';
  created_at: string;
  resolved_at: string | null;
  resolved_by: number | null;
}
export interface DirectoryChangesTable {
  id: Generated<number>;
  service_id: string;
  user_id: number | null;
  action: string;
  /** JSON: { field: [before, after] } */
  detail: string;
  created_at: string;
}

export interface CacheInvalidationsTable {
  seq: Generated<number>;
  /** Comma-separated page-cache tags ("*" for all). */
  tags: string;
  created_at: string;
}

/** One demo row: `entity` names what it is (see core/demo/repo.ts), `entity_id` its id as text. */
export interface DemoContentTable {
  entity: string;
  entity_id: string;
  created_at: string;
}

/** An uploaded file, stored whole (see core/media). */
export interface MediaFilesTable {
  name: string;
  content_type: string;
  bytes: Buffer;
  size: number;
  sha256: string;
  created_at: string;
}

/** What an HSDS import last wrote for a record (migration 2026_11_29_1600_hsds_sync; see directory/hsds-sync.ts). */
export interface HsdsImportStateTable {
  table_name: string;
  id: string;
  imported_last_modified: string | null;
  imported_hash: string;
}

export interface Database {
  media_files: MediaFilesTable;
  cache_invalidations: CacheInvalidationsTable;
  demo_content: DemoContentTable;
  users: UsersTable;
  sessions: SessionsTable;
  recovery_codes: RecoveryCodesTable;
  login_challenges: LoginChallengesTable;
  password_resets: PasswordResetsTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
  // ── posts (publishing) ──
  posts: PostsTable;
  post_slugs_old: PostSlugsOldTable;
  tags: TagsTable;
  post_tags: PostTagsTable;
  post_revisions: PostRevisionsTable;
  // ── comments ──
  comments: CommentsTable;
  comment_edits: CommentEditsTable;
  guards: GuardsTable;
  // ── directory ──
  organization: HsdsOrganizationTable;
  service: HsdsServiceTable;
  location: HsdsLocationTable;
  service_at_location: HsdsServiceAtLocationTable;
  address: HsdsAddressTable;
  phone: HsdsPhoneTable;
  schedule: HsdsScheduleTable;
  language: HsdsLanguageTable;
  service_area: HsdsServiceAreaTable;
  contact: HsdsContactTable;
  taxonomy: HsdsTaxonomyTable;
  taxonomy_term: HsdsTaxonomyTermTable;
  taxonomy_term_synonyms: TaxonomyTermSynonymsTable;
  attribute: HsdsAttributeTable;
  program: HsdsProgramTable;
  funding: HsdsFundingTable;
  cost_option: HsdsCostOptionTable;
  required_document: HsdsRequiredDocumentTable;
  accessibility: HsdsAccessibilityTable;
  organization_identifier: HsdsOrganizationIdentifierTable;
  metadata: HsdsMetadataTable;
  meta_table_description: HsdsMetaTableDescriptionTable;
  resource_suggestions: ResourceSuggestionsTable;
  directory_reports: DirectoryReportsTable;
  directory_changes: DirectoryChangesTable;
  hsds_import_state: HsdsImportStateTable;
  // ── training ──
  training_courses: TrainingCoursesTable;
  training_modules: TrainingModulesTable;
  training_lessons: TrainingLessonsTable;
  training_questions: TrainingQuestionsTable;
  training_course_versions: TrainingCourseVersionsTable;
  training_learners: TrainingLearnersTable;
  training_enrolments: TrainingEnrolmentsTable;
  training_lesson_progress: TrainingLessonProgressTable;
  training_question_stats: TrainingQuestionStatsTable;
  training_certificates: TrainingCertificatesTable;
  // ── campaigns ──
  campaigns: CampaignsTable;
  campaign_days: CampaignDaysTable;
  campaign_events: CampaignEventsTable;
  campaign_pledges: CampaignPledgesTable;
}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: repos accept both. */
export type Executor = Kysely<Database> | Transaction<Database>;
export type User = Selectable<UsersTable>;
export type Dialect = 'sqlite' | 'postgres';
