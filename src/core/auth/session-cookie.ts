/*
 * The staff session cookie's name and lifetime in one place: the login sets it, the plugin reads
 * it, and the staff footer tells staff exactly what it is (so the sentence cannot drift from it).
 */
export const SESSION_COOKIE = 'alongside_staff';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
