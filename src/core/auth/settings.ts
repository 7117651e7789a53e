import { intSetting } from '../settings/index.ts';

/** 1 when every staff member must use a second factor: one without is sent to enrolment after login. */
export const REQUIRE_TOTP = intSetting('auth.require_totp', { defaultValue: 0, min: 0, max: 1 });
