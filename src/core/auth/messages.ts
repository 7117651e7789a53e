import { defineMessages } from '../i18n/index.ts';

/* Staff accounts: creating them, logging in (and the failed-login notice), passwords. */
export const { t, msg } = defineMessages('auth', {
  en: {
    emailInvalid: 'Give a valid e-mail address, such as name@example.org.',
    roleInvalid: 'Role must be one of admin, editor, moderator or trainer.',
    passwordTooShort: 'Passwords must have at least {min} characters.',
    emailTaken: 'An account with that e-mail address already exists.',
    loginFailed: 'That e-mail address and password do not match an account.',
    cannotDisableSelf: 'You cannot disable your own account.',
    accountMissing: 'That account does not exist.',
    currentPasswordWrong: 'Your current password is not right.',
    newPasswordTooShort: 'Choose a new password of at least {min} characters.',
    failedLoginOne: '1 failed attempt to log into your account since your last login.',
    failedLoginsMany: '{count} failed attempts to log into your account since your last login.',
    failedLoginsAdvice: 'If that was not you, someone may be trying to guess your password:',
    changePasswordLink: 'choose a new, longer one.',
  },
  fr: {
    emailInvalid: 'Indiquez une adresse e-mail valide, par exemple nom@example.org.',
    roleInvalid: 'Le rôle doit être admin, editor, moderator ou trainer.',
    passwordTooShort: 'Les mots de passe doivent avoir au moins {min} caractères.',
    emailTaken: 'Un compte existe déjà avec cette adresse e-mail.',
    loginFailed: 'Cette adresse e-mail et ce mot de passe ne correspondent à aucun compte.',
    cannotDisableSelf: 'Vous ne pouvez pas désactiver votre propre compte.',
    accountMissing: 'Ce compte n’existe pas.',
    currentPasswordWrong: 'Votre mot de passe actuel n’est pas le bon.',
    newPasswordTooShort: 'Choisissez un nouveau mot de passe d’au moins {min} caractères.',
    failedLoginOne: '1 tentative de connexion à votre compte a échoué depuis votre dernière connexion.',
    failedLoginsMany: '{count} tentatives de connexion à votre compte ont échoué depuis votre dernière connexion.',
    failedLoginsAdvice: 'Si ce n’était pas vous, quelqu’un essaie peut-être de deviner votre mot de passe :',
    changePasswordLink: 'choisissez-en un nouveau, plus long.',
  },
});
