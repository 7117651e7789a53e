import type { DialectMigration } from '../migration.ts';
import * as core from './2026_11_25_0001_core.ts';
import * as posts from './2026_11_25_0100_posts.ts';
import * as postsImport from './2026_11_25_0101_posts_import.ts';
import * as comments from './2026_11_25_0200_comments.ts';
import * as antispam from './2026_11_25_0201_antispam.ts';
import * as directory from './2026_11_25_0300_directory.ts';
import * as directoryText from './2026_11_25_0301_directory_text.ts';
import * as directorySearch from './2026_11_25_0302_directory_search.ts';
import * as training from './2026_11_25_0400_training.ts';
import * as campaigns from './2026_11_25_0500_campaigns.ts';
import * as campaignEventRepeat from './2026_11_25_0501_campaign_event_repeat.ts';
import * as pageCache from './2026_11_25_0600_page_cache.ts';
import * as failedLogins from './2026_11_25_0700_failed_logins.ts';
import * as demoContent from './2026_11_25_0701_demo_content.ts';
import * as hsdsTables from './2026_11_29_0100_hsds_tables.ts';
import * as directorySynonyms from './2026_11_29_0200_directory_synonyms.ts';
import * as accountSecurity from './2026_11_29_0300_account_security.ts';
import * as trainingReveal from './2026_11_29_0400_training_reveal.ts';
import * as hsdsSync from './2026_11_29_1600_hsds_sync.ts';
import * as sharedGuards from './2026_11_29_1620_shared_guards.ts';
import * as mediaFiles from './2026_11_29_1630_media_files.ts';
import * as locationPointCover from './2026_11_29_1900_location_point_cover.ts';
import * as directorySearchRows from './2026_11_29_2200_directory_search_rows.ts';

/*
 * Every migration, in the order it runs. Names sort by date; a feature adds its own file
 * (under its folder or here) and one line below. Never edit a migration that has shipped.
 */
export const migrations: Record<string, DialectMigration> = {
  '2026_11_25_0001_core': core,
  '2026_11_25_0100_posts': posts,
  '2026_11_25_0101_posts_import': postsImport,
  '2026_11_25_0200_comments': comments,
  '2026_11_25_0201_antispam': antispam,
  '2026_11_25_0300_directory': directory,
  '2026_11_25_0301_directory_text': directoryText,
  '2026_11_25_0302_directory_search': directorySearch,
  '2026_11_25_0400_training': training,
  '2026_11_25_0500_campaigns': campaigns,
  '2026_11_25_0501_campaign_event_repeat': campaignEventRepeat,
  '2026_11_25_0600_page_cache': pageCache,
  '2026_11_25_0700_failed_logins': failedLogins,
  '2026_11_25_0701_demo_content': demoContent,
  '2026_11_29_0100_hsds_tables': hsdsTables,
  '2026_11_29_0200_directory_synonyms': directorySynonyms,
  '2026_11_29_0300_account_security': accountSecurity,
  '2026_11_29_0400_training_reveal': trainingReveal,
  '2026_11_29_1600_hsds_sync': hsdsSync,
  '2026_11_29_1620_shared_guards': sharedGuards,
  '2026_11_29_1630_media_files': mediaFiles,
  '2026_11_29_1900_location_point_cover': locationPointCover,
  '2026_11_29_2200_directory_search_rows': directorySearchRows,
};
